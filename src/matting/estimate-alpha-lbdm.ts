/**
 * Learning-based alpha matting (Zheng & Kambhamettu 2009): solve L_uu α_u = −L_uk α_k for the unknown
 * pixels of a trimap, L being the learning-based Laplacian, with preconditioned conjugate gradients.
 * Same options and result as estimateAlphaClosedForm; the system has the closed-form one's sparsity, so
 * the same incomplete-Cholesky preconditioner serves.
 */

import type { InterleavedF32, Trimap } from '../core/image.ts';
import { icholMaxEntries } from './estimate-alpha-cf.ts';
import { buildLearningBasedSystem } from './learning-based-laplacian.ts';
import {
  type LaplacianMattingResult,
  type LaplacianSolveOptions,
  solveLaplacianSystem,
} from './solve-matting-system.ts';

/** Solver options as for every Laplacian method: tolerance default 1e-7, preconditioner 'ichol', order 'rcm'. */
export interface LearningBasedOptions extends LaplacianSolveOptions {
  /** Ridge regulariser ε of the local regressions. Default 1e-7 (pymatting's). */
  epsilon?: number;
}

export type LearningBasedResult = LaplacianMattingResult;

export function estimateAlphaLearningBased(
  image: InterleavedF32,
  trimap: Trimap,
  options: LearningBasedOptions = {},
): LearningBasedResult {
  const t0 = performance.now();
  const system = buildLearningBasedSystem(image, trimap, {
    epsilon: options.epsilon,
    order: options.order,
    storage: 'upper',
  });
  const build = performance.now() - t0;
  return solveLaplacianSystem(system, trimap, build, {
    ...options,
    icholMaxEntries: icholMaxEntries(image, options.icholEntriesPerPixel),
    // Its factor (drop threshold 1e-4) holds up to 6 entries per stored one, the default reservation: one
    // growth at the end of a large tile left a garbage copy of the factor and raised the peak by half.
    icholCapacity: 8 * system.matrix.values.length,
    progressStart: 0.2,
  });
}
