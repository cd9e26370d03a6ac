/**
 * Closed-form alpha matting (Levin, Lischinski, Weiss 2008): the same model and answer as pymatting's
 * `estimate_alpha_cf`, solved faster.
 *
 * 1. Build L_uu α_u = −L_uk α_k over the unknown pixels only (closed-form-laplacian.ts), numbered in
 *    reverse Cuthill–McKee order (unknown-ordering.ts).
 * 2. Factor a thresholded incomplete Cholesky preconditioner (incomplete-cholesky.ts) of A + 5e-5·diag(A)
 *    (the tiny shift heads off most pivot breakdowns).
 * 3. Run preconditioned conjugate gradients to a relative residual of 1e-5 (conjugate-gradient.ts).
 *
 * Why 1e-5 and not pymatting's 1e-7: the answer is a matte, read to about 1/255. On the 14
 * alphamatting.com training images (trimap1) the mean SAD at 1e-5 is within 0.5 % of the fully converged
 * one, at 3e-5 it is 1.5 % off, at 1e-4 4 % off (images with wide unknown regions, like GT13, converge
 * last). 1e-5 costs a handful of iterations more than 1e-4 with this preconditioner.
 *
 * Why drop threshold 5e-4 (pymatting: 1e-4): a lower threshold means fewer CG iterations but a denser,
 * slower factor; measured over the same images, total time is flat between 3e-4 and 7e-4 and rises on
 * either side.
 */

import type { InterleavedF32, Trimap } from '../core/image.ts';
import { throwIfAborted } from './abort.ts';
import { buildClosedFormSystem } from './closed-form-laplacian.ts';
import {
  type LaplacianMattingResult,
  type LaplacianSolveOptions,
  solveLaplacianSystem,
} from './solve-matting-system.ts';

/**
 * The Laplacian methods' solver options, with closed-form's defaults: tolerance 1e-5 (see above), at most
 * 2000 iterations (then `converged: false`), preconditioner 'ichol' (the others are for comparison and take
 * hundreds to thousands of iterations), drop threshold 5e-4 (see above), order 'rcm'. Progress runs through
 * building, factoring, then CG (by the fall of the residual on a log scale); the signal is checked between
 * the stages and between CG iterations.
 */
export interface ClosedFormOptions extends LaplacianSolveOptions {
  /** Window covariance regularisation ε. Default 1e-7 (pymatting's). */
  epsilon?: number;
}

/** What every Laplacian method returns; `factor` is the incomplete Cholesky factor's size and shifts. */
export type ClosedFormResult = LaplacianMattingResult;

// Share of the progress bar taken by building the system (reported once the solve starts).
const BUILT = 0.15;

/**
 * The factor's memory bound, in entries per pixel of the tile (8 bytes each): 26 is about 210 bytes per
 * pixel. Only bands that cover most of a tile reach it (alphamatting.com GT13 with trimap2: 56 entries per
 * unknown, 70 % of the tile unknown); there the drop threshold doubles until the factor fits, which costs
 * CG iterations.
 */
export const ICHOL_ENTRIES_PER_PIXEL = 26;

/**
 * The factor's bound for one image (tile): ICHOL_ENTRIES_PER_PIXEL per pixel, but never under 2 million
 * entries (16 MB), so that a small tile that happens to be all band is not thinned for nothing.
 */
export function icholMaxEntries(image: { width: number; height: number }, perPixel?: number): number {
  return Math.max(2_000_000, (perPixel ?? ICHOL_ENTRIES_PER_PIXEL) * image.width * image.height);
}

export function estimateAlphaClosedForm(
  image: InterleavedF32,
  trimap: Trimap,
  options: ClosedFormOptions = {},
): ClosedFormResult {
  const { onProgress, signal } = options;
  throwIfAborted(signal);
  const started = performance.now();
  // Upper-triangle storage: the solve reads the matrix only through products and the factorisation.
  const system = buildClosedFormSystem(image, trimap, {
    epsilon: options.epsilon,
    order: options.order,
    storage: 'upper',
  });
  const built = performance.now();
  throwIfAborted(signal);
  return solveLaplacianSystem(system, trimap, built - started, {
    tolerance: options.tolerance ?? 1e-5,
    maxIterations: options.maxIterations ?? 2000,
    preconditioner: options.preconditioner,
    icholThreshold: options.icholThreshold ?? 5e-4,
    icholMaxEntries: icholMaxEntries(image, options.icholEntriesPerPixel),
    icholBaseShift: 5e-5,
    onProgress,
    progressStart: BUILT,
    signal,
    collectGarbage: options.collectGarbage,
  });
}
