/**
 * Semi-transparent glass: the hard case for matting, since most of the object lets the background
 * through. Opacity is low inside (0.15–0.3), rises towards the rim (where light crosses more glass,
 * so a real rim looks more solid) and carries soft reflection streaks that lift it to about 0.6.
 * Colour is a light tint, whiter in the streaks and a little deeper at the rim.
 */

import type { ColourField, Rgb } from './colour-field.ts';
import { type CoverageMask, DEFAULT_SAMPLES, type PixelRect, rasterizeCoverage } from './coverage.ts';
import type { Random } from './random.ts';
import type { Shape } from './shapes.ts';

export interface Streak {
  /** Unit normal of the band; the band is where (p − centre)·n ≈ offset. */
  nx: number;
  ny: number;
  offset: number;
  halfWidth: number;
  strength: number;
}

export interface Glass {
  shape: Shape;
  interior: number;
  rim: number;
  /** Depth (pixels) over which the rim's extra opacity fades. */
  rimWidth: number;
  streaks: Streak[];
  tint: Rgb;
}

/** Streaks together add at most this much opacity, keeping the inside below ≈ 0.6. */
const MAX_STREAK = 0.3;

export function randomGlass(rng: Random, shape: Shape, size: number, tint: Rgb): Glass {
  const streaks: Streak[] = [];
  const count = rng.int(1, 3);
  const angle = rng.range(-0.3, 0.3);
  for (let i = 0; i < count; i++) {
    streaks.push({
      nx: Math.cos(angle),
      ny: Math.sin(angle),
      offset: rng.range(-0.35, 0.35) * size,
      halfWidth: Math.max(1, rng.range(0.02, 0.08) * size),
      strength: rng.range(0.15, 0.3),
    });
  }
  return {
    shape,
    interior: rng.range(0.15, 0.3),
    rim: rng.range(0.8, 0.95),
    rimWidth: Math.max(0.75, rng.range(0.015, 0.035) * size),
    streaks,
    tint,
  };
}

function streakAmount(glass: Glass, x: number, y: number): number {
  let sum = 0;
  for (const s of glass.streaks) {
    const u = ((x - glass.shape.cx) * s.nx + (y - glass.shape.cy) * s.ny - s.offset) / s.halfWidth;
    sum += s.strength * Math.exp(-u * u);
  }
  return Math.min(sum, MAX_STREAK);
}

function rimAmount(glass: Glass, x: number, y: number): number {
  const depth = -glass.shape.distance(x, y);
  return depth <= 0 ? 1 : Math.exp(-depth / glass.rimWidth);
}

/** Opacity of the glass material at a point inside it. */
export function glassOpacity(glass: Glass, x: number, y: number): number {
  const base = glass.interior + streakAmount(glass, x, y);
  const opacity = base + (glass.rim - base) * rimAmount(glass, x, y);
  return Math.min(opacity, 1);
}

/** Coverage of the glass shape times the material's opacity. */
export function glassMask(glass: Glass, clip: PixelRect, samples = DEFAULT_SAMPLES): CoverageMask {
  const mask = rasterizeCoverage(glass.shape.distance, glass.shape.bounds, clip, samples);
  const { x0, y0, width, height, data } = mask;
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const i = row * width + col;
      if (data[i] > 0) data[i] *= glassOpacity(glass, x0 + col + 0.5, y0 + row + 0.5);
    }
  }
  return mask;
}

export function glassColour(glass: Glass): ColourField {
  const [r, g, b] = glass.tint;
  return (x, y, out) => {
    const white = (0.7 * streakAmount(glass, x, y)) / MAX_STREAK;
    const deep = 1 - 0.2 * rimAmount(glass, x, y);
    out[0] = r * deep + (1 - r * deep) * white;
    out[1] = g * deep + (1 - g * deep) * white;
    out[2] = b * deep + (1 - b * deep) * white;
  };
}
