/**
 * `--crop`: the subject's bounding box (every pixel with α above a threshold), grown by a margin and clipped to
 * the image; and cropping planes and images to it.
 *
 * The margin is in pixels or a fraction of the subject's larger side, so `--margin 5%` frames a small and a
 * large subject alike.
 *
 * Pure.
 */
import type { PlaneF32 } from '../core/image.ts';
import type { Rect } from '../core/rect.ts';
import { CutoutError } from '../errors.ts';

export type Margin = { pixels: number } | { fraction: number };

/** α at or below this is not part of the subject: a faint haze must not stretch the box to the frame. */
export const SUBJECT_THRESHOLD = 0.05;

/** The tightest rectangle holding every pixel with α > threshold; undefined when there is none. */
export function subjectBounds(alpha: PlaneF32, threshold = SUBJECT_THRESHOLD): Rect | undefined {
  const { width, height, data } = alpha;
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let first = -1;
    let last = -1;
    for (let x = 0; x < width; x++) {
      if (data[row + x] > threshold) {
        if (first < 0) first = x;
        last = x;
      }
    }
    if (first < 0) continue;
    if (first < x0) x0 = first;
    if (last > x1) x1 = last;
    if (y < y0) y0 = y;
    y1 = y;
  }
  if (x1 < 0) return undefined;
  return { x0, y0, x1: x1 + 1, y1: y1 + 1 };
}

/** The bounds grown by the margin on every side and clipped to the image. */
export function addMargin(bounds: Rect, margin: Margin, width: number, height: number): Rect {
  const side = Math.max(bounds.x1 - bounds.x0, bounds.y1 - bounds.y0);
  const m = Math.round('pixels' in margin ? margin.pixels : margin.fraction * side);
  return {
    x0: Math.max(0, bounds.x0 - m),
    y0: Math.max(0, bounds.y0 - m),
    x1: Math.min(width, bounds.x1 + m),
    y1: Math.min(height, bounds.y1 + m),
  };
}

/** The crop rectangle for `--crop`: the subject with its margin, or the whole image when there is no subject. */
export function cropRectangle(alpha: PlaneF32, margin: Margin = { pixels: 0 }): Rect {
  const bounds = subjectBounds(alpha);
  if (!bounds) return { x0: 0, y0: 0, x1: alpha.width, y1: alpha.height };
  return addMargin(bounds, margin, alpha.width, alpha.height);
}

/** Parses `20px`, `20` (pixels) or `5%`. */
export function parseMargin(text: string): Margin {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(px|%)?\s*$/i.exec(text);
  if (!match) {
    throw new CutoutError('CUTOUT_E_INVALID_OPTION', `--margin must look like 20px or 5%, got '${text}'`);
  }
  const value = Number(match[1]);
  return match[2] === '%' ? { fraction: value / 100 } : { pixels: value };
}
