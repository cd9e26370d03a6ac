import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildClosedFormSystem } from '../../src/matting/closed-form-laplacian.ts';
import { conjugateGradient } from '../../src/matting/conjugate-gradient.ts';
import {
  applyIncompleteCholesky,
  type FactorStorage,
  type IncompleteCholesky,
  incompleteCholesky,
} from '../../src/matting/incomplete-cholesky.ts';
import { type CsrMatrix, csrFromDense, csrMultiply, csrToDense } from '../../src/matting/sparse.ts';

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Dense row-major L (n×n, lower triangular, with its diagonal). */
function denseFactor(f: IncompleteCholesky): Float64Array {
  const { n } = f;
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    l[j * n + j] = 1 / f.inverseDiagonal[j];
    for (let e = f.colStart[j]; e < f.colStart[j + 1]; e++) l[f.rows[e] * n + j] = f.values[e];
  }
  return l;
}

/** (L Lᵀ)_ij. */
function product(l: Float64Array, n: number, i: number, j: number): number {
  let s = 0;
  for (let k = 0; k <= Math.min(i, j); k++) s += l[i * n + k] * l[j * n + k];
  return s;
}

/** A 9-point grid operator with mixed-sign couplings, made SPD by diagonal dominance. */
function mixedGrid(g: number, seed: number): CsrMatrix {
  const n = g * g;
  const rand = random(seed);
  const a = new Float64Array(n * n);
  for (let y = 0; y < g; y++) {
    for (let x = 0; x < g; x++) {
      const i = y * g + x;
      for (let dy = 0; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          if (dy === 0 && dx <= 0) continue;
          const xx = x + dx;
          const yy = y + dy;
          if (xx < 0 || xx >= g || yy >= g) continue;
          const j = yy * g + xx;
          const v = Math.fround(rand() - 0.7);
          a[i * n + j] = v;
          a[j * n + i] = v;
        }
      }
    }
  }
  for (let i = 0; i < n; i++) {
    let s = 0.05;
    for (let j = 0; j < n; j++) if (j !== i) s += Math.abs(a[i * n + j]);
    a[i * n + i] = Math.fround(s);
  }
  return csrFromDense(a, n);
}

test('threshold 0 gives the complete factor: L Lᵀ = A, and applying it solves A z = r', () => {
  const g = 9;
  const a = mixedGrid(g, 5);
  const n = a.n;
  const f = incompleteCholesky(a, { threshold: 0 });
  assert.equal(f.rewinds, 0);
  const l = denseFactor(f);
  const dense = csrToDense(a);
  let worst = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) worst = Math.max(worst, Math.abs(product(l, n, i, j) - dense[i * n + j]));
  assert.ok(worst < 1e-5, `max |LLᵀ − A| = ${worst}`);

  const rand = random(6);
  const r = Float64Array.from({ length: n }, () => rand() - 0.5);
  const z = new Float64Array(n);
  applyIncompleteCholesky(f, r, z);
  const az = new Float64Array(n);
  csrMultiply(a, z, az);
  let residual = 0;
  for (let i = 0; i < n; i++) residual = Math.max(residual, Math.abs(az[i] - r[i]));
  assert.ok(residual < 1e-5, `max |A z − r| = ${residual}`);
  // The solve may run in place.
  const inPlace = Float64Array.from(r);
  applyIncompleteCholesky(f, inPlace, inPlace);
  assert.deepEqual(inPlace, z);
});

test('a drop threshold stores fewer entries, and L Lᵀ still equals A wherever L keeps an entry', () => {
  const a = mixedGrid(12, 7);
  const n = a.n;
  const complete = incompleteCholesky(a, { threshold: 0 });
  const f = incompleteCholesky(a, { threshold: 0.02 });
  // Measured: 602 entries against 1716.
  assert.ok(
    f.values.length < 0.5 * complete.values.length,
    `${f.values.length} vs ${complete.values.length}`,
  );
  const l = denseFactor(f);
  const dense = csrToDense(a);
  let worst = 0;
  for (let j = 0; j < n; j++) {
    for (let e = f.colStart[j]; e < f.colStart[j + 1]; e++) {
      const i = f.rows[e];
      assert.ok(i > j && (e === f.colStart[j] || f.rows[e - 1] < i), 'rows ascend below the diagonal');
      worst = Math.max(worst, Math.abs(product(l, n, i, j) - dense[i * n + j]));
    }
  }
  assert.ok(worst < 1e-5, `max |(LLᵀ − A)_ij| on kept entries = ${worst}`);
});

/** A smooth, 8-bit-quantised image with a background column on the left and a foreground one on the right. */
function smoothSystem(size: number, seed: number) {
  const rand = random(seed);
  const w = size;
  const h = size;
  const data = new Float32Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = (y * w + x) * 3;
      const v = 0.5 + 0.3 * Math.sin(x / 7 + seed) * Math.cos(y / 5);
      data[p] = Math.round((v + 0.01 * rand()) * 255) / 255;
      data[p + 1] = Math.round((1 - v) * 255 + rand()) / 255;
      data[p + 2] = Math.round(127.5 + 2 * rand()) / 255;
    }
  }
  const trimap = new Uint8Array(w * h).fill(128);
  for (let y = 0; y < h; y++) {
    trimap[y * w] = 0;
    trimap[y * w + w - 1] = 255;
  }
  return buildClosedFormSystem(
    { data, width: w, height: h, channels: 3 },
    { data: trimap, width: w, height: h },
  );
}

test('a pivot breakdown rewinds with a local shift; the factor stays consistent and preconditions well', () => {
  // Measured: on this nearly singular matting system a 1e-2 threshold breaks down and rewinds 5 times
  // (largest shift 3e-5·3⁴ = 0.00243); a 1e-4 threshold does not break down.
  const { matrix, rhs } = smoothSystem(24, 3);
  const n = matrix.n;
  const f = incompleteCholesky(matrix, { threshold: 1e-2 });
  assert.ok(f.rewinds >= 1 && f.rewinds <= 7, `${f.rewinds} rewinds`);
  assert.ok(f.maxShift > 0 && f.maxShift < 0.03, `shift ${f.maxShift}`);
  // Columns computed before and after a rewind must still satisfy (L Lᵀ)_ij = A_ij on kept entries:
  // that fails if the linked lists or the restored diagonal were wrong.
  const l = denseFactor(f);
  const dense = csrToDense(matrix);
  let worst = 0;
  for (let j = 0; j < n; j++) {
    for (let e = f.colStart[j]; e < f.colStart[j + 1]; e++) {
      worst = Math.max(worst, Math.abs(product(l, n, f.rows[e], j) - dense[f.rows[e] * n + j]));
    }
  }
  assert.ok(worst < 1e-4, `max |(LLᵀ − A)_ij| on kept entries = ${worst}`);

  const solve = (pre: ((r: Float64Array, z: Float64Array) => void) | undefined) =>
    conjugateGradient((x, y) => csrMultiply(matrix, x, y), rhs, { preconditioner: pre, tolerance: 1e-6 });
  const withFactor = solve((r, z) => applyIncompleteCholesky(f, r, z));
  const fine = incompleteCholesky(matrix, { threshold: 1e-4 });
  assert.equal(fine.rewinds, 0);
  const withFine = solve((r, z) => applyIncompleteCholesky(fine, r, z));
  const without = solve(undefined);
  assert.ok(withFactor.converged && withFine.converged && without.converged);
  // Measured: 3 iterations with the 1e-4 factor, 14 with the rewound 1e-2 factor, 194 without.
  assert.ok(withFine.iterations <= 4, `${withFine.iterations} iterations (1e-4)`);
  assert.ok(withFactor.iterations <= 18, `${withFactor.iterations} iterations (1e-2, rewound)`);
  assert.ok(
    without.iterations > 10 * withFactor.iterations,
    `${without.iterations} iterations unpreconditioned`,
  );
});

test('a reservation too small grows the factor (copying it) and changes nothing in it', () => {
  const a = mixedGrid(12, 11);
  const f = incompleteCholesky(a, { threshold: 0.01 });
  // 16 entries (the floor): the factor has hundreds, so it grows several times on the way.
  const grown = incompleteCholesky(a, { threshold: 0.01, capacity: 16 });
  const roomy = incompleteCholesky(a, { threshold: 0.01, capacity: 40 * a.values.length });
  for (const g of [grown, roomy]) {
    assert.ok(f.values.length > 100, `${f.values.length} entries`);
    assert.deepEqual(g.colStart, f.colStart);
    assert.deepEqual(g.rows, f.rows);
    assert.deepEqual(g.values, f.values);
    assert.deepEqual(g.inverseDiagonal, f.inverseDiagonal);
  }
});

test('storage kept between factorisations is reused when large enough, grown and kept when not', () => {
  const small = mixedGrid(8, 3);
  const large = mixedGrid(14, 4);
  const storage: FactorStorage = {};
  const first = incompleteCholesky(large, { threshold: 0.01, storage });
  const rows = storage.rows;
  assert.ok(rows && storage.values && first.rows.buffer === rows.buffer, 'the factor views the kept arrays');
  // Filled with garbage: the next factor must not depend on what the arrays held.
  rows.fill(-7);
  storage.values.fill(Number.NaN);
  const reused = incompleteCholesky(small, { threshold: 0.01, storage });
  assert.equal(storage.rows, rows, 'a smaller factor reuses the arrays');
  assert.equal(reused.rows.buffer, rows.buffer);
  const fresh = incompleteCholesky(small, { threshold: 0.01 });
  assert.deepEqual(reused.colStart, fresh.colStart);
  assert.deepEqual(reused.rows, fresh.rows);
  assert.deepEqual(reused.values, fresh.values);
  // Too small a store (and a reservation too small to fit) grows, and the grown arrays are kept.
  const tiny: FactorStorage = { rows: new Int32Array(16), values: new Float32Array(16) };
  const grown = incompleteCholesky(large, { threshold: 0.01, capacity: 16, storage: tiny });
  const expected = incompleteCholesky(large, { threshold: 0.01 });
  assert.ok(tiny.rows!.length >= expected.rows.length);
  assert.equal(grown.rows.buffer, tiny.rows!.buffer);
  assert.deepEqual(grown.rows, expected.rows);
  assert.deepEqual(grown.values, expected.values);
});
