/**
 * Fills the pixels a mask leaves out with a smooth extrapolation of the pixels it keeps ("pull-push",
 * Gortler et al. 1996): a pyramid of mask-weighted 2×2 averages (pull), then each level's gaps filled from
 * the coarser level, bilinearly (push). O(N), no iteration count to tune, and exact on kept pixels.
 *
 * Used for the background plate (the backdrop's colour behind the subject) and for the subject's colour
 * near its edge, both of which vary slowly in a studio photo.
 */
import type { InterleavedF32 } from '../../core/image.ts';

interface Level {
  width: number;
  height: number;
  /** Weighted mean RGB per pixel (after the pull). */
  values: Float32Array;
  /** Weight in [0, 1]: 1 = known, 0 = nothing below it known. */
  weight: Float32Array;
}

/**
 * Returns an RGB image equal to `image` where `keep` is non-zero and filled elsewhere. With no kept pixel
 * at all the result is `fallback` (default 0.5) everywhere.
 */
export function pullPushFill(image: InterleavedF32, keep: Uint8Array, fallback = 0.5): InterleavedF32 {
  const { width, height, channels: c, data } = image;
  if (c !== 3) throw new RangeError(`pullPushFill: needs an RGB image, got ${c} channels`);
  const n = width * height;
  const base: Level = { width, height, values: new Float32Array(3 * n), weight: new Float32Array(n) };
  let kept = 0;
  for (let i = 0; i < n; i++) {
    if (keep[i] === 0) continue;
    kept++;
    base.weight[i] = 1;
    base.values[3 * i] = data[3 * i];
    base.values[3 * i + 1] = data[3 * i + 1];
    base.values[3 * i + 2] = data[3 * i + 2];
  }
  if (kept === 0) return { width, height, channels: 3, data: new Float32Array(3 * n).fill(fallback) };

  // Pull: each coarser pixel averages its (up to) 2×2 children by weight; weights saturate at 1.
  const levels: Level[] = [base];
  for (let fine = base; fine.width > 1 || fine.height > 1; ) {
    const cw = (fine.width + 1) >> 1;
    const ch = (fine.height + 1) >> 1;
    const values = new Float32Array(3 * cw * ch);
    const weight = new Float32Array(cw * ch);
    for (let y = 0; y < fine.height; y++) {
      const row = (y >> 1) * cw;
      for (let x = 0, f = y * fine.width; x < fine.width; x++, f++) {
        const wgt = fine.weight[f];
        if (wgt === 0) continue;
        const q = row + (x >> 1);
        weight[q] += wgt;
        values[3 * q] += wgt * fine.values[3 * f];
        values[3 * q + 1] += wgt * fine.values[3 * f + 1];
        values[3 * q + 2] += wgt * fine.values[3 * f + 2];
      }
    }
    for (let q = 0; q < cw * ch; q++) {
      const wgt = weight[q];
      if (wgt === 0) continue;
      const inv = 1 / wgt;
      values[3 * q] *= inv;
      values[3 * q + 1] *= inv;
      values[3 * q + 2] *= inv;
      if (wgt > 1) weight[q] = 1;
    }
    fine = { width: cw, height: ch, values, weight };
    levels.push(fine);
  }

  // Push: blend each level with the coarser one where its own weight falls short of 1.
  for (let l = levels.length - 2; l >= 0; l--) {
    const fine = levels[l];
    const coarse = levels[l + 1];
    const cv = coarse.values;
    const cw = coarse.width;
    // Bilinear taps in the coarser grid, per fine column (pixel centres aligned).
    const x0s = new Int32Array(fine.width);
    const x1s = new Int32Array(fine.width);
    const fxs = new Float32Array(fine.width);
    for (let x = 0; x < fine.width; x++) {
      const pos = Math.min(Math.max((x + 0.5) / 2 - 0.5, 0), cw - 1);
      x0s[x] = Math.floor(pos);
      x1s[x] = Math.min(x0s[x] + 1, cw - 1);
      fxs[x] = pos - x0s[x];
    }
    for (let y = 0; y < fine.height; y++) {
      const pos = Math.min(Math.max((y + 0.5) / 2 - 0.5, 0), coarse.height - 1);
      const y0 = Math.floor(pos);
      const fy = pos - y0;
      const a = y0 * cw;
      const b = Math.min(y0 + 1, coarse.height - 1) * cw;
      for (let x = 0, f = y * fine.width; x < fine.width; x++, f++) {
        const wgt = fine.weight[f];
        if (wgt >= 1) continue;
        const fx = fxs[x];
        const w00 = (1 - fx) * (1 - fy);
        const w01 = fx * (1 - fy);
        const w10 = (1 - fx) * fy;
        const w11 = fx * fy;
        const q00 = 3 * (a + x0s[x]);
        const q01 = 3 * (a + x1s[x]);
        const q10 = 3 * (b + x0s[x]);
        const q11 = 3 * (b + x1s[x]);
        const keepOwn = wgt;
        const take = 1 - wgt;
        for (let k = 0; k < 3; k++) {
          const filled = w00 * cv[q00 + k] + w01 * cv[q01 + k] + w10 * cv[q10 + k] + w11 * cv[q11 + k];
          fine.values[3 * f + k] = keepOwn * fine.values[3 * f + k] + take * filled;
        }
        fine.weight[f] = 1;
      }
    }
  }
  return { width, height, channels: 3, data: base.values };
}
