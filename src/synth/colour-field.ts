/**
 * Colour as a function of position: a subject's paint. Shading is a linear light falloff plus a
 * faint woven texture, so a foreground estimator has smooth but non-constant F to recover.
 * The same field, evaluated outside the subject, extends F over the whole image.
 */

import { clamp01 } from './clamp.ts';
import type { Random } from './random.ts';

export type Rgb = readonly [number, number, number];

/** Writes the colour at (x, y) into out[0..2], each in [0, 1]. */
export type ColourField = (x: number, y: number, out: Float64Array) => void;

export function hsvToRgb(hue: number, saturation: number, value: number): Rgb {
  const h = (((hue % 1) + 1) % 1) * 6;
  const i = Math.floor(h);
  const f = h - i;
  const p = value * (1 - saturation);
  const q = value * (1 - saturation * f);
  const t = value * (1 - saturation * (1 - f));
  switch (i) {
    case 0:
      return [value, t, p];
    case 1:
      return [q, value, p];
    case 2:
      return [p, value, t];
    case 3:
      return [p, q, value];
    case 4:
      return [t, p, value];
    default:
      return [value, p, q];
  }
}

export type Palette = 'vivid' | 'muted' | 'skin' | 'hair' | 'tint';

export function randomColour(rng: Random, palette: Palette): Rgb {
  switch (palette) {
    case 'vivid':
      return hsvToRgb(rng.next(), rng.range(0.55, 0.95), rng.range(0.55, 0.95));
    case 'muted':
      return hsvToRgb(rng.next(), rng.range(0.1, 0.4), rng.range(0.35, 0.85));
    case 'skin':
      return hsvToRgb(rng.range(0.03, 0.09), rng.range(0.25, 0.55), rng.range(0.45, 0.95));
    case 'hair':
      // Blond through brown to near-black, sometimes red or grey.
      return rng.chance(0.15)
        ? hsvToRgb(rng.range(0.0, 0.05), rng.range(0.5, 0.8), rng.range(0.4, 0.7))
        : hsvToRgb(rng.range(0.06, 0.12), rng.range(0.2, 0.7), rng.range(0.12, 0.9));
    case 'tint':
      return hsvToRgb(rng.next(), rng.range(0.05, 0.2), rng.range(0.85, 0.98));
  }
}

export function flatColour(rgb: Rgb): ColourField {
  const [r, g, b] = rgb;
  return (_x, _y, out) => {
    out[0] = r;
    out[1] = g;
    out[2] = b;
  };
}

export interface Shading {
  base: Rgb;
  cx: number;
  cy: number;
  /** Distance over which the light falls off fully, in pixels. */
  size: number;
  /** Unit vector towards the light. */
  lightX: number;
  lightY: number;
  /** Brightness change across ±size along the light direction. */
  shade: number;
  /** Amplitude and period (pixels) of the woven texture. */
  texture: number;
  period: number;
}

export function shadedColour(s: Shading): ColourField {
  const [r, g, b] = s.base;
  const inv = 1 / s.size;
  const f = (2 * Math.PI) / s.period;
  return (x, y, out) => {
    const along = ((x - s.cx) * s.lightX + (y - s.cy) * s.lightY) * inv;
    const clamped = along < -1.5 ? -1.5 : Math.min(along, 1.5);
    const k = 1 + s.shade * clamped + s.texture * Math.sin(f * (x + 0.6 * y)) * Math.sin(f * (0.7 * x - y));
    out[0] = clamp01(r * k);
    out[1] = clamp01(g * k);
    out[2] = clamp01(b * k);
  };
}

export function randomShading(rng: Random, base: Rgb, cx: number, cy: number, size: number): ColourField {
  const angle = rng.range(-Math.PI, 0);
  return shadedColour({
    base,
    cx,
    cy,
    size: Math.max(1, size),
    lightX: Math.cos(angle),
    lightY: Math.sin(angle),
    shade: rng.range(0.1, 0.3),
    texture: rng.range(0.0, 0.05),
    period: Math.max(3, size * rng.range(0.05, 0.2)),
  });
}
