/**
 * Backgrounds B, from easy to hard for matting: a plain studio colour, a studio sweep, a sweep
 * with a soft shadow under the subject (shadow belongs to B, not to α: the hard part is not to
 * cut it out with the subject), a noisy texture, and busy high-contrast patterns whose edges
 * compete with the subject's.
 */

import { createInterleavedF32, type InterleavedF32 } from '../core/image.ts';
import { clamp01, smoothstep } from './clamp.ts';
import { hsvToRgb, type Rgb, randomColour } from './colour-field.ts';
import type { PixelRect } from './coverage.ts';
import type { Random } from './random.ts';
import { fractalNoise } from './value-noise.ts';

export const BACKGROUND_KINDS = ['plain', 'gradient', 'shadow', 'texture', 'busy'] as const;
export type BackgroundKind = (typeof BACKGROUND_KINDS)[number];

export interface Background {
  image: InterleavedF32;
  description: string;
}

function studioColour(rng: Random): Rgb {
  return rng.chance(0.6)
    ? hsvToRgb(rng.next(), rng.range(0, 0.05), rng.range(0.75, 0.95))
    : randomColour(rng, 'muted');
}

type PixelColour = (px: number, py: number, out: Float64Array) => void;

/** Fills every pixel (px, py) from f, which must set all three channels. */
function fill(image: InterleavedF32, f: PixelColour): void {
  const { width, height, data } = image;
  const rgb = new Float64Array(3);
  for (let py = 0; py < height; py++) {
    for (let px = 0; px < width; px++) {
      f(px, py, rgb);
      const p = 3 * (py * width + px);
      data[p] = clamp01(rgb[0]);
      data[p + 1] = clamp01(rgb[1]);
      data[p + 2] = clamp01(rgb[2]);
    }
  }
}

/** exp(−k·((i + 0.5 − centre)/scale)²) for every pixel index i: Gaussians here are separable. */
function gaussianProfile(count: number, centre: number, scale: number, k = 1): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const u = (i + 0.5 - centre) / scale;
    out[i] = Math.exp(-k * u * u);
  }
  return out;
}

function plain(image: InterleavedF32, rng: Random): string {
  const [r, g, b] = studioColour(rng);
  const vignette = rng.range(0, 0.03);
  const { width, height } = image;
  const cx = width / 2;
  const cy = height / 2;
  const inv = 1 / (cx * cx + cy * cy);
  fill(image, (px, py, out) => {
    const dx = px + 0.5 - cx;
    const dy = py + 0.5 - cy;
    const k = 1 - vignette * (dx * dx + dy * dy) * inv;
    out[0] = r * k;
    out[1] = g * k;
    out[2] = b * k;
  });
  return 'plain studio colour';
}

/** A studio sweep: a top colour rolling into a darker floor colour, lit from above. */
function sweep(rng: Random, width: number, height: number): PixelColour {
  const [r1, g1, b1] = studioColour(rng);
  const darken = rng.range(0.5, 0.8);
  const horizon = rng.range(0.45, 0.75);
  const soft = rng.range(0.15, 0.35);
  const glow = rng.range(0.03, 0.1);
  const scale = Math.max(width, height) / 2;
  const glowX = gaussianProfile(width, width * rng.range(0.3, 0.7), scale);
  const glowY = gaussianProfile(height, 0, scale);
  const floor = new Float64Array(height);
  for (let py = 0; py < height; py++)
    floor[py] = smoothstep(horizon - soft, horizon + soft, (py + 0.5) / height);
  return (px, py, out) => {
    const k = (1 + glow * glowX[px] * glowY[py]) * (1 + floor[py] * (darken - 1));
    out[0] = r1 * k;
    out[1] = g1 * k;
    out[2] = b1 * k;
  };
}

function shadow(image: InterleavedF32, rng: Random, subject: PixelRect | null): string {
  const { width, height } = image;
  const base = sweep(rng, width, height);
  const box = subject ?? { x0: width * 0.3, y0: height * 0.3, x1: width * 0.7, y1: height * 0.9 };
  const boxWidth = box.x1 - box.x0;
  const boxHeight = box.y1 - box.y0;
  // Light from one side: the shadow peeks out from behind the subject on the other.
  const cx = 0.5 * (box.x0 + box.x1) + (rng.chance(0.5) ? 1 : -1) * rng.range(0.1, 0.3) * boxWidth;
  const cy = Math.min(height * 0.92, Math.max(height * 0.35, box.y1 - 0.1 * boxHeight));
  const rx = Math.max(2, 0.6 * boxWidth);
  const ry = Math.max(2, 0.12 * boxHeight, 0.05 * height);
  const strength = rng.range(0.45, 0.65);
  // A dark core and a wide faint penumbra.
  const coreX = gaussianProfile(width, cx, rx);
  const coreY = gaussianProfile(height, cy, ry);
  const wideX = gaussianProfile(width, cx, rx, 0.25);
  const wideY = gaussianProfile(height, cy, ry, 0.25);
  fill(image, (px, py, out) => {
    base(px, py, out);
    const k = 1 - strength * coreX[px] * coreY[py] - 0.15 * wideX[px] * wideY[py];
    out[0] *= k;
    out[1] *= k;
    out[2] *= k;
  });
  return 'studio sweep with a soft shadow';
}

/** Integer hash to [0, 1): per-pixel grain without a second noise pass. */
function grain(x: number, y: number, salt: number): number {
  let h = Math.imul(x | 0, 0x27d4eb2d) ^ Math.imul(y | 0, 0x165667b1) ^ salt;
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

function texture(image: InterleavedF32, rng: Random): string {
  const { width, height } = image;
  const size = Math.min(width, height);
  // Two related colours a clear step apart in brightness, like a plaster wall or a cloth.
  const hue = rng.next();
  const saturation = rng.range(0.1, 0.45);
  const light = rng.range(0.55, 0.9);
  const [r1, g1, b1] = hsvToRgb(hue, saturation, light);
  const [r2, g2, b2] = hsvToRgb(hue + rng.range(-0.08, 0.08), saturation, light - rng.range(0.25, 0.4));
  const noise = fractalNoise(width, height, rng, Math.max(4, size * rng.range(0.08, 0.25)), 6, 0.55);
  const grainAmount = rng.range(0.02, 0.06);
  const salt = (rng.next() * 4294967296) | 0;
  fill(image, (px, py, out) => {
    // Stretch the noise's narrow range around 0.5 into a full mix.
    const t = clamp01(0.5 + 2 * (noise[py * width + px] - 0.5));
    const k = 1 + grainAmount * (grain(px, py, salt) - 0.5);
    out[0] = (r1 + t * (r2 - r1)) * k;
    out[1] = (g1 + t * (g2 - g1)) * k;
    out[2] = (b1 + t * (b2 - b1)) * k;
  });
  return 'noise texture';
}

function checkers(image: InterleavedF32, rng: Random, size: number): void {
  const cell = Math.max(2, size * rng.range(0.03, 0.08));
  const angle = rng.range(0, Math.PI / 2);
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const hue = rng.next();
  const [r1, g1, b1] = hsvToRgb(hue, rng.range(0.3, 0.9), rng.range(0.85, 1));
  const [r2, g2, b2] = hsvToRgb(hue + 0.5, rng.range(0.3, 0.9), rng.range(0.05, 0.2));
  const f = Math.PI / cell;
  const ramp = cell / Math.PI;
  fill(image, (px, py, out) => {
    const x = px + 0.5;
    const y = py + 0.5;
    // The product of sines changes sign on the grid lines; scaled, it is a 1 px anti-aliased ramp.
    const s = Math.sin(f * (x * cos + y * sin)) * Math.sin(f * (y * cos - x * sin));
    const t = clamp01(0.5 + s * ramp);
    out[0] = r2 + t * (r1 - r2);
    out[1] = g2 + t * (g1 - g2);
    out[2] = b2 + t * (b1 - b2);
  });
}

function stripes(image: InterleavedF32, rng: Random, size: number): void {
  const band = Math.max(2, size * rng.range(0.015, 0.05));
  const angle = rng.range(0, Math.PI);
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const colours: Rgb[] = [];
  const n = rng.int(3, 5);
  for (let i = 0; i < n; i++) {
    colours.push(
      hsvToRgb(rng.next(), rng.range(0.5, 1), i % 2 === 0 ? rng.range(0.8, 1) : rng.range(0.05, 0.3)),
    );
  }
  fill(image, (px, py, out) => {
    const u = ((px + 0.5) * cos + (py + 0.5) * sin) / band;
    const index = Math.floor(u);
    const m = clamp01((u - index - 1) * band + 1);
    const a = colours[((index % n) + n) % n];
    const b = colours[(((index + 1) % n) + n) % n];
    out[0] = a[0] + m * (b[0] - a[0]);
    out[1] = a[1] + m * (b[1] - a[1]);
    out[2] = a[2] + m * (b[2] - a[2]);
  });
}

function blobs(image: InterleavedF32, rng: Random, size: number): void {
  const { width, height, data } = image;
  const [r0, g0, b0] = randomColour(rng, 'vivid');
  fill(image, (_x, _y, out) => {
    out[0] = r0;
    out[1] = g0;
    out[2] = b0;
  });
  const count = rng.int(60, 140);
  for (let n = 0; n < count; n++) {
    const cx = rng.range(0, width);
    const cy = rng.range(0, height);
    const rx = Math.max(1, size * rng.range(0.02, 0.12));
    const ry = Math.max(1, rx * rng.range(0.4, 1));
    const inner = Math.min(rx, ry);
    const [r, g, b] = rng.chance(0.5)
      ? hsvToRgb(rng.next(), rng.range(0.6, 1), rng.range(0.7, 1))
      : hsvToRgb(rng.next(), rng.range(0, 1), rng.range(0, 0.25));
    const x0 = Math.max(0, Math.floor(cx - rx - 1));
    const x1 = Math.min(width, Math.ceil(cx + rx + 1));
    const y0 = Math.max(0, Math.floor(cy - ry - 1));
    const y1 = Math.min(height, Math.ceil(cy + ry + 1));
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const u = (x + 0.5 - cx) / rx;
        const v = (y + 0.5 - cy) / ry;
        const c = clamp01(0.5 - (Math.sqrt(u * u + v * v) - 1) * inner);
        if (c === 0) continue;
        const p = 3 * (y * width + x);
        data[p] += c * (r - data[p]);
        data[p + 1] += c * (g - data[p + 1]);
        data[p + 2] += c * (b - data[p + 2]);
      }
    }
  }
}

function busy(image: InterleavedF32, rng: Random): string {
  const size = Math.min(image.width, image.height);
  const pattern = rng.pick(['checkers', 'stripes', 'blobs'] as const);
  if (pattern === 'checkers') checkers(image, rng, size);
  else if (pattern === 'stripes') stripes(image, rng, size);
  else blobs(image, rng, size);
  return `busy ${pattern}`;
}

/**
 * Renders background `kind`. `subject` is the painted extent of the subject (for the shadow);
 * null when the subject left the image empty.
 */
export function renderBackground(
  kind: BackgroundKind,
  width: number,
  height: number,
  rng: Random,
  subject: PixelRect | null,
): Background {
  const image = createInterleavedF32(width, height, 3);
  let description: string;
  switch (kind) {
    case 'plain':
      description = plain(image, rng);
      break;
    case 'gradient':
      fill(image, sweep(rng, width, height));
      description = 'studio sweep gradient';
      break;
    case 'shadow':
      description = shadow(image, rng, subject);
      break;
    case 'texture':
      description = texture(image, rng);
      break;
    case 'busy':
      description = busy(image, rng);
      break;
  }
  return { image, description };
}
