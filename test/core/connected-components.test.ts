import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  labelConnectedComponents,
  largestComponentLabel,
  largestComponentMask,
} from '../../src/core/connected-components.ts';

/** Small deterministic PRNG (mulberry32) so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Plain flood fill with an explicit stack, labels in row-major order of first pixel. */
function bruteForceLabels(mask: Uint8Array, w: number, h: number, conn: 4 | 8) {
  const labels = new Int32Array(w * h);
  const sizes = [0];
  const offsets =
    conn === 4
      ? [
          [1, 0],
          [-1, 0],
          [0, 1],
          [0, -1],
        ]
      : [
          [1, 0],
          [-1, 0],
          [0, 1],
          [0, -1],
          [1, 1],
          [1, -1],
          [-1, 1],
          [-1, -1],
        ];
  let count = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (!mask[y * w + x] || labels[y * w + x]) continue;
      count++;
      let size = 0;
      const stack = [[x, y]];
      labels[y * w + x] = count;
      while (stack.length > 0) {
        const [cx, cy] = stack.pop()!;
        size++;
        for (const [dx, dy] of offsets) {
          const nx = cx + dx;
          const ny = cy + dy;
          if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
          if (!mask[ny * w + nx] || labels[ny * w + nx]) continue;
          labels[ny * w + nx] = count;
          stack.push([nx, ny]);
        }
      }
      sizes.push(size);
    }
  }
  return { labels, count, sizes };
}

function randomMask(w: number, h: number, density: number, next: () => number): Uint8Array {
  const m = new Uint8Array(w * h);
  for (let i = 0; i < m.length; i++) m[i] = next() < density ? 1 : 0;
  return m;
}

test('labels match a brute-force flood fill on random masks (4- and 8-connected)', () => {
  const next = rng(12345);
  const shapes = [
    [1, 1],
    [1, 17],
    [23, 1],
    [7, 5],
    [31, 29],
    [64, 48],
  ];
  for (const [w, h] of shapes) {
    for (const density of [0, 0.2, 0.45, 0.6, 0.9, 1]) {
      for (const conn of [4, 8] as const) {
        const mask = randomMask(w, h, density, next);
        const got = labelConnectedComponents(mask, w, h, conn);
        const want = bruteForceLabels(mask, w, h, conn);
        const where = `${w}×${h} density ${density} conn ${conn}`;
        assert.equal(got.count, want.count, where);
        assert.deepEqual(Array.from(got.labels), Array.from(want.labels), where);
        assert.deepEqual(Array.from(got.sizes), want.sizes, where);
      }
    }
  }
});

test('largestComponentMask matches the brute-force largest component', () => {
  const next = rng(777);
  for (let trial = 0; trial < 40; trial++) {
    const w = 5 + Math.floor(next() * 40);
    const h = 5 + Math.floor(next() * 40);
    const conn = trial % 2 === 0 ? 4 : 8;
    const mask = randomMask(w, h, 0.3 + 0.4 * next(), next);
    const want = bruteForceLabels(mask, w, h, conn);
    let best = 0;
    for (let l = 1; l <= want.count; l++) if (want.sizes[l] > want.sizes[best]) best = l;
    const got = largestComponentMask(mask, w, h, conn);
    for (let p = 0; p < w * h; p++) {
      assert.equal(got[p], best !== 0 && want.labels[p] === best ? 1 : 0, `trial ${trial} pixel ${p}`);
    }
  }
});

test('diagonal neighbours join only under 8-connectivity', () => {
  // 1 0
  // 0 1
  const mask = Uint8Array.from([1, 0, 0, 1]);
  assert.equal(labelConnectedComponents(mask, 2, 2, 4).count, 2);
  assert.equal(labelConnectedComponents(mask, 2, 2, 8).count, 1);
  assert.deepEqual(Array.from(labelConnectedComponents(mask, 2, 2, 8).sizes), [0, 2]);
});

test('ties: row-major keeps the lowest label, column-major the first component scanning columns', () => {
  // . . A      A = (x 2, y 0) comes first in row-major order,
  // . . .      B = (x 0, y 2) comes first in column-major order (MATLAB's bwconncomp).
  // B . .
  const mask = Uint8Array.from([0, 0, 1, 0, 0, 0, 1, 0, 0]);
  const cc = labelConnectedComponents(mask, 3, 3, 4);
  assert.equal(cc.labels[2], 1);
  assert.equal(cc.labels[6], 2);
  assert.equal(largestComponentLabel(cc, 3, 3, 'row-major'), 1);
  assert.equal(largestComponentLabel(cc, 3, 3, 'column-major'), 2);
  assert.deepEqual(
    Array.from(largestComponentMask(mask, 3, 3, 4, 'column-major')),
    [0, 0, 0, 0, 0, 0, 1, 0, 0],
  );
  // A strictly larger component wins whatever the tie rule.
  mask[5] = 1; // (x 2, y 1): grows A to 2 pixels.
  assert.equal(largestComponentLabel(labelConnectedComponents(mask, 3, 3, 4), 3, 3, 'column-major'), 1);
});

test('empty mask: no components and an all-zero largest mask', () => {
  const cc = labelConnectedComponents(new Uint8Array(12), 4, 3);
  assert.equal(cc.count, 0);
  assert.deepEqual(Array.from(cc.sizes), [0]);
  assert.deepEqual(Array.from(largestComponentMask(new Uint8Array(12), 4, 3)), new Array(12).fill(0));
});

test('a mask of the wrong length throws', () => {
  assert.throws(() => labelConnectedComponents(new Uint8Array(5), 2, 3), RangeError);
});

test('labels a 1000×1000 noisy mask in linear time', () => {
  const next = rng(1);
  const mask = randomMask(1000, 1000, 0.55, next);
  const start = performance.now();
  const cc = labelConnectedComponents(mask, 1000, 1000, 4);
  const ms = performance.now() - start;
  let total = 0;
  for (let l = 1; l <= cc.count; l++) total += cc.sizes[l];
  let ones = 0;
  for (const v of mask) ones += v;
  assert.equal(total, ones);
  assert.ok(ms < 1000, `took ${ms.toFixed(0)} ms`);
});
