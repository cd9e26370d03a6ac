import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InterleavedF32, Trimap } from '../../src/core/image.ts';
import { estimateAlphaLearningBased } from '../../src/matting/estimate-alpha-lbdm.ts';
import { buildLearningBasedSystem } from '../../src/matting/learning-based-laplacian.ts';
import { csrToDense } from '../../src/matting/sparse.ts';
import { evaluateMatte } from '../../src/metrics/index.ts';
import { generateScene, Random } from '../../src/synth/index.ts';
import { trimapFromAlpha } from '../../src/trimap/trimap-from-alpha.ts';
import { assertMattingContract, assertSadBudgets } from '../helpers/matting-contract.ts';

function randomImage(width: number, height: number, seed: number): InterleavedF32 {
  const random = new Random(seed, 1);
  const data = new Float32Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = random.next();
  return { data, width, height, channels: 3 };
}

function randomTrimap(width: number, height: number, seed: number, unknownShare: number): Trimap {
  const random = new Random(seed, 2);
  const data = new Uint8Array(width * height);
  for (let i = 0; i < data.length; i++) {
    const r = random.next();
    data[i] = r < unknownShare ? 128 : r < (1 + unknownShare) / 2 ? 0 : 255;
  }
  return { data, width, height };
}

/** Solves A X = B in place for dense n×n A and n×m B (Gaussian elimination, partial pivoting). */
function solveDense(a: Float64Array, b: Float64Array, n: number, m: number): void {
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r * n + c]) > Math.abs(a[pivot * n + c])) pivot = r;
    for (let j = 0; j < n; j++) [a[c * n + j], a[pivot * n + j]] = [a[pivot * n + j], a[c * n + j]];
    for (let j = 0; j < m; j++) [b[c * m + j], b[pivot * m + j]] = [b[pivot * m + j], b[c * m + j]];
    for (let r = c + 1; r < n; r++) {
      const f = a[r * n + c] / a[c * n + c];
      for (let j = c; j < n; j++) a[r * n + j] -= f * a[c * n + j];
      for (let j = 0; j < m; j++) b[r * m + j] -= f * b[c * m + j];
    }
  }
  for (let c = n - 1; c >= 0; c--) {
    for (let j = 0; j < m; j++) {
      let s = b[c * m + j];
      for (let k = c + 1; k < n; k++) s -= a[c * n + k] * b[k * m + j];
      b[c * m + j] = s / a[c * n + c];
    }
  }
}

/**
 * The full learning-based Laplacian written out literally, as in the paper and pymatting: for every
 * 3×3 window wholly inside the image, X = [RGB, 1] (9×4), K = XXᵀ, F = (K + εI)⁻¹K, L_w = (I − F)(I − F)ᵀ.
 */
function denseLearningBasedLaplacian(image: InterleavedF32, epsilon: number): Float64Array {
  const { width, height, data } = image;
  const n = width * height;
  const laplacian = new Float64Array(n * n);
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const window: number[] = [];
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) window.push((y + dy) * width + x + dx);
      const kernel = new Float64Array(81);
      for (let a = 0; a < 9; a++) {
        for (let b = 0; b < 9; b++) {
          let s = 1;
          for (let c = 0; c < 3; c++) s += data[window[a] * 3 + c] * data[window[b] * 3 + c];
          kernel[a * 9 + b] = s;
        }
      }
      const system = Float64Array.from(kernel);
      for (let a = 0; a < 9; a++) system[a * 9 + a] += epsilon;
      const f = Float64Array.from(kernel);
      solveDense(system, f, 9, 9);
      for (let a = 0; a < 9; a++) {
        for (let b = 0; b < 9; b++) {
          let s = 0;
          for (let c = 0; c < 9; c++)
            s += ((a === c ? 1 : 0) - f[a * 9 + c]) * ((b === c ? 1 : 0) - f[b * 9 + c]);
          laplacian[window[a] * n + window[b]] += s;
        }
      }
    }
  }
  return laplacian;
}

test('matches a literal dense construction of the paper’s Laplacian, reduced to the unknowns', () => {
  const width = 7;
  const height = 6;
  const n = width * height;
  const image = randomImage(width, height, 3);
  const trimap = randomTrimap(width, height, 4, 0.5);
  // Both differ by Float32 rounding of the stored values only (measured 1.2e-7 and 8e-8).
  for (const [epsilon, budget] of [
    [1e-2, 1e-6],
    [1e-7, 1e-6],
  ]) {
    const full = denseLearningBasedLaplacian(image, epsilon);
    const { matrix, rhs, pixels } = buildLearningBasedSystem(image, trimap, { epsilon });
    const m = matrix.n;
    assert.equal(m, Array.from(trimap.data).filter((v) => v === 128).length);
    const dense = csrToDense(matrix);
    let worst = 0;
    for (let u = 0; u < m; u++) {
      for (let v = 0; v < m; v++)
        worst = Math.max(worst, Math.abs(dense[u * m + v] - full[pixels[u] * n + pixels[v]]));
      // −L_uk α_k with α = 1 on foreground, 0 on background.
      let expected = 0;
      for (let q = 0; q < n; q++) if (trimap.data[q] === 255) expected -= full[pixels[u] * n + q];
      worst = Math.max(worst, Math.abs(rhs[u] - expected));
    }
    assert.ok(worst < budget, `ε = ${epsilon}: largest difference ${worst}`);
  }
});

test('the Laplacian is symmetric, its rows sum to zero and it is positive semidefinite', () => {
  const width = 9;
  const height = 8;
  const n = width * height;
  const image = randomImage(width, height, 5);
  // An all-unknown trimap keeps every row: the reduced system is then the full Laplacian.
  const trimap: Trimap = { data: new Uint8Array(n).fill(128), width, height };
  const { matrix, rhs } = buildLearningBasedSystem(image, trimap, { order: 'scan' });
  const dense = csrToDense(matrix);
  assert.ok(rhs.every((v) => v === 0));
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < n; j++) {
      assert.equal(dense[i * n + j], dense[j * n + i], `L[${i}, ${j}] ≠ L[${j}, ${i}]`);
      sum += dense[i * n + j];
    }
    // (I − F)1 = ε(K + εI)⁻¹1 is tiny but not zero; the rest is Float32 rounding.
    assert.ok(Math.abs(sum) < 1e-5, `row ${i} sums to ${sum}`);
  }
  // xᵀLx ≥ 0 for random x, up to Float32 rounding of the stored values.
  const random = new Random(9, 3);
  for (let trial = 0; trial < 50; trial++) {
    const x = Array.from({ length: n }, () => random.next() - 0.5);
    let form = 0;
    let norm = 0;
    for (let i = 0; i < n; i++) {
      norm += x[i] * x[i];
      for (let j = 0; j < n; j++) form += x[i] * dense[i * n + j] * x[j];
    }
    assert.ok(form > -1e-6 * norm, `xᵀLx = ${form}`);
  }
});

test('recovers alpha exactly where the image obeys the local linear model', () => {
  // Constant F and B: I = B + α(F − B) is affine in α, so α is an affine function of colour everywhere.
  const width = 40;
  const height = 30;
  const alpha = new Float32Array(width * height);
  const data = new Float32Array(width * height * 3);
  const fg = [0.9, 0.3, 0.2];
  const bg = [0.1, 0.4, 0.8];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const a = Math.min(1, Math.max(0, (x - 10 + 3 * Math.sin(y / 4)) / 16));
      alpha[y * width + x] = a;
      for (let c = 0; c < 3; c++) data[(y * width + x) * 3 + c] = bg[c] + a * (fg[c] - bg[c]);
    }
  }
  const truth = { data: alpha, width, height };
  const trimap = trimapFromAlpha(truth, 2);
  const result = estimateAlphaLearningBased({ data, width, height, channels: 3 }, trimap);
  assert.ok(result.converged);
  const { sad } = evaluateMatte(result.alpha, truth, trimap);
  assert.ok(sad < 1e-5, `SAD ${sad}`); // measured 5e-7
});

test('converges in a handful of incomplete-Cholesky iterations on a small scene', () => {
  const scene = generateScene({ width: 96, height: 72, seed: 7, subject: 'shapes', background: 'texture' });
  const trimap = trimapFromAlpha(scene.alpha, 3);
  const result = estimateAlphaLearningBased(scene.image, trimap);
  assert.ok(result.converged);
  assert.ok(result.relativeResidual <= 1e-7);
  // Measured: 3 iterations; Jacobi needs 104 on the same system.
  assert.ok(result.iterations <= 4, `${result.iterations} iterations`);
  const jacobi = estimateAlphaLearningBased(scene.image, trimap, { preconditioner: 'jacobi' });
  assert.ok(jacobi.iterations > 10 * result.iterations, `Jacobi: ${jacobi.iterations} iterations`);
});

test('stays within its SAD budget on synthetic scenes', () => {
  // Budgets about 20 % above the SAD measured when this test was written.
  const cases = [
    { subject: 'shapes', background: 'gradient', budget: 0.0042 }, // measured 0.0035
    { subject: 'shapes', background: 'texture', budget: 0.008 }, // measured 0.0066
    { subject: 'hair', background: 'gradient', budget: 0.0235 }, // measured 0.0195
    { subject: 'hair', background: 'texture', budget: 0.025 }, // measured 0.0209
    { subject: 'motion-blur', background: 'texture', budget: 0.0106 }, // measured 0.0088
  ] as const;
  assertSadBudgets(estimateAlphaLearningBased, cases);
});

test('keeps known pixels, clips to [0, 1], reports progress and honours an abort signal', () => {
  const { progress } = assertMattingContract(estimateAlphaLearningBased);
  assert.ok(progress.length >= 2);
});
