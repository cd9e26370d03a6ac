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
import { buildKnnGraph, buildKnnSystem, type KnnPass, multiplyKnnGraph } from './knn-laplacian.ts';
import {
  type LaplacianMattingResult,
  type LaplacianSolveOptions,
  solveLaplacianSystem,
  solveMatteOperator,
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

  const solved = solveMatteOperator(
    (x, y) => multiplyKnnGraph(graph, x, y),
    graph.rhs,
    graph.pixels,
    trimap,
    {
      tolerance: options.tolerance ?? 1e-7,
      maxIterations: options.maxIterations ?? 10000,
      preconditioner:
        inverse &&
        ((r, z) => {
          for (let u = 0; u < n; u++) z[u] = r[u] * inverse[u];
        }),
      onProgress,
      progressStart: 0.8,
      signal: options.signal,
    },
  );
  return {
    ...solved,
    unknownCount: n,
    timings: { build: t1 - t0, factor: t2 - t1, solve: performance.now() - t2 },
    factor: { entries: 0, rewinds: 0, maxShift: 0 },
  };
}
