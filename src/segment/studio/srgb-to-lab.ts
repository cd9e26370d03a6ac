/**
 * sRGB → CIELAB (D65 white). Colour models of a background are fitted in Lab because equal distances
 * there are roughly equally visible: a step of 5 in a white sweep and in a dark floor mean about the same,
 * which they do not in sRGB, and lightness (what a shadow changes) is one axis of its own.
 */
import type { InterleavedF32 } from '../../core/image.ts';

const WHITE_X = 0.95047;
const WHITE_Z = 1.08883;
const EPSILON = 216 / 24389;
const KAPPA = 24389 / 27;

/** sRGB transfer function undone: encoded value in [0, 1] → linear light. */
export function srgbToLinear(v: number): number {
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
}

// The transfer curve tabulated (linear interpolation between 4096 steps is within 2e-7 of it): a power
// per channel would be most of the conversion's cost.
const STEPS = 4096;
const TABLE = new Float64Array(STEPS + 2);
for (let k = 0; k <= STEPS + 1; k++) TABLE[k] = srgbToLinear(k / STEPS);

function linearFast(v: number): number {
  if (!(v > 0)) return v <= 0 ? v / 12.92 : 0;
  if (v >= 1) return srgbToLinear(v);
  const t = v * STEPS;
  const k = t | 0;
  return TABLE[k] + (t - k) * (TABLE[k + 1] - TABLE[k]);
}

function labF(t: number): number {
  return t > EPSILON ? Math.cbrt(t) : (KAPPA * t + 16) / 116;
}

/** Writes L* (0…100), a*, b* of the sRGB colour (r, g, b) into out[offset..offset + 2]. */
export function srgbPixelToLab(r: number, g: number, b: number, out: Float32Array, offset: number): void {
  const lr = linearFast(r);
  const lg = linearFast(g);
  const lb = linearFast(b);
  const x = (0.4124564 * lr + 0.3575761 * lg + 0.1804375 * lb) / WHITE_X;
  const y = 0.2126729 * lr + 0.7151522 * lg + 0.072175 * lb;
  const z = (0.0193339 * lr + 0.119192 * lg + 0.9503041 * lb) / WHITE_Z;
  const fx = labF(x);
  const fy = labF(y);
  const fz = labF(z);
  out[offset] = 116 * fy - 16;
  out[offset + 1] = 500 * (fx - fy);
  out[offset + 2] = 200 * (fy - fz);
}

/** Converts an RGB (or RGBA: the extra channels are ignored) image in [0, 1] to an interleaved Lab image. */
export function srgbToLab(image: InterleavedF32): InterleavedF32 {
  const { width, height, channels, data } = image;
  if (channels < 3) throw new RangeError(`srgbToLab: needs 3 colour channels, got ${channels}`);
  const n = width * height;
  const out = new Float32Array(3 * n);
  for (let i = 0, p = 0; i < n; i++, p += channels) {
    srgbPixelToLab(data[p], data[p + 1], data[p + 2], out, 3 * i);
  }
  return { data: out, width, height, channels: 3 };
}
