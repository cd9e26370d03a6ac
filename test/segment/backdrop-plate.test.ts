/** The background plate: a cubic surface through the backdrop plus the pull-push-filled rest. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InterleavedF32 } from '../../src/core/image.ts';
import { backdropPlate } from '../../src/segment/studio/backdrop-plate.ts';
import { pullPushFill } from '../../src/segment/studio/pull-push-fill.ts';

const W = 96;
const H = 72;

function image(colour: (u: number, v: number) => [number, number, number]): InterleavedF32 {
  const data = new Float32Array(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++)
      data.set(colour((2 * x) / (W - 1) - 1, (2 * y) / (H - 1) - 1), 3 * (y * W + x));
  }
  return { width: W, height: H, channels: 3, data };
}

/** A subject-sized hole: a disc a third of the height across, off centre. */
function holed(): Uint8Array {
  const keep = new Uint8Array(W * H).fill(1);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) if (Math.hypot(x - 40, y - 40) < 14) keep[y * W + x] = 0;
  }
  return keep;
}

function errors(filled: InterleavedF32, truth: InterleavedF32, keep: Uint8Array) {
  let hole = 0;
  let kept = 0;
  for (let i = 0; i < W * H; i++) {
    for (let c = 0; c < 3; c++) {
      const d = Math.abs(filled.data[3 * i + c] - truth.data[3 * i + c]);
      if (keep[i]) kept = Math.max(kept, d);
      else hole = Math.max(hole, d);
    }
  }
  return { hole, kept };
}

test('a cubic backdrop (a sweep, a vignette) is continued exactly across the hole', () => {
  // Light falling off to one side, a darker floor, a radial vignette: all within degree 3.
  const truth = image((u, v) => {
    const k = 0.85 + 0.08 * u - 0.1 * v * v + 0.03 * v * v * v - 0.04 * (u * u + v * v);
    return [0.9 * k, 0.88 * k, 0.8 * k];
  });
  const keep = holed();
  const plate = errors(backdropPlate(truth, keep), truth, keep);
  assert.ok(plate.kept < 1e-6, `kept pixels move by ${plate.kept}`);
  assert.ok(plate.hole < 1e-5, `hole error ${plate.hole}`); // [6e-8: float32 rounding]
  // Pull-push alone levels the gradient off inside the hole: why the surface is fitted first.
  const membrane = errors(pullPushFill(truth, keep), truth, keep);
  assert.ok(membrane.hole > 0.02, `pull-push hole error ${membrane.hole}`); // [0.027]
});

test('what the surface misses (a soft shadow) is filled in from around the hole', () => {
  const shadow = (u: number, v: number) => 1 - 0.4 * Math.exp(-((u - 0.3) ** 2 + (v - 0.4) ** 2) / 0.05);
  const truth = image((u, v) => {
    const k = (0.8 + 0.05 * u) * shadow(u, v);
    return [k, k, 0.95 * k];
  });
  const keep = holed();
  const plate = errors(backdropPlate(truth, keep), truth, keep);
  assert.ok(plate.kept < 1e-6, `kept pixels move by ${plate.kept}`);
  // The shadow's core lies under the hole; both fills only guess it, the plate about as well as pull-push.
  const membrane = errors(pullPushFill(truth, keep), truth, keep);
  assert.ok(plate.hole <= membrane.hole + 0.01, `plate ${plate.hole}, pull-push ${membrane.hole}`); // [0.047, 0.041]
  assert.ok(plate.hole < 0.06, `hole error ${plate.hole}`);
});

test('too few backdrop pixels to pin a cubic: pull-push alone', () => {
  const truth = image((u) => [0.5 + 0.2 * u, 0.5, 0.5]);
  const keep = new Uint8Array(W * H);
  for (let k = 0; k < 20; k++) keep[k * 7] = 1;
  assert.deepEqual(backdropPlate(truth, keep).data, pullPushFill(truth, keep).data);
});
