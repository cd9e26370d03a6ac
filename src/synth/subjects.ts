/**
 * The subjects: what stands in front of the background. Each builder paints layers into the
 * stack around a placement (centre and a characteristic size in pixels), so 'mixed' can reuse
 * them at smaller sizes. Geometry scales with the image; hair widths stay sub-pixel at any size.
 */

import { type ColourField, randomColour, randomShading } from './colour-field.ts';
import { DEFAULT_SAMPLES, type PixelRect, rasterizeCoverage } from './coverage.ts';
import { glassColour, glassMask, randomGlass } from './glass.ts';
import { growHair } from './hair-strands.ts';
import { type LayerStack, paintMask } from './layer-stack.ts';
import { motionBlurMask } from './motion-blur.ts';
import type { Random } from './random.ts';
import { ellipse, regularPolygon, roundedRect, type Shape, star } from './shapes.ts';

export const SUBJECT_KINDS = ['shapes', 'hair', 'glass', 'motion-blur', 'mixed'] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

interface Context {
  stack: LayerStack;
  rng: Random;
  clip: PixelRect;
}

interface Placement {
  cx: number;
  cy: number;
  /** Characteristic size in pixels: the subject spans roughly this much. */
  size: number;
}

/** "a star", "an ellipse". */
function withArticle(name: string): string {
  return /^[aeiou]/.test(name) ? `an ${name}` : `a ${name}`;
}

function paintShape(ctx: Context, shape: Shape, colour: ColourField): void {
  paintMask(ctx.stack, rasterizeCoverage(shape.distance, shape.bounds, ctx.clip, DEFAULT_SAMPLES), colour);
}

function shaded(ctx: Context, shape: Shape, palette: 'vivid' | 'muted' | 'skin', size: number): ColourField {
  return randomShading(ctx.rng, randomColour(ctx.rng, palette), shape.cx, shape.cy, size);
}

/** A random small solid shape: star, polygon, ellipse or rounded rectangle. */
function randomShape(rng: Random, cx: number, cy: number, radius: number): { shape: Shape; name: string } {
  const angle = rng.range(0, 2 * Math.PI);
  switch (rng.int(0, 3)) {
    case 0:
      return {
        shape: star(cx, cy, radius, radius * rng.range(0.35, 0.6), rng.int(4, 8), angle),
        name: 'star',
      };
    case 1:
      return { shape: regularPolygon(cx, cy, radius, rng.int(3, 8), angle), name: 'polygon' };
    case 2:
      return { shape: ellipse(cx, cy, radius, radius * rng.range(0.5, 1), angle), name: 'ellipse' };
    default:
      return {
        shape: roundedRect(cx, cy, radius, radius * rng.range(0.5, 1), radius * rng.range(0, 0.4), angle),
        name: 'rounded rectangle',
      };
  }
}

function shapes(ctx: Context, place: Placement): string {
  const { rng } = ctx;
  const { cx, cy, size: s } = place;
  const body = rng.chance(0.5)
    ? ellipse(cx, cy, s * rng.range(0.2, 0.3), s * rng.range(0.25, 0.35), rng.range(-0.4, 0.4))
    : roundedRect(
        cx,
        cy,
        s * rng.range(0.18, 0.28),
        s * rng.range(0.22, 0.32),
        s * rng.range(0.02, 0.1),
        rng.range(-0.3, 0.3),
      );
  paintShape(ctx, body, shaded(ctx, body, rng.chance(0.5) ? 'vivid' : 'muted', s * 0.3));
  const count = rng.int(3, 6);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const { shape, name } = randomShape(
      rng,
      cx + s * rng.range(-0.4, 0.4),
      cy + s * rng.range(-0.4, 0.4),
      s * rng.range(0.05, 0.13),
    );
    paintShape(ctx, shape, shaded(ctx, shape, 'vivid', s * 0.1));
    names.push(name);
  }
  return `shapes (a body with ${names.map(withArticle).join(', ')})`;
}

/**
 * The part of `a` above a hairline y = top + bend·(x − a.cx)², lower at the temples.
 * The parabola's offset divided by its steepest slope over the shape bounds its distance, and the
 * max of two bounds bounds the distance to the intersection.
 */
function aboveHairline(a: Shape, top: number, bend: number): Shape {
  const halfWidth = Math.max(a.cx - a.bounds.minX, a.bounds.maxX - a.cx);
  const inv = 1 / Math.sqrt(1 + (2 * bend * halfWidth) ** 2);
  return {
    distance: (x, y) => Math.max(a.distance(x, y), (y - top - bend * (x - a.cx) ** 2) * inv),
    bounds: a.bounds,
    cx: a.cx,
    cy: a.cy,
  };
}

function hair(ctx: Context, place: Placement): string {
  const { rng, stack } = ctx;
  const { cx, cy, size: s } = place;
  const hairColour = randomColour(rng, 'hair');
  const darker = [hairColour[0] * 0.8, hairColour[1] * 0.8, hairColour[2] * 0.8] as const;
  const common = { minWidth: 0.3, maxWidth: 0.9, colour: hairColour, colourJitter: 0.12 };
  if (rng.chance(0.5)) {
    const rx = s * rng.range(0.15, 0.19);
    const ry = s * rng.range(0.19, 0.23);
    const headY = cy + 0.08 * s;
    const shoulders = roundedRect(cx, headY + ry + 0.25 * s, 0.35 * s, 0.25 * s, 0.12 * s);
    paintShape(ctx, shoulders, shaded(ctx, shoulders, rng.chance(0.5) ? 'vivid' : 'muted', s * 0.3));
    const head = ellipse(cx, headY, rx, ry, rng.range(-0.1, 0.1));
    paintShape(ctx, head, shaded(ctx, head, 'skin', s * 0.2));
    const scalp = ellipse(cx, headY - 0.02 * s, rx * 1.06, ry * 1.02, 0);
    const hairline = aboveHairline(scalp, headY - 0.3 * ry, (0.5 * ry) / (rx * rx));
    paintShape(ctx, hairline, randomShading(rng, darker, cx, headY, s * 0.2));
    const count = growHair(stack, rng, {
      ...common,
      body: scalp,
      fromAngle: Math.PI - 0.15,
      toAngle: 2 * Math.PI + 0.15,
      density: rng.range(3, 5),
      minLength: 0.06 * s,
      maxLength: 0.2 * s,
      rootDepth: 0.02 * s,
      spread: 0.3,
      curl: 0.6,
      gravity: 2,
      flyaway: 0.06,
    });
    return `hair (a head with ${count} strands)`;
  }
  const body = ellipse(cx, cy, s * rng.range(0.26, 0.32), s * rng.range(0.16, 0.21), rng.range(-0.2, 0.2));
  paintShape(ctx, body, randomShading(rng, darker, cx, cy, s * 0.3));
  const count = growHair(stack, rng, {
    ...common,
    body,
    fromAngle: 0,
    toAngle: 2 * Math.PI,
    density: rng.range(3, 4.5),
    minLength: 0.03 * s,
    maxLength: 0.08 * s,
    rootDepth: 0.015 * s,
    spread: 0.5,
    curl: 0.5,
    gravity: 0.3,
    flyaway: 0.04,
  });
  return `fur (an animal with ${count} strands)`;
}

function glass(ctx: Context, place: Placement): string {
  const { rng, stack } = ctx;
  const { cx, cy, size: s } = place;
  const tint = randomColour(rng, 'tint');
  if (rng.chance(0.5)) {
    const halfHeight = s * rng.range(0.28, 0.33);
    const halfWidth = s * rng.range(0.12, 0.17);
    const bottle = roundedRect(cx, cy + 0.05 * s, halfWidth, halfHeight, s * rng.range(0.04, 0.08));
    const g = randomGlass(rng, bottle, s * 0.3, tint);
    paintMask(stack, glassMask(g, ctx.clip), glassColour(g));
    const cap = roundedRect(cx, cy + 0.05 * s - halfHeight - 0.03 * s, halfWidth * 0.45, 0.05 * s, 0.01 * s);
    paintShape(ctx, cap, shaded(ctx, cap, 'vivid', s * 0.05));
    return 'glass (a bottle with an opaque cap)';
  }
  const r = s * rng.range(0.25, 0.3);
  const stand = roundedRect(cx, cy - 0.05 * s + r + 0.04 * s, 0.15 * s, 0.06 * s, 0.02 * s);
  paintShape(ctx, stand, shaded(ctx, stand, 'muted', s * 0.1));
  const sphere = ellipse(cx, cy - 0.05 * s, r, r);
  const g = randomGlass(rng, sphere, s * 0.3, tint);
  paintMask(stack, glassMask(g, ctx.clip), glassColour(g));
  return 'glass (a sphere on an opaque stand)';
}

function motionBlur(ctx: Context, place: Placement): string {
  const { rng, stack, clip } = ctx;
  const { cx, cy, size: s } = place;
  const angle = rng.range(0, Math.PI);
  const length = Math.max(3, s * rng.range(0.03, 0.07));
  const radius = s * rng.range(0.12, 0.2);
  const side = rng.chance(0.5) ? 1 : -1;
  const still = randomShape(
    rng,
    cx - side * 0.3 * s,
    cy + s * rng.range(-0.15, 0.15),
    s * rng.range(0.06, 0.1),
  );
  paintShape(ctx, still.shape, shaded(ctx, still.shape, 'vivid', s * 0.1));
  const moving = rng.chance(0.5)
    ? { shape: ellipse(cx + side * 0.1 * s, cy, radius, radius), name: 'ball' }
    : randomShape(rng, cx + side * 0.1 * s, cy, radius);
  // Rasterize beyond the frame so parts smeared in from outside are not lost.
  const reach = Math.ceil(length) + 2;
  const wide = { x0: clip.x0 - reach, y0: clip.y0 - reach, x1: clip.x1 + reach, y1: clip.y1 + reach };
  const mask = rasterizeCoverage(moving.shape.distance, moving.shape.bounds, wide, DEFAULT_SAMPLES);
  paintMask(stack, motionBlurMask(mask, angle, length, clip), shaded(ctx, moving.shape, 'vivid', radius));
  // Degrees clockwise from +x, as the image y axis points down.
  const degrees = Math.round((angle * 180) / Math.PI);
  return `motion blur (${withArticle(moving.name)} smeared ${length.toFixed(1)} px at ${degrees}°, a sharp ${still.name})`;
}

function mixed(ctx: Context, width: number, height: number): string {
  const s = Math.min(width, height);
  const parts = [
    shapes(ctx, { cx: 0.15 * width, cy: 0.2 * height, size: 0.35 * s }),
    motionBlur(ctx, { cx: 0.75 * width, cy: 0.2 * height, size: 0.45 * s }),
    hair(ctx, { cx: 0.3 * width, cy: 0.55 * height, size: 0.75 * s }),
    glass(ctx, { cx: 0.72 * width, cy: 0.6 * height, size: 0.6 * s }),
  ];
  return `mixed: ${parts.join('; ')}`;
}

/** Paints subject `kind` into the stack and describes it. */
export function paintSubject(kind: SubjectKind, stack: LayerStack, rng: Random): string {
  const { width, height } = stack;
  const ctx: Context = { stack, rng, clip: { x0: 0, y0: 0, x1: width, y1: height } };
  const place: Placement = {
    cx: width * rng.range(0.45, 0.55),
    cy: height * rng.range(0.45, 0.55),
    size: Math.min(width, height),
  };
  switch (kind) {
    case 'shapes':
      return shapes(ctx, place);
    case 'hair':
      return hair(ctx, place);
    case 'glass':
      return glass(ctx, place);
    case 'motion-blur':
      return motionBlur(ctx, place);
    case 'mixed':
      return mixed(ctx, width, height);
  }
}
