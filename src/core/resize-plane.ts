/**
 * Resize a Float32 plane (or interleaved image) to any size. Masks from networks come out at the model's
 * resolution and are brought to the image's size with this.
 *
 * - `bilinear`: pixel centres aligned, as PyTorch's `align_corners=false` (and OpenCV's INTER_LINEAR):
 *   output pixel x samples source position (x + 0.5) · srcW / dstW − 0.5, clamped to the edge pixels.
 *   Right for upscaling; when shrinking it skips source pixels (aliasing), so use `area` there.
 * - `area`: each output pixel is the exact average of the source area it covers, source pixels weighted
 *   by their fractional overlap with the output pixel's footprint [x · srcW / dstW, (x + 1) · srcW / dstW).
 *   For downscaling this is a box filter that keeps every pixel's contribution (and the mean exactly);
 *   for upscaling an output pixel lies inside one source pixel (a copy) or straddles two or four (a
 *   coverage-weighted mix), i.e. nearest-neighbour with exact fractional edges. Unlike PyTorch's
 *   `area` mode (integer bins) the overlap is fractional for non-integer ratios too.
 *
 * Both are separable, so they run as two 1-D passes with precomputed per-axis weights; the cheaper axis
 * order is chosen from the tap counts.
 */

import type { InterleavedF32, PlaneF32 } from './image.ts';

export type ResizeMethod = 'bilinear' | 'area';
export const RESIZE_METHODS: readonly ResizeMethod[] = ['bilinear', 'area'];

export function resizePlane(
  plane: PlaneF32,
  width: number,
  height: number,
  method: ResizeMethod = 'bilinear',
): PlaneF32 {
  const data = resize(plane.data, plane.width, plane.height, 1, width, height, method);
  return { width, height, data };
}

/** Each channel resized on its own. Resize premultiplied colour, not straight colour, when alpha varies. */
export function resizeInterleaved(
  image: InterleavedF32,
  width: number,
  height: number,
  method: ResizeMethod = 'bilinear',
): InterleavedF32 {
  const { channels } = image;
  const data = resize(image.data, image.width, image.height, channels, width, height, method);
  return { width, height, channels, data };
}

/** Source taps of output index i: weights[offset[i] + t] applies to source index start[i] + t. */
interface AxisWeights {
  start: Int32Array;
  offset: Int32Array;
  weights: Float64Array;
}

function resize(
  src: Float32Array,
  srcWidth: number,
  srcHeight: number,
  channels: number,
  width: number,
  height: number,
  method: ResizeMethod,
): Float32Array {
  for (const [name, v] of [
    ['width', width],
    ['height', height],
    ['source width', srcWidth],
    ['source height', srcHeight],
  ] as const) {
    if (!Number.isInteger(v) || v < 1)
      throw new RangeError(`resize: ${name} must be an integer ≥ 1, got ${v}`);
  }
  if (src.length !== srcWidth * srcHeight * channels) {
    throw new RangeError(`resize: ${src.length} samples for ${srcWidth}×${srcHeight}×${channels}`);
  }
  if (method !== 'bilinear' && method !== 'area') throw new RangeError(`resize: unknown method ${method}`);
  const axis = method === 'bilinear' ? bilinearWeights : areaWeights;
  const xw = axis(srcWidth, width);
  const yw = axis(srcHeight, height);

  // Multiply-adds of each order: rows first works on all source rows, columns first on all source columns.
  const xTaps = xw.weights.length / width;
  const yTaps = yw.weights.length / height;
  const rowsFirst = srcHeight * width * xTaps + height * width * yTaps;
  const columnsFirst = height * srcWidth * yTaps + height * width * xTaps;
  if (rowsFirst <= columnsFirst) {
    const mid = resampleRows(src, srcWidth, srcHeight, channels, xw, width);
    return resampleColumns(mid, width, channels, yw, height);
  }
  const mid = resampleColumns(src, srcWidth, channels, yw, height);
  return resampleRows(mid, srcWidth, height, channels, xw, width);
}

function bilinearWeights(srcSize: number, size: number): AxisWeights {
  const scale = srcSize / size;
  const start = new Int32Array(size);
  const offset = new Int32Array(size + 1);
  const weights: number[] = [];
  for (let i = 0; i < size; i++) {
    offset[i] = weights.length;
    const pos = Math.max((i + 0.5) * scale - 0.5, 0);
    const i0 = Math.min(Math.floor(pos), srcSize - 1);
    start[i] = i0;
    const f = pos - i0;
    if (i0 < srcSize - 1 && f > 0) weights.push(1 - f, f);
    else weights.push(1);
  }
  offset[size] = weights.length;
  return { start, offset, weights: Float64Array.from(weights) };
}

function areaWeights(srcSize: number, size: number): AxisWeights {
  const start = new Int32Array(size);
  const offset = new Int32Array(size + 1);
  const weights: number[] = [];
  for (let i = 0; i < size; i++) {
    offset[i] = weights.length;
    // (i · srcSize) / size is exact whenever the true value is an integer, so integer ratios give
    // whole-pixel footprints with no sliver taps.
    const a = (i * srcSize) / size;
    const b = ((i + 1) * srcSize) / size;
    const first = Math.floor(a);
    const last = Math.min(Math.ceil(b) - 1, srcSize - 1);
    start[i] = first;
    let sum = 0;
    for (let j = first; j <= last; j++) sum += Math.min(j + 1, b) - Math.max(j, a);
    for (let j = first; j <= last; j++) weights.push((Math.min(j + 1, b) - Math.max(j, a)) / sum);
  }
  offset[size] = weights.length;
  return { start, offset, weights: Float64Array.from(weights) };
}

/** Resample along x: (srcWidth × height) → (width × height). */
function resampleRows(
  src: Float32Array,
  srcWidth: number,
  height: number,
  c: number,
  xw: AxisWeights,
  width: number,
): Float32Array {
  const { start, offset, weights } = xw;
  const out = new Float32Array(width * height * c);
  const srcRowLength = srcWidth * c;
  for (let y = 0; y < height; y++) {
    const srcRow = y * srcRowLength;
    let o = y * width * c;
    for (let x = 0; x < width; x++) {
      const t0 = offset[x];
      const t1 = offset[x + 1];
      const base = srcRow + start[x] * c;
      for (let k = 0; k < c; k++, o++) {
        let sum = 0;
        for (let t = t0, j = base + k; t < t1; t++, j += c) sum += weights[t] * src[j];
        out[o] = sum;
      }
    }
  }
  return out;
}

/** Resample along y: (width × srcHeight) → (width × height), a whole row at a time. */
function resampleColumns(
  src: Float32Array,
  width: number,
  c: number,
  yw: AxisWeights,
  height: number,
): Float32Array {
  const { start, offset, weights } = yw;
  const rowLength = width * c;
  const out = new Float32Array(rowLength * height);
  const acc = new Float64Array(rowLength);
  for (let y = 0; y < height; y++) {
    const t0 = offset[y];
    const t1 = offset[y + 1];
    const o = y * rowLength;
    if (t1 - t0 === 1) {
      // A single tap has weight 1: a plain row copy (identity size, nearest rows, image edges).
      const s = start[y] * rowLength;
      out.set(src.subarray(s, s + rowLength), o);
      continue;
    }
    acc.fill(0);
    for (let t = t0; t < t1; t++) {
      const s = (start[y] + t - t0) * rowLength;
      const w = weights[t];
      for (let i = 0; i < rowLength; i++) acc[i] += w * src[s + i];
    }
    out.set(acc, o);
  }
  return out;
}
