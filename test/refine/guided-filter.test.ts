import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InterleavedF32, PlaneF32 } from '../../src/core/image.ts';
import { guidedFilter } from '../../src/refine/guided-filter.ts';
import { mulberry32, randomF32 } from '../core/random.ts';

/** The guided filter by its definition: per window, ridge regression of p on I (3×3 solve); average a, b. */
function reference(guide: InterleavedF32, p: PlaneF32, r: number, eps: number): Float64Array {
  const { width, height } = guide;
  const I = guide.data;
  const coef = new Float64Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const idx: number[] = [];
      for (let v = Math.max(0, y - r); v <= Math.min(height - 1, y + r); v++)
        for (let u = Math.max(0, x - r); u <= Math.min(width - 1, x + r); u++) idx.push(v * width + u);
      const n = idx.length;
      const mu = [0, 0, 0];
      let mp = 0;
      for (const i of idx) {
        for (let k = 0; k < 3; k++) mu[k] += I[i * 3 + k] / n;
        mp += p.data[i] / n;
      }
      const S = [0, 0, 0, 0, 0, 0, 0, 0, 0];
      const c = [0, 0, 0];
      for (const i of idx) {
        for (let a = 0; a < 3; a++) {
          c[a] += ((I[i * 3 + a] - mu[a]) * (p.data[i] - mp)) / n;
          for (let b = 0; b < 3; b++) S[a * 3 + b] += ((I[i * 3 + a] - mu[a]) * (I[i * 3 + b] - mu[b])) / n;
        }
      }
      for (let a = 0; a < 3; a++) S[a * 4] += eps;
      const aVec = solve3(S, c);
      const o = (y * width + x) * 4;
      coef.set([...aVec, mp - aVec[0] * mu[0] - aVec[1] * mu[1] - aVec[2] * mu[2]], o);
    }
  }
  const out = new Float64Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const sum = [0, 0, 0, 0];
      let n = 0;
      for (let v = Math.max(0, y - r); v <= Math.min(height - 1, y + r); v++)
        for (let u = Math.max(0, x - r); u <= Math.min(width - 1, x + r); u++) {
          for (let k = 0; k < 4; k++) sum[k] += coef[(v * width + u) * 4 + k];
          n++;
        }
      const i = y * width + x;
      const q = (sum[0] * I[i * 3] + sum[1] * I[i * 3 + 1] + sum[2] * I[i * 3 + 2] + sum[3]) / n;
      out[i] = Math.min(1, Math.max(0, q));
    }
  }
  return out;
}

/** Gaussian elimination with partial pivoting. */
function solve3(m: number[], b: number[]): number[] {
  const a = [m.slice(0, 3).concat(b[0]), m.slice(3, 6).concat(b[1]), m.slice(6, 9).concat(b[2])];
  for (let col = 0; col < 3; col++) {
    let pivot = col;
    for (let row = col + 1; row < 3; row++) if (Math.abs(a[row][col]) > Math.abs(a[pivot][col])) pivot = row;
    [a[col], a[pivot]] = [a[pivot], a[col]];
    for (let row = col + 1; row < 3; row++) {
      const f = a[row][col] / a[col][col];
      for (let k = col; k < 4; k++) a[row][k] -= f * a[col][k];
    }
  }
  const x = [0, 0, 0];
  for (let row = 2; row >= 0; row--) {
    let s = a[row][3];
    for (let k = row + 1; k < 3; k++) s -= a[row][k] * x[k];
    x[row] = s / a[row][row];
  }
  return x;
}

test('equals the definition (per-window ridge regression, averaged) on random data, ε = 1e-3', () => {
  const random = mulberry32(3);
  const width = 23;
  const height = 17;
  const guide = { data: randomF32(random, width * height * 3), width, height, channels: 3 };
  const p = { data: randomF32(random, width * height), width, height };
  for (const r of [1, 3]) {
    const fast = guidedFilter(guide, p, { radius: r, epsilon: 1e-3 });
    const slow = reference(guide, p, r, 1e-3);
    let worst = 0;
    for (let i = 0; i < slow.length; i++) worst = Math.max(worst, Math.abs(fast.data[i] - slow[i]));
    assert.ok(worst < 2e-4, `radius ${r}: largest difference ${worst}`);
  }
});

test('a constant input stays constant; an input equal to a channel of a flat-free guide is reproduced', () => {
  const random = mulberry32(5);
  const width = 40;
  const height = 30;
  const guide = { data: randomF32(random, width * height * 3), width, height, channels: 3 };
  const flat = guidedFilter(
    guide,
    { data: new Float32Array(width * height).fill(0.4), width, height },
    { radius: 4 },
  );
  for (const v of flat.data) assert.ok(Math.abs(v - 0.4) < 1e-5);
  // p = I_green is an exact affine function of the guide: the filter returns it (up to the ε shrinkage).
  const green = new Float32Array(width * height);
  for (let i = 0; i < green.length; i++) green[i] = guide.data[i * 3 + 1];
  const out = guidedFilter(guide, { data: green, width, height }, { radius: 3, epsilon: 1e-6 });
  for (let i = 0; i < green.length; i++) assert.ok(Math.abs(out.data[i] - green[i]) < 2e-3, `pixel ${i}`);
});

test('snaps a blurred mask to the guide’s edge; subsampling stays close to the exact filter', () => {
  const width = 120;
  const height = 40;
  const guide = { data: new Float32Array(width * height * 3), width, height, channels: 3 };
  const blurred = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const inside = x >= 60;
      guide.data.set(inside ? [0.9, 0.2, 0.1] : [0.1, 0.3, 0.8], i * 3);
      blurred[i] = 1 / (1 + Math.exp(-(x - 60) / 6));
    }
  }
  const p = { data: blurred, width, height };
  const exact = guidedFilter(guide, p, { radius: 12, epsilon: 1e-4 });
  const fast = guidedFilter(guide, p, { radius: 12, epsilon: 1e-4, subsample: 3 });
  // The input rises by 0.04 between x = 59 and 60; the output jumps there, at the colour edge, by 0.4.
  const at = (x: number) => exact.data[20 * width + x];
  assert.ok(at(60) - at(59) > 0.35, `jump ${at(60) - at(59)}`);
  assert.ok(at(59) - at(55) < 0.1 && at(65) - at(60) < 0.1, 'flat on either side of the edge');
  let worst = 0;
  for (let i = 0; i < exact.data.length; i++) worst = Math.max(worst, Math.abs(exact.data[i] - fast.data[i]));
  assert.ok(worst < 0.05, `subsampled differs by ${worst}`);
});

test('refuses a grey guide, mismatched sizes and a radius below 1', () => {
  const g = { data: new Float32Array(4), width: 2, height: 2, channels: 1 };
  const p = { data: new Float32Array(4), width: 2, height: 2 };
  assert.throws(() => guidedFilter(g, p, { radius: 1 }), /RGB/);
  const rgb = { data: new Float32Array(12), width: 2, height: 2, channels: 3 };
  assert.throws(
    () => guidedFilter(rgb, { data: new Float32Array(2), width: 2, height: 1 }, { radius: 1 }),
    /input/,
  );
  assert.throws(() => guidedFilter(rgb, p, { radius: 0 }), /radius/);
});
