/**
 * The outline at the image's own resolution. The cut runs on a working grid of about 0.3 MP, where a
 * 12 MP image's hair strand is a faint tint in one working pixel, too faint to tell from the backdrop's
 * noise there; at full size the strand is a line of pixels half covered or more. So every image pixel
 * near a working pixel that was unmixed, or near the subject (`near`: flyaway hair), is unmixed again
 * against the background plate B and the subject colour F (both smooth, so their bilinear upsampling is
 * exact enough), as in unmix-coverage.ts, and kept where it rises above the backdrop's noise at this
 * resolution. Only those blocks are visited: the cost follows the subject's outline, not the image.
 */
import type { InterleavedF32, PlaneF32 } from '../../core/image.ts';
import { unmixCoverage } from './unmix-coverage.ts';
import { sampleAxis } from './working-grid.ts';

/** A pixel the working grid found opaque stays so above this coverage (the subject's shading strays). */
const OPAQUE = 0.9;

/**
 * Rewrites `probability` (image size) in place where p < 1 in the blocks of working pixels set in `near`
 * or next to those set in `unmix`, and where p = 1 in blocks set in `unmix` themselves (a mix the working
 * grid rounded up to opaque: they become partial below OPAQUE). `plate` and `subject` are RGB on the
 * working grid of `factor`. Returns the number of pixels rewritten.
 */
export function refineAtFullResolution(
  image: InterleavedF32,
  probability: PlaneF32,
  unmix: Uint8Array,
  plate: InterleavedF32,
  subject: InterleavedF32,
  factor: number,
  near?: Uint8Array,
): number {
  const { width, height, channels, data } = image;
  const sw = plate.width;
  const sh = plate.height;
  const xs = sampleAxis(width, factor);
  const ys = sampleAxis(height, factor);
  const p = probability.data;
  const b = plate.data;
  const f = subject.data;
  // Bilinear B (bf[0..2]) and F (bfSubject = bf[3..5]) at the pixel being unmixed.
  const bf = new Float64Array(6);
  const bfSubject = bf.subarray(3);

  // A pixel samples the 2×2 working cell around it, so a block is visited when it or a neighbour unmixed.
  const visit = new Uint8Array(sw * sh);
  if (near) for (let i = 0; i < visit.length; i++) visit[i] = near[i] !== 0 ? 1 : 0;
  for (let Y = 0; Y < sh; Y++) {
    for (let X = 0; X < sw; X++) {
      if (unmix[Y * sw + X] === 0) continue;
      for (let y = Math.max(0, Y - 1); y <= Math.min(sh - 1, Y + 1); y++) {
        for (let x = Math.max(0, X - 1); x <= Math.min(sw - 1, X + 1); x++) visit[y * sw + x] = 1;
      }
    }
  }

  // The backdrop's own noise at this resolution, from visited pixels the upsampling left at 0.
  let sum = 0;
  let sum2 = 0;
  let count = 0;
  for (let Y = 0; Y < sh; Y++) {
    for (let X = 0; X < sw; X++) {
      if (visit[Y * sw + X] === 0) continue;
      // One pixel per block is enough for a mean and a spread.
      const i =
        Math.min(height - 1, Y * factor + (factor >> 1)) * width +
        Math.min(width - 1, X * factor + (factor >> 1));
      if (p[i] !== 0) continue;
      const a = unmixCoverage(data, i * channels, b, f, 3 * (Y * sw + X));
      if (Number.isNaN(a)) continue;
      sum += a;
      sum2 += a * a;
      count++;
    }
  }
  const mean = count > 0 ? sum / count : 0;
  const sd = Math.sqrt(Math.max(0, count > 0 ? sum2 / count - mean * mean : 0));
  const floor = Math.max(0.05, mean + 3 * sd);

  let rewritten = 0;
  for (let Y = 0; Y < sh; Y++) {
    const yEnd = Math.min(height, (Y + 1) * factor);
    for (let X = 0; X < sw; X++) {
      if (visit[Y * sw + X] === 0) continue;
      const xEnd = Math.min(width, (X + 1) * factor);
      // Backdrop pixels are most of a visited block: a pixel this close to the block's B is below the
      // floor wherever F lies (half the margin covers the step from B here to B interpolated).
      const q = 3 * (Y * sw + X);
      const contrast2 = (f[q] - b[q]) ** 2 + (f[q + 1] - b[q + 1]) ** 2 + (f[q + 2] - b[q + 2]) ** 2;
      const still2 = 0.25 * floor * floor * contrast2;
      const shell = unmix[Y * sw + X] === 1;
      for (let y = Y * factor; y < yEnd; y++) {
        const y0 = ys.index[y];
        const y1 = y0 < sh - 1 ? y0 + 1 : y0;
        const fy = ys.frac[y];
        for (let x = X * factor; x < xEnd; x++) {
          const i = y * width + x;
          const v = p[i];
          if (v >= 1 && !shell) continue;
          const o = i * channels;
          if (v === 0) {
            const e0 = data[o] - b[q];
            const e1 = data[o + 1] - b[q + 1];
            const e2 = data[o + 2] - b[q + 2];
            if (e0 * e0 + e1 * e1 + e2 * e2 < still2) continue;
          }
          const x0 = xs.index[x];
          const x1 = x0 < sw - 1 ? x0 + 1 : x0;
          const fx = xs.frac[x];
          const c00 = 3 * (y0 * sw + x0);
          const c01 = 3 * (y0 * sw + x1);
          const c10 = 3 * (y1 * sw + x0);
          const c11 = 3 * (y1 * sw + x1);
          const w00 = (1 - fx) * (1 - fy);
          const w01 = fx * (1 - fy);
          const w10 = (1 - fx) * fy;
          const w11 = fx * fy;
          for (let k = 0; k < 3; k++) {
            bf[k] = w00 * b[c00 + k] + w01 * b[c01 + k] + w10 * b[c10 + k] + w11 * b[c11 + k];
            bf[3 + k] = w00 * f[c00 + k] + w01 * f[c01 + k] + w10 * f[c10 + k] + w11 * f[c11 + k];
          }
          const a = unmixCoverage(data, o, bf, bfSubject, 0);
          if (Number.isNaN(a)) continue;
          p[i] = a < floor ? 0 : a > (v >= 1 ? OPAQUE : 1) ? 1 : a;
          rewritten++;
        }
      }
    }
  }
  return rewritten;
}
