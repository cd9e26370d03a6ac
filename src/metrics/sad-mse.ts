/**
 * SAD and MSE of an alpha matte as reported by the Deep Image Matting evaluation:
 * SAD = Σ|p − g| / 1000 and MSE = mean (p − g)² × 1000, both over the region (every pixel when
 * `region` is undefined). Accumulated in float64 so large images do not lose precision.
 */

import type { PlaneF32 } from '../core/image.ts';
import { assertComparable } from './region.ts';

/** Sum of absolute differences over the region, divided by 1000. */
export function sadError(pred: PlaneF32, truth: PlaneF32, region?: Uint8Array): number {
  assertComparable(pred, truth, region, 'sadError');
  const p = pred.data;
  const g = truth.data;
  let sum = 0;
  for (let i = 0; i < p.length; i++) {
    if (region !== undefined && region[i] === 0) continue;
    sum += Math.abs(p[i] - g[i]);
  }
  return sum / 1000;
}

/** Mean squared difference over the region, times 1000; 0 when the region is empty. */
export function mseError(pred: PlaneF32, truth: PlaneF32, region?: Uint8Array): number {
  assertComparable(pred, truth, region, 'mseError');
  const p = pred.data;
  const g = truth.data;
  let sum = 0;
  let count = 0;
  for (let i = 0; i < p.length; i++) {
    if (region !== undefined && region[i] === 0) continue;
    const d = p[i] - g[i];
    sum += d * d;
    count++;
  }
  return count === 0 ? 0 : (sum / count) * 1000;
}
