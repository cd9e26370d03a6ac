/**
 * Premultiplied colour (c·α) is what filters and resizers must see: averaging straight colour lets the
 * colour of invisible pixels bleed into visible ones (dark fringes). Unpremultiply undoes it afterwards.
 *
 * The image holds colour channels only; alpha is a separate plane, so every channel is multiplied.
 * Pass `out` equal to `image` to work in place.
 */

import { assertSameSize, createInterleavedF32, type InterleavedF32, type PlaneF32 } from './image.ts';

/**
 * Below this alpha a pixel is treated as fully transparent when unpremultiplying: c / α there is mostly
 * rounding noise amplified by a huge factor. It is well under the smallest non-zero 16-bit alpha (1/65535).
 */
export const MIN_UNPREMULTIPLY_ALPHA = 1e-6;

/** out = image · α, per pixel, every channel. */
export function premultiply(
  image: InterleavedF32,
  alpha: PlaneF32,
  out: InterleavedF32 = createInterleavedF32(image.width, image.height, image.channels),
): InterleavedF32 {
  checkShapes(image, alpha, out);
  const { data: src, channels: c } = image;
  const a = alpha.data;
  const dst = out.data;
  for (let p = 0, i = 0; p < a.length; p++) {
    const ap = a[p];
    for (let k = 0; k < c; k++, i++) dst[i] = src[i] * ap;
  }
  return out;
}

/**
 * out = image / α, clamped to [0, 1]; 0 where α ≤ `minAlpha` (a transparent pixel has no colour). The clamp
 * matters because premultiplied data that has been filtered can have c > α.
 */
export function unpremultiply(
  image: InterleavedF32,
  alpha: PlaneF32,
  out: InterleavedF32 = createInterleavedF32(image.width, image.height, image.channels),
  minAlpha = MIN_UNPREMULTIPLY_ALPHA,
): InterleavedF32 {
  checkShapes(image, alpha, out);
  const { data: src, channels: c } = image;
  const a = alpha.data;
  const dst = out.data;
  for (let p = 0, i = 0; p < a.length; p++) {
    const ap = a[p];
    if (!(ap > minAlpha)) {
      for (let k = 0; k < c; k++, i++) dst[i] = 0;
      continue;
    }
    const inv = 1 / ap;
    for (let k = 0; k < c; k++, i++) {
      const v = src[i] * inv;
      dst[i] = Math.min(Math.max(v, 0), 1);
    }
  }
  return out;
}

function checkShapes(image: InterleavedF32, alpha: PlaneF32, out: InterleavedF32): void {
  assertSameSize(image, alpha, 'premultiply: image and alpha');
  assertSameSize(image, out, 'premultiply: image and output');
  if (out.channels !== image.channels) {
    throw new RangeError(`premultiply: output has ${out.channels} channels, image ${image.channels}`);
  }
}
