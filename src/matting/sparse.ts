/**
 * Compressed sparse row (CSR) matrices: the storage for matting Laplacians and their factors.
 *
 * Values are Float32 and indices Int32: a matting system has about 25 entries per row, so halving the
 * bytes per entry is what makes a matrix-vector product fast (it is limited by memory traffic, not
 * arithmetic). Vectors stay Float64 so that the solver's dot products and updates keep full precision.
 */

export interface CsrMatrix {
  /** Rows (= columns: every matrix here is square). */
  n: number;
  /** Row i occupies entries rowStart[i] … rowStart[i + 1] − 1. */
  rowStart: Int32Array;
  /** Column index of each entry (any order within a row). */
  columns: Int32Array;
  values: Float32Array;
  /**
   * Half storage of a symmetric matrix (absent: every entry is stored). 'upper': the diagonal and the
   * entries right of it. 'pairs': the diagonal and each off-diagonal pair once, in either of its two rows
   * (a pair may also be split over several entries, which add up). Either way the diagonal, when stored,
   * comes first in its row, and half the memory of the full matrix is saved. Products handle both; the
   * incomplete Cholesky factorisation needs 'upper'.
   */
  symmetric?: 'upper' | 'pairs';
}

/**
 * y = A x. Four partial sums break the chain of dependent additions (V8 does not reorder floating-point
 * sums itself); measured 25 % faster than one accumulator on matting rows of 25 entries.
 */
export function csrMultiply(a: CsrMatrix, x: Float64Array, y: Float64Array): void {
  if (a.symmetric) {
    halfStoredMultiply(a, x, y);
    return;
  }
  const { n, rowStart, columns, values } = a;
  for (let i = 0; i < n; i++) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    const end = rowStart[i + 1];
    let k = rowStart[i];
    for (; k + 3 < end; k += 4) {
      s0 += values[k] * x[columns[k]];
      s1 += values[k + 1] * x[columns[k + 1]];
      s2 += values[k + 2] * x[columns[k + 2]];
      s3 += values[k + 3] * x[columns[k + 3]];
    }
    for (; k < end; k++) s0 += values[k] * x[columns[k]];
    y[i] = s0 + s1 + (s2 + s3);
  }
}

/**
 * y = A x from half storage: each stored off-diagonal entry A_ij adds to y_i (a gather, four partial sums as
 * above) and to y_j (a scatter).
 */
function halfStoredMultiply(a: CsrMatrix, x: Float64Array, y: Float64Array): void {
  const { n, rowStart, columns, values } = a;
  y.fill(0);
  for (let i = 0; i < n; i++) {
    const xi = x[i];
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    const end = rowStart[i + 1];
    let k = rowStart[i];
    if (k < end && columns[k] === i) s0 = values[k++] * xi;
    for (; k + 3 < end; k += 4) {
      const c0 = columns[k];
      const c1 = columns[k + 1];
      const c2 = columns[k + 2];
      const c3 = columns[k + 3];
      const v0 = values[k];
      const v1 = values[k + 1];
      const v2 = values[k + 2];
      const v3 = values[k + 3];
      s0 += v0 * x[c0];
      s1 += v1 * x[c1];
      s2 += v2 * x[c2];
      s3 += v3 * x[c3];
      y[c0] += v0 * xi;
      y[c1] += v1 * xi;
      y[c2] += v2 * xi;
      y[c3] += v3 * xi;
    }
    for (; k < end; k++) {
      const c = columns[k];
      s0 += values[k] * x[c];
      y[c] += values[k] * xi;
    }
    y[i] += s0 + s1 + (s2 + s3);
  }
}

/** The diagonal of A (0 where a row stores none). */
export function csrDiagonal(a: CsrMatrix): Float64Array {
  const d = new Float64Array(a.n);
  for (let i = 0; i < a.n; i++) {
    for (let k = a.rowStart[i]; k < a.rowStart[i + 1]; k++) {
      if (a.columns[k] === i) d[i] = a.values[k];
    }
  }
  return d;
}

/** Dense row-major copy, for tests and debugging on small matrices. */
export function csrToDense(a: CsrMatrix): Float64Array {
  const dense = new Float64Array(a.n * a.n);
  for (let i = 0; i < a.n; i++) {
    for (let k = a.rowStart[i]; k < a.rowStart[i + 1]; k++) {
      const j = a.columns[k];
      dense[i * a.n + j] += a.values[k];
      if (a.symmetric && j !== i) dense[j * a.n + i] += a.values[k];
    }
  }
  return dense;
}

/** CSR from a dense row-major square matrix, keeping the non-zero entries. */
export function csrFromDense(dense: ArrayLike<number>, n: number): CsrMatrix {
  let nnz = 0;
  for (let k = 0; k < n * n; k++) if (dense[k] !== 0) nnz++;
  const rowStart = new Int32Array(n + 1);
  const columns = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = dense[i * n + j];
      if (v !== 0) {
        columns[k] = j;
        values[k] = v;
        k++;
      }
    }
    rowStart[i + 1] = k;
  }
  return { n, rowStart, columns, values };
}
