/**
 * Prompts that constrain a cut: a rectangle around the subject (`--box x,y,w,h`; everything outside it is
 * background) and strokes (a trimap-like plane: 255 foreground, 0 background, anything else unmarked), as
 * drawn with the web page's brush or given with `--strokes <image>`.
 */
import {
  type InterleavedF32,
  type PlaneF32,
  TRIMAP_BACKGROUND,
  TRIMAP_FOREGROUND,
  TRIMAP_UNKNOWN,
  type Trimap,
} from '../core/image.ts';
import { CutoutError } from '../errors.ts';
import { countTrimap } from '../trimap/quantise-trimap.ts';

/** A rectangle in image pixels: top-left corner and size. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Parses `--box x,y,w,h` (non-negative integers, positive size), e.g. "120,40,800,900". */
export function parseBox(text: string): Box {
  const parts = text.split(',').map((part) => part.trim());
  const usage = 'expected --box x,y,width,height in pixels, e.g. "120,40,800,900"';
  if (parts.length !== 4) {
    throw new CutoutError('CUTOUT_E_INVALID_OPTION', `box "${text}" has ${parts.length} value(s); ${usage}`);
  }
  const names = ['x', 'y', 'width', 'height'];
  const values = parts.map((part, k) => {
    if (!/^\d+$/.test(part)) {
      throw new CutoutError(
        'CUTOUT_E_INVALID_OPTION',
        `box "${text}": ${names[k]} "${part}" is not a whole number of pixels ≥ 0; ${usage}`,
      );
    }
    return Number(part);
  });
  const [x, y, width, height] = values;
  if (width === 0 || height === 0) {
    throw new CutoutError(
      'CUTOUT_E_INVALID_OPTION',
      `box "${text}": width and height must be at least 1; ${usage}`,
    );
  }
  return { x, y, width, height };
}

/**
 * The part of the box inside a width × height image. A box reaching past the image is clipped; one that
 * misses the image entirely, or is not made of whole pixels, is refused.
 */
export function clipBox(box: Box, width: number, height: number): Box {
  const { x, y } = box;
  const valid =
    [box.x, box.y, box.width, box.height].every(Number.isInteger) && box.width > 0 && box.height > 0;
  if (!valid || x < 0 || y < 0) {
    throw new CutoutError(
      'CUTOUT_E_INVALID_OPTION',
      `box ${x},${y},${box.width},${box.height} must be whole pixels with x, y ≥ 0 and a positive size`,
    );
  }
  if (x >= width || y >= height) {
    throw new CutoutError(
      'CUTOUT_E_INVALID_OPTION',
      `box ${x},${y},${box.width},${box.height} lies outside the ${width}×${height} image`,
    );
  }
  return { x, y, width: Math.min(box.width, width - x), height: Math.min(box.height, height - y) };
}

/** A box in `from`'s pixels, in `to`'s: grown outwards to whole pixels, so the subject stays inside it. */
export function scaleBox(
  box: Box,
  from: { width: number; height: number },
  to: { width: number; height: number },
): Box {
  if (from.width === to.width && from.height === to.height) return box;
  const sx = to.width / from.width;
  const sy = to.height / from.height;
  const x = Math.floor(box.x * sx);
  const y = Math.floor(box.y * sy);
  const x1 = Math.min(to.width, Math.max(x + 1, Math.ceil((box.x + box.width) * sx)));
  const y1 = Math.min(to.height, Math.max(y + 1, Math.ceil((box.y + box.height) * sy)));
  return { x, y, width: x1 - x, height: y1 - y };
}

export interface StrokeCounts {
  foreground: number;
  background: number;
}

/** Checks a stroke plane against the image and counts its marks. */
export function checkStrokes(strokes: Trimap, width: number, height: number, name = 'strokes'): StrokeCounts {
  if (strokes.width !== width || strokes.height !== height) {
    throw new CutoutError(
      'CUTOUT_E_SIZE_MISMATCH',
      `is ${strokes.width}×${strokes.height} but the image is ${width}×${height}`,
      { file: name },
    );
  }
  const { foreground, background } = countTrimap(strokes);
  return { foreground, background };
}

/**
 * Strokes brought to a width × height image: as they are when the sizes agree, resized (nearest) when only
 * the scale differs (the image was shrunk with --max-size), refused when the shape differs.
 */
export function fitStrokes(strokes: Trimap, width: number, height: number, name = 'strokes'): Trimap {
  if (strokes.width === width && strokes.height === height) return strokes;
  const ratio = strokes.width / strokes.height / (width / height);
  if (Math.abs(Math.log(ratio)) > 0.02) checkStrokes(strokes, width, height, name);
  const out = new Uint8Array(width * height);
  const sx = strokes.width / width;
  const sy = strokes.height / height;
  for (let y = 0; y < height; y++) {
    const row = Math.min(strokes.height - 1, Math.floor((y + 0.5) * sy)) * strokes.width;
    for (let x = 0; x < width; x++) {
      out[y * width + x] = strokes.data[row + Math.min(strokes.width - 1, Math.floor((x + 0.5) * sx))];
    }
  }
  return { data: out, width, height };
}

/**
 * Prompts imposed on a finished map (any engine's): outside the box is 0, strokes are what they say. With a
 * trimap too (the chroma key's), the same pixels become sure there, so matting cannot undo them.
 */
export function applyPrompts(
  probability: PlaneF32,
  box: Box | undefined,
  strokes: Trimap | undefined,
  trimap?: Trimap,
): void {
  const { width, height, data } = probability;
  const marks = trimap?.data;
  if (box) {
    const { x: x0, y: y0 } = box;
    const x1 = x0 + box.width;
    const y1 = y0 + box.height;
    for (let y = 0; y < height; y++) {
      const inside = y >= y0 && y < y1;
      for (let x = 0; x < width; x++) {
        if (inside && x >= x0 && x < x1) continue;
        const i = y * width + x;
        data[i] = 0;
        if (marks) marks[i] = TRIMAP_BACKGROUND;
      }
    }
  }
  if (strokes) {
    const s = strokes.data;
    for (let i = 0; i < data.length; i++) {
      if (s[i] === TRIMAP_FOREGROUND) {
        data[i] = 1;
        if (marks) marks[i] = TRIMAP_FOREGROUND;
      } else if (s[i] === TRIMAP_BACKGROUND) {
        data[i] = 0;
        if (marks) marks[i] = TRIMAP_BACKGROUND;
      }
    }
  }
}

/** Grey level at or above which a stroke image's pixel marks the subject; at or below 1 − this, background. */
const STROKE_LEVEL = 0.9;

/**
 * Strokes from a decoded image: white (grey ≥ 0.9) marks the subject, black (≤ 0.1) the background, grey
 * between and transparent pixels (α < 0.5) mark nothing, so strokes may be drawn on a grey canvas or on a
 * transparent layer, and survive JPEG.
 */
export function strokesFromImage(colour: InterleavedF32, alpha?: PlaneF32): Trimap {
  const { width, height, channels, data } = colour;
  const out = new Uint8Array(width * height).fill(TRIMAP_UNKNOWN);
  for (let i = 0; i < out.length; i++) {
    if (alpha && alpha.data[i] < 0.5) continue;
    const p = i * channels;
    const grey = channels >= 3 ? (data[p] + data[p + 1] + data[p + 2]) / 3 : data[p];
    if (grey >= STROKE_LEVEL) out[i] = TRIMAP_FOREGROUND;
    else if (grey <= 1 - STROKE_LEVEL) out[i] = TRIMAP_BACKGROUND;
  }
  return { data: out, width, height };
}
