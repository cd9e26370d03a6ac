import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluateMask, maskIou, meanAbsoluteError } from '../../src/metrics/mask-metrics.ts';
import { plane } from './helpers.ts';

const p = plane(3, 3, [0, 0.5, 1, 0.25, 0.75, 0, 1, 1, 0.5]);
const g = plane(3, 3, [0, 0.25, 1, 0.5, 0.75, 0.5, 0, 1, 1]);

test('MAE is the unscaled mean |p − g|', () => {
  // Σ|p − g| = 2.5 over 9 pixels.
  assert.ok(Math.abs(meanAbsoluteError(p, g) - 2.5 / 9) < 1e-15);
});

test('IoU of masks thresholded at 0.5 (inclusive)', () => {
  // p ≥ .5 at {1,2,4,6,7,8}; g ≥ .5 at {2,3,4,5,7,8}; ∩ = {2,4,7,8} (4), ∪ = {1..8} (8).
  assert.equal(maskIou(p, g), 0.5);
  // 0.5 itself counts as foreground.
  assert.equal(maskIou(plane(1, 1, [0.5]), plane(1, 1, [0.5])), 1);
  assert.equal(maskIou(plane(1, 1, [0.49]), plane(1, 1, [0.5])), 0);
});

test('IoU of two empty masks is 1; of an empty and a full one is 0', () => {
  const empty = plane(2, 2, [0, 0.1, 0.2, 0.49]);
  assert.equal(maskIou(empty, plane(2, 2, [0, 0, 0, 0])), 1);
  assert.equal(maskIou(empty, plane(2, 2, [1, 1, 1, 1])), 0);
});

test('evaluateMask: whole-image SAD, MSE, MAE, IoU together', () => {
  const m = evaluateMask(p, g);
  assert.equal(m.sad, 2.5 / 1000);
  // Σ(p − g)² = 1.625 over 9 pixels.
  assert.ok(Math.abs(m.mse - (1.625 / 9) * 1000) < 1e-12);
  assert.ok(Math.abs(m.mae - 2.5 / 9) < 1e-15);
  assert.equal(m.iou, 0.5);
});

test('4×4: a 2×2 square against a shifted 2×2 square', () => {
  // truth square at x,y ∈ {0,1}; prediction at x ∈ {1,2}, y ∈ {0,1}: overlap 2, union 6.
  const truth = plane(4, 4, [1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  const pred = plane(4, 4, [0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  const m = evaluateMask(pred, truth);
  assert.equal(m.iou, 2 / 6);
  assert.equal(m.mae, 4 / 16);
  assert.equal(m.sad, 4 / 1000);
  assert.equal(m.mse, (4 / 16) * 1000);
});

test('size mismatch throws RangeError', () => {
  assert.throws(() => evaluateMask(plane(2, 1, [0, 0]), plane(1, 2, [0, 0])), /2×1.*1×2/);
  assert.throws(() => maskIou(plane(2, 1, [0, 0]), plane(1, 1, [0])), RangeError);
});
