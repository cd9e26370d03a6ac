import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InterleavedF32, Trimap } from '../../src/core/image.ts';
import { buildClosedFormSystem } from '../../src/matting/closed-form-laplacian.ts';
import { estimateAlphaClosedForm } from '../../src/matting/estimate-alpha-cf.ts';
import { csrToDense } from '../../src/matting/sparse.ts';
import { estimateAlphaWithPrior } from '../../src/refine/closed-form-with-prior.ts';
import { mulberry32, randomF32 } from '../core/random.ts';

function scene(width: number, height: number, seed: number) {
  const random = mulberry32(seed);
  const image: InterleavedF32 = { data: randomF32(random, width * height * 3), width, height, channels: 3 };
  const trimap: Trimap = { data: new Uint8Array(width * height), width, height };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      trimap.data[y * width + x] = x < width / 3 ? 0 : x >= (2 * width) / 3 ? 255 : 128;
    }
  }
  return { image, trimap, random };
}

/** Dense Gaussian elimination, for the reference solve. */
function solveDense(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const m = Float64Array.from(a);
  const x = Float64Array.from(b);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r * n + c]) > Math.abs(m[p * n + c])) p = r;
    for (let k = 0; k < n; k++) [m[c * n + k], m[p * n + k]] = [m[p * n + k], m[c * n + k]];
    [x[c], x[p]] = [x[p], x[c]];
    for (let r = c + 1; r < n; r++) {
      const f = m[r * n + c] / m[c * n + c];
      for (let k = c; k < n; k++) m[r * n + k] -= f * m[c * n + k];
      x[r] -= f * x[c];
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = x[r];
    for (let k = r + 1; k < n; k++) s -= m[r * n + k] * x[k];
    x[r] = s / m[r * n + r];
  }
  return x;
}

test('solves (L_uu + W) α = −L_uk α_k + W t: equals a dense solve of the same system', () => {
  const { image, trimap, random } = scene(12, 9, 11);
  const n = image.width * image.height;
  const target = randomF32(random, n);
  const weight = new Float32Array(n);
  for (let i = 0; i < n; i++) weight[i] = 0.05 * random();
  const result = estimateAlphaWithPrior(
    image,
    trimap,
    { target, weight },
    { tolerance: 1e-10, icholThreshold: 0 },
  );
  const { matrix, rhs, pixels } = buildClosedFormSystem(image, trimap);
  const dense = csrToDense(matrix);
  const m = matrix.n;
  const a = Float64Array.from(dense);
  const b = Float64Array.from(rhs);
  for (let u = 0; u < m; u++) {
    a[u * m + u] += weight[pixels[u]];
    b[u] += weight[pixels[u]] * target[pixels[u]];
  }
  const x = solveDense(a, b, m);
  for (let u = 0; u < m; u++) {
    const expected = Math.min(1, Math.max(0, x[u]));
    assert.ok(Math.abs(result.alpha.data[pixels[u]] - expected) < 1e-4, `unknown ${u}`);
  }
  assert.ok(result.converged);
});

test('zero weights give plain closed-form matting; very large weights give the target', () => {
  const { image, trimap } = scene(30, 20, 4);
  const n = image.width * image.height;
  const target = new Float32Array(n).fill(0.3);
  const none = estimateAlphaWithPrior(
    image,
    trimap,
    { target, weight: new Float32Array(n) },
    { tolerance: 1e-8 },
  );
  const plain = estimateAlphaClosedForm(image, trimap, { tolerance: 1e-8 });
  let worst = 0;
  for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(none.alpha.data[i] - plain.alpha.data[i]));
  assert.ok(worst < 1e-3, `differs from closed-form by ${worst}`);
  const pinned = estimateAlphaWithPrior(image, trimap, { target, weight: new Float32Array(n).fill(1e6) });
  for (let i = 0; i < n; i++) {
    const t = trimap.data[i];
    const expected = t === 255 ? 1 : t === 0 ? 0 : 0.3;
    assert.ok(Math.abs(pinned.alpha.data[i] - expected) < 1e-3, `pixel ${i}`);
  }
});

test('prior arrays of the wrong size are refused', () => {
  const { image, trimap } = scene(6, 6, 1);
  assert.throws(
    () =>
      estimateAlphaWithPrior(image, trimap, { target: new Float32Array(3), weight: new Float32Array(36) }),
    RangeError,
  );
});
