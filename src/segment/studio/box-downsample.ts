/**
 * The working image: the mean colour of each factor × factor block (blocks at the right and bottom edges
 * may be partial and average what they hold). An integer factor makes this one pass over the image that
 * reads every pixel once — the only pass of the segmenter that touches all of a 12 MP image's colours —
 * and it keeps a simple geometry: working pixel (X, Y) is the block [X·f, X·f + f) × [Y·f, Y·f + f), so
 * image pixel x lies at working position (x + 0.5)/f − 0.5.
 */
import type { InterleavedF32 } from '../../core/image.ts';

/** RGB of `image` (any channel count ≥ 3) averaged over blocks of `factor` pixels square. */
export function boxDownsample(image: InterleavedF32, factor: number): InterleavedF32 {
  const { width, height, channels, data } = image;
  if (!Number.isInteger(factor) || factor < 1) throw new RangeError(`boxDownsample: factor ${factor}`);
  const w = Math.ceil(width / factor);
  const h = Math.ceil(height / factor);
  const out = new Float32Array(3 * w * h);
  const row = new Float64Array(3 * w);
  for (let Y = 0; Y < h; Y++) {
    row.fill(0);
    const y1 = Math.min(height, (Y + 1) * factor);
    for (let y = Y * factor; y < y1; y++) {
      let p = y * width * channels;
      for (let X = 0; X < w; X++) {
        const x1 = Math.min(width, (X + 1) * factor);
        let r = 0;
        let g = 0;
        let b = 0;
        for (let x = X * factor; x < x1; x++, p += channels) {
          r += data[p];
          g += data[p + 1];
          b += data[p + 2];
        }
        row[3 * X] += r;
        row[3 * X + 1] += g;
        row[3 * X + 2] += b;
      }
    }
    const rows = y1 - Y * factor;
    for (let X = 0; X < w; X++) {
      const count = rows * (Math.min(width, (X + 1) * factor) - X * factor);
      const o = 3 * (Y * w + X);
      out[o] = row[3 * X] / count;
      out[o + 1] = row[3 * X + 1] / count;
      out[o + 2] = row[3 * X + 2] / count;
    }
  }
  return { width: w, height: h, channels: 3, data: out };
}
