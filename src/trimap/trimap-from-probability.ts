/**
 * A trimap from a segmentation network's coarse foreground probability (already at the image's size).
 *
 * - Sure foreground / background: pixels the network is confident about (p ≥ `sureForeground`,
 *   p ≤ `sureBackground`), unless the band below claims them.
 * - Unknown: (1) a band around the network's 0.5 contour whose half-width scales with the image diagonal,
 *   because a network run at 320–1024 px cannot place an edge of a 12 MP photo to the pixel, whatever its
 *   confidence; and (2) every pixel the network was unsure about (a soft value marks hair, fur, blur or
 *   glass), optionally grown by a diagonal-scaled margin.
 *
 * Why no growth by default: with the cascade's priors (refine/refine-tile.ts), growing the unsure region by
 * 0.25 % and 0.5 % of the diagonal raised the SAD on the alphamatting.com images with network-like masks by
 * 4 % and 9 % (bench/refine.ts) and enlarged the band to solve; confident pixels are better left known.
 *
 * Pure: a PlaneF32 in, a Trimap out. Morphology runs on the exact distance transform (O(N) for any radius).
 */
import {
  type PlaneF32,
  TRIMAP_BACKGROUND,
  TRIMAP_FOREGROUND,
  TRIMAP_UNKNOWN,
  type Trimap,
} from '../core/image.ts';
import { dilate, MASK_SET } from '../core/morphology.ts';

export interface TrimapFromProbabilityOptions {
  /** At or above this the network is sure of foreground. Default 0.99. */
  sureForeground?: number;
  /** At or below this the network is sure of background. Default 0.01. */
  sureBackground?: number;
  /** Half-width of the band around the 0.5 contour, as a fraction of the image diagonal. Default 0.005. */
  band?: number;
  /** How far the unsure region grows, as a fraction of the image diagonal. Default 0. */
  unsureGrowth?: number;
  /** Least half-width of the band in pixels, for small images. Default 2. */
  minBandPixels?: number;
  /**
   * The diagonal that `band` and `unsureGrowth` are fractions of. Default: the probability's own; a strip of a
   * larger image (trimap-in-strips.ts) passes the whole image's.
   */
  diagonal?: number;
}

export const TRIMAP_FROM_PROBABILITY_DEFAULTS: Required<Omit<TrimapFromProbabilityOptions, 'diagonal'>> = {
  sureForeground: 0.99,
  sureBackground: 0.01,
  band: 0.005,
  unsureGrowth: 0,
  minBandPixels: 2,
};

export function trimapFromProbability(
  probability: PlaneF32,
  options: TrimapFromProbabilityOptions = {},
): Trimap {
  const o = { ...TRIMAP_FROM_PROBABILITY_DEFAULTS, ...options };
  if (!(o.sureBackground < 0.5 && o.sureForeground > 0.5)) {
    throw new RangeError(
      `trimapFromProbability: need sureBackground < 0.5 < sureForeground, got ${o.sureBackground}, ${o.sureForeground}`,
    );
  }
  const { width, height, data } = probability;
  const n = width * height;
  const diagonal = options.diagonal ?? Math.hypot(width, height);
  // Labels from confidence (unsure pixels, neither sure label, are unknown), and the seeds of the band:
  // pixels on either side of the 0.5 contour.
  const out = new Uint8Array(n);
  const contour = new Uint8Array(n);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const i = row + x;
      const p = data[i];
      const inside = p > 0.5;
      if (x + 1 < width && data[i + 1] > 0.5 !== inside) contour[i] = contour[i + 1] = MASK_SET;
      if (y + 1 < height && data[i + width] > 0.5 !== inside) contour[i] = contour[i + width] = MASK_SET;
      // NaN is neither sure label: it lands in the unknown band.
      out[i] =
        p >= o.sureForeground
          ? TRIMAP_FOREGROUND
          : p <= o.sureBackground
            ? TRIMAP_BACKGROUND
            : TRIMAP_UNKNOWN;
    }
  }
  if (o.unsureGrowth > 0) {
    const unsure = new Uint8Array(n);
    for (let i = 0; i < n; i++) if (out[i] === TRIMAP_UNKNOWN) unsure[i] = MASK_SET;
    markUnknown(out, dilate({ data: unsure, width, height }, o.unsureGrowth * diagonal).data);
  }
  const bandRadius = Math.max(o.minBandPixels, o.band * diagonal);
  markUnknown(out, dilate({ data: contour, width, height }, bandRadius).data);
  return { data: out, width, height };
}

function markUnknown(trimap: Uint8Array, mask: Uint8Array): void {
  for (let i = 0; i < trimap.length; i++) if (mask[i] !== 0) trimap[i] = TRIMAP_UNKNOWN;
}
