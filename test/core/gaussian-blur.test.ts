import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gaussianBlurInterleaved, gaussianBlurPlane, gaussianKernel } from '../../src/core/gaussian-blur.ts';
import { maxAbsDiff, mulberry32, randomF32 } from './random.ts';

/** Direct 2-D convolution with the outer-product kernel, replicated borders, weights recomputed here. */
function referenceBlur(src: Float32Array, w: number, h: number, c: number, sigma: number): Float64Array {
  const r = Math.ceil(3 * sigma);
  const g: number[] = [];
  for (let i = -r; i <= r; i++) g.push(r === 0 ? 1 : Math.exp(-(i * i) / (2 * sigma * sigma)));
  const total = g.reduce((s, v) => s + v, 0);
  const out = new Float64Array(src.length);
  const clamp = (v: number, n: number) => Math.min(Math.max(v, 0), n - 1);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let k = 0; k < c; k++) {
        let sum = 0;
        for (let dy = -r; dy <= r; dy++) {
          for (let dx = -r; dx <= r; dx++) {
            const v = src[(clamp(y + dy, h) * w + clamp(x + dx, w)) * c + k];
            sum += ((g[dy + r] * g[dx + r]) / (total * total)) * v;
          }
        }
        out[(y * w + x) * c + k] = sum;
      }
    }
  }
  return out;
}

test('kernel: radius ceil(3σ), symmetric, sums to 1, peak in the middle', () => {
  for (const [sigma, radius] of [
    [0, 0],
    [0.1, 1],
    [1, 3],
    [1.4, 5],
    [2.5, 8],
  ]) {
    const k = gaussianKernel(sigma);
    assert.equal(k.length, 2 * radius + 1, `σ=${sigma}`);
    assert.ok(Math.abs(k.reduce((s, v) => s + v, 0) - 1) < 1e-6);
    for (let i = 0; i < k.length; i++) assert.equal(k[i], k[k.length - 1 - i]);
    assert.equal(Math.max(...k), k[radius]);
  }
  // σ = 1: neighbour / centre = exp(−1/2).
  const k1 = gaussianKernel(1);
  assert.ok(Math.abs(k1[4] / k1[3] - Math.exp(-0.5)) < 1e-6);
  assert.throws(() => gaussianKernel(-1), RangeError);
  assert.throws(() => gaussianKernel(Number.NaN), RangeError);
});

test('plane blur matches direct 2-D convolution with replicated borders', () => {
  const random = mulberry32(21);
  for (const [w, h, sigma] of [
    [1, 1, 1],
    [1, 10, 1.2],
    [10, 1, 0.7],
    [13, 9, 1],
    [6, 5, 3], // kernel far wider than the image
    [20, 16, 0.5],
  ]) {
    const data = randomF32(random, w * h);
    const got = gaussianBlurPlane({ data, width: w, height: h }, sigma);
    assert.deepEqual([got.width, got.height], [w, h]);
    const err = maxAbsDiff(got.data, referenceBlur(data, w, h, 1, sigma));
    assert.ok(err < 1e-5, `${w}×${h} σ=${sigma}: max error ${err}`);
  }
});

test('interleaved blur matches direct convolution per channel', () => {
  const random = mulberry32(22);
  for (const [w, h, c, sigma] of [
    [9, 7, 3, 1],
    [5, 8, 4, 1.5],
  ]) {
    const data = randomF32(random, w * h * c);
    const got = gaussianBlurInterleaved({ data, width: w, height: h, channels: c }, sigma);
    assert.deepEqual([got.width, got.height, got.channels], [w, h, c]);
    const err = maxAbsDiff(got.data, referenceBlur(data, w, h, c, sigma));
    assert.ok(err < 1e-5, `${w}×${h}×${c} σ=${sigma}: max error ${err}`);
  }
});

test('σ = 0 copies; a constant image stays constant', () => {
  const data = randomF32(mulberry32(23), 12);
  const same = gaussianBlurPlane({ data, width: 4, height: 3 }, 0);
  assert.notEqual(same.data, data);
  assert.deepEqual(same.data, data);
  const flat = new Float32Array(30).fill(0.7);
  const blurred = gaussianBlurPlane({ data: flat, width: 6, height: 5 }, 2);
  assert.ok(maxAbsDiff(blurred.data, flat) < 1e-6);
});
