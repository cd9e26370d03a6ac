/**
 * Whole-image metrics for segmentation masks and coarse mattes: SAD (Σ|p − g| / 1000), MSE
 * (mean (p − g)² × 1000), MAE (mean |p − g|, unscaled) and IoU of the masks thresholded at 0.5.
 */

import type { PlaneF32 } from '../core/image.ts';
import { assertComparable } from './region.ts';
import { mseError, sadError } from './sad-mse.ts';

export interface MaskMetrics {
  sad: number;
  mse: number;
  mae: number;
  iou: number;
}

/** Mean absolute difference over every pixel, no scaling; 0 for an empty image. */
export function meanAbsoluteError(pred: PlaneF32, truth: PlaneF32): number {
  assertComparable(pred, truth, undefined, 'meanAbsoluteError');
  const p = pred.data;
  const g = truth.data;
  let sum = 0;
  for (let i = 0; i < p.length; i++) sum += Math.abs(p[i] - g[i]);
  return p.length === 0 ? 0 : sum / p.length;
}

/** Intersection over union of (p ≥ 0.5) and (g ≥ 0.5); two empty masks agree perfectly, IoU = 1. */
export function maskIou(pred: PlaneF32, truth: PlaneF32, threshold = 0.5): number {
  assertComparable(pred, truth, undefined, 'maskIou');
  const p = pred.data;
  const g = truth.data;
  let intersection = 0;
  let union = 0;
  for (let i = 0; i < p.length; i++) {
    const a = p[i] >= threshold;
    const b = g[i] >= threshold;
    if (a && b) intersection++;
    if (a || b) union++;
  }
  return union === 0 ? 1 : intersection / union;
}

/** All four mask metrics over the whole image. */
export function evaluateMask(pred: PlaneF32, truth: PlaneF32): MaskMetrics {
  return {
    sad: sadError(pred, truth),
    mse: mseError(pred, truth),
    mae: meanAbsoluteError(pred, truth),
    iou: maskIou(pred, truth),
  };
}
