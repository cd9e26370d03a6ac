/**
 * Green and blue screens: recognising one from the image's frame, and its key colour.
 *
 * "Keyness" is the classic colour-difference measure: for a green screen G − max(R, B), for a blue one
 * B − max(R, G). It is large on the screen, near zero or negative on skin, hair, most clothes, and it
 * falls in proportion as a subject covers the screen, which is what the keyer reads α from.
 */
import type { InterleavedF32 } from '../core/image.ts';

export type ChromaScreen = 'green' | 'blue';
export type Rgb = [number, number, number];

/** The screen channel minus the larger of the other two. */
export function keyness(screen: ChromaScreen, r: number, g: number, b: number): number {
  return screen === 'green' ? g - (r > b ? r : b) : b - (r > g ? r : g);
}

/** A frame pixel counts as screen when its keyness is at least this (RGB in [0, 1]). */
const SCREEN_KEYNESS = 0.12;
/** Share of the frame that must be screen for detectChromaBackground to say so. */
const SCREEN_SHARE = 0.6;

/** Frame pixels (outermost ring, plus a second ring `inset` pixels in), as RGB triples. */
function framePixels(image: InterleavedF32, inset: number): Float32Array {
  const { width, height, channels, data } = image;
  const rings = [0, Math.min(inset, Math.floor((Math.min(width, height) - 1) / 2))];
  const out: number[] = [];
  const push = (x: number, y: number) => {
    const p = (y * width + x) * channels;
    out.push(data[p], data[p + 1], data[p + 2]);
  };
  for (const d of new Set(rings)) {
    const x0 = d;
    const y0 = d;
    const x1 = width - 1 - d;
    const y1 = height - 1 - d;
    if (x1 < x0 || y1 < y0) continue;
    for (let x = x0; x <= x1; x++) {
      push(x, y0);
      if (y1 !== y0) push(x, y1);
    }
    for (let y = y0 + 1; y < y1; y++) {
      push(x0, y);
      if (x1 !== x0) push(x1, y);
    }
  }
  return Float32Array.from(out);
}

/**
 * 'green' or 'blue' when most of the image's frame is a saturated green or blue (a chroma-key screen),
 * undefined otherwise. Looks at the frame only: cheap enough to decide which engine to run.
 */
export function detectChromaBackground(image: InterleavedF32): ChromaScreen | undefined {
  if (image.channels < 3 || image.width < 1 || image.height < 1) return undefined;
  const pixels = framePixels(image, Math.max(1, Math.round(0.01 * Math.min(image.width, image.height))));
  const count = pixels.length / 3;
  let green = 0;
  let blue = 0;
  for (let p = 0; p < pixels.length; p += 3) {
    if (keyness('green', pixels[p], pixels[p + 1], pixels[p + 2]) >= SCREEN_KEYNESS) green++;
    else if (keyness('blue', pixels[p], pixels[p + 1], pixels[p + 2]) >= SCREEN_KEYNESS) blue++;
  }
  if (green >= SCREEN_SHARE * count) return 'green';
  if (blue >= SCREEN_SHARE * count) return 'blue';
  return undefined;
}

/**
 * The screen's colour: the per-channel median of the frame pixels that are screen. Falls back to a
 * canonical green or blue when the frame shows none (the caller asked for a screen that is not there).
 */
export function estimateKeyColour(image: InterleavedF32, screen: ChromaScreen): Rgb {
  const pixels = framePixels(image, Math.max(1, Math.round(0.02 * Math.min(image.width, image.height))));
  const channels: number[][] = [[], [], []];
  for (let p = 0; p < pixels.length; p += 3) {
    if (keyness(screen, pixels[p], pixels[p + 1], pixels[p + 2]) < SCREEN_KEYNESS) continue;
    for (let k = 0; k < 3; k++) channels[k].push(pixels[p + k]);
  }
  if (channels[0].length === 0) return screen === 'green' ? [0.2, 0.7, 0.25] : [0.15, 0.3, 0.75];
  const median = (values: number[]) => {
    values.sort((a, b) => a - b);
    return values[values.length >> 1];
  };
  return [median(channels[0]), median(channels[1]), median(channels[2])];
}
