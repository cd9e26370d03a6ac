/**
 * Exact squared Euclidean distance transform in O(N) (Felzenszwalb & Huttenlocher, "Distance Transforms
 * of Sampled Functions", Theory of Computing 2012).
 *
 * The 2-D transform is separable: first, down each column, the distance to the nearest feature pixel in
 * that column; then, along each row, the lower envelope of the parabolas (x − q)² + g(q)². The order of
 * the axes does not change the result; we scan columns first because a column scan can run a whole row
 * at a time (memory read in order), and the lower-envelope pass, which needs random access within a line,
 * then runs along contiguous rows. For a 0/∞ input the F&H 1-D transform reduces to that two-way scan.
 *
 * Distances are exact integers computed in Float64 and stored in Float32, which holds integers exactly up
 * to 2^24 (a distance of 4096 px); larger values round, but monotonically, so tests of the form d ≤ r²
 * stay exact for any r ≤ 4096. With no feature pixel at all every distance is +Infinity.
 */

import type { PlaneF32, PlaneU8 } from './image.ts';

/**
 * Squared distance from every pixel to the nearest feature pixel. Feature pixels are the set (non-zero)
 * pixels of `mask`, or its unset (zero) pixels with `target = 'unset'`. Pixels outside the image are never
 * features. (Dilation and erosion by a radius, which only ask "d ≤ r?", have a cheaper way: core/morphology.ts.)
 */
export function squaredDistanceTransform(mask: PlaneU8, target: 'set' | 'unset' = 'set'): PlaneF32 {
  const { width, height, data } = mask;
  if (data.length !== width * height) {
    throw new RangeError(`squaredDistanceTransform: ${data.length} pixels for ${width}×${height}`);
  }
  const out = new Float32Array(data.length);
  if (data.length === 0) return { width, height, data: out };
  const wantSet = target === 'set';

  // Column pass, downwards then upwards: vertical distance to the nearest feature in the same column.
  for (let x = 0; x < width; x++) out[x] = (data[x] !== 0) === wantSet ? 0 : Infinity;
  for (let y = 1; y < height; y++) {
    const row = y * width;
    for (let i = row; i < row + width; i++) {
      out[i] = (data[i] !== 0) === wantSet ? 0 : out[i - width] + 1;
    }
  }
  for (let y = height - 2; y >= 0; y--) {
    const row = y * width;
    for (let i = row; i < row + width; i++) {
      const below = out[i + width] + 1;
      if (below < out[i]) out[i] = below;
    }
  }

  // Row pass: lower envelope of parabolas rooted at (q, g(q)²).
  const f = new Float64Array(width);
  const v = new Int32Array(width); // roots of the parabolas in the envelope
  const z = new Float64Array(width + 1); // boundaries between them
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let q = 0; q < width; q++) {
      const g = out[row + q];
      f[q] = g * g;
    }
    // Columns with no feature (g = ∞) cannot be on the envelope; leaving them out keeps every
    // intersection a finite, exactly computed number.
    let k = -1;
    for (let q = 0; q < width; q++) {
      const fq = f[q];
      if (fq === Infinity) continue;
      if (k < 0) {
        k = 0;
        v[0] = q;
        z[0] = -Infinity;
        z[1] = Infinity;
        continue;
      }
      let s = intersection(f, v[k], q, fq);
      while (s <= z[k]) {
        k--;
        s = intersection(f, v[k], q, fq);
      }
      k++;
      v[k] = q;
      z[k] = s;
      z[k + 1] = Infinity;
    }
    if (k < 0) continue; // no feature anywhere in this row's columns: the row stays ∞
    k = 0;
    for (let q = 0; q < width; q++) {
      while (z[k + 1] < q) k++;
      const p = v[k];
      const d = q - p;
      out[row + q] = d * d + f[p];
    }
  }
  return { width, height, data: out };
}

/** Abscissa where the parabola rooted at q overtakes the one rooted at p (p < q). z[0] = −∞ ends the loop. */
function intersection(f: Float64Array, p: number, q: number, fq: number): number {
  return (fq + q * q - (f[p] + p * p)) / (2 * (q - p));
}
