import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connectivityError } from '../../src/metrics/connectivity-error.ts';
import { evaluateMatte } from '../../src/metrics/evaluate-matte.ts';
import { gradientError } from '../../src/metrics/gradient-error.ts';
import { evaluateMask, evaluateMatte as fromIndex, unknownRegion } from '../../src/metrics/index.ts';
import { mseError, sadError } from '../../src/metrics/sad-mse.ts';
import { plane, rng, syntheticMatte, trimap } from './helpers.ts';

test('size mismatch throws a RangeError naming both sizes', () => {
  const a = plane(4, 3, new Array(12).fill(0));
  const b = plane(3, 4, new Array(12).fill(0));
  assert.throws(
    () => evaluateMatte(a, b),
    (e: unknown) => e instanceof RangeError && e.message.includes('4×3') && e.message.includes('3×4'),
  );
  assert.throws(
    () => evaluateMatte(a, a, trimap(3, 4, new Array(12).fill(128))),
    (e: unknown) => e instanceof RangeError && e.message.includes('4×3') && e.message.includes('3×4'),
  );
});

test('no trimap means every pixel; an all-unknown trimap gives the same numbers', () => {
  const next = rng(5);
  const g = syntheticMatte(48, 36, next, 0.2);
  const p = syntheticMatte(48, 36, next, 0.4);
  const none = evaluateMatte(p, g);
  const all = evaluateMatte(p, g, trimap(48, 36, new Array(48 * 36).fill(128)));
  assert.deepEqual(none, all);
  assert.ok(none.sad > 0 && none.mse > 0 && none.grad > 0 && none.conn > 0);
});

test('a trimap restricts all four metrics to its unknown band', () => {
  // 4×4, one-pixel full miss at (3, 3) on flat zero truth. Hand values with the pixel unknown:
  // SAD = 1/1000; MSE = 1/|region| × 1000; Conn = 1/1000 (the blob never joins ω, l = 0, φ(p) = 0).
  const g = plane(4, 4, new Array(16).fill(0));
  const p = plane(4, 4, [...new Array(15).fill(0), 1]);
  const t = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 128, 128, 0, 0, 128, 128]; // unknown: bottom-right 2×2
  const m = evaluateMatte(p, g, trimap(4, 4, t));
  assert.equal(m.sad, 0.001);
  assert.equal(m.mse, 1000 / 4);
  assert.equal(m.conn, 0.001);
  const region = unknownRegion(trimap(4, 4, t));
  assert.equal(m.grad, gradientError(p, g, region));
  assert.ok(m.grad > 0 && m.grad < gradientError(p, g));
  // Everything known: nothing is measured.
  const known = evaluateMatte(p, g, trimap(4, 4, new Array(16).fill(255)));
  assert.deepEqual(known, { sad: 0, mse: 0, grad: 0, conn: 0 });
});

test('evaluateMatte agrees with the individual metrics and the index re-exports', () => {
  const next = rng(8);
  const g = syntheticMatte(30, 20, next, 0.3);
  const p = syntheticMatte(30, 20, next, 0.3);
  const t = trimap(
    30,
    20,
    Array.from({ length: 600 }, () => [0, 64, 255][Math.floor(next() * 3)]),
  );
  const region = unknownRegion(t);
  assert.deepEqual(evaluateMatte(p, g, t), {
    sad: sadError(p, g, region),
    mse: mseError(p, g, region),
    grad: gradientError(p, g, region),
    conn: connectivityError(p, g, region),
  });
  assert.deepEqual(fromIndex(p, g, t), evaluateMatte(p, g, t));
  assert.equal(typeof evaluateMask, 'function');
});

test('800×600, all four metrics, in well under a second', () => {
  const next = rng(11);
  const g = syntheticMatte(800, 600, next, 0.3);
  const p = syntheticMatte(800, 600, next, 0.5);
  evaluateMatte(p, g); // warm-up (JIT)
  const start = performance.now();
  const m = evaluateMatte(p, g);
  const ms = performance.now() - start;
  assert.ok(Number.isFinite(m.sad + m.mse + m.grad + m.conn));
  // Budget is loose for a shared 2-core machine; typical is far below (see report).
  assert.ok(ms < 1000, `took ${ms.toFixed(0)} ms`);
});
