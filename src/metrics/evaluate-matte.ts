/**
 * The four Deep Image Matting metrics of a predicted alpha matte against its ground truth, over the
 * trimap's unknown band (the whole image without a trimap).
 */

import type { PlaneF32, Trimap } from '../core/image.ts';
import { assertSameSize } from '../core/image.ts';
import { connectivityError } from './connectivity-error.ts';
import { gradientError } from './gradient-error.ts';
import { unknownRegion } from './region.ts';
import { mseError, sadError } from './sad-mse.ts';

export interface MatteMetrics {
  sad: number;
  mse: number;
  grad: number;
  conn: number;
}

export function evaluateMatte(pred: PlaneF32, truth: PlaneF32, trimap?: Trimap): MatteMetrics {
  assertSameSize(pred, truth, 'evaluateMatte: prediction vs truth');
  if (trimap !== undefined) assertSameSize(pred, trimap, 'evaluateMatte: prediction vs trimap');
  const region = unknownRegion(trimap);
  return {
    sad: sadError(pred, truth, region),
    mse: mseError(pred, truth, region),
    grad: gradientError(pred, truth, region),
    conn: connectivityError(pred, truth, region),
  };
}
