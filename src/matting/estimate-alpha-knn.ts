/**
 * KNN alpha matting (Chen, Li & Tang 2012): solve L_uu α_u = −L_uk α_k for the unknown pixels of a
 * trimap, L being the symmetric K-nearest-neighbour Laplacian, with preconditioned conjugate gradients.
 * Same result as estimateAlphaClosedForm; the options add the neighbour search's.
 */

import type { InterleavedF32, Trimap } from '../core/image.ts';
import { buildKnnSystem, type KnnPass } from './knn-laplacian.ts';
import {
  type LaplacianMattingResult,
  type LaplacianSolveOptions,
  solveLaplacianSystem,
} from './solve-matting-system.ts';

/** Solver options as for every Laplacian method: tolerance default 1e-7, preconditioner 'jacobi', order 'scan'. */
export interface KnnOptions extends LaplacianSolveOptions {
  /** Neighbour searches merged into one graph (see knn-laplacian.ts). Default pymatting's two passes. */
  passes?: readonly KnnPass[];
  colourSpace?: 'rgb' | 'hsv';
  kernel?: 'binary' | 'soft';
}

export type KnnResult = LaplacianMattingResult;

export function estimateAlphaKnn(image: InterleavedF32, trimap: Trimap, options: KnnOptions = {}): KnnResult {
  const t0 = performance.now();
  // The neighbour searches take most of the time: they report progress up to 0.8, the solve the rest.
  const onProgress = options.onProgress;
  const system = buildKnnSystem(image, trimap, {
    passes: options.passes,
    colourSpace: options.colourSpace,
    kernel: options.kernel,
    order: options.order,
    // Half storage: the solve reads the matrix only through products and its diagonal (and, with the
    // incomplete Cholesky preconditioner, its upper triangle).
    storage: options.preconditioner === 'ichol' ? 'upper' : 'pairs',
    signal: options.signal,
    onProgress: onProgress && ((fraction) => onProgress(0.8 * fraction)),
  });
  const build = performance.now() - t0;
  return solveLaplacianSystem(system, trimap, build, {
    ...options,
    preconditioner: options.preconditioner ?? 'jacobi',
    progressStart: 0.8,
  });
}
