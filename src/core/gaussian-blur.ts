/**
 * Separable Gaussian blur: one 1-D pass along rows, one down columns. The kernel has radius ceil(3σ)
 * (it keeps 99.7 % of the mass) and is normalised to sum 1 after truncation, so flat regions stay flat.
 * Borders replicate the edge pixel, which is what a matte wants: no fade towards 0 at the image edge.
 */

import type { InterleavedF32, PlaneF32 } from './image.ts';

/** Normalised 1-D kernel of length 2·ceil(3σ) + 1; σ = 0 gives the identity kernel [1]. */
export function gaussianKernel(sigma: number): Float32Array {
  if (!Number.isFinite(sigma) || sigma < 0) {
    throw new RangeError(`gaussianKernel: sigma must be finite and ≥ 0, got ${sigma}`);
  }
  const radius = Math.ceil(3 * sigma);
  const kernel = new Float32Array(2 * radius + 1);
  if (radius === 0) {
    kernel[0] = 1;
    return kernel;
  }
  const weights = new Float64Array(kernel.length);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) {
    const w = Math.exp(-(i * i) / (2 * sigma * sigma));
    weights[i + radius] = w;
    sum += w;
  }
  for (let i = 0; i < kernel.length; i++) kernel[i] = weights[i] / sum;
  return kernel;
}

export function gaussianBlurPlane(plane: PlaneF32, sigma: number): PlaneF32 {
  const { width, height } = plane;
  return { width, height, data: gaussianBlur(plane.data, width, height, 1, sigma) };
}

/** Each channel blurred on its own. */
export function gaussianBlurInterleaved(image: InterleavedF32, sigma: number): InterleavedF32 {
  const { width, height, channels } = image;
  return { width, height, channels, data: gaussianBlur(image.data, width, height, channels, sigma) };
}

/** Gaussian blur of interleaved data with `channels` samples per pixel (1 for a plane). */
export function gaussianBlur(
  src: Float32Array,
  width: number,
  height: number,
  channels: number,
  sigma: number,
): Float32Array {
  if (src.length !== width * height * channels) {
    throw new RangeError(`gaussianBlur: ${src.length} samples for ${width}×${height}×${channels}`);
  }
  const kernel = gaussianKernel(sigma);
  const radius = (kernel.length - 1) / 2;
  if (radius === 0 || src.length === 0) return src.slice();
  // half[t] is the weight at offset ±t.
  const half = kernel.subarray(radius);
  const centreWeight = kernel[radius];
  const c = channels;
  const rowLength = width * c;

  // Horizontal pass. Each row is copied into a buffer padded with replicated edge pixels so the inner
  // loop has no bounds tests.
  const rows = new Float32Array(src.length);
  const padded = new Float32Array((width + 2 * radius) * c);
  for (let y = 0; y < height; y++) {
    const row = y * rowLength;
    padded.set(src.subarray(row, row + rowLength), radius * c);
    for (let k = 0; k < c; k++) {
      const first = src[row + k];
      const last = src[row + rowLength - c + k];
      for (let p = 0; p < radius; p++) {
        padded[p * c + k] = first;
        padded[(radius + width + p) * c + k] = last;
      }
    }
    // The kernel is symmetric: pair the samples at ±t and halve the multiplies.
    for (let i = 0; i < rowLength; i++) {
      const centre = i + radius * c;
      let sum = centreWeight * padded[centre];
      for (let t = 1, d = c; t <= radius; t++, d += c)
        sum += half[t] * (padded[centre - d] + padded[centre + d]);
      rows[row + i] = sum;
    }
  }

  // Vertical pass a whole output row at a time (rows read in order), clamping the source row index.
  const out = new Float32Array(src.length);
  const acc = new Float64Array(rowLength);
  for (let y = 0; y < height; y++) {
    const centreRow = y * rowLength;
    for (let i = 0; i < rowLength; i++) acc[i] = centreWeight * rows[centreRow + i];
    for (let t = 1; t <= radius; t++) {
      const above = Math.max(y - t, 0) * rowLength;
      const below = Math.min(y + t, height - 1) * rowLength;
      const w = half[t];
      for (let i = 0; i < rowLength; i++) acc[i] += w * (rows[above + i] + rows[below + i]);
    }
    out.set(acc, centreRow);
  }
  return out;
}
