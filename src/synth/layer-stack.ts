/**
 * Layers composited front-over-back into one foreground, keeping the exact truth.
 *
 * Each layer has coverage c and colour f. Putting it over what is there gives
 *   α ← c + (1 − c)·α        (so 1 − α = Π(1 − cᵢ))
 *   αF ← c·f + (1 − c)·αF    (premultiplied colour)
 * which is what the layers would show over any background. F = αF / α at the end; where α = 0 the
 * first layer's colour field extends F, so F is sensible everywhere.
 */

import type { InterleavedF32, PlaneF32 } from '../core/image.ts';
import type { ColourField } from './colour-field.ts';
import type { CoverageMask, PixelRect } from './coverage.ts';

export interface LayerStack {
  width: number;
  height: number;
  alpha: Float32Array;
  /** αF, interleaved RGB; becomes F in resolveForeground. */
  premult: Float32Array;
  /** Colour of the first layer painted, used for F where nothing covers. */
  extend: ColourField | null;
  /** Pixels touched so far (for placing a shadow under the subject); null when nothing painted. */
  painted: PixelRect | null;
}

export function createLayerStack(width: number, height: number): LayerStack {
  return {
    width,
    height,
    alpha: new Float32Array(width * height),
    premult: new Float32Array(width * height * 3),
    extend: null,
    painted: null,
  };
}

function notePainted(stack: LayerStack, rect: PixelRect): void {
  if (rect.x1 <= rect.x0 || rect.y1 <= rect.y0) return;
  const p = stack.painted;
  stack.painted = p
    ? {
        x0: Math.min(p.x0, rect.x0),
        y0: Math.min(p.y0, rect.y0),
        x1: Math.max(p.x1, rect.x1),
        y1: Math.max(p.y1, rect.y1),
      }
    : { ...rect };
}

/** Over-composites one pixel of coverage c and colour (r, g, b) at pixel index i. */
export function paintPixel(stack: LayerStack, i: number, c: number, r: number, g: number, b: number): void {
  const keep = 1 - c;
  stack.alpha[i] = c + keep * stack.alpha[i];
  const p = 3 * i;
  const premult = stack.premult;
  premult[p] = c * r + keep * premult[p];
  premult[p + 1] = c * g + keep * premult[p + 1];
  premult[p + 2] = c * b + keep * premult[p + 2];
}

/** Over-composites a coverage mask painted with `colour` (sampled at pixel centres). */
export function paintMask(stack: LayerStack, mask: CoverageMask, colour: ColourField): void {
  if (stack.extend === null) stack.extend = colour;
  const { width, height } = stack;
  const x0 = Math.max(0, mask.x0);
  const y0 = Math.max(0, mask.y0);
  const x1 = Math.min(width, mask.x0 + mask.width);
  const y1 = Math.min(height, mask.y0 + mask.height);
  const rgb = new Float64Array(3);
  for (let y = y0; y < y1; y++) {
    const maskRow = (y - mask.y0) * mask.width - mask.x0;
    const imageRow = y * width;
    for (let x = x0; x < x1; x++) {
      const c = mask.data[maskRow + x];
      if (c <= 0) continue;
      colour(x + 0.5, y + 0.5, rgb);
      paintPixel(stack, imageRow + x, c, rgb[0], rgb[1], rgb[2]);
    }
  }
  notePainted(stack, { x0, y0, x1, y1 });
}

/** Records pixels painted directly with paintPixel (e.g. hair), for the subject's extent. */
export function notePaintedRect(stack: LayerStack, rect: PixelRect): void {
  notePainted(stack, {
    x0: Math.max(0, rect.x0),
    y0: Math.max(0, rect.y0),
    x1: Math.min(stack.width, rect.x1),
    y1: Math.min(stack.height, rect.y1),
  });
}

/**
 * Turns the stack into α and F, reusing its buffers (the stack must not be painted afterwards).
 * Float32 rounding can push αF/α a hair past 1, hence the clamps.
 */
export function resolveForeground(stack: LayerStack): { alpha: PlaneF32; foreground: InterleavedF32 } {
  const { width, height, alpha, premult } = stack;
  const extend = stack.extend;
  const rgb = new Float64Array(3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const p = 3 * i;
      let a = alpha[i];
      if (a > 1) a = 1;
      alpha[i] = a;
      if (a > 0) {
        const inv = 1 / a;
        for (let k = 0; k < 3; k++) {
          const f = premult[p + k] * inv;
          premult[p + k] = f < 0 ? 0 : Math.min(f, 1);
        }
      } else {
        if (extend) extend(x + 0.5, y + 0.5, rgb);
        else rgb.fill(0.5);
        premult[p] = rgb[0];
        premult[p + 1] = rgb[1];
        premult[p + 2] = rgb[2];
      }
    }
  }
  return {
    alpha: { data: alpha, width, height },
    foreground: { data: premult, width, height, channels: 3 },
  };
}
