/**
 * Hair and fur: curved strands thinner than a pixel growing out of a body's boundary.
 *
 * A strand is a polyline walked from a root just inside the boundary, turning by a steady curl,
 * a little jitter and a pull towards gravity, and tapering to a fine tip. Its coverage at a pixel is
 * the ribbon (local width w, at distance d from the pixel centre) integrated against a tent of
 * half-width one pixel across the strand: area-preserving in every direction and smooth, where
 * point sampling of a 0.3 px line would be mostly zero and sometimes a blob.
 * Each strand is composited over what is there, so α = 1 − Π(1 − αᵢ) and density falls off
 * outwards as strands end: a wide, realistic band of partial alpha.
 */

import { clamp01 } from './clamp.ts';
import type { Rgb } from './colour-field.ts';
import type { PixelRect } from './coverage.ts';
import { type LayerStack, notePaintedRect, paintPixel } from './layer-stack.ts';
import type { Random } from './random.ts';
import { boundaryPoint, type Shape } from './shapes.ts';

export interface HairOptions {
  body: Shape;
  /** Arc of the boundary where hair grows, as angles (radians) around the body's centre. */
  fromAngle: number;
  toAngle: number;
  /** Strands per pixel of boundary arc. */
  density: number;
  /** Strand length range, pixels. */
  minLength: number;
  maxLength: number;
  /** Root width range, pixels (tips taper to a fifth of it). */
  minWidth: number;
  maxWidth: number;
  /** How far inside the boundary roots may start, pixels. */
  rootDepth: number;
  /** Standard deviation of the root direction about the outward normal, radians. */
  spread: number;
  /** Standard deviation of a strand's total steady turn, radians. */
  curl: number;
  /** Total turn towards +y (down) a horizontal strand gets over its length, radians. */
  gravity: number;
  /** Fraction of strays, 1.5–2.2× longer. */
  flyaway: number;
  colour: Rgb;
  /** Standard deviation of a strand's brightness factor. */
  colourJitter: number;
}

/** Integral of the unit tent (support [−1, 1]) from −∞ to x. */
function tentIntegral(x: number): number {
  if (x <= -1) return 0;
  if (x <= 0) return 0.5 * (1 + x) * (1 + x);
  if (x < 1) return 1 - 0.5 * (1 - x) * (1 - x);
  return 1;
}

/** Coverage of a ribbon of width w whose centre line passes at distance d from the pixel centre. */
export function strandCoverage(d: number, w: number): number {
  return tentIntegral(d + 0.5 * w) - tentIntegral(d - 0.5 * w);
}

/** Strand coverage kept in a region-sized scratch, with the list of pixels touched. */
class StrandCanvas {
  readonly coverage: Float32Array;
  touched = new Int32Array(1 << 14);
  count = 0;
  /** Pixels painted so far, for the subject's extent. */
  extent: PixelRect = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };

  constructor(readonly region: PixelRect) {
    this.coverage = new Float32Array((region.x1 - region.x0) * (region.y1 - region.y0));
  }

  /**
   * Adds one segment, joined to its neighbours by max (so joints are not counted twice).
   * At the strand's own ends the ribbon is cut square and the cut blurred by the same tent along
   * the strand, which keeps the deposited area equal to the ribbon's (a round cap would add some).
   */
  segment(
    ax: number,
    ay: number,
    bx: number,
    by: number,
    wa: number,
    wb: number,
    capStart: boolean,
    capEnd: boolean,
  ): void {
    const { region, coverage } = this;
    const reach = 0.5 * Math.max(wa, wb) + 1;
    const x0 = Math.max(region.x0, Math.floor(Math.min(ax, bx) - reach));
    const x1 = Math.min(region.x1, Math.ceil(Math.max(ax, bx) + reach));
    const y0 = Math.max(region.y0, Math.floor(Math.min(ay, by) - reach));
    const y1 = Math.min(region.y1, Math.ceil(Math.max(ay, by) + reach));
    const ex = bx - ax;
    const ey = by - ay;
    const length = Math.sqrt(ex * ex + ey * ey);
    if (length === 0) return;
    const inv = 1 / (length * length);
    const regionWidth = region.x1 - region.x0;
    for (let py = y0; py < y1; py++) {
      const cy = py + 0.5 - ay;
      const row = (py - region.y0) * regionWidth - region.x0;
      for (let px = x0; px < x1; px++) {
        const cx = px + 0.5 - ax;
        const along = (cx * ex + cy * ey) * inv;
        const t = along < 0 ? 0 : Math.min(along, 1);
        let d: number;
        if ((capStart && along < 0) || (capEnd && along > 1)) {
          d = Math.abs(cx * ey - cy * ex) / length;
        } else {
          const qx = cx - t * ex;
          const qy = cy - t * ey;
          d = Math.sqrt(qx * qx + qy * qy);
        }
        const w = wa + t * (wb - wa);
        if (d >= 0.5 * w + 1) continue;
        let c = strandCoverage(d, w);
        if (capStart) c *= tentIntegral(along * length);
        if (capEnd) c *= tentIntegral((1 - along) * length);
        const i = row + px;
        const old = coverage[i];
        if (c <= old) continue;
        if (old === 0) this.touch(i);
        coverage[i] = c;
      }
    }
  }

  private touch(i: number): void {
    if (this.count === this.touched.length) {
      const grown = new Int32Array(this.touched.length * 2);
      grown.set(this.touched);
      this.touched = grown;
    }
    this.touched[this.count++] = i;
  }

  /** Composites the strand over the stack in one colour and clears the scratch. */
  flush(stack: LayerStack, r: number, g: number, b: number): void {
    const { region, coverage, touched } = this;
    const regionWidth = region.x1 - region.x0;
    const extent = this.extent;
    for (let k = 0; k < this.count; k++) {
      const i = touched[k];
      const x = region.x0 + (i % regionWidth);
      const y = region.y0 + Math.floor(i / regionWidth);
      paintPixel(stack, y * stack.width + x, coverage[i], r, g, b);
      coverage[i] = 0;
      if (x < extent.x0) extent.x0 = x;
      if (x >= extent.x1) extent.x1 = x + 1;
      if (y < extent.y0) extent.y0 = y;
      if (y >= extent.y1) extent.y1 = y + 1;
    }
    this.count = 0;
  }
}

/** Length of the boundary arc, from a fine polyline along it. */
function arcLength(body: Shape, from: number, to: number): number {
  const steps = 256;
  let total = 0;
  let prev = boundaryPoint(body, from);
  for (let k = 1; k <= steps; k++) {
    const next = boundaryPoint(body, from + ((to - from) * k) / steps);
    total += Math.hypot(next.x - prev.x, next.y - prev.y);
    prev = next;
  }
  return total;
}

/** Grows and composites the hair; returns how many strands were drawn. */
export function growHair(stack: LayerStack, rng: Random, o: HairOptions): number {
  const strays = 2.2;
  const margin = o.maxLength * strays + o.maxWidth + 2;
  const region: PixelRect = {
    x0: Math.max(0, Math.floor(o.body.bounds.minX - margin)),
    y0: Math.max(0, Math.floor(o.body.bounds.minY - margin)),
    x1: Math.min(stack.width, Math.ceil(o.body.bounds.maxX + margin)),
    y1: Math.min(stack.height, Math.ceil(o.body.bounds.maxY + margin)),
  };
  if (region.x1 <= region.x0 || region.y1 <= region.y0) return 0;
  const canvas = new StrandCanvas(region);
  const count = Math.round(arcLength(o.body, o.fromAngle, o.toAngle) * o.density);
  const [hr, hg, hb] = o.colour;
  for (let n = 0; n < count; n++) {
    const root = boundaryPoint(o.body, rng.range(o.fromAngle, o.toAngle));
    const depth = rng.range(0, o.rootDepth);
    let x = root.x - root.nx * depth;
    let y = root.y - root.ny * depth;
    let angle = Math.atan2(root.ny, root.nx) + rng.normal(0, o.spread);
    const length = rng.range(o.minLength, o.maxLength) * (rng.chance(o.flyaway) ? rng.range(1.5, strays) : 1);
    const rootWidth = rng.range(o.minWidth, o.maxWidth);
    const turn = rng.normal(0, o.curl) / length;
    const pull = (o.gravity * rng.range(0.5, 1.5)) / length;
    const step = Math.min(2, Math.max(0.5, length / 12));
    const wiggle = 0.03 * Math.sqrt(step);
    const steps = Math.max(1, Math.round(length / step));
    let width = rootWidth;
    for (let s = 1; s <= steps; s++) {
      const f = s / steps;
      const nextWidth = rootWidth * (1 - 0.8 * f * f);
      const nx = x + step * Math.cos(angle);
      const ny = y + step * Math.sin(angle);
      canvas.segment(x, y, nx, ny, width, nextWidth, s === 1, s === steps);
      x = nx;
      y = ny;
      width = nextWidth;
      angle += step * (turn + pull * Math.cos(angle)) + rng.normal(0, wiggle);
    }
    const shade = rng.normal(1, o.colourJitter);
    canvas.flush(stack, clamp01(hr * shade), clamp01(hg * shade), clamp01(hb * shade));
  }
  notePaintedRect(stack, canvas.extent);
  return count;
}
