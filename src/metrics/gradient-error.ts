/**
 * Gradient error of an alpha matte, as in the Deep Image Matting evaluation:
 * Grad = Σ_region (‖∇p‖ − ‖∇g‖)² / 1000.
 *
 * ∇ is DIM's MATLAB `gaussgradient(I, 1.4)`: a 9×9 kernel hx(i, j) = G(i − h)·dG(j − h) (G along rows,
 * its derivative along columns), scaled to unit L2 norm, hy = hxᵀ, applied with
 * `imfilter(I, h, 'replicate', 'conv')` — a true convolution with replicated borders.
 * hx is an outer product and replicate-clamping acts on each axis on its own, so two 1-D passes give
 * exactly the 2-D result (up to summation order); ‖hx‖ = ‖G‖·‖dG‖, so each factor is normalised alone.
 */

import type { PlaneF32 } from '../core/image.ts';
import { assertComparable } from './region.ts';

export const GRADIENT_SIGMA = 1.4;

/** DIM's half-width: where the Gaussian falls below ε = 0.01 of its peak density; 4 for σ = 1.4. */
export function gaussianHalfWidth(sigma: number): number {
  const epsilon = 1e-2;
  return Math.ceil(sigma * Math.sqrt(-2 * Math.log(Math.sqrt(2 * Math.PI) * sigma * epsilon)));
}

/** The two unit-norm 1-D factors of hx: `smooth` (G) and `derivative` (dG), index k ↔ offset k − h. */
export function gaussianDerivativeFactors(sigma: number): { smooth: Float64Array; derivative: Float64Array } {
  const half = gaussianHalfWidth(sigma);
  const size = 2 * half + 1;
  const smooth = new Float64Array(size);
  const derivative = new Float64Array(size);
  for (let k = 0; k < size; k++) {
    const x = k - half;
    const g = Math.exp((-x * x) / (2 * sigma * sigma)) / (sigma * Math.sqrt(2 * Math.PI));
    smooth[k] = g;
    derivative[k] = (-x * g) / (sigma * sigma);
  }
  normalise(smooth);
  normalise(derivative);
  return { smooth, derivative };
}

function normalise(v: Float64Array): void {
  let sq = 0;
  for (let k = 0; k < v.length; k++) sq += v[k] * v[k];
  const inv = 1 / Math.sqrt(sq);
  for (let k = 0; k < v.length; k++) v[k] *= inv;
}

/** Convolves every row with `kernel` (flipped, replicate borders). */
function convolveRows(
  src: ArrayLike<number>,
  width: number,
  height: number,
  kernel: Float64Array,
  out: Float64Array,
): void {
  const size = kernel.length;
  const half = (size - 1) >> 1;
  // Padded copy of one row: padded[x + half] = row[x], the ends repeat the edge pixels.
  const padded = new Float64Array(width + 2 * half);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    const first = src[row];
    const last = src[row + width - 1];
    for (let k = 0; k < half; k++) {
      padded[k] = first;
      padded[half + width + k] = last;
    }
    for (let x = 0; x < width; x++) padded[half + x] = src[row + x];
    for (let x = 0; x < width; x++) {
      // out(x) = Σ_k kernel[k] · row(x + half − k), i.e. padded[x + 2·half − k].
      const base = x + 2 * half;
      let sum = 0;
      for (let k = 0; k < size; k++) sum += kernel[k] * padded[base - k];
      out[row + x] = sum;
    }
  }
}

/** Convolves every column with `kernel` (flipped, replicate borders), a whole row at a time. */
function convolveColumns(
  src: Float64Array,
  width: number,
  height: number,
  kernel: Float64Array,
  out: Float64Array,
): void {
  const size = kernel.length;
  const half = (size - 1) >> 1;
  // Start of the (clamped) source row each tap reads, refreshed per output row.
  const from = new Int32Array(size);
  for (let y = 0; y < height; y++) {
    for (let k = 0; k < size; k++) {
      const sy = y + half - k;
      from[k] = (sy < 0 ? 0 : sy >= height ? height - 1 : sy) * width;
    }
    const dst = y * width;
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let k = 0; k < size; k++) sum += kernel[k] * src[from[k] + x];
      out[dst + x] = sum;
    }
  }
}

/**
 * The x and y derivatives of `plane` by DIM's `gaussgradient` (float64, row-major).
 * gx responds to change along x (columns), gy along y (rows).
 */
export function gaussianGradient(
  plane: PlaneF32,
  sigma = GRADIENT_SIGMA,
): { gx: Float64Array; gy: Float64Array } {
  const { width, height, data } = plane;
  const { smooth, derivative } = gaussianDerivativeFactors(sigma);
  const n = width * height;
  const gx = new Float64Array(n);
  const gy = new Float64Array(n);
  if (n === 0) return { gx, gy };
  const tmp = new Float64Array(n);
  // hx(i, j) = smooth[i]·derivative[j]: derivative across each row, smoothing down each column.
  convolveRows(data, width, height, derivative, tmp);
  convolveColumns(tmp, width, height, smooth, gx);
  // hy = hxᵀ: smoothing across each row, derivative down each column.
  convolveRows(data, width, height, smooth, tmp);
  convolveColumns(tmp, width, height, derivative, gy);
  return { gx, gy };
}

/** ‖∇I‖ = sqrt(gx² + gy²) per pixel. */
export function gaussianGradientMagnitude(plane: PlaneF32, sigma = GRADIENT_SIGMA): Float64Array {
  const { gx, gy } = gaussianGradient(plane, sigma);
  for (let p = 0; p < gx.length; p++) gx[p] = Math.sqrt(gx[p] * gx[p] + gy[p] * gy[p]);
  return gx;
}

/**
 * Σ_region (‖∇p‖ − ‖∇g‖)² / 1000; every pixel when `region` is undefined. The gradients are taken
 * over the whole image so pixels at the region's edge see their true neighbours.
 */
export function gradientError(pred: PlaneF32, truth: PlaneF32, region?: Uint8Array): number {
  assertComparable(pred, truth, region, 'gradientError');
  const mp = gaussianGradientMagnitude(pred);
  const mg = gaussianGradientMagnitude(truth);
  let sum = 0;
  for (let p = 0; p < mp.length; p++) {
    if (region !== undefined && region[p] === 0) continue;
    const d = mp[p] - mg[p];
    sum += d * d;
  }
  return sum / 1000;
}
