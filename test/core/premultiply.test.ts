import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InterleavedF32, PlaneF32 } from '../../src/core/image.ts';
import { MIN_UNPREMULTIPLY_ALPHA, premultiply, unpremultiply } from '../../src/core/premultiply.ts';
import { maxAbsDiff, mulberry32, randomF32 } from './random.ts';

function randomCase(seed: number, width: number, height: number, channels: number) {
  const random = mulberry32(seed);
  const image: InterleavedF32 = {
    data: randomF32(random, width * height * channels),
    width,
    height,
    channels,
  };
  const alpha: PlaneF32 = { data: randomF32(random, width * height), width, height };
  // Exact 0, exact 1 and sub-threshold alphas must appear.
  alpha.data[0] = 0;
  if (alpha.data.length > 1) alpha.data[1] = 1;
  if (alpha.data.length > 2) alpha.data[2] = MIN_UNPREMULTIPLY_ALPHA / 2;
  return { image, alpha };
}

test('premultiply multiplies every channel by alpha', () => {
  for (const [seed, w, h, c] of [
    [1, 1, 1, 3],
    [2, 7, 5, 3],
    [3, 4, 9, 1],
    [4, 6, 3, 4],
  ]) {
    const { image, alpha } = randomCase(seed, w, h, c);
    const got = premultiply(image, alpha);
    const want = new Float32Array(image.data.length);
    for (let p = 0; p < w * h; p++) {
      for (let k = 0; k < c; k++) want[p * c + k] = image.data[p * c + k] * alpha.data[p];
    }
    assert.deepEqual([got.width, got.height, got.channels], [w, h, c]);
    assert.deepEqual(got.data, want);
  }
});

test('unpremultiply divides by alpha, clamps to [0, 1] and gives 0 where alpha is 0 or tiny', () => {
  const { image, alpha } = randomCase(5, 8, 6, 3);
  const got = unpremultiply(image, alpha);
  const c = 3;
  for (let p = 0; p < 48; p++) {
    const a = alpha.data[p];
    for (let k = 0; k < c; k++) {
      const want = a <= MIN_UNPREMULTIPLY_ALPHA ? 0 : Math.min(Math.max(image.data[p * c + k] / a, 0), 1);
      assert.ok(Math.abs(got.data[p * c + k] - want) <= 1e-6, `pixel ${p} channel ${k}`);
    }
  }
  assert.deepEqual(Array.from(got.data.subarray(0, 3)), [0, 0, 0]); // α = 0
  assert.deepEqual(Array.from(got.data.subarray(6, 9)), [0, 0, 0]); // α below the guard
});

test('unpremultiply undoes premultiply where alpha is not tiny', () => {
  const { image, alpha } = randomCase(6, 16, 16, 3);
  for (let p = 0; p < alpha.data.length; p++) alpha.data[p] = 0.01 + 0.99 * alpha.data[p];
  const back = unpremultiply(premultiply(image, alpha), alpha);
  assert.ok(maxAbsDiff(back.data, image.data) < 1e-5);
});

test('in place with out = image', () => {
  const { image, alpha } = randomCase(7, 5, 5, 3);
  const expected = premultiply(image, alpha).data;
  const same = premultiply(image, alpha, image);
  assert.equal(same, image);
  assert.deepEqual(image.data, expected);
});

test('mismatched sizes or channel counts are refused', () => {
  const { image, alpha } = randomCase(8, 4, 4, 3);
  assert.throws(() => premultiply(image, { ...alpha, width: 2, height: 8 }), RangeError);
  const out: InterleavedF32 = { data: new Float32Array(64), width: 4, height: 4, channels: 4 };
  assert.throws(() => unpremultiply(image, alpha, out), RangeError);
});
