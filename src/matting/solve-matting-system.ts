/**
 * The solve shared by the Laplacian matting methods once their reduced system L_uu α_u = −L_uk α_k is
 * built: precondition, run conjugate gradients, and write α back into a full-size plane with the known
 * pixels at 0 or 1 and the unknowns clipped to [0, 1].
 */

import type { PlaneF32, Trimap } from '../core/image.ts';
import type { AbortLike } from './abort.ts';
import { conjugateGradient, type LinearOperator } from './conjugate-gradient.ts';
import { applyIncompleteCholesky, incompleteCholesky } from './incomplete-cholesky.ts';
import { type CsrMatrix, csrDiagonal, csrMultiply } from './sparse.ts';

export type MattingPreconditioner = 'ichol' | 'jacobi' | 'none';

export interface SolveMattingSystemOptions {
  /** Relative residual ‖b − Ax‖/‖b‖ at which CG stops. Default 1e-7. */
  tolerance?: number;
  /** CG iteration cap. Default 10000. */
  maxIterations?: number;
  preconditioner?: MattingPreconditioner;
  /** Drop threshold of the incomplete Cholesky factor (default: the factorisation's own). */
  icholThreshold?: number;
  /** Memory bound on the incomplete Cholesky factor's entries (see incomplete-cholesky.ts). Default none. */
  icholMaxEntries?: number;
  /** Relative shift on every row of the factored matrix (see incomplete-cholesky.ts). Default 0. */
  icholBaseShift?: number;
  /** Entries the incomplete Cholesky factor reserves up front (see incomplete-cholesky.ts). */
  icholCapacity?: number;
  /** Progress in [0, 1] of the whole estimate; the solve reports from `progressStart` up to 1. */
  onProgress?: (fraction: number) => void;
  progressStart?: number;
  signal?: AbortLike;
  /** Called once the preconditioner is built, before CG allocates its vectors (see MattingOptions). */
  collectGarbage?: () => void;
}

export interface SolvedMatte {
  alpha: PlaneF32;
  iterations: number;
  relativeResidual: number;
  converged: boolean;
  /** Milliseconds spent factoring the preconditioner and iterating. */
  timings: { factor: number; solve: number };
  /** The incomplete Cholesky factor (zeros for other preconditioners), as estimateAlphaClosedForm reports it. */
  factor: { entries: number; rewinds: number; maxShift: number };
}

/** What the Laplacian methods return: the shape of estimateAlphaClosedForm's result. */
export interface LaplacianMattingResult {
  alpha: PlaneF32;
  unknownCount: number;
  iterations: number;
  relativeResidual: number;
  converged: boolean;
  /** Milliseconds spent building the system, factoring the preconditioner and iterating. */
  timings: { build: number; factor: number; solve: number };
  factor: { entries: number; rewinds: number; maxShift: number };
}

/** The solver options the Laplacian methods (learning-based, KNN) expose alike. */
export interface LaplacianSolveOptions {
  /** Relative residual ‖b − Ax‖/‖b‖ at which CG stops. Default 1e-7. */
  tolerance?: number;
  /** CG iteration cap. Default 10000. */
  maxIterations?: number;
  preconditioner?: MattingPreconditioner;
  /** Drop threshold of the incomplete Cholesky factor. */
  icholThreshold?: number;
  /**
   * Memory bound on the incomplete Cholesky factor, in entries per pixel of the image (tile) solved: where
   * the band is so wide that the factor would exceed it, the drop threshold rises there (more CG iterations,
   * less memory). Default 26 for closed-form and learning-based matting (see icholMaxEntries).
   */
  icholEntriesPerPixel?: number;
  /** Unknown numbering: reverse Cuthill–McKee or row-major (each method documents its default). */
  order?: 'rcm' | 'scan';
  /** Progress in [0, 1] (an estimate: CG's remaining iterations are not known in advance). */
  onProgress?: (fraction: number) => void;
  signal?: AbortLike;
  /** See MattingOptions. */
  collectGarbage?: () => void;
}

/**
 * Solves a built system and reports it as the Laplacian methods do; `build` is the milliseconds spent
 * building it.
 */
export function solveLaplacianSystem(
  system: { matrix: CsrMatrix; rhs: Float64Array; pixels: Int32Array },
  trimap: Trimap,
  build: number,
  options: SolveMattingSystemOptions,
): LaplacianMattingResult {
  options.collectGarbage?.();
  const solved = solveMattingSystem(system.matrix, system.rhs, system.pixels, trimap, options);
  return {
    alpha: solved.alpha,
    unknownCount: system.matrix.n,
    iterations: solved.iterations,
    relativeResidual: solved.relativeResidual,
    converged: solved.converged,
    timings: { build, ...solved.timings },
    factor: solved.factor,
  };
}

export function solveMattingSystem(
  matrix: CsrMatrix,
  rhs: Float64Array,
  pixels: Int32Array,
  trimap: Trimap,
  options: SolveMattingSystemOptions = {},
): SolvedMatte {
  const { width, height } = trimap;
  const n = matrix.n;
  const tolerance = options.tolerance ?? 1e-7;
  const t0 = performance.now();

  let preconditioner: LinearOperator | undefined;
  let factorInfo = { entries: 0, rewinds: 0, maxShift: 0 };
  const kind = options.preconditioner ?? 'ichol';
  if (kind === 'ichol') {
    const factor = incompleteCholesky(matrix, {
      threshold: options.icholThreshold,
      maxEntries: options.icholMaxEntries,
      baseShift: options.icholBaseShift,
      capacity: options.icholCapacity,
    });
    factorInfo = { entries: factor.values.length, rewinds: factor.rewinds, maxShift: factor.maxShift };
    preconditioner = (r, z) => applyIncompleteCholesky(factor, r, z);
  } else if (kind === 'jacobi') {
    const d = csrDiagonal(matrix);
    const inv = d.map((v) => (v > 0 ? 1 / v : 1));
    preconditioner = (r, z) => {
      for (let i = 0; i < n; i++) z[i] = r[i] * inv[i];
    };
  }
  const t1 = performance.now();
  options.collectGarbage?.();

  // The same steps as solveMatteOperator below, kept inline on purpose: routed through it, closed-form
  // trimap1 (its time is a target) measured 3–4 % slower in interleaved runs (0.52–0.54 → 0.55–0.56 s).
  const progress = residualProgress(options.onProgress, options.progressStart ?? 0, tolerance);
  const result = conjugateGradient((x, y) => csrMultiply(matrix, x, y), rhs, {
    tolerance,
    maxIterations: options.maxIterations ?? 10000,
    preconditioner,
    onIteration: progress.onIteration,
    signal: options.signal,
  });
  const t2 = performance.now();
  const alpha = alphaFromSolution(trimap, pixels, result.x);
  progress.finish();
  return {
    alpha: { data: alpha, width, height },
    iterations: result.iterations,
    relativeResidual: result.relativeResidual,
    converged: result.converged,
    timings: { factor: t1 - t0, solve: t2 - t1 },
    factor: factorInfo,
  };
}

export interface MatteOperatorOptions {
  tolerance: number;
  maxIterations: number;
  preconditioner?: LinearOperator;
  /** CG's start (default 0). */
  x0?: Float64Array;
  /** Progress in [0, 1] of the whole estimate; the solve reports from `progressStart` up to 1. */
  onProgress?: (fraction: number) => void;
  progressStart?: number;
  signal?: AbortLike;
}

/**
 * CG on L_uu given as an operator (KNN's matrix-free graph, information flow's operator), then α for every
 * pixel: the trimap's 0 or 1, and the solution clipped to [0, 1] at the unknowns.
 */
export function solveMatteOperator(
  multiply: LinearOperator,
  rhs: Float64Array,
  pixels: Int32Array,
  trimap: Trimap,
  options: MatteOperatorOptions,
): { alpha: PlaneF32; iterations: number; relativeResidual: number; converged: boolean } {
  const { width, height } = trimap;
  const { tolerance } = options;
  const progress = residualProgress(options.onProgress, options.progressStart ?? 0, tolerance);
  const result = conjugateGradient(multiply, rhs, {
    tolerance,
    maxIterations: options.maxIterations,
    preconditioner: options.preconditioner,
    x0: options.x0,
    onIteration: progress.onIteration,
    signal: options.signal,
  });
  const alpha = alphaFromSolution(trimap, pixels, result.x);
  progress.finish();
  return {
    alpha: { data: alpha, width, height },
    iterations: result.iterations,
    relativeResidual: result.relativeResidual,
    converged: result.converged,
  };
}

/**
 * Progress of a CG solve from `start` up to 1: its remaining iterations are unknown, so it follows the fall of
 * the relative residual towards the tolerance on a log scale. `finish` reports 1 if the residual did not.
 */
function residualProgress(
  onProgress: ((fraction: number) => void) | undefined,
  start: number,
  tolerance: number,
): { onIteration?: (iteration: number, relativeResidual: number) => void; finish: () => void } {
  if (!onProgress) return { finish: () => {} };
  let reported = start;
  onProgress(start);
  return {
    onIteration: (_iteration, relativeResidual) => {
      const done = Math.min(1, Math.max(0, Math.log(relativeResidual) / Math.log(tolerance)));
      const fraction = start + (1 - start) * done;
      if (fraction > reported) {
        reported = fraction;
        onProgress(fraction);
      }
    },
    finish: () => {
      if (reported < 1) onProgress(1);
    },
  };
}

/** α for every pixel: the trimap's 0 or 1, and the solution clipped to [0, 1] at the unknowns. */
export function alphaFromSolution(trimap: Trimap, pixels: Int32Array, x: Float64Array): Float32Array {
  const tri = trimap.data;
  const alpha = new Float32Array(tri.length);
  for (let p = 0; p < tri.length; p++) alpha[p] = tri[p] === 255 ? 1 : 0;
  for (let u = 0; u < pixels.length; u++) alpha[pixels[u]] = Math.min(1, Math.max(0, x[u]));
  return alpha;
}
