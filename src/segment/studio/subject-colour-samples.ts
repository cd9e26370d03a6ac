/**
 * Samples of the subject's own colour F for coverage unmixing, taken at full resolution. A working pixel
 * of dense hair averages strands with the gaps between them, so its mean lies part-way to the backdrop,
 * and a subject colour filled from such means makes every strand look more covered than it is. So each
 * subject block gives instead one of its image pixels far from the background plate: the one at rank
 * SUBJECT_RANK by distance, a pixel of strands alone. Not the farthest: of a 6 × 6 block of hair that is the
 * darkest strand, and F would then lie too far.
 */
import type { InterleavedF32 } from '../../core/image.ts';

/** Rank (0 nearest to the plate, 1 farthest) of the image pixel a subject block gives. */
export const SUBJECT_RANK = 0.9;

/**
 * The working image `small` (blocks of factor × factor pixels of `image`) with each subject block (label 1)
 * replaced by its image pixel of rank SUBJECT_RANK in distance from `plate`; other blocks keep their mean.
 */
export function subjectColourSamples(
  image: InterleavedF32,
  small: InterleavedF32,
  plate: InterleavedF32,
  labels: Uint8Array,
  factor: number,
): InterleavedF32 {
  const { width, height, channels, data } = image;
  const { width: w, height: h } = small;
  const out = small.data.slice();
  const b = plate.data;
  const distances = new Float64Array(factor * factor);
  const offsets = new Int32Array(factor * factor);
  for (let Y = 0; Y < h; Y++) {
    const yEnd = Math.min(height, (Y + 1) * factor);
    for (let X = 0; X < w; X++) {
      const q = Y * w + X;
      if (labels[q] === 0) continue;
      const xEnd = Math.min(width, (X + 1) * factor);
      const b0 = b[3 * q];
      const b1 = b[3 * q + 1];
      const b2 = b[3 * q + 2];
      let k = 0;
      for (let y = Y * factor; y < yEnd; y++) {
        for (let x = X * factor; x < xEnd; x++) {
          const o = (y * width + x) * channels;
          distances[k] = (data[o] - b0) ** 2 + (data[o + 1] - b1) ** 2 + (data[o + 2] - b2) ** 2;
          offsets[k++] = o;
        }
      }
      const at = offsets[selectRank(distances, offsets, k, Math.min(k - 1, Math.floor(SUBJECT_RANK * k)))];
      out[3 * q] = data[at];
      out[3 * q + 1] = data[at + 1];
      out[3 * q + 2] = data[at + 2];
    }
  }
  return { width: w, height: h, channels: 3, data: out };
}

/**
 * Quickselect (Hoare): reorders the first `count` keys, carrying `values` along, so the key of rank `rank`
 * (0 = smallest) is at that position; returns the position.
 */
function selectRank(keys: Float64Array, values: Int32Array, count: number, rank: number): number {
  let lo = 0;
  let hi = count - 1;
  while (lo < hi) {
    const pivot = keys[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (keys[i] < pivot) i++;
      while (keys[j] > pivot) j--;
      if (i <= j) {
        const k = keys[i];
        keys[i] = keys[j];
        keys[j] = k;
        const v = values[i];
        values[i] = values[j];
        values[j] = v;
        i++;
        j--;
      }
    }
    if (rank <= j) hi = j;
    else if (rank >= i) lo = i;
    else break;
  }
  return rank;
}
