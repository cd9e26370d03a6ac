/**
 * Mean over a (2r+1)×(2r+1) window in O(1) per pixel, whatever r: a running sum along each row, then a
 * running sum down each column (the box is separable).
 *
 * Borders: the window is clipped to the image and the sum is divided by the number of pixels actually
 * inside it, so a constant image stays constant right up to the edge (no darkening from zero padding,
 * no bias from replicated edge pixels). The clipped window is a rectangle, so that count is
 * countX(x) · countY(y), which lets each pass divide by its own count.
 *
 * Running sums are Float64: adding and subtracting millions of Float32 samples in Float32 drifts visibly
 * on large images. Inputs must be finite; one NaN spoils the rest of its row and column.
 */

import type { InterleavedF32, PlaneF32 } from './image.ts';

export function boxFilterPlane(plane: PlaneF32, radius: number): PlaneF32 {
  const { width, height } = plane;
  return { width, height, data: boxFilter(plane.data, width, height, 1, radius) };
}

/** Each channel filtered on its own. */
export function boxFilterInterleaved(image: InterleavedF32, radius: number): InterleavedF32 {
  const { width, height, channels } = image;
  return { width, height, channels, data: boxFilter(image.data, width, height, channels, radius) };
}

/** Box mean of interleaved data with `channels` samples per pixel (1 for a plane). */
export function boxFilter(
  src: Float32Array,
  width: number,
  height: number,
  channels: number,
  radius: number,
): Float32Array {
  if (!Number.isInteger(radius) || radius < 0) {
    throw new RangeError(`boxFilter: radius must be a non-negative integer, got ${radius}`);
  }
  if (src.length !== width * height * channels) {
    throw new RangeError(`boxFilter: ${src.length} samples for ${width}×${height}×${channels}`);
  }
  const c = channels;
  const rowLength = width * c;
  const rowMeans = new Float32Array(src.length);
  const out = new Float32Array(src.length);
  if (src.length === 0) return out;

  // Horizontal pass: rowMeans = row sum over the clipped window / countX(x).
  const invCountX = inverseWindowCounts(width, radius);
  const firstRight = Math.min(radius, width - 1);
  for (let y = 0; y < height; y++) {
    const row = y * rowLength;
    for (let k = 0; k < c; k++) {
      const base = row + k;
      let sum = 0;
      for (let x = 0; x <= firstRight; x++) sum += src[base + x * c];
      for (let x = 0; x < width; x++) {
        rowMeans[base + x * c] = sum * invCountX[x];
        const enter = x + radius + 1;
        const leave = x - radius;
        if (enter < width) sum += src[base + enter * c];
        if (leave >= 0) sum -= src[base + leave * c];
      }
    }
  }

  // Vertical pass, a whole row at a time so memory is read in order: colSums holds, for every sample
  // of a row, the sum of rowMeans over the rows of the current window.
  const invCountY = inverseWindowCounts(height, radius);
  const colSums = new Float64Array(rowLength);
  const firstBottom = Math.min(radius, height - 1);
  for (let y = 0; y <= firstBottom; y++) {
    const row = y * rowLength;
    for (let i = 0; i < rowLength; i++) colSums[i] += rowMeans[row + i];
  }
  for (let y = 0; y < height; y++) {
    const row = y * rowLength;
    const inv = invCountY[y];
    for (let i = 0; i < rowLength; i++) out[row + i] = colSums[i] * inv;
    const enter = y + radius + 1;
    const leave = y - radius;
    if (enter < height) {
      const enterRow = enter * rowLength;
      for (let i = 0; i < rowLength; i++) colSums[i] += rowMeans[enterRow + i];
    }
    if (leave >= 0) {
      const leaveRow = leave * rowLength;
      for (let i = 0; i < rowLength; i++) colSums[i] -= rowMeans[leaveRow + i];
    }
  }
  return out;
}

/** 1 / (number of positions of [i − r, i + r] inside [0, n)), for every i. */
function inverseWindowCounts(n: number, radius: number): Float64Array {
  const inv = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    inv[i] = 1 / (Math.min(i + radius, n - 1) - Math.max(i - radius, 0) + 1);
  }
  return inv;
}
