import assert from 'node:assert/strict';
import { test } from 'node:test';
import { conjugateGradient, type LinearOperator } from '../../src/matting/conjugate-gradient.ts';
import { applyIncompleteCholesky, incompleteCholesky } from '../../src/matting/incomplete-cholesky.ts';
import { type CsrMatrix, csrFromDense, csrMultiply } from '../../src/matting/sparse.ts';

/** Dense solve by Gaussian elimination with partial pivoting: the reference. */
function denseSolve(a: Float64Array, b: Float64Array): Float64Array {
  const n = b.length;
  const m = Float64Array.from(a);
  const x = Float64Array.from(b);
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(m[i * n + k]) > Math.abs(m[p * n + k])) p = i;
    if (p !== k) {
      for (let j = 0; j < n; j++) {
        const t = m[k * n + j];
        m[k * n + j] = m[p * n + j];
        m[p * n + j] = t;
      }
      const t = x[k];
      x[k] = x[p];
      x[p] = t;
    }
    for (let i = k + 1; i < n; i++) {
      const f = m[i * n + k] / m[k * n + k];
      for (let j = k; j < n; j++) m[i * n + j] -= f * m[k * n + j];
      x[i] -= f * x[k];
    }
  }
  for (let k = n - 1; k >= 0; k--) {
    let s = x[k];
    for (let j = k + 1; j < n; j++) s -= m[k * n + j] * x[j];
    x[k] = s / m[k * n + k];
  }
  return x;
}

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * 2-D five-point Laplacian on a g×g grid plus `shift`·I, scaled by scale(i)·scale(j), rounded to Float32
 * like the CSR copy the solver sees (so the dense reference solves the very same system).
 */
function gridLaplacian(g: number, shift: number, scale: (i: number) => number = () => 1): Float64Array {
  const n = g * g;
  const a = new Float64Array(n * n);
  for (let y = 0; y < g; y++) {
    for (let x = 0; x < g; x++) {
      const i = y * g + x;
      a[i * n + i] = 4 + shift;
      if (x > 0) a[i * n + i - 1] = -1;
      if (x < g - 1) a[i * n + i + 1] = -1;
      if (y > 0) a[i * n + i - g] = -1;
      if (y < g - 1) a[i * n + i + g] = -1;
    }
  }
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) a[i * n + j] = Math.fround(a[i * n + j] * scale(i) * scale(j));
  return a;
}

function maxDifference(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function operator(m: CsrMatrix): LinearOperator {
  return (x, y) => csrMultiply(m, x, y);
}

test('unpreconditioned CG on a 12×12 grid Laplacian matches the dense solve, in ≤ 48 iterations', () => {
  const g = 12;
  const dense = gridLaplacian(g, 0.01);
  const rand = random(1);
  const b = Float64Array.from({ length: g * g }, () => rand() - 0.5);
  const result = conjugateGradient(operator(csrFromDense(dense, g * g)), b, { tolerance: 1e-10 });
  assert.ok(result.converged);
  // Measured: 44 iterations (the condition number is about 80).
  assert.ok(result.iterations <= 48, `${result.iterations} iterations`);
  assert.ok(result.relativeResidual <= 1e-10);
  assert.ok(maxDifference(result.x, denseSolve(dense, b)) < 1e-8);
});

test('Jacobi preconditioning removes a bad diagonal scaling (≤ 48 iterations instead of > 400)', () => {
  const g = 12;
  const n = g * g;
  const scale = (i: number) => 10 ** ((i % 7) / 2); // rows scaled by 1 … 1000
  const dense = gridLaplacian(g, 0.01, scale);
  const a = csrFromDense(dense, n);
  const rand = random(2);
  const b = Float64Array.from({ length: n }, () => rand() - 0.5);
  const plain = conjugateGradient(operator(a), b, { tolerance: 1e-8, maxIterations: 5000 });
  const diagonal = Float64Array.from({ length: n }, (_, i) => dense[i * n + i]);
  const jacobi = conjugateGradient(operator(a), b, {
    tolerance: 1e-8,
    preconditioner: (r, z) => {
      for (let i = 0; i < n; i++) z[i] = r[i] / diagonal[i];
    },
  });
  // Measured: 507 without, 44 with.
  assert.ok(plain.iterations > 400, `${plain.iterations} iterations without`);
  assert.ok(jacobi.iterations <= 48, `${jacobi.iterations} iterations with Jacobi`);
  const reference = denseSolve(dense, b);
  const norm = Math.max(...reference.map(Math.abs));
  assert.ok(maxDifference(jacobi.x, reference) < 1e-6 * norm);
});

test('with a complete Cholesky factor as preconditioner CG converges in one iteration', () => {
  const g = 10;
  const dense = gridLaplacian(g, 0.1);
  const a = csrFromDense(dense, g * g);
  const factor = incompleteCholesky(a, { threshold: 0 });
  const rand = random(3);
  const b = Float64Array.from({ length: g * g }, () => rand());
  const result = conjugateGradient(operator(a), b, {
    tolerance: 1e-6, // the factor is stored in Float32: its solve is exact to about 1e-7
    preconditioner: (r, z) => applyIncompleteCholesky(factor, r, z),
  });
  assert.equal(result.iterations, 1);
  assert.ok(maxDifference(result.x, denseSolve(dense, b)) < 1e-5);
});

test('an exact initial guess needs no iteration; a zero right-hand side gives zero', () => {
  const dense = gridLaplacian(6, 1);
  const a = csrFromDense(dense, 36);
  const rand = random(4);
  const b = Float64Array.from({ length: 36 }, () => rand());
  const exact = denseSolve(dense, b);
  const warm = conjugateGradient(operator(a), b, { x0: exact, tolerance: 1e-8 });
  assert.equal(warm.iterations, 0);
  assert.ok(warm.converged);
  const zero = conjugateGradient(operator(a), new Float64Array(36), { x0: exact });
  assert.equal(zero.iterations, 0);
  assert.ok(zero.x.every((v) => v === 0));
});

test('the iteration cap is honoured and reported as not converged', () => {
  const dense = gridLaplacian(12, 0.001);
  const b = new Float64Array(144).fill(1);
  const result = conjugateGradient(operator(csrFromDense(dense, 144)), b, {
    maxIterations: 5,
    tolerance: 1e-12,
  });
  assert.equal(result.iterations, 5);
  assert.equal(result.converged, false);
  assert.ok(result.relativeResidual > 1e-12);
});

test('onIteration sees every iteration; an aborted signal stops the solve with its reason', () => {
  const dense = gridLaplacian(8, 0.01);
  const a = csrFromDense(dense, 64);
  const b = new Float64Array(64).fill(1);
  const seen: number[] = [];
  const result = conjugateGradient(operator(a), b, { onIteration: (i) => seen.push(i) });
  assert.deepEqual(
    seen,
    Array.from({ length: result.iterations }, (_, i) => i + 1),
  );

  const controller = new AbortController();
  let calls = 0;
  assert.throws(
    () =>
      conjugateGradient(operator(a), b, {
        signal: controller.signal,
        onIteration: () => {
          if (++calls === 3) controller.abort(new Error('stop here'));
        },
      }),
    /stop here/,
  );
  assert.equal(calls, 3);
  assert.throws(() => conjugateGradient(operator(a), b, { signal: { aborted: true } }), {
    name: 'AbortError',
  });
});
