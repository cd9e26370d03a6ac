import assert from 'node:assert/strict';
import { test } from 'node:test';
import { squaredDistanceTransform } from '../../src/core/distance-transform.ts';
import { mulberry32, randomInt, randomMask } from './random.ts';

/** Minimum of dx² + dy² over every feature pixel; Infinity when there is none. */
function referenceSquaredDistance(mask: Uint8Array, w: number, h: number, wantSet: boolean): Float32Array {
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let best = Infinity;
      for (let yy = 0; yy < h; yy++) {
        for (let xx = 0; xx < w; xx++) {
          if ((mask[yy * w + xx] !== 0) !== wantSet) continue;
          best = Math.min(best, (xx - x) ** 2 + (yy - y) ** 2);
        }
      }
      out[y * w + x] = best;
    }
  }
  return out;
}

test('matches brute force on random masks of varied size and density', () => {
  const random = mulberry32(41);
  const cases: number[][] = [
    [1, 1, 0.5],
    [1, 17, 0.1],
    [17, 1, 0.1],
    [23, 19, 0.002], // often a single pixel or none
    [23, 19, 0.05],
    [23, 19, 0.5],
    [23, 19, 0.95],
  ];
  for (let i = 0; i < 15; i++)
    cases.push([randomInt(random, 1, 32), randomInt(random, 1, 32), random() * 0.3]);
  for (const [w, h, density] of cases) {
    const data = randomMask(random, w * h, density);
    for (const target of ['set', 'unset'] as const) {
      const got = squaredDistanceTransform({ data, width: w, height: h }, target);
      assert.deepEqual([got.width, got.height], [w, h]);
      assert.deepEqual(
        got.data,
        referenceSquaredDistance(data, w, h, target === 'set'),
        `${w}×${h} ${target}`,
      );
    }
  }
});

test('any non-zero byte counts as set', () => {
  const data = Uint8Array.from([0, 7, 0, 0, 255, 0]);
  const got = squaredDistanceTransform({ data, width: 3, height: 2 });
  assert.deepEqual(Array.from(got.data), [1, 0, 1, 1, 0, 1]);
});

test('single pixel gives exact squared distances; empty mask gives Infinity; full mask gives 0', () => {
  const w = 9;
  const h = 6;
  const one = new Uint8Array(w * h);
  one[2 * w + 6] = 1;
  const got = squaredDistanceTransform({ data: one, width: w, height: h }).data;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) assert.equal(got[y * w + x], (x - 6) ** 2 + (y - 2) ** 2);
  }
  const empty = squaredDistanceTransform({ data: new Uint8Array(w * h), width: w, height: h }).data;
  assert.ok(empty.every((v) => v === Infinity));
  const full = squaredDistanceTransform({ data: new Uint8Array(w * h).fill(1), width: w, height: h }).data;
  assert.ok(full.every((v) => v === 0));
  assert.ok(
    squaredDistanceTransform(
      { data: new Uint8Array(w * h).fill(1), width: w, height: h },
      'unset',
    ).data.every((v) => v === Infinity),
  );
});

test('far corners of a wide image are exact', () => {
  const w = 300;
  const h = 200;
  const data = new Uint8Array(w * h);
  data[0] = 1;
  const got = squaredDistanceTransform({ data, width: w, height: h }).data;
  assert.equal(got[w * h - 1], 299 ** 2 + 199 ** 2);
  assert.equal(got[w - 1], 299 ** 2);
  assert.equal(got[(h - 1) * w], 199 ** 2);
});
