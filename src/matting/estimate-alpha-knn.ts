/**
 * KNN alpha matting (Chen, Li & Tang 2012): solve L_uu α_u = −L_uk α_k for the unknown pixels of a
 * trimap, L being the symmetric K-nearest-neighbour Laplacian, with preconditioned conjugate gradients.
 * Same result as estimateAlphaClosedForm; the options add the neighbour search's.
 */

import type { InterleavedF32, Trimap } from '../core/image.ts';
import type { AbortLike } from './abort.ts';
import { buildKnnSystem, type KnnPass } from './knn-laplacian.ts';
import {
  type LaplacianMattingResult,
  type MattingPreconditioner,
  solveMattingSystem,
} from './solve-matting-system.ts';

export interface KnnOptions {
  /** Neighbour searches merged into one graph (see knn-laplacian.ts). Default pymatting's two passes. */
  passes?: readonly KnnPass[];
  colourSpace?: 'rgb' | 'hsv';
  kernel?: 'binary' | 'soft';
  /** Relative residual ‖b − Ax‖/‖b‖ at which CG stops. Default 1e-7. */
  tolerance?: number;
  /** CG iteration cap. Default 10000. */
  maxIterations?: number;
  /** Default 'jacobi'. */
  preconditioner?: MattingPreconditioner;
  /** Drop threshold of the incomplete Cholesky factor. */
  icholThreshold?: number;
  /** Unknown numbering: 'scan' (default) or 'rcm'. */
  order?: 'rcm' | 'scan';
  /** Progress in [0, 1] (an estimate: CG's remaining iterations are not known in advance). */
  onProgress?: (fraction: number) => void;
  signal?: AbortLike;
}

export type KnnResult = LaplacianMattingResult;

export function estimateAlphaKnn(image: InterleavedF32, trimap: Trimap, options: KnnOptions = {}): KnnResult {
  const t0 = performance.now();
  // The neighbour searches take most of the time: they report progress up to 0.8, the solve the rest.
  const onProgress = options.onProgress;
  const { matrix, rhs, pixels } = buildKnnSystem(image, trimap, {
    passes: options.passes,
    colourSpace: options.colourSpace,
    kernel: options.kernel,
    order: options.order,
    signal: options.signal,
    onProgress: onProgress && ((fraction) => onProgress(0.8 * fraction)),
  });
  const build = performance.now() - t0;
  const solved = solveMattingSystem(matrix, rhs, pixels, trimap, {
    ...options,
    preconditioner: options.preconditioner ?? 'jacobi',
    progressStart: 0.8,
  });
  return {
    alpha: solved.alpha,
    unknownCount: matrix.n,
    iterations: solved.iterations,
    relativeResidual: solved.relativeResidual,
    converged: solved.converged,
    timings: { build, factor: solved.timings.factor, solve: solved.timings.solve },
    factor: solved.factor,
  };
}
