/**
 * Soft shadows cast on the backdrop. A shadow multiplies the backdrop's colour by a factor k < 1 (in
 * encoded sRGB too, as the transfer curve is nearly a power law) and k varies slowly: a shadow has no
 * sharp edge. A grey object on a white sweep is also "k × backdrop", but its outline is a sharp step in k.
 *
 * So: k = (I·B)/(B·B) against the background plate B, shadow-like where the colour is k·B (small
 * chromatic residual) with 0 < kMin ≤ k < 1, and the shadow is what a flood from the background reaches
 * through shadow-like pixels without crossing a step in k.
 */
import type { InterleavedF32 } from '../../core/image.ts';

export interface ShadowOptions {
  /** Darkest shadow factor accepted. Default 0.2. */
  minFactor?: number;
  /** Largest |Δk| between neighbours (per working pixel) inside a shadow. Default 0.05. */
  maxStep?: number;
  /** Largest chromatic residual ‖I − k·B‖ / ‖B‖. Default 0.03. */
  maxResidual?: number;
}

export interface ShadowRegion {
  /** 1 where a pixel belongs to a shadow on the backdrop. */
  mask: Uint8Array;
  /** The shadow factor k per pixel (1 where not shadow-like). */
  factor: Float32Array;
  /** Pixels in the shadow darker than 0.97 × the backdrop. */
  count: number;
}

/**
 * `seeds`: 1 for pixels known to be backdrop (the flood starts there). `image` and `plate` are RGB in
 * [0, 1] at the same size.
 */
export function findShadowRegion(
  image: InterleavedF32,
  plate: InterleavedF32,
  seeds: Uint8Array,
  options: ShadowOptions = {},
): ShadowRegion {
  const { width, height, data } = image;
  const b = plate.data;
  const n = width * height;
  const minFactor = options.minFactor ?? 0.2;
  const maxStep = options.maxStep ?? 0.05;
  const maxResidual = options.maxResidual ?? 0.03;

  const factor = new Float32Array(n).fill(1);
  const like = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const p = 3 * i;
    const b0 = b[p];
    const b1 = b[p + 1];
    const b2 = b[p + 2];
    const bb = b0 * b0 + b1 * b1 + b2 * b2;
    if (bb < 1e-4) continue;
    const k = (data[p] * b0 + data[p + 1] * b1 + data[p + 2] * b2) / bb;
    if (k < minFactor || k > 1.02) continue;
    const r0 = data[p] - k * b0;
    const r1 = data[p + 1] - k * b1;
    const r2 = data[p + 2] - k * b2;
    if (r0 * r0 + r1 * r1 + r2 * r2 > maxResidual * maxResidual * bb) continue;
    factor[i] = Math.min(k, 1);
    like[i] = 1;
  }

  // Smooth only: a pixel next to a step in k (an outline, even a slanted one whose anti-aliased pixels
  // change k gradually along it) is no way through.
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (like[i] === 0) continue;
      const k = factor[i];
      if (
        (x > 0 && Math.abs(factor[i - 1] - k) > maxStep) ||
        (x + 1 < width && Math.abs(factor[i + 1] - k) > maxStep) ||
        (y > 0 && Math.abs(factor[i - width] - k) > maxStep) ||
        (y + 1 < height && Math.abs(factor[i + width] - k) > maxStep)
      ) {
        like[i] = 2;
      }
    }
  }

  // Flood (4-connected) from the seeds through smooth shadow-like pixels.
  const mask = new Uint8Array(n);
  const queue = new Int32Array(n);
  let tail = 0;
  for (let i = 0; i < n; i++) {
    if (seeds[i] !== 0 && like[i] === 1) {
      mask[i] = 1;
      queue[tail++] = i;
    }
  }
  for (let head = 0; head < tail; head++) {
    const i = queue[head];
    const y = (i / width) | 0;
    const x = i - y * width;
    if (x > 0 && mask[i - 1] === 0 && like[i - 1] === 1) {
      mask[i - 1] = 1;
      queue[tail++] = i - 1;
    }
    if (x + 1 < width && mask[i + 1] === 0 && like[i + 1] === 1) {
      mask[i + 1] = 1;
      queue[tail++] = i + 1;
    }
    if (y > 0 && mask[i - width] === 0 && like[i - width] === 1) {
      mask[i - width] = 1;
      queue[tail++] = i - width;
    }
    if (y + 1 < height && mask[i + width] === 0 && like[i + width] === 1) {
      mask[i + width] = 1;
      queue[tail++] = i + width;
    }
  }
  let count = 0;
  for (let i = 0; i < n; i++) if (mask[i] === 1 && factor[i] < 0.97) count++;
  return { mask, factor, count };
}
