import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PlaneF32 } from '../../src/core/image.ts';
import { connectivityError, connectivityLevels } from '../../src/metrics/connectivity-error.ts';
import { unknownRegion } from '../../src/metrics/region.ts';
import { plane, rng, syntheticMatte, trimap } from './helpers.ts';

/**
 * A plain transcription of DIM's compute_connectivity_error: components labelled by a flood fill
 * started in MATLAB's column-major scan order, `max` keeping the first of equal sizes.
 */
function bruteConnectivity(p: PlaneF32, g: PlaneF32, region?: Uint8Array): number {
  const { width: w, height: h } = p;
  const lmap = new Array(w * h).fill(-1);
  for (let i = 1; i <= 10; i++) {
    const t = i / 10;
    const on = (x: number, y: number) => p.data[y * w + x] >= t && g.data[y * w + x] >= t;
    const label = new Array(w * h).fill(0);
    const sizes: number[] = [];
    for (let x = 0; x < w; x++) {
      for (let y = 0; y < h; y++) {
        if (!on(x, y) || label[y * w + x]) continue;
        sizes.push(0);
        const id = sizes.length;
        const stack = [[x, y]];
        label[y * w + x] = id;
        while (stack.length) {
          const [cx, cy] = stack.pop()!;
          sizes[id - 1]++;
          for (const [nx, ny] of [
            [cx + 1, cy],
            [cx - 1, cy],
            [cx, cy + 1],
            [cx, cy - 1],
          ]) {
            if (nx < 0 || ny < 0 || nx >= w || ny >= h || !on(nx, ny) || label[ny * w + nx]) continue;
            label[ny * w + nx] = id;
            stack.push([nx, ny]);
          }
        }
      }
    }
    let best = 0;
    for (let k = 0; k < sizes.length; k++) if (sizes[k] > (best ? sizes[best - 1] : 0)) best = k + 1;
    for (let k = 0; k < w * h; k++)
      if (lmap[k] === -1 && (best === 0 || label[k] !== best)) lmap[k] = (i - 1) / 10;
  }
  let s = 0;
  for (let k = 0; k < w * h; k++) {
    if (region && !region[k]) continue;
    const l = lmap[k] === -1 ? 1 : lmap[k];
    const dp = p.data[k] - l;
    const dg = g.data[k] - l;
    s += Math.abs(1 - dp * (dp >= 0.15 ? 1 : 0) - (1 - dg * (dg >= 0.15 ? 1 : 0)));
  }
  return s / 1000;
}

test('identical mattes score 0', () => {
  const g = syntheticMatte(40, 30, rng(1), 0.3);
  assert.equal(connectivityError(g, g), 0);
});

test('a small disconnected blob in p is penalised by its full value', () => {
  // g: 2×2 block of 1 at the top left. p: the same block plus an isolated pixel of 1 at (3, 3).
  // (p ≥ t) ∧ (g ≥ t) is the block for every t (g = 0 under the blob), so ω = block throughout:
  // block pixels stay −1 → l = 1, every other pixel leaves at t = 0.1 → l = 0.
  // Block: d = 0 → φ(p) = φ(g) = 1. Blob: d_p = 1 ≥ 0.15 → φ(p) = 0; d_g = 0 → φ(g) = 1. Conn = 1/1000.
  const g = plane(4, 4, [1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  const p = plane(4, 4, [1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
  assert.deepEqual(Array.from(connectivityLevels(p, g)), [1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  assert.equal(connectivityError(p, g), 0.001);
  // A faint blob (d_p = 0.125 < θ = 0.15) is not penalised at all.
  const faint = plane(4, 4, [1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.125]);
  assert.equal(connectivityError(faint, g), 0);
  // The trimap decides whether the blob is counted.
  const t = new Array(16).fill(128);
  assert.equal(connectivityError(p, g, unknownRegion(trimap(4, 4, t))), 0.001);
  t[15] = 255;
  assert.equal(connectivityError(p, g, unknownRegion(trimap(4, 4, t))), 0);
});

test('levels follow the threshold at which a pixel detaches (1-D hand case)', () => {
  // g = [1, .5, 0, .25], p = [1, .5, .125, .75]; pixel 2 (g = 0) splits the row.
  // t = .1, .2: ∧ = {0, 1, 3} → components {0,1} and {3}; ω = {0,1}; pixels 2, 3 get l = 0.
  // t = .3 … .5: ∧ = {0, 1}. t = .6: ∧ = {0}, pixel 1 gets l = .5. Pixel 0 stays to the end → l = 1.
  // φ: px 0, 1: d = 0 → 1 vs 1. px 2: d_p = .125 < .15 → 1 vs 1. px 3: d_p = .75 → φ = .25,
  // d_g = .25 → φ = .75, |.25 − .75| = .5. Conn = .5/1000.
  const g = plane(4, 1, [1, 0.5, 0, 0.25]);
  const p = plane(4, 1, [1, 0.5, 0.125, 0.75]);
  assert.deepEqual(Array.from(connectivityLevels(p, g)), [1, 0.5, 0, 0]);
  assert.equal(connectivityError(p, g), 0.0005);
});

test('4-connectivity: a pixel touching the body only diagonally is detached', () => {
  // 1 1 0     body = three 1s (p = g = 1); X at (x 1, y 2) touches (0, 1) only diagonally,
  // 1 0 0     with p = 1 and g = .75. Under 4-connectivity X is its own component of size 1, never
  // 0 X 0     the largest, so l = 0: φ(p) = 1 − 1 = 0, φ(g) = 1 − .75 = .25 → Conn = .25/1000.
  // (8-connected it would stay with the body until t = .8, l = .7, giving ≈ .3/1000.)
  const g = plane(3, 3, [1, 1, 0, 1, 0, 0, 0, 0.75, 0]);
  const p = plane(3, 3, [1, 1, 0, 1, 0, 0, 0, 1, 0]);
  assert.equal(connectivityError(p, g), 0.00025);
});

test('components are found over the whole image; the trimap only selects which pixels are summed', () => {
  // Row [1, 1, 1, X, 0, 1, 1] with X: p = 1, g = .75; only pixels 3, 5, 6 are unknown.
  // Over the whole image X belongs to {0..3} (size 4 > 2), so it stays in ω until t = .8: l = .7,
  // d_p = .3 → φ(p) = .7, d_g = .05 < .15 → φ(g) = 1; Conn = .3/1000. (Had components been taken
  // inside the region only, {5, 6} would win and X would get l = 0 and .25/1000.)
  const g = plane(7, 1, [1, 1, 1, 0.75, 0, 1, 1]);
  const p = plane(7, 1, [1, 1, 1, 1, 0, 1, 1]);
  const region = unknownRegion(trimap(7, 1, [255, 255, 255, 128, 0, 128, 128]));
  assert.ok(Math.abs(connectivityError(p, g, region) - 0.0003) < 1e-15);
});

test('ties for the largest component go to the first in column-major order, as in MATLAB', () => {
  // . . A    A (x 2, y 0): p = 1, g = .625.   B (x 0, y 2): p = g = .625.
  // . . .    For t = .1 … .6 the ∧ mask is {A, B}, two components of size 1. Column-major scanning
  // B . .    meets B first, so ω = {B}: A gets l = 0 at t = .1; at t = .7 ∧ is empty and B gets l = .6.
  // A: φ(p) = 1 − 1 = 0, φ(g) = 1 − .625 = .375 → .375. B: d = .025 < .15 → 0. Conn = .375/1000.
  // (Keeping A instead — row-major — would give .4/1000.)
  const g = plane(3, 3, [0, 0, 0.625, 0, 0, 0, 0.625, 0, 0]);
  const p = plane(3, 3, [0, 0, 1, 0, 0, 0, 0.625, 0, 0]);
  assert.deepEqual(Array.from(connectivityLevels(p, g)), [0, 0, 0, 0, 0, 0, 0.6, 0, 0]);
  assert.equal(connectivityError(p, g), 0.000375);
});

test('thresholds are i/10 compared in float64 against the float32 alpha', () => {
  // float32(0.7) = 0.69999998… < 0.7, so it detaches at t = .7 → l = .6;
  // float32(0.3) = 0.30000001… ≥ 0.3, so it survives t = .3 and detaches at .4 → l = .3.
  assert.deepEqual(Array.from(connectivityLevels(plane(1, 1, [0.7]), plane(1, 1, [0.7]))), [0.6]);
  assert.deepEqual(Array.from(connectivityLevels(plane(1, 1, [0.3]), plane(1, 1, [0.3]))), [0.3]);
  assert.deepEqual(Array.from(connectivityLevels(plane(1, 1, [1]), plane(1, 1, [1]))), [1]);
  assert.deepEqual(Array.from(connectivityLevels(plane(1, 1, [0]), plane(1, 1, [1]))), [0]);
});

test('matches a plain transcription of the MATLAB code on random mattes', () => {
  const next = rng(99);
  for (let trial = 0; trial < 12; trial++) {
    const w = 8 + Math.floor(next() * 20);
    const h = 8 + Math.floor(next() * 20);
    // Coarse levels make ties and exact threshold hits common.
    const levels = trial % 2 === 0 ? 10 : 4;
    const mk = () =>
      plane(
        w,
        h,
        Array.from({ length: w * h }, () => Math.round(next() * levels) / levels),
      );
    const p = trial < 6 ? mk() : syntheticMatte(w, h, next, 0.6);
    const g = trial < 6 ? mk() : syntheticMatte(w, h, next, 0.6);
    const region = unknownRegion(
      trimap(
        w,
        h,
        Array.from({ length: w * h }, () => (next() < 0.7 ? 128 : 0)),
      ),
    );
    assert.ok(Math.abs(connectivityError(p, g) - bruteConnectivity(p, g)) < 1e-12, `trial ${trial}`);
    assert.ok(
      Math.abs(connectivityError(p, g, region) - bruteConnectivity(p, g, region)) < 1e-12,
      `trial ${trial} (trimap)`,
    );
  }
});

test('size mismatch throws RangeError', () => {
  assert.throws(() => connectivityError(plane(2, 1, [0, 0]), plane(1, 2, [0, 0])), RangeError);
});
