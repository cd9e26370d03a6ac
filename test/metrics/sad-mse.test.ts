import assert from 'node:assert/strict';
import { test } from 'node:test';
import { unknownRegion } from '../../src/metrics/region.ts';
import { mseError, sadError } from '../../src/metrics/sad-mse.ts';
import { plane, trimap } from './helpers.ts';

// Quarter steps are exact in float32, so the hand sums below are exact too.
const p = plane(3, 3, [0, 0.5, 1, 0.25, 0.75, 0, 1, 1, 0.5]);
const g = plane(3, 3, [0, 0.25, 1, 0.5, 0.75, 0.5, 0, 1, 1]);
// |p − g| = 0, .25, 0, .25, 0, .5, 1, 0, .5   → Σ = 2.5
// (p − g)² = 0, .0625, 0, .0625, 0, .25, 1, 0, .25 → Σ = 1.625

test('whole image (no trimap): SAD = Σ|p−g|/1000, MSE = mean (p−g)² × 1000', () => {
  assert.equal(sadError(p, g), 2.5 / 1000);
  assert.ok(Math.abs(mseError(p, g) - (1.625 / 9) * 1000) < 1e-12);
  assert.equal(sadError(p, g, unknownRegion(undefined)), 2.5 / 1000);
});

test('trimap restricts both metrics to 0 < t < 255', () => {
  // Unknown pixels: index 1 (128), 3 (128), 5 (1), 6 (254); 0 and 255 are excluded.
  const t = trimap(3, 3, [0, 128, 255, 128, 0, 1, 254, 255, 0]);
  const region = unknownRegion(t);
  assert.deepEqual(Array.from(region!), [0, 1, 0, 1, 0, 1, 1, 0, 0]);
  // |d| over the region: .25 + .25 + .5 + 1 = 2; d²: .0625 + .0625 + .25 + 1 = 1.375 over 4 pixels.
  assert.equal(sadError(p, g, region), 2 / 1000);
  assert.equal(mseError(p, g, region), (1.375 / 4) * 1000);
});

test('an empty region gives 0 for both (no division by zero)', () => {
  const region = unknownRegion(trimap(3, 3, [0, 255, 0, 255, 0, 255, 0, 255, 0]));
  assert.equal(sadError(p, g, region), 0);
  assert.equal(mseError(p, g, region), 0);
});

test('identical mattes score 0; a one-pixel full miss on 4×4 scores 1/1000 and 1000/16', () => {
  const a = plane(4, 4, new Array(16).fill(0.5));
  const b = plane(4, 4, new Array(16).fill(0.5));
  assert.equal(sadError(a, b), 0);
  assert.equal(mseError(a, b), 0);
  const c = plane(4, 4, new Array(16).fill(0));
  const d = plane(4, 4, [...new Array(15).fill(0), 1]);
  assert.equal(sadError(c, d), 0.001);
  assert.equal(mseError(c, d), 1000 / 16);
});

test('mismatched sizes and regions throw RangeError naming the sizes', () => {
  const small = plane(3, 2, [0, 0, 0, 0, 0, 0]);
  const tall = plane(2, 3, [0, 0, 0, 0, 0, 0]);
  assert.throws(
    () => sadError(small, tall),
    (e: unknown) => e instanceof RangeError && /3×2.*2×3/.test(e.message),
  );
  assert.throws(() => mseError(small, tall), RangeError);
  assert.throws(() => sadError(p, g, new Uint8Array(4)), RangeError);
});
