import assert from 'node:assert/strict';
import { test } from 'node:test';
import { composite, compositeOverColour } from '../../src/core/composite.ts';
import type { InterleavedF32 } from '../../src/core/image.ts';
import { maxAbsDiff, mulberry32, randomF32 } from './random.ts';

function randomImage(random: () => number, width: number, height: number, channels: number): InterleavedF32 {
  return { data: randomF32(random, width * height * channels), width, height, channels };
}

test('composite matches αF + (1 − α)B for any channel count', () => {
  const random = mulberry32(61);
  for (const [w, h, c] of [
    [1, 1, 1],
    [7, 5, 3],
    [4, 6, 4],
    [3, 3, 2],
  ]) {
    const f = randomImage(random, w, h, c);
    const b = randomImage(random, w, h, c);
    const alpha = { data: randomF32(random, w * h), width: w, height: h };
    const got = composite(f, b, alpha);
    assert.deepEqual([got.width, got.height, got.channels], [w, h, c]);
    const want = new Float64Array(w * h * c);
    for (let p = 0; p < w * h; p++) {
      const a = alpha.data[p];
      for (let k = 0; k < c; k++) want[p * c + k] = a * f.data[p * c + k] + (1 - a) * b.data[p * c + k];
    }
    assert.ok(maxAbsDiff(got.data, want) < 1e-6);
  }
});

test('α = 1 gives F and α = 0 gives B exactly', () => {
  const random = mulberry32(62);
  const f = randomImage(random, 2, 1, 3);
  const b = randomImage(random, 2, 1, 3);
  const got = composite(f, b, { data: Float32Array.from([1, 0]), width: 2, height: 1 }).data;
  assert.deepEqual(Array.from(got), [...f.data.subarray(0, 3), ...b.data.subarray(3, 6)]);
});

test('compositeOverColour equals composite over a solid background', () => {
  const random = mulberry32(63);
  const f = randomImage(random, 6, 4, 3);
  const alpha = { data: randomF32(random, 24), width: 6, height: 4 };
  const colour = [0.2, 0.5, 1];
  const solid: InterleavedF32 = { data: new Float32Array(72), width: 6, height: 4, channels: 3 };
  for (let i = 0; i < 72; i++) solid.data[i] = colour[i % 3];
  assert.deepEqual(compositeOverColour(f, alpha, colour).data, composite(f, solid, alpha).data);
  // Hand-computed: α = 0.25 over white of F = 0.
  const one = compositeOverColour(
    { data: new Float32Array(1), width: 1, height: 1, channels: 1 },
    { data: Float32Array.from([0.25]), width: 1, height: 1 },
    [1],
  );
  assert.deepEqual(Array.from(one.data), [0.75]);
});

test('in place and mismatches', () => {
  const random = mulberry32(64);
  const f = randomImage(random, 3, 3, 3);
  const b = randomImage(random, 3, 3, 3);
  const alpha = { data: randomF32(random, 9), width: 3, height: 3 };
  const expected = composite(f, b, alpha).data;
  assert.equal(composite(f, b, alpha, f), f);
  assert.deepEqual(f.data, expected);
  assert.throws(() => composite(f, randomImage(random, 3, 3, 4), alpha), RangeError);
  assert.throws(() => composite(f, b, { ...alpha, width: 9, height: 1 }), RangeError);
  assert.throws(() => compositeOverColour(f, alpha, [1, 1]), RangeError);
});
