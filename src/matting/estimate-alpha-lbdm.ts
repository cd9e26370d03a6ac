/**
 * Learning-based alpha matting (Zheng & Kambhamettu 2009): solve L_uu α_u = −L_uk α_k for the unknown
 * pixels of a trimap, L being the learning-based Laplacian, with preconditioned conjugate gradients.
 * Same options and result as estimateAlphaClosedForm; the system has the closed-form one's sparsity, so
 * the same incomplete-Cholesky preconditioner serves.
 */

import type { InterleavedF32, Trimap } from '../core/image.ts';
import type { AbortLike } from './abort.ts';
import { buildLearningBasedSystem } from './learning-based-laplacian.ts';
import {
  type LaplacianMattingResult,
  type MattingPreconditioner,
  solveMattingSystem,
} from './solve-matting-system.ts';

export interface LearningBasedOptions {
  /** Ridge regulariser ε of the local regressions. Default 1e-7 (pymatting's). */
  epsilon?: number;
  /** Relative residual ‖b − Ax‖/‖b‖ at which CG stops. Default 1e-7. */
  tolerance?: number;
  /** CG iteration cap. Default 10000. */
  maxIterations?: number;
  /** Default 'ichol'. */
  preconditioner?: MattingPreconditioner;
  /** Drop threshold of the incomplete Cholesky factor. */
  icholThreshold?: number;
  /** Unknown numbering (see learning-based-laplacian.ts). */
  order?: 'rcm' | 'scan';
  /** Progress in [0, 1] (an estimate: CG's remaining iterations are not known in advance). */
  onProgress?: (fraction: number) => void;
  signal?: AbortLike;
}

export type LearningBasedResult = LaplacianMattingResult;

export function estimateAlphaLearningBased(
  image: InterleavedF32,
  trimap: Trimap,
  options: LearningBasedOptions = {},
): LearningBasedResult {
  const t0 = performance.now();
  const { matrix, rhs, pixels } = buildLearningBasedSystem(image, trimap, {
    epsilon: options.epsilon,
    order: options.order,
  });
  const build = performance.now() - t0;
  const solved = solveMattingSystem(matrix, rhs, pixels, trimap, { ...options, progressStart: 0.2 });
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
