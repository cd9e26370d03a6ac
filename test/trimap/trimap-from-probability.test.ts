import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PlaneF32 } from '../../src/core/image.ts';
import { trimapFromProbability } from '../../src/trimap/trimap-from-probability.ts';
import { mulberry32 } from '../core/random.ts';

function plane(width: number, height: number, value: (x: number, y: number) => number): PlaneF32 {
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = value(x, y);
  return { data, width, height };
}

/**
 * Brute force of the definition: unknown where some contour pixel (a pixel whose right or lower neighbour lies
 * on the other side of 0.5, or that neighbour itself) is within the band radius, or where p is unsure.
 */
function reference(p: PlaneF32, radius: number, lo: number, hi: number): Uint8Array {
  const { width, height, data } = p;
  const contour: [number, number][] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inside = data[y * width + x] > 0.5;
      if (x + 1 < width && data[y * width + x + 1] > 0.5 !== inside) contour.push([x, y], [x + 1, y]);
      if (y + 1 < height && data[(y + 1) * width + x] > 0.5 !== inside) contour.push([x, y], [x, y + 1]);
    }
  }
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = data[y * width + x];
      const near = contour.some(([cx, cy]) => (cx - x) ** 2 + (cy - y) ** 2 <= radius * radius);
      out[y * width + x] = near || !(v >= hi || v <= lo) ? 128 : v > 0.5 ? 255 : 0;
    }
  }
  return out;
}

test('matches the brute-force definition on random soft masks (band radius from the diagonal)', () => {
  const random = mulberry32(7);
  for (let trial = 0; trial < 5; trial++) {
    const width = 30 + trial * 7;
    const height = 20 + trial * 5;
    const cx = width * (0.3 + 0.4 * random());
    const cy = height * (0.3 + 0.4 * random());
    const r = Math.min(width, height) * 0.3;
    // A disc with a soft rim, a few confident specks and noise.
    const p = plane(width, height, (x, y) => {
      const d = Math.hypot(x - cx, y - cy) - r;
      const v = 1 / (1 + Math.exp(d));
      return random() < 0.03 ? random() : v;
    });
    const band = 0.05;
    const trimap = trimapFromProbability(p, { band, sureBackground: 0.02, sureForeground: 0.98 });
    const radius = Math.max(2, band * Math.hypot(width, height));
    assert.deepEqual([...trimap.data], [...reference(p, radius, 0.02, 0.98)], `trial ${trial}`);
  }
});

test('every pixel the network was unsure about is unknown, and only confident pixels are sure', () => {
  const p = plane(40, 40, (x, y) => ((x * 7 + y * 13) % 100) / 99);
  const trimap = trimapFromProbability(p);
  for (let i = 0; i < p.data.length; i++) {
    const v = p.data[i];
    const t = trimap.data[i];
    if (v > 0.01 && v < 0.99) assert.equal(t, 128, `pixel ${i} (p = ${v}) must be unknown`);
    if (t === 255) assert.ok(v >= 0.99);
    if (t === 0) assert.ok(v <= 0.01);
  }
});

test('the band around a hard edge scales with the image diagonal', () => {
  const widths = (size: number) => {
    const p = plane(size, size, (x) => (x < size / 2 ? 0 : 1));
    const trimap = trimapFromProbability(p, { band: 0.01 });
    return [...trimap.data.subarray(0, size)].filter((v) => v === 128).length;
  };
  // Radius 0.01·√2·size: 2.8 px at 200 (a 2r + 2 = 6 px band), 11.3 px at 800 (24 px).
  assert.equal(widths(200), 6);
  assert.equal(widths(800), 24);
});

test('unsure growth widens the unsure region by its diagonal fraction', () => {
  const p = plane(100, 1, (x) => (x === 50 ? 0.5 : x < 50 ? 0 : 1));
  const none = [...trimapFromProbability(p, { band: 0, minBandPixels: 0 }).data].filter(
    (v) => v === 128,
  ).length;
  const grown = [...trimapFromProbability(p, { band: 0, minBandPixels: 0, unsureGrowth: 0.05 }).data].filter(
    (v) => v === 128,
  ).length;
  // 0.5 is not above 0.5, so the contour is x = 50/51; with band radius 0 the unknowns are x = 50, 51.
  assert.equal(none, 2);
  // Growth 0.05 · 100 = 5 px on each side of the unsure pixel x = 50: x = 45 … 55 (which holds 51).
  assert.equal(grown, 11);
});

test('NaN is never sure; a confident mask with no edge has no unknown pixels', () => {
  const p = plane(10, 10, (x, y) => (x === 3 && y === 3 ? Number.NaN : 1));
  const trimap = trimapFromProbability(p);
  assert.equal(trimap.data[33], 128);
  const full = trimapFromProbability(plane(10, 10, () => 1));
  assert.ok(full.data.every((v) => v === 255));
  const empty = trimapFromProbability(plane(10, 10, () => 0));
  assert.ok(empty.data.every((v) => v === 0));
});

test('thresholds on the wrong side of 0.5 are refused', () => {
  assert.throws(
    () =>
      trimapFromProbability(
        plane(2, 2, () => 0),
        { sureForeground: 0.4 },
      ),
    RangeError,
  );
});
