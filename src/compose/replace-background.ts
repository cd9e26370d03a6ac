/**
 * `--bg`: put the cutout on a new background.
 *
 * - a colour, possibly translucent: Porter–Duff "over" with straight colours, α' = α + a_b(1 − α) and
 *   C' = (αF + (1 − α)a_b·B) / α'. An opaque colour gives an opaque image;
 * - an image, fitted to cover the cutout's size (scaled to cover, centred, cropped), as a CSS
 *   `background-size: cover`;
 * - `blur`: the photo's own background, blurred. The blur is a normalised convolution of the background
 *   alone, G∗((1 − α)I) / G∗(1 − α), so the subject's colours do not smear into a halo around it.
 *
 * The foreground F is the estimated foreground colour, not the photo: compositing F (not I) is what removes
 * the old background's tint from hair and edges.
 *
 * Pure.
 */
import { gaussianBlur } from '../core/gaussian-blur.ts';
import type { InterleavedF32, PlaneF32 } from '../core/image.ts';
import { resizeInterleaved } from '../core/resize-plane.ts';
import type { Rgba } from './parse-colour.ts';

export type BackgroundSpec =
  | { kind: 'colour'; colour: Rgba }
  | { kind: 'image'; image: InterleavedF32 }
  /** sigma in pixels; default 2 % of the image diagonal. */
  | { kind: 'blur'; sigma?: number };

export interface Composed {
  colour: InterleavedF32;
  /** Absent when the result is opaque. */
  alpha?: PlaneF32;
}

/**
 * @param foreground RGB foreground colour (straight)
 * @param alpha the matte
 * @param photo the original RGB photo (read by `blur` only)
 */
export function replaceBackground(
  foreground: InterleavedF32,
  alpha: PlaneF32,
  photo: InterleavedF32,
  spec: BackgroundSpec,
): Composed {
  const { width, height } = foreground;
  if (spec.kind === 'colour') return overColour(foreground, alpha, spec.colour);
  const background =
    spec.kind === 'image'
      ? fitCover(spec.image, width, height)
      : blurredBackground(photo, alpha, spec.sigma ?? 0.02 * Math.hypot(width, height));
  return { colour: overImage(foreground, alpha, background) };
}

function overColour(foreground: InterleavedF32, alpha: PlaneF32, colour: Rgba): Composed {
  const { width, height } = foreground;
  const n = width * height;
  const f = foreground.data;
  const a = alpha.data;
  const [br, bg, bb, ba] = colour;
  const out = new Float32Array(n * 3);
  const opaque = ba >= 1;
  const outAlpha = opaque ? undefined : new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const ai = a[i];
    const wb = (1 - ai) * ba;
    const total = ai + wb;
    if (outAlpha) outAlpha[i] = total;
    const inv = total > 0 ? 1 / total : 0;
    out[i * 3] = (ai * f[i * 3] + wb * br) * inv;
    out[i * 3 + 1] = (ai * f[i * 3 + 1] + wb * bg) * inv;
    out[i * 3 + 2] = (ai * f[i * 3 + 2] + wb * bb) * inv;
  }
  return {
    colour: { data: out, width, height, channels: 3 },
    alpha: outAlpha && { data: outAlpha, width, height },
  };
}

function overImage(foreground: InterleavedF32, alpha: PlaneF32, background: InterleavedF32): InterleavedF32 {
  const { width, height } = foreground;
  const n = width * height;
  const f = foreground.data;
  const b = background.data;
  const a = alpha.data;
  const out = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    const ai = a[i];
    const bi = 1 - ai;
    for (let k = 0; k < 3; k++) out[i * 3 + k] = ai * f[i * 3 + k] + bi * b[i * 3 + k];
  }
  return { data: out, width, height, channels: 3 };
}

/** Scales an image to cover width×height (keeping its aspect ratio), centred, cropped to exactly that size. */
export function fitCover(image: InterleavedF32, width: number, height: number): InterleavedF32 {
  const scale = Math.max(width / image.width, height / image.height);
  const w = Math.max(width, Math.round(image.width * scale));
  const h = Math.max(height, Math.round(image.height * scale));
  const resized = resizeInterleaved(image, w, h, scale < 1 ? 'area' : 'bilinear');
  const x0 = Math.floor((w - width) / 2);
  const y0 = Math.floor((h - height) / 2);
  const c = image.channels;
  const out = new Float32Array(width * height * c);
  for (let y = 0; y < height; y++) {
    const from = ((y0 + y) * w + x0) * c;
    out.set(resized.data.subarray(from, from + width * c), y * width * c);
  }
  return { data: out, width, height, channels: c };
}

/**
 * A Gaussian blur of large σ computed on the image shrunk so that σ is about 3 px there, then enlarged: the
 * result is smooth at that scale anyway, and a 12 MP photo with σ = 100 px would otherwise cost 600 taps a pixel.
 */
function largeBlur(image: InterleavedF32, sigma: number): InterleavedF32 {
  const { width, height, channels } = image;
  const factor = Math.max(1, Math.floor(sigma / 3));
  if (factor === 1) return { ...image, data: gaussianBlur(image.data, width, height, channels, sigma) };
  const w = Math.max(1, Math.round(width / factor));
  const h = Math.max(1, Math.round(height / factor));
  const small = resizeInterleaved(image, w, h, 'area');
  const blurred = { ...small, data: gaussianBlur(small.data, w, h, channels, sigma / factor) };
  return resizeInterleaved(blurred, width, height, 'bilinear');
}

/** G∗((1 − α)I) / G∗(1 − α): the background blurred without the subject; the plain blur where α ≈ 1 around. */
export function blurredBackground(photo: InterleavedF32, alpha: PlaneF32, sigma: number): InterleavedF32 {
  const { width, height } = photo;
  const n = width * height;
  const weighted = new Float32Array(n * 4);
  const p = photo.data;
  const a = alpha.data;
  for (let i = 0; i < n; i++) {
    const w = 1 - a[i];
    weighted[i * 4] = w * p[i * 3];
    weighted[i * 4 + 1] = w * p[i * 3 + 1];
    weighted[i * 4 + 2] = w * p[i * 3 + 2];
    weighted[i * 4 + 3] = w;
  }
  const blurredWeighted = largeBlur({ data: weighted, width, height, channels: 4 }, sigma).data;
  const plain = largeBlur(photo, sigma).data;
  const out = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    const w = blurredWeighted[i * 4 + 3];
    // Where almost no background is near (inside a large subject), fall back to the plain blur.
    const t = Math.min(1, w / 0.05);
    for (let k = 0; k < 3; k++) {
      const own = w > 1e-6 ? blurredWeighted[i * 4 + k] / w : 0;
      out[i * 3 + k] = t * own + (1 - t) * plain[i * 3 + k];
    }
  }
  return { data: out, width, height, channels: 3 };
}
