/**
 * Product-shot layouts for testing segmentation (not matting): the cases a studio segmenter must get
 * right beyond "one blob in the middle".
 *  - 'mug': a body with a ring handle on its side; the backdrop shows through the handle (a hole).
 *  - 'ring': a ring lying flat; the backdrop shows through the middle.
 *  - 'on-edge': a product standing on the bottom edge of the frame (it leaves the frame there).
 *  - 'several': three separate objects.
 *  - 'cropped': a wide subject cut by the left and right edges of the frame.
 * Subjects are opaque with anti-aliased outlines and are painted in colours that stand clear of the
 * backdrop (a studio shot's subject does); α, F and B are exact as in generateScene.
 */
import { createInterleavedF32 } from '../core/image.ts';
import { CutoutError } from '../errors.ts';
import { BACKGROUND_KINDS, type BackgroundKind, renderBackground } from './backgrounds.ts';
import { type Rgb, randomColour, randomShading } from './colour-field.ts';
import { DEFAULT_SAMPLES, type PixelRect, rasterizeCoverage } from './coverage.ts';
import type { Scene } from './generate-scene.ts';
import { MAX_SCENE_PIXELS } from './generate-scene.ts';
import { createLayerStack, type LayerStack, paintMask, resolveForeground } from './layer-stack.ts';
import { Random } from './random.ts';
import { ellipse, roundedRect, type Shape } from './shapes.ts';

export const STUDIO_LAYOUTS = ['mug', 'ring', 'on-edge', 'several', 'cropped'] as const;
export type StudioLayout = (typeof STUDIO_LAYOUTS)[number];

export interface StudioSceneOptions {
  width: number;
  height: number;
  seed: number;
  layout: StudioLayout;
  /** Default 'plain'. */
  background?: BackgroundKind;
}

/** Inside `outer` and outside `inner`: exact when both are exact (circles, rounded rectangles). */
function subtract(outer: Shape, inner: Shape): Shape {
  return {
    distance: (x, y) => Math.max(outer.distance(x, y), -inner.distance(x, y)),
    bounds: outer.bounds,
    cx: outer.cx,
    cy: outer.cy,
  };
}

function union(a: Shape, b: Shape): Shape {
  return {
    distance: (x, y) => Math.min(a.distance(x, y), b.distance(x, y)),
    bounds: {
      minX: Math.min(a.bounds.minX, b.bounds.minX),
      minY: Math.min(a.bounds.minY, b.bounds.minY),
      maxX: Math.max(a.bounds.maxX, b.bounds.maxX),
      maxY: Math.max(a.bounds.maxY, b.bounds.maxY),
    },
    cx: a.cx,
    cy: a.cy,
  };
}

/** The shapes of a layout and the rectangle they roughly cover (for placing a shadow). */
function layoutShapes(layout: StudioLayout, width: number, height: number, rng: Random): Shape[] {
  const s = Math.min(width, height);
  const cx = width * rng.range(0.45, 0.55);
  const cy = height * rng.range(0.45, 0.55);
  switch (layout) {
    case 'mug': {
      const bodyHalf = s * 0.18;
      const body = roundedRect(cx - 0.08 * s, cy, bodyHalf, s * 0.24, s * 0.03);
      const handleX = cx - 0.08 * s + bodyHalf;
      const outer = ellipse(handleX, cy, s * 0.14, s * 0.14);
      const inner = ellipse(handleX, cy, s * 0.09, s * 0.09);
      return [union(body, subtract(outer, inner))];
    }
    case 'ring':
      return [subtract(ellipse(cx, cy, s * 0.3, s * 0.3), ellipse(cx, cy, s * 0.17, s * 0.17))];
    case 'on-edge': {
      // Standing on the bottom edge: the shape runs past the frame.
      const half = s * rng.range(0.14, 0.2);
      const top = height * rng.range(0.3, 0.45);
      const bottom = height + 0.1 * s;
      return [roundedRect(cx, (top + bottom) / 2, half, (bottom - top) / 2, s * 0.04)];
    }
    case 'several':
      return [
        ellipse(width * 0.22, height * 0.4, s * 0.12, s * 0.16, rng.range(-0.4, 0.4)),
        roundedRect(width * 0.52, height * 0.6, s * 0.1, s * 0.14, s * 0.02, rng.range(-0.3, 0.3)),
        ellipse(width * 0.8, height * 0.42, s * 0.11, s * 0.11),
      ];
    case 'cropped':
      return [ellipse(cx, cy, width * 0.65, s * rng.range(0.18, 0.26), rng.range(-0.08, 0.08))];
  }
}

function meanColour(image: { data: Float32Array }): Rgb {
  const d = image.data;
  let r = 0;
  let g = 0;
  let b = 0;
  for (let p = 0; p < d.length; p += 3) {
    r += d[p];
    g += d[p + 1];
    b += d[p + 2];
  }
  const n = d.length / 3;
  return [r / n, g / n, b / n];
}

/** A vivid or muted colour at least 0.35 (RGB distance) from `avoid`. */
function contrastingColour(rng: Random, avoid: Rgb): Rgb {
  let best: Rgb = [0.1, 0.1, 0.1];
  let bestDistance = -1;
  for (let attempt = 0; attempt < 30; attempt++) {
    const c = randomColour(rng, rng.chance(0.7) ? 'vivid' : 'muted');
    const d = Math.hypot(c[0] - avoid[0], c[1] - avoid[1], c[2] - avoid[2]);
    if (d >= 0.35) return c;
    if (d > bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

export function generateStudioScene(options: StudioSceneOptions): Scene {
  const { width, height, seed, layout } = options;
  const background = options.background ?? 'plain';
  const invalid = (message: string) => new CutoutError('CUTOUT_E_INVALID_OPTION', message);
  if (!Number.isInteger(width) || width < 8 || !Number.isInteger(height) || height < 8) {
    throw invalid(`studio scene size must be integers ≥ 8, got ${width}×${height}`);
  }
  if (width * height > MAX_SCENE_PIXELS) throw invalid(`studio scene of ${width}×${height} is too large`);
  if (!STUDIO_LAYOUTS.includes(layout)) {
    throw invalid(`unknown layout '${layout}' (expected one of ${STUDIO_LAYOUTS.join(', ')})`);
  }
  if (!BACKGROUND_KINDS.includes(background)) throw invalid(`unknown background '${background}'`);

  const rng = new Random(seed, 11);
  const shapes = layoutShapes(layout, width, height, rng);
  const clip: PixelRect = { x0: 0, y0: 0, x1: width, y1: height };
  const covered: PixelRect = {
    x0: Math.max(0, Math.floor(Math.min(...shapes.map((s) => s.bounds.minX)))),
    y0: Math.max(0, Math.floor(Math.min(...shapes.map((s) => s.bounds.minY)))),
    x1: Math.min(width, Math.ceil(Math.max(...shapes.map((s) => s.bounds.maxX)))),
    y1: Math.min(height, Math.ceil(Math.max(...shapes.map((s) => s.bounds.maxY)))),
  };
  const backdrop = renderBackground(background, width, height, new Random(seed, 12), covered);
  const avoid = meanColour(backdrop.image);

  const stack: LayerStack = createLayerStack(width, height);
  for (const shape of shapes) {
    const mask = rasterizeCoverage(shape.distance, shape.bounds, clip, DEFAULT_SAMPLES);
    const size = Math.max(shape.bounds.maxX - shape.bounds.minX, shape.bounds.maxY - shape.bounds.minY);
    paintMask(stack, mask, randomShading(rng, contrastingColour(rng, avoid), shape.cx, shape.cy, size / 2));
  }
  const { alpha, foreground } = resolveForeground(stack);
  const image = createInterleavedF32(width, height, 3);
  const a = alpha.data;
  const f = foreground.data;
  const b = backdrop.image.data;
  for (let i = 0; i < a.length; i++) {
    const p = 3 * i;
    const k = 1 - a[i];
    image.data[p] = a[i] * f[p] + k * b[p];
    image.data[p + 1] = a[i] * f[p + 1] + k * b[p + 1];
    image.data[p + 2] = a[i] * f[p + 2] + k * b[p + 2];
  }
  return {
    image,
    alpha,
    foreground,
    background: backdrop.image,
    description: `studio layout '${layout}' on a ${backdrop.description} background; ${width}×${height}, seed ${seed}`,
  };
}
