/**
 * Scribbles: a few strokes marking sure foreground and background, everything else unknown.
 *
 * Two ways to draw them are read:
 *  - a transparent layer (an image with alpha): transparent pixels are unknown; opaque strokes are
 *    foreground when light and background when dark — what a paint program's layer gives;
 *  - an opaque grey image coded like a trimap: 255 foreground, 0 background, anything else unknown.
 */
import {
  type InterleavedF32,
  isFullyOpaque,
  type PlaneF32,
  TRIMAP_BACKGROUND,
  TRIMAP_FOREGROUND,
  TRIMAP_UNKNOWN,
  type Trimap,
} from '../core/image.ts';

export function trimapFromScribbles(colour: InterleavedF32, alpha?: PlaneF32): Trimap {
  const { width, height, channels } = colour;
  const n = width * height;
  const out = new Uint8Array(n);
  const c = colour.data;
  // An alpha channel that is opaque everywhere marks nothing: read the image as grey-coded.
  const layer = alpha && !isFullyOpaque(alpha.data) ? alpha : undefined;
  for (let i = 0; i < n; i++) {
    let level = 0;
    for (let k = 0; k < channels; k++) level += c[i * channels + k];
    level /= channels;
    if (layer) {
      if (layer.data[i] < 0.5) out[i] = TRIMAP_UNKNOWN;
      else out[i] = level >= 0.5 ? TRIMAP_FOREGROUND : TRIMAP_BACKGROUND;
    } else {
      const v = Math.round(level * 255);
      out[i] = v === 255 ? TRIMAP_FOREGROUND : v === 0 ? TRIMAP_BACKGROUND : TRIMAP_UNKNOWN;
    }
  }
  return { data: out, width, height };
}
