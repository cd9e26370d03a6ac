/**
 * Edge-based trimap trimming: the label expansion of Shahrian, Rajan, Price & Cohen ("Improving Image
 * Matting using Comprehensive Sampling Sets", CVPR 2013), which information-flow matting (Aksoy et al.
 * 2017) uses to pre-process its trimaps.
 *
 * Hand-drawn trimaps are generous: next to the known regions the unknown band holds many pixels that
 * are plainly foreground or background. In step i = 1 … steps, every unknown pixel that has a known pixel
 * within i pixels (Chebyshev) whose colour lies within τ_i of its own (Euclidean RGB distance) takes the
 * label of the nearest such pixel (Euclidean pixel distance). The threshold falls linearly from
 * `upperThreshold` towards `lowerThreshold` (reached at the last step) as the reach grows. Each step
 * reads the trimap the previous one left, so labels travel up to 1 + 2 + … + steps pixels in all.
 *
 * Trimmed pixels become known: they get α = 0 or 1 and the matting solve has fewer unknowns.
 *
 * Defaults: Shahrian et al. and the information-flow authors use 9 steps from 9/256. Used as hard
 * labels before the solve, that raised the mean SAD of information-flow matting on the alphamatting.com
 * training images with trimap1 from 3.76 to 3.90; 4 steps from 16/256 lowered it to 3.31 (and on trimap2
 * from 5.71 to 4.83, where 9 steps gave 4.80). Short reach and a colour match that must be close keep the
 * labels right; most of the gain is in the pixels right next to the known regions.
 */

import type { InterleavedF32, Trimap } from '../core/image.ts';
import { isUnknownTrimapValue } from './closed-form-laplacian.ts';

export interface EdgeTrimmingOptions {
  /** Largest reach in pixels, which is also the number of steps. Default 4. */
  steps?: number;
  /** Colour threshold the steps start from, RGB in [0, 1]. Default 16/256. */
  upperThreshold?: number;
  /** Colour threshold of the last step. Default 1/256. */
  lowerThreshold?: number;
}

export interface EdgeTrimmingResult {
  trimap: Trimap;
  /** Unknown pixels that became foreground or background. */
  trimmed: number;
}

export function trimTrimapFromEdges(
  image: InterleavedF32,
  trimap: Trimap,
  options: EdgeTrimmingOptions = {},
): EdgeTrimmingResult {
  const steps = options.steps ?? 4;
  const upper = options.upperThreshold ?? 16 / 256;
  const lower = options.lowerThreshold ?? 1 / 256;
  const { width, height } = trimap;
  if (image.width !== width || image.height !== height) {
    throw new RangeError(`trimap is ${width}×${height}, image is ${image.width}×${image.height}`);
  }
  if (!Number.isInteger(steps) || steps < 0)
    throw new RangeError(`trimming: steps must be ≥ 0, got ${steps}`);
  const colours = image.data;
  const channels = image.channels;

  // Offsets of the largest window, nearest first (ties: row, then column), with their Chebyshev reach.
  const offsets: { dx: number; dy: number; d2: number; reach: number }[] = [];
  for (let dy = -steps; dy <= steps; dy++) {
    for (let dx = -steps; dx <= steps; dx++) {
      if (dx === 0 && dy === 0) continue;
      offsets.push({ dx, dy, d2: dx * dx + dy * dy, reach: Math.max(-dx, dx, -dy, dy) });
    }
  }
  offsets.sort((a, b) => a.d2 - b.d2 || a.dy - b.dy || a.dx - b.dx);

  // Step i can only reach pixels within 1 + 2 + … + i of a pixel known from the start.
  const distance = distanceToKnown(trimap, (steps * (steps + 1)) / 2 + 1);
  let pending: number[] = [];
  for (let p = 0; p < trimap.data.length; p++) {
    if (isUnknownTrimapValue(trimap.data[p]) && distance[p] <= (steps * (steps + 1)) / 2) pending.push(p);
  }

  let current = Uint8Array.from(trimap.data);
  let trimmed = 0;
  for (let step = 1; step <= steps; step++) {
    const threshold = upper - (step * (upper - lower)) / steps;
    const limit = threshold * threshold;
    const reach = (step * (step + 1)) / 2;
    const window = offsets.filter((o) => o.reach <= step);
    const dxs = Int32Array.from(window, (o) => o.dx);
    const dys = Int32Array.from(window, (o) => o.dy);
    const next = Uint8Array.from(current);
    const still: number[] = [];
    for (const p of pending) {
      if (distance[p] > reach) {
        still.push(p);
        continue;
      }
      const x = p % width;
      const y = (p - x) / width;
      const r = colours[p * channels];
      const g = colours[p * channels + 1];
      const b = colours[p * channels + 2];
      let label = -1;
      for (let o = 0; o < dxs.length; o++) {
        const qx = x + dxs[o];
        const qy = y + dys[o];
        if (qx < 0 || qy < 0 || qx >= width || qy >= height) continue;
        const q = qy * width + qx;
        const known = current[q];
        if (known !== 0 && known !== 255) continue;
        const dr = colours[q * channels] - r;
        const dg = colours[q * channels + 1] - g;
        const db = colours[q * channels + 2] - b;
        if (dr * dr + dg * dg + db * db < limit) {
          label = known;
          break;
        }
      }
      if (label < 0) {
        still.push(p);
      } else {
        next[p] = label;
        trimmed++;
      }
    }
    current = next;
    pending = still;
  }
  return { trimap: { data: current, width, height }, trimmed };
}

/** Chessboard distance from each pixel to the nearest known one, capped at `cap`. */
function distanceToKnown(trimap: Trimap, cap: number): Int32Array {
  const { width, height, data } = trimap;
  const d = new Int32Array(width * height);
  for (let p = 0; p < d.length; p++) d[p] = isUnknownTrimapValue(data[p]) ? cap : 0;
  // Two raster passes of the 8-neighbour chamfer: exact for the chessboard metric.
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      let v = d[p];
      if (v === 0) continue;
      if (x > 0) v = Math.min(v, d[p - 1] + 1);
      if (y > 0) {
        v = Math.min(v, d[p - width] + 1);
        if (x > 0) v = Math.min(v, d[p - width - 1] + 1);
        if (x + 1 < width) v = Math.min(v, d[p - width + 1] + 1);
      }
      d[p] = v;
    }
  }
  for (let y = height - 1; y >= 0; y--) {
    for (let x = width - 1; x >= 0; x--) {
      const p = y * width + x;
      let v = d[p];
      if (v === 0) continue;
      if (x + 1 < width) v = Math.min(v, d[p + 1] + 1);
      if (y + 1 < height) {
        v = Math.min(v, d[p + width] + 1);
        if (x + 1 < width) v = Math.min(v, d[p + width + 1] + 1);
        if (x > 0) v = Math.min(v, d[p + width - 1] + 1);
      }
      d[p] = v;
    }
  }
  return d;
}
