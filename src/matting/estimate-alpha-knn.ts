/**
 * KNN alpha matting (Chen, Li & Tang 2012): solve L_uu α_u = −L_uk α_k for the unknown pixels of a
 * trimap, L being the symmetric K-nearest-neighbour Laplacian, with preconditioned conjugate gradients.
 * Same result as estimateAlphaClosedForm; the options add the neighbour search's.
 *
 * With the Jacobi preconditioner (the default) or none, the solve is matrix-free: CG multiplies with the
 * neighbour graph as the searches left it (multiplyKnnGraph), which holds a link in 4 bytes where a CSR
 * matrix takes 8. The incomplete Cholesky preconditioner needs the matrix's upper triangle, built for it.
 */

import type { InterleavedF32, Trimap } from '../core/image.ts';
import { conjugateGradient } from './conjugate-gradient.ts';
import { buildKnnGraph, buildKnnSystem, type KnnPass, multiplyKnnGraph } from './knn-laplacian.ts';
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
  const buildOptions = {
    passes: options.passes,
    colourSpace: options.colourSpace,
    kernel: options.kernel,
    order: options.order,
    signal: options.signal,
    onProgress: onProgress && ((fraction: number) => onProgress(0.8 * fraction)),
  };
  const preconditioner = options.preconditioner ?? 'jacobi';
  if (preconditioner === 'ichol') {
    const system = buildKnnSystem(image, trimap, { ...buildOptions, storage: 'upper' });
    return solveLaplacianSystem(system, trimap, performance.now() - t0, {
      ...options,
      preconditioner,
      progressStart: 0.8,
    });
  }

  const graph = buildKnnGraph(image, trimap, buildOptions);
  const t1 = performance.now();
  // The k-d tree over every pixel has just died: free it before CG allocates its vectors.
  options.collectGarbage?.();
  const { n, diagonal } = graph;
  const inverse = preconditioner === 'jacobi' ? new Float64Array(n) : undefined;
  if (inverse) for (let u = 0; u < n; u++) inverse[u] = diagonal[u] > 0 ? 1 / diagonal[u] : 1;
  const t2 = performance.now();

  // CG's remaining iterations are unknown, so progress follows the residual's fall on a log scale.
  const tolerance = options.tolerance ?? 1e-7;
  let reported = 0.8;
  onProgress?.(reported);
  const result = conjugateGradient((x, y) => multiplyKnnGraph(graph, x, y), graph.rhs, {
    tolerance,
    maxIterations: options.maxIterations ?? 10000,
    preconditioner:
      inverse &&
      ((r, z) => {
        for (let u = 0; u < n; u++) z[u] = r[u] * inverse[u];
      }),
    signal: options.signal,
    onIteration: onProgress
      ? (_iteration, relativeResidual) => {
          const done = Math.min(1, Math.max(0, Math.log(relativeResidual) / Math.log(tolerance)));
          const fraction = 0.8 + 0.2 * done;
          if (fraction > reported) {
            reported = fraction;
            onProgress(fraction);
          }
        }
      : undefined,
  });
  const t3 = performance.now();

  const { width, height } = trimap;
  const tri = trimap.data;
  const alpha = new Float32Array(width * height);
  for (let p = 0; p < alpha.length; p++) alpha[p] = tri[p] === 255 ? 1 : 0;
  for (let u = 0; u < n; u++) alpha[graph.pixels[u]] = Math.min(1, Math.max(0, result.x[u]));
  if (reported < 1) onProgress?.(1);
  return {
    alpha: { data: alpha, width, height },
    unknownCount: n,
    iterations: result.iterations,
    relativeResidual: result.relativeResidual,
    converged: result.converged,
    timings: { build: t1 - t0, factor: t2 - t1, solve: t3 - t2 },
    factor: { entries: 0, rewinds: 0, maxShift: 0 },
  };
}
