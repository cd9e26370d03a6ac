import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PlaneF32 } from '../../src/core/image.ts';
import {
  gaussianGradient,
  gaussianGradientMagnitude,
  gaussianHalfWidth,
  gradientError,
} from '../../src/metrics/gradient-error.ts';
import { unknownRegion } from '../../src/metrics/region.ts';
import { plane, randomPlane, rng, trimap } from './helpers.ts';

// ---- A plain transcription of DIM's MATLAB gaussgradient, for reference -------------------------

const SIGMA = 1.4;
const H = 4;

function gauss(x: number): number {
  return Math.exp(-(x * x) / (2 * SIGMA * SIGMA)) / (SIGMA * Math.sqrt(2 * Math.PI));
}
function dgauss(x: number): number {
  return (-x * gauss(x)) / (SIGMA * SIGMA);
}

/** hx(i, j) = G(i − h)·dG(j − h), divided by its L2 norm; i is the row, j the column. */
function kernelHx(): number[][] {
  const k: number[][] = [];
  let sq = 0;
  for (let i = 0; i <= 2 * H; i++) {
    k.push([]);
    for (let j = 0; j <= 2 * H; j++) {
      const v = gauss(i - H) * dgauss(j - H);
      k[i].push(v);
      sq += v * v;
    }
  }
  const norm = Math.sqrt(sq);
  return k.map((row) => row.map((v) => v / norm));
}

function transpose(k: number[][]): number[][] {
  return k[0].map((_, j) => k.map((row) => row[j]));
}

/** imfilter(I, k, 'replicate', 'conv'): out(y, x) = Σ k(i, j)·I(clamp(y + h − i), clamp(x + h − j)). */
function conv2Replicate(img: PlaneF32, k: number[][]): Float64Array {
  const { width: w, height: h, data } = img;
  const out = new Float64Array(w * h);
  const clamp = (v: number, n: number) => Math.min(n - 1, Math.max(0, v));
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let i = 0; i <= 2 * H; i++) {
        for (let j = 0; j <= 2 * H; j++) {
          s += k[i][j] * data[clamp(y + H - i, h) * w + clamp(x + H - j, w)];
        }
      }
      out[y * w + x] = s;
    }
  }
  return out;
}

const HX = kernelHx();
const HY = transpose(HX);

function bruteMagnitude(img: PlaneF32): Float64Array {
  const gx = conv2Replicate(img, HX);
  const gy = conv2Replicate(img, HY);
  return gx.map((v, i) => Math.hypot(v, gy[i]));
}

function bruteGradientError(p: PlaneF32, g: PlaneF32, region?: Uint8Array): number {
  const mp = bruteMagnitude(p);
  const mg = bruteMagnitude(g);
  let s = 0;
  for (let i = 0; i < mp.length; i++) if (!region || region[i]) s += (mp[i] - mg[i]) ** 2;
  return s / 1000;
}

function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

// ---- Tests ---------------------------------------------------------------------------------------

test("DIM's half-width formula gives 4 for σ = 1.4 (a 9×9 kernel)", () => {
  assert.equal(gaussianHalfWidth(1.4), 4);
});

test('separable gx, gy equal the brute-force 2-D convolution (replicate borders, flipped kernel)', () => {
  const next = rng(42);
  // Include images smaller than the kernel, where replication dominates.
  for (const [w, h] of [
    [1, 1],
    [3, 2],
    [2, 7],
    [9, 9],
    [17, 11],
    [40, 30],
  ]) {
    const img = randomPlane(w, h, next);
    const { gx, gy } = gaussianGradient(img);
    assert.ok(maxAbsDiff(gx, conv2Replicate(img, HX)) < 1e-12, `gx ${w}×${h}`);
    assert.ok(maxAbsDiff(gy, conv2Replicate(img, HY)) < 1e-12, `gy ${w}×${h}`);
    assert.ok(maxAbsDiff(gaussianGradientMagnitude(img), bruteMagnitude(img)) < 1e-12, `|∇| ${w}×${h}`);
  }
});

test('gradientError equals the brute-force reference, with and without a trimap', () => {
  const next = rng(7);
  const w = 23;
  const h = 19;
  const p = randomPlane(w, h, next);
  const g = randomPlane(w, h, next);
  const t = trimap(
    w,
    h,
    Array.from({ length: w * h }, () => [0, 128, 255][Math.floor(next() * 3)]),
  );
  const region = unknownRegion(t)!;
  const whole = gradientError(p, g);
  const band = gradientError(p, g, region);
  assert.ok(whole > 0);
  assert.ok(band > 0 && band < whole);
  assert.ok(Math.abs(whole - bruteGradientError(p, g)) < 1e-12);
  assert.ok(Math.abs(band - bruteGradientError(p, g, region)) < 1e-12);
});

test('p == g gives 0; a constant image has zero gradient; a constant offset changes nothing', () => {
  const next = rng(3);
  const g = randomPlane(12, 10, next);
  assert.equal(gradientError(g, g), 0);
  const flat = plane(6, 5, new Array(30).fill(0.625));
  for (const v of gaussianGradientMagnitude(flat)) assert.ok(v < 1e-15);
  // The kernel's derivative factor sums to zero, so adding a constant leaves every gradient unchanged.
  // Values on a 1/64 grid so the shifted copy is exact in float32.
  const coarse = { ...g, data: g.data.map((v) => Math.floor(v * 32) / 64) };
  const shifted = { ...g, data: coarse.data.map((v) => v + 0.25) };
  assert.ok(gradientError(coarse, shifted) < 1e-25);
});

test('a rising ramp in x: gy = 0, gx > 0 and constant away from the borders (convolution, not correlation)', () => {
  // I(y, x) = x / 31. With conv, gx = Σ hx(i,j)·I(x + h − j) = (1/31)·Σ hx(i,j)(h − j): dG(u) = −u·G(u)/σ²
  // is negative for u > 0, so (h − j)·dG(j − h) ≥ 0 and the slope comes out positive. Correlation
  // would give the negative of this.
  const w = 32;
  const h = 12;
  const img = plane(
    w,
    h,
    Array.from({ length: w * h }, (_, p) => (p % w) / (w - 1)),
  );
  let expected = 0;
  for (let i = 0; i <= 2 * H; i++) for (let j = 0; j <= 2 * H; j++) expected += HX[i][j] * (H - j);
  expected /= w - 1;
  assert.ok(expected > 0);
  const { gx, gy } = gaussianGradient(img);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      assert.ok(Math.abs(gy[y * w + x]) < 1e-15);
      // Float32 storage of x/31 adds ~1e-8 relative error to the samples.
      if (x >= H && x < w - H) assert.ok(Math.abs(gx[y * w + x] - expected) < 1e-7, `x ${x}`);
    }
  }
  // At the replicated left border the ramp looks flatter, so the response is smaller.
  assert.ok(gx[0] < expected && gx[0] > 0);
});

test('kernel sanity: hx has unit L2 norm and a zero centre column', () => {
  let sq = 0;
  for (const row of HX) for (const v of row) sq += v * v;
  assert.ok(Math.abs(sq - 1) < 1e-14);
  for (const row of HX) assert.ok(row[H] === 0); // ±0: dG(0) = −0·G(0)/σ²
});

test('size mismatch throws RangeError', () => {
  assert.throws(() => gradientError(plane(2, 1, [0, 0]), plane(1, 2, [0, 0])), RangeError);
});
