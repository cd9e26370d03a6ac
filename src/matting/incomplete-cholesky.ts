/**
 * Thresholded incomplete Cholesky factorisation A ≈ L Lᵀ, the preconditioner pymatting uses for
 * closed-form matting (its `ichol`), written from the textbook left-looking algorithm.
 *
 * Why thresholded and not IC(0): with matting's tiny ε the Laplacian is nearly singular along every
 * "α is locally affine in colour" direction, and the information that pins those directions down has to
 * travel across the whole unknown band. A factor restricted to A's own pattern cannot carry it (IC(0)
 * took 80–1800 CG iterations on the alphamatting.com images); letting L fill in wherever
 * |L_ij| > threshold brings that down to 3–20.
 *
 * Column j of L is A(j:, j) minus L(j:, k)·L_jk for the earlier columns k with L_jk ≠ 0. Those columns
 * are found through linked lists (as in Jones & Plassmann 1995): each finished column k waits in the
 * list of the row index of its next entry, so when column j is computed, list j holds exactly the
 * columns with an entry in row j. Columns are kept sorted by row for that walk. Column j is assembled in
 * a dense work vector and collected in row order, which keeps it sorted and spares the update loop any
 * "seen before?" test, in one of two ways. A dense factor (a small drop threshold, as closed-form's 5e-4)
 * touches most rows between j and the last one it reaches, and is collected by scanning them. A sparse one
 * (the cascade's 1e-2 and 2e-2) touches few: scanning read ~1050 entries per column of a 450k-unknown hair tile to
 * find ~100, four times the updates and most of the factorisation's time, so there each touched row is
 * also marked in a bit set and the set bits are walked instead (that tile 1.31 → 0.87 s; the same
 * factors bit for bit). Marking costs the dense factors more than it saves (5e-4: +10–25 %). As in
 * pymatting, the diagonal is updated with dropped entries too, as if they had been kept.
 *
 * Dropping entries can make a pivot non-positive. pymatting then restarts the whole factorisation on
 * A + σI. Here the shift is local: the factorisation rewinds to a checkpoint some way before the
 * failing column and continues with σ·A_ii added only to the rows from there on. Columns before the
 * checkpoint do not depend on those rows' diagonal, so they stay valid; the work lost is the stretch
 * since the checkpoint, and the parts of the band before it keep the smaller shift (a stronger factor).
 */

import type { CsrMatrix } from './sparse.ts';

export interface IncompleteCholesky {
  n: number;
  /** Strictly lower part of L by columns: column j is entries colStart[j] … colStart[j + 1] − 1. */
  colStart: Int32Array;
  /** Row index of each entry, ascending within a column. */
  rows: Int32Array;
  values: Float32Array;
  /** 1 / L_jj. */
  inverseDiagonal: Float64Array;
  /** How many times a pivot broke down and the factorisation rewound with a larger shift. */
  rewinds: number;
  /** The largest relative diagonal shift σ in use at the end (the base shift when nothing broke down). */
  maxShift: number;
  /** The drop threshold used, and how many times the memory bound (maxEntries) made it double. */
  threshold: number;
  restarts: number;
}

export interface IncompleteCholeskyOptions {
  /** Entries of L with |L_ij| ≤ threshold are dropped; 0 gives the complete factorisation. Default 1e-4. */
  threshold?: number;
  /**
   * A memory bound: at most this many entries in L. When a factorisation passes it, it starts again with
   * twice the threshold (in the same arrays), until it fits. One threshold for the whole factor: raising it
   * only in the densest stretch made a much weaker preconditioner (GT13, trimap2: 365 CG iterations against
   * 111 for a uniform threshold giving the same size). Default: no bound.
   */
  maxEntries?: number;
  /**
   * First relative shift σ tried after a breakdown (default 3e-5); each further breakdown at the same
   * place multiplies it by 3. Small steps matter: every unnecessary bit of shift weakens the factor (on
   * GT27, σ = 1e-3 took 34 CG iterations where 2.7e-4 took 20).
   */
  initialShift?: number;
  /**
   * Relative shift σ₀ on every row from the start, i.e. factor A + σ₀·diag(A). Default 0. A tiny one
   * (5e-5 for closed-form matting) avoids most breakdowns and, on the nearly singular matting systems,
   * even lowers the iteration count a little (143 → 130 CG iterations over the 14 alphamatting.com
   * images; 1e-4 is already too much: 141).
   */
  baseShift?: number;
  /**
   * Entries to reserve up front (default: 6 per stored entry of an 'upper' A, 3 of a full one). Pages never
   * written take no memory, but growing past the reservation copies the factor, and the old copy stays until
   * the next garbage collection: a denser factor (a lower threshold) should reserve more.
   */
  capacity?: number;
  /**
   * Arrays to build the factor in, kept by the caller from one factorisation to the next on the same thread:
   * the factor returned views them (valid until the next factorisation with this storage), and arrays that had
   * to grow are left here for the next one. A matting tile's factor is one of its largest allocations (~22
   * entries per unknown of a hair tile at the cascade's threshold, 8 bytes each: ~80 MB for 450k unknowns),
   * and fresh memory costs a page fault per 4 KB on first touch: the tiles after a thread's first, largest,
   * one reuse its pages.
   */
  storage?: FactorStorage;
}

/** See IncompleteCholeskyOptions.storage. */
export interface FactorStorage {
  rows?: Int32Array;
  values?: Float32Array;
}

/** Drop thresholds from this up collect columns through a bit set of touched rows (see the header). */
const MARKED_COLLECTION_THRESHOLD = 5e-3;

/**
 * A must be symmetric; only its diagonal and the entries right of it in each row are read, so A may be stored
 * as its upper triangle (CsrMatrix.symmetric 'upper'; 'pairs' is refused).
 */
export function incompleteCholesky(
  a: CsrMatrix,
  options: IncompleteCholeskyOptions = {},
): IncompleteCholesky {
  if (a.symmetric === 'pairs')
    throw new RangeError("incomplete Cholesky needs a full or 'upper' matrix, not 'pairs'");
  let threshold = options.threshold ?? 1e-4;
  const maxEntries = options.maxEntries ?? Number.POSITIVE_INFINITY;
  let restarts = 0;
  const initialShift = options.initialShift ?? 3e-5;
  const baseShift = options.baseShift ?? 0;
  const { n, rowStart, columns, values } = a;

  // Matting factors hold 1.5–2.5 times A's entries (3–5 times those of its upper triangle); pages not
  // written to are never touched.
  const storage = options.storage;
  let capacity = Math.max(16, options.capacity ?? a.values.length * (a.symmetric ? 6 : 3));
  const stored = storage?.rows && storage.values ? Math.min(storage.rows.length, storage.values.length) : 0;
  if (stored >= capacity) capacity = stored;
  let rows = stored >= capacity && storage?.rows ? storage.rows : new Int32Array(capacity);
  let vals = stored >= capacity && storage?.values ? storage.values : new Float32Array(capacity);
  const colStart = new Int32Array(n + 1);
  const inverseDiagonal = new Float64Array(n);

  const diagonal = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let k = rowStart[i]; k < rowStart[i + 1]; k++) if (columns[k] === i) diagonal[i] = values[k];
  }
  // d[i] = A_ii·(1 + σ_i) minus the squares of row i's entries in the finished columns.
  // σ_i is a step function of the row: a rewind shifts every row from its start on, so rows from
  // shiftStarts[k] up to the next start carry shiftValues[k]. Kept as steps, not n doubles.
  const shiftStarts = [0];
  const shiftValues = [baseShift];
  const shiftOf = (i: number): number => {
    let k = shiftStarts.length - 1;
    while (shiftStarts[k] > i) k--;
    return shiftValues[k];
  };
  const d = diagonal.map((v) => v * (1 + baseShift));

  // Checkpoints: every `spacing` columns, the unshifted part of d (d[i] − A_ii·σ_i) is saved. The rest
  // of the state (linked lists, cursors) can be rebuilt from the finished columns.
  // A rewind goes back to the second-to-last checkpoint at most, so older snapshots are dropped, and
  // checkpoint k lives in buffer k mod 3: three buffers serve all of them (fresh ones would leave up to 16·n
  // doubles of garbage behind, freed only when V8 next collects).
  const spacing = Math.max(256, Math.ceil(n / 32));
  const saved: (Float64Array | undefined)[] = [];
  const buffers: Float64Array[] = [];

  const head = new Int32Array(n).fill(-1); // first column waiting in row i's list
  const next = new Int32Array(n).fill(-1); // next column in the same list
  const cursor = new Int32Array(n); // position in column k of its entry for the row being computed
  const work = new Float64Array(n); // column j being assembled, scattered by row; zero elsewhere
  // Sparse factors: bit i set when row i of column j was written (see the header).
  const marked = threshold >= MARKED_COLLECTION_THRESHOLD;
  const touched = new Int32Array(marked ? (n >> 5) + 1 : 0);
  let nnz = 0;
  let rewinds = 0;
  let maxShift = baseShift;

  let j = 0;
  while (j < n) {
    if (j % spacing === 0 && saved.length === j / spacing) {
      const slot = saved.length % 3;
      buffers[slot] ??= new Float64Array(n - j);
      const snapshot = buffers[slot].subarray(0, n - j);
      for (let k = 0; k < shiftStarts.length; k++) {
        const end = k + 1 < shiftStarts.length ? shiftStarts[k + 1] : n;
        const sigma = shiftValues[k];
        for (let i = Math.max(j, shiftStarts[k]); i < end; i++) snapshot[i - j] = d[i] - diagonal[i] * sigma;
      }
      saved.push(snapshot);
      if (saved.length > 3) saved[saved.length - 4] = undefined;
    }

    // A(j+1:, j) = row j right of the diagonal, by symmetry. `last` tracks the largest row touched.
    let last = j;
    for (let k = rowStart[j]; k < rowStart[j + 1]; k++) {
      const i = columns[k];
      if (i <= j) continue;
      work[i] += values[k];
      if (marked) touched[i >> 5] |= 1 << (i & 31);
      if (i > last) last = i;
    }
    // Subtract L(j+1:, k)·L_jk for every earlier column k with an entry in row j.
    let k = head[j];
    while (k !== -1) {
      const following = next[k];
      let e = cursor[k];
      const ljk = vals[e];
      const end = colStart[k + 1];
      e++;
      if (e < end) {
        cursor[k] = e;
        const r = rows[e];
        next[k] = head[r];
        head[r] = k;
        const r1 = rows[end - 1];
        if (r1 > last) last = r1;
        // Unrolled by four: the updates are independent, and V8 does not unroll (measured 10–20 % on
        // the whole factorisation).
        if (marked) {
          for (; e + 3 < end; e += 4) {
            const r0 = rows[e];
            const r1 = rows[e + 1];
            const r2 = rows[e + 2];
            const r3 = rows[e + 3];
            work[r0] -= vals[e] * ljk;
            work[r1] -= vals[e + 1] * ljk;
            work[r2] -= vals[e + 2] * ljk;
            work[r3] -= vals[e + 3] * ljk;
            touched[r0 >> 5] |= 1 << (r0 & 31);
            touched[r1 >> 5] |= 1 << (r1 & 31);
            touched[r2 >> 5] |= 1 << (r2 & 31);
            touched[r3 >> 5] |= 1 << (r3 & 31);
          }
          for (; e < end; e++) {
            const r = rows[e];
            work[r] -= vals[e] * ljk;
            touched[r >> 5] |= 1 << (r & 31);
          }
        } else {
          for (; e + 3 < end; e += 4) {
            work[rows[e]] -= vals[e] * ljk;
            work[rows[e + 1]] -= vals[e + 1] * ljk;
            work[rows[e + 2]] -= vals[e + 2] * ljk;
            work[rows[e + 3]] -= vals[e + 3] * ljk;
          }
          for (; e < end; e++) work[rows[e]] -= vals[e] * ljk;
        }
      }
      k = following;
    }
    const dj = d[j];
    if (!(dj > 0)) {
      // Rewind at least one checkpoint interval, then shift every row from there on.
      const back = Math.max(0, Math.floor(j / spacing) - 1);
      const start = back * spacing;
      const sigma = Math.max(initialShift, 3 * shiftOf(j));
      if (!(sigma < 1e6))
        throw new Error('incomplete Cholesky: a pivot stayed non-positive with every shift');
      rewinds++;
      maxShift = Math.max(maxShift, sigma);
      saved.length = back + 1;
      const snapshot = saved[back]!;
      while (shiftStarts.length > 1 && shiftStarts[shiftStarts.length - 1] >= start) {
        shiftStarts.pop();
        shiftValues.pop();
      }
      if (shiftStarts[0] >= start) shiftValues[0] = sigma;
      else {
        shiftStarts.push(start);
        shiftValues.push(sigma);
      }
      for (let i = start; i < n; i++) d[i] = snapshot[i - start] + diagonal[i] * sigma;
      rebuildLists(start);
      nnz = colStart[start];
      work.fill(0);
      touched.fill(0);
      j = start;
      // The checkpoint at `start` already holds the unshifted d; the loop must not save it again.
      continue;
    }
    const inv = 1 / Math.sqrt(dj);
    inverseDiagonal[j] = inv;

    if (nnz + (last - j) > capacity) {
      capacity = Math.max(capacity * 2, nnz + (last - j));
      const grownRows = new Int32Array(capacity);
      grownRows.set(rows.subarray(0, nnz));
      rows = grownRows;
      const grownValues = new Float32Array(capacity);
      grownValues.set(vals.subarray(0, nnz));
      vals = grownValues;
    }
    // Collect the column in row order: the marked rows (set bits word by word, lowest first), or every
    // row up to the last one reached. An entry that cancelled to exactly 0 is simply not stored.
    const first = nnz;
    if (marked) {
      for (let word = (j + 1) >> 5, lastWord = last >> 5; word <= lastWord; word++) {
        let bits = touched[word];
        if (bits === 0) continue;
        touched[word] = 0;
        while (bits !== 0) {
          const low = bits & -bits;
          bits ^= low;
          const i = (word << 5) | (31 - Math.clz32(low));
          const v = work[i];
          if (v === 0) continue;
          work[i] = 0;
          const lij = v * inv;
          d[i] -= lij * lij;
          if (lij > threshold || lij < -threshold) {
            rows[nnz] = i;
            vals[nnz] = lij;
            nnz++;
          }
        }
      }
    } else {
      for (let i = j + 1; i <= last; i++) {
        const v = work[i];
        if (v === 0) continue;
        work[i] = 0;
        const lij = v * inv;
        d[i] -= lij * lij;
        if (lij > threshold || lij < -threshold) {
          rows[nnz] = i;
          vals[nnz] = lij;
          nnz++;
        }
      }
    }
    colStart[j + 1] = nnz;
    if (nnz > maxEntries) {
      // Over the memory bound: start again from column 0 with twice the threshold, in the same arrays.
      threshold *= 2;
      restarts++;
      saved.length = 0;
      for (let i = 0; i < n; i++) d[i] = diagonal[i] * (1 + shiftOf(i));
      rebuildLists(0);
      nnz = 0;
      j = 0;
      continue;
    }
    if (first < nnz) {
      cursor[j] = first;
      const r = rows[first];
      next[j] = head[r];
      head[r] = j;
    }
    j++;
  }

  // Views, not copies: a copy would hold the factor twice at the peak, and the pages of the unused
  // capacity were never written, so they take no memory.
  if (storage) {
    storage.rows = rows;
    storage.values = vals;
  }
  return {
    n,
    colStart,
    rows: rows.subarray(0, nnz),
    values: vals.subarray(0, nnz),
    inverseDiagonal,
    rewinds,
    maxShift,
    threshold,
    restarts,
  };

  /** The linked lists as they were when column `start` was about to be computed. */
  function rebuildLists(start: number): void {
    head.fill(-1);
    for (let col = 0; col < start; col++) {
      const end = colStart[col + 1];
      let e = colStart[col];
      while (e < end && rows[e] < start) e++;
      if (e < end) {
        cursor[col] = e;
        const r = rows[e];
        next[col] = head[r];
        head[r] = col;
      }
    }
  }
}

/** z ← (L Lᵀ)⁻¹ r: forward substitution down the columns of L, then backward substitution with Lᵀ. */
export function applyIncompleteCholesky(factor: IncompleteCholesky, r: Float64Array, z: Float64Array): void {
  const { n, colStart, rows, values, inverseDiagonal } = factor;
  if (z !== r) z.set(r);
  // Forward: a scatter, unrolled by four like the factorisation's updates.
  for (let j = 0; j < n; j++) {
    const zj = z[j] * inverseDiagonal[j];
    z[j] = zj;
    const end = colStart[j + 1];
    let e = colStart[j];
    for (; e + 3 < end; e += 4) {
      z[rows[e]] -= values[e] * zj;
      z[rows[e + 1]] -= values[e + 1] * zj;
      z[rows[e + 2]] -= values[e + 2] * zj;
      z[rows[e + 3]] -= values[e + 3] * zj;
    }
    for (; e < end; e++) z[rows[e]] -= values[e] * zj;
  }
  // Backward: a gather, with four partial sums (see csrMultiply).
  for (let j = n - 1; j >= 0; j--) {
    let s0 = z[j];
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    const end = colStart[j + 1];
    let e = colStart[j];
    for (; e + 3 < end; e += 4) {
      s0 -= values[e] * z[rows[e]];
      s1 += values[e + 1] * z[rows[e + 1]];
      s2 += values[e + 2] * z[rows[e + 2]];
      s3 += values[e + 3] * z[rows[e + 3]];
    }
    for (; e < end; e++) s0 -= values[e] * z[rows[e]];
    z[j] = (s0 - (s1 + s2 + s3)) * inverseDiagonal[j];
  }
}
