/**
 * The compositing equation I = αF + (1 − α)B, per pixel and channel, with straight (not premultiplied)
 * F and B. Written as αF + (1 − α)B rather than B + α(F − B) so that α = 1 gives F and α = 0 gives B
 * exactly. Alpha is used as given (callers keep it in [0, 1]). Pass `out` equal to `foreground` or
 * `background` to work in place.
 */

import { assertSameSize, createInterleavedF32, type InterleavedF32, type PlaneF32 } from './image.ts';

export function composite(
  foreground: InterleavedF32,
  background: InterleavedF32,
  alpha: PlaneF32,
  out: InterleavedF32 = createInterleavedF32(foreground.width, foreground.height, foreground.channels),
): InterleavedF32 {
  assertSameSize(foreground, background, 'composite: foreground and background');
  assertSameSize(foreground, alpha, 'composite: foreground and alpha');
  assertSameSize(foreground, out, 'composite: foreground and output');
  const c = foreground.channels;
  if (background.channels !== c || out.channels !== c) {
    throw new RangeError(
      `composite: channel counts differ (foreground ${c}, background ${background.channels}, output ${out.channels})`,
    );
  }
  const f = foreground.data;
  const b = background.data;
  const a = alpha.data;
  const dst = out.data;
  for (let p = 0, i = 0; p < a.length; p++) {
    const ap = a[p];
    const bp = 1 - ap;
    for (let k = 0; k < c; k++, i++) dst[i] = ap * f[i] + bp * b[i];
  }
  return out;
}

/** Composite over a solid colour given as one value per channel, in [0, 1]. */
export function compositeOverColour(
  foreground: InterleavedF32,
  alpha: PlaneF32,
  colour: ArrayLike<number>,
  out: InterleavedF32 = createInterleavedF32(foreground.width, foreground.height, foreground.channels),
): InterleavedF32 {
  assertSameSize(foreground, alpha, 'compositeOverColour: foreground and alpha');
  assertSameSize(foreground, out, 'compositeOverColour: foreground and output');
  const c = foreground.channels;
  if (colour.length !== c || out.channels !== c) {
    throw new RangeError(
      `compositeOverColour: channel counts differ (foreground ${c}, colour ${colour.length}, output ${out.channels})`,
    );
  }
  const bg = Float32Array.from(colour);
  const f = foreground.data;
  const a = alpha.data;
  const dst = out.data;
  for (let p = 0, i = 0; p < a.length; p++) {
    const ap = a[p];
    const bp = 1 - ap;
    for (let k = 0; k < c; k++, i++) dst[i] = ap * f[i] + bp * bg[k];
  }
  return out;
}
