import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type Bounds,
  imageRect,
  maskArea,
  rasterizeCoverage,
  type SignedDistance,
  supersamplePixel,
} from '../../src/synth/coverage.ts';
import { ellipse, polygon, roundedRect, type Shape, star } from '../../src/synth/shapes.ts';

const clip = imageRect(160, 140);

/** Every pixel of the bounds supersampled: what the fast path must reproduce exactly. */
function bruteForce(distance: SignedDistance, bounds: Bounds, samples: number) {
  const x0 = Math.max(0, Math.floor(bounds.minX));
  const y0 = Math.max(0, Math.floor(bounds.minY));
  const x1 = Math.min(clip.x1, Math.ceil(bounds.maxX));
  const y1 = Math.min(clip.y1, Math.ceil(bounds.maxY));
  const data = new Float32Array((x1 - x0) * (y1 - y0));
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++)
      data[(y - y0) * (x1 - x0) + x - x0] = supersamplePixel(distance, x, y, samples);
  }
  return { x0, y0, data };
}

const shapes: Array<[string, Shape]> = [
  ['circle', ellipse(70.3, 66.8, 41.7, 41.7)],
  ['rotated ellipse', ellipse(80.1, 70.4, 60.2, 18.9, 0.7)],
  ['rounded rect', roundedRect(75.5, 68.2, 50.3, 30.1, 9.4, -0.4)],
  ['star', star(79.9, 70.2, 55.5, 22.1, 7, 0.3)],
  ['concave polygon', polygon([10.2, 10.7, 150.1, 20.3, 60.4, 60.9, 140.8, 130.2, 15.5, 120.1], 40, 60)],
  ['clipped by the frame', ellipse(150.2, 10.9, 40.3, 25.1, 0.2)],
];

test('the fast path (sampling only near edges) equals supersampling every pixel, bit for bit', () => {
  for (const [name, shape] of shapes) {
    const fast = rasterizeCoverage(shape.distance, shape.bounds, clip, 8);
    const slow = bruteForce(shape.distance, shape.bounds, 8);
    assert.equal(fast.x0, slow.x0, name);
    assert.equal(fast.y0, slow.y0, name);
    assert.deepEqual(fast.data, slow.data, name);
    let edge = 0;
    for (const c of fast.data) if (c > 0 && c < 1) edge++;
    assert.ok(edge > 50, `${name}: ${edge} edge pixels`);
  }
});

test('an anti-aliased disc has area πr² within 0.5 % (and 0.05 % in fact)', () => {
  for (const [cx, cy, r] of [
    [40.37, 38.81, 20.3],
    [80.5, 70.5, 55.55],
    [30.9, 33.1, 4.2],
  ]) {
    const disc = ellipse(cx, cy, r, r);
    const area = maskArea(rasterizeCoverage(disc.distance, disc.bounds, clip));
    const exact = Math.PI * r * r;
    const error = Math.abs(area - exact) / exact;
    assert.ok(error < 0.005, `r=${r}: area ${area} vs ${exact}`);
    if (r > 10) assert.ok(error < 0.0005, `r=${r}: relative error ${error}`);
  }
});

test('edge coverage is the fraction of the pixel inside (half-plane edge through the middle)', () => {
  // A rotated square edge passing exactly through pixel centres: coverage 1/2 there.
  const big = roundedRect(-1000 + 50.5, 70, 1000, 1000, 0);
  const mask = rasterizeCoverage(big.distance, big.bounds, clip, 8);
  const at = (x: number, y: number) =>
    x < mask.x0 || x >= mask.x0 + mask.width ? 0 : mask.data[(y - mask.y0) * mask.width + (x - mask.x0)];
  assert.equal(at(50, 10), 0.5);
  assert.equal(at(49, 10), 1);
  assert.equal(at(51, 10), 0);
  // Tilted edge: the coverage of each pixel is the exact area right of the line, to 1/64.
  const tilt = 0.3;
  const slanted = roundedRect(80, 70, 30, 1000, 0, tilt);
  const tilted = rasterizeCoverage(slanted.distance, slanted.bounds, clip, 8);
  for (let y = 20; y < 120; y += 7) {
    for (let x = 40; x < 120; x++) {
      const got = tilted.data[(y - tilted.y0) * tilted.width + (x - tilted.x0)] ?? 0;
      const exact = supersamplePixel(slanted.distance, x, y, 64);
      assert.ok(Math.abs(got - exact) <= 1 / 32, `(${x}, ${y}): ${got} vs ${exact}`);
    }
  }
});

test('shape distances never exceed the true distance to the boundary (what the fast path relies on)', () => {
  const e = ellipse(80, 70, 60, 20, 0.5);
  const boundary: Array<[number, number]> = [];
  for (let k = 0; k < 6000; k++) {
    const t = (2 * Math.PI * k) / 6000;
    const u = 60 * Math.cos(t);
    const v = 20 * Math.sin(t);
    boundary.push([80 + u * Math.cos(0.5) - v * Math.sin(0.5), 70 + u * Math.sin(0.5) + v * Math.cos(0.5)]);
  }
  for (let y = 0; y < 140; y += 3.7) {
    for (let x = 0; x < 160; x += 4.1) {
      let best = Infinity;
      for (const [bx, by] of boundary) best = Math.min(best, Math.hypot(x - bx, y - by));
      assert.ok(Math.abs(e.distance(x, y)) <= best + 0.05, `(${x}, ${y})`);
    }
  }
  // Polygons and rounded rectangles are exact: compare with a brute-force distance to the edges.
  const square = roundedRect(80, 70, 30, 30, 0, 0);
  assert.ok(Math.abs(square.distance(80, 70) + 30) < 1e-9);
  assert.ok(Math.abs(square.distance(120, 70) - 10) < 1e-9);
  assert.ok(Math.abs(square.distance(120, 110) - Math.hypot(10, 10)) < 1e-9);
  const triangle = polygon([0, 0, 100, 0, 0, 100], 20, 20);
  assert.ok(Math.abs(triangle.distance(20, 30) + 20) < 1e-9);
  assert.ok(Math.abs(triangle.distance(-3, 50) - 3) < 1e-9);
  assert.ok(Math.abs(triangle.distance(60, 60) - 20 / Math.SQRT2) < 1e-9);
});

test('interior and exterior pixels cost one distance each, not a supersample', () => {
  let calls = 0;
  const disc = ellipse(500, 500, 300, 300);
  const counted: SignedDistance = (x, y) => {
    calls++;
    return disc.distance(x, y);
  };
  const mask = rasterizeCoverage(counted, disc.bounds, imageRect(1000, 1000), 8);
  let edge = 0;
  for (const c of mask.data) if (c > 0 && c < 1) edge++;
  // 64 samples per edge pixel plus a little; a full supersample would be 600²·64 ≈ 23 M.
  assert.ok(calls < 64 * 3 * edge + 4 * 600, `${calls} calls for ${edge} edge pixels`);
  assert.ok(Math.abs(maskArea(mask) - Math.PI * 300 * 300) / (Math.PI * 300 * 300) < 1e-4);
});
