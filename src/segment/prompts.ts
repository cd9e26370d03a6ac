/**
 * Prompts that constrain a cut: a rectangle around the subject (`--box x,y,w,h`; everything outside it is
 * background) and strokes (a trimap-like plane: 255 foreground, 0 background, anything else unmarked), as
 * drawn with the web page's brush or given with `--strokes <image>`.
 */
import { TRIMAP_BACKGROUND, TRIMAP_FOREGROUND, type Trimap } from '../core/image.ts';
import { CutoutError } from '../errors.ts';

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
  let foreground = 0;
  let background = 0;
  for (const v of strokes.data) {
    if (v === TRIMAP_FOREGROUND) foreground++;
    else if (v === TRIMAP_BACKGROUND) background++;
  }
  return { foreground, background };
}
