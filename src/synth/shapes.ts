/**
 * Solid shapes as signed distances (negative inside) with a bounding box, ready for
 * rasterizeCoverage. Rounded rectangles and polygons give the exact Euclidean distance; the
 * ellipse gives a lower bound (exact for a circle), which is all the rasterizer needs.
 */

import type { Bounds, SignedDistance } from './coverage.ts';

export interface Shape {
  distance: SignedDistance;
  bounds: Bounds;
  /** A point inside from which every ray leaves the shape once (used to walk the boundary). */
  cx: number;
  cy: number;
}

function boundsAround(cx: number, cy: number, halfX: number, halfY: number): Bounds {
  return { minX: cx - halfX, minY: cy - halfY, maxX: cx + halfX, maxY: cy + halfY };
}

/**
 * Ellipse with semi-axes rx, ry, rotated by `angle` radians.
 * With k the ellipse's gauge (k = 1 on the boundary), (k − 1)·min(rx, ry) bounds the true
 * distance from both sides for any convex shape holding a disc of radius min(rx, ry) at its centre:
 * the supporting line at the boundary point on the same ray is at least that far away.
 */
export function ellipse(cx: number, cy: number, rx: number, ry: number, angle = 0): Shape {
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const invRx = 1 / rx;
  const invRy = 1 / ry;
  const inner = Math.min(rx, ry);
  const distance = (x: number, y: number): number => {
    const dx = x - cx;
    const dy = y - cy;
    const u = (dx * cos + dy * sin) * invRx;
    const v = (dy * cos - dx * sin) * invRy;
    return (Math.sqrt(u * u + v * v) - 1) * inner;
  };
  const halfX = Math.sqrt(rx * rx * cos * cos + ry * ry * sin * sin);
  const halfY = Math.sqrt(rx * rx * sin * sin + ry * ry * cos * cos);
  return { distance, bounds: boundsAround(cx, cy, halfX, halfY), cx, cy };
}

/** Rectangle of half-size (halfWidth, halfHeight) with corner radius, rotated by `angle`. Exact. */
export function roundedRect(
  cx: number,
  cy: number,
  halfWidth: number,
  halfHeight: number,
  radius: number,
  angle = 0,
): Shape {
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const r = Math.max(0, Math.min(radius, halfWidth, halfHeight));
  const innerX = halfWidth - r;
  const innerY = halfHeight - r;
  const distance = (x: number, y: number): number => {
    const dx = x - cx;
    const dy = y - cy;
    const qx = Math.abs(dx * cos + dy * sin) - innerX;
    const qy = Math.abs(dy * cos - dx * sin) - innerY;
    const ox = Math.max(qx, 0);
    const oy = Math.max(qy, 0);
    const insideTerm = Math.min(Math.max(qx, qy), 0);
    return insideTerm + Math.sqrt(ox * ox + oy * oy) - r;
  };
  const halfX = Math.abs(halfWidth * cos) + Math.abs(halfHeight * sin);
  const halfY = Math.abs(halfWidth * sin) + Math.abs(halfHeight * cos);
  return { distance, bounds: boundsAround(cx, cy, halfX, halfY), cx, cy };
}

/**
 * Simple polygon from interleaved vertices [x0, y0, x1, y1, …]. Exact distance: nearest edge for the
 * magnitude, crossing parity for the sign (Inigo Quilez's formulation).
 */
export function polygon(vertices: ArrayLike<number>, cx: number, cy: number): Shape {
  const v = Float64Array.from(vertices);
  const n = v.length >> 1;
  if (n < 3) throw new RangeError('a polygon needs at least 3 vertices');
  const distance = (x: number, y: number): number => {
    let best = (x - v[0]) * (x - v[0]) + (y - v[1]) * (y - v[1]);
    let sign = 1;
    for (let i = 0, j = n - 1; i < n; j = i, i++) {
      const vix = v[2 * i];
      const viy = v[2 * i + 1];
      const ex = v[2 * j] - vix;
      const ey = v[2 * j + 1] - viy;
      const wx = x - vix;
      const wy = y - viy;
      let t = (wx * ex + wy * ey) / (ex * ex + ey * ey);
      t = t < 0 ? 0 : Math.min(t, 1);
      const bx = wx - ex * t;
      const by = wy - ey * t;
      const d2 = bx * bx + by * by;
      if (d2 < best) best = d2;
      const c1 = y >= viy;
      const c2 = y < v[2 * j + 1];
      const c3 = ex * wy > ey * wx;
      if ((c1 && c2 && c3) || (!c1 && !c2 && !c3)) sign = -sign;
    }
    return sign * Math.sqrt(best);
  };
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    minX = Math.min(minX, v[2 * i]);
    maxX = Math.max(maxX, v[2 * i]);
    minY = Math.min(minY, v[2 * i + 1]);
    maxY = Math.max(maxY, v[2 * i + 1]);
  }
  return { distance, bounds: { minX, minY, maxX, maxY }, cx, cy };
}

/** Star with `points` tips at radius `outer` and notches at radius `inner`. */
export function star(cx: number, cy: number, outer: number, inner: number, points: number, angle = 0): Shape {
  const vertices: number[] = [];
  for (let i = 0; i < 2 * points; i++) {
    const r = i % 2 === 0 ? outer : inner;
    const a = angle + (Math.PI * i) / points;
    vertices.push(cx + r * Math.cos(a), cy + r * Math.sin(a));
  }
  return polygon(vertices, cx, cy);
}

export function regularPolygon(cx: number, cy: number, radius: number, sides: number, angle = 0): Shape {
  const vertices: number[] = [];
  for (let i = 0; i < sides; i++) {
    const a = angle + (2 * Math.PI * i) / sides;
    vertices.push(cx + radius * Math.cos(a), cy + radius * Math.sin(a));
  }
  return polygon(vertices, cx, cy);
}

/**
 * The boundary point on the ray from the shape's centre at `angle`, by bisection on the sign of
 * the distance, and the outward normal there (from the distance's gradient).
 */
export function boundaryPoint(shape: Shape, angle: number): { x: number; y: number; nx: number; ny: number } {
  const { bounds, cx, cy, distance } = shape;
  const dx = Math.cos(angle);
  const dy = Math.sin(angle);
  let lo = 0;
  let hi = Math.hypot(bounds.maxX - bounds.minX, bounds.maxY - bounds.minY) + 1;
  for (let i = 0; i < 48; i++) {
    const mid = 0.5 * (lo + hi);
    if (distance(cx + mid * dx, cy + mid * dy) < 0) lo = mid;
    else hi = mid;
  }
  const x = cx + lo * dx;
  const y = cy + lo * dy;
  const h = 0.25;
  let nx = distance(x + h, y) - distance(x - h, y);
  let ny = distance(x, y + h) - distance(x, y - h);
  const norm = Math.hypot(nx, ny);
  if (norm > 0) {
    nx /= norm;
    ny /= norm;
  } else {
    nx = dx;
    ny = dy;
  }
  return { x, y, nx, ny };
}
