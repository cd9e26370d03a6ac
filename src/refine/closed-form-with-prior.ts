/**
 * Closed-form matting with a soft data term: minimise
 *
 *   αᵀ L α + Σ_u w_u (α_u − t_u)²
 *
 * over the unknown pixels u, the known ones fixed by the trimap (Levin, Lischinski, Weiss 2008, §4: the
 * same energy with λ·D for scribbles; here the weights are soft and per pixel). Setting the gradient to zero
 * gives (L_uu + W) α_u = −L_uk α_k + W t, i.e. the plain closed-form system with w added to its diagonal
 * and w·t to its right-hand side.
 *
 * Why a data term: the Laplacian alone only knows that α is locally affine in colour; in a wide unknown band
 * over a busy background that leaves whole regions free to drift. The cascade's targets (the network's
 * confident values, colour-sample estimates) pin those regions down where they are trustworthy and leave
 * the Laplacian in charge where they are not (weight near 0).
 *
 * The weights also make the system far better conditioned than L_uu: CG started from t converges in a few
 * iterations, so a loose relative residual (1e-3) and a sparse incomplete Cholesky factor (drop threshold
 * 2e-2 rather than closed-form's 5e-4) suffice. Factoring is the largest single cost of the cascade; these
 * two settings (with 1e-2) cut the cascade's time by a fifth at 4 MP and moved the benchmark SADs by under
 * 0.5 % (bench/refine.ts). 2e-2 rather than 1e-2: a sparser factor and a couple more CG iterations, 12 MP
 * end-to-end hair photo matting 6.10–6.42 → 5.99–6.10 s (three interleaved runs), SADs within 0.5 %
 * (synthetic 4.89 → 4.87, alphamatting 3.61 → 3.62, portraits unchanged). 5e-2 was slower again (4 MP
 * hair: 17 iterations against 7). Preconditioners with no set-up cost nothing to build but took 10–40× the
 * iterations (symmetric Gauss–Seidel) or ~80 iterations (Jacobi) for the same total time.
 *
 * Pure: reuses the matting folder's Laplacian, preconditioner and solver unchanged.
 */
import type { InterleavedF32, PlaneF32, Trimap } from '../core/image.ts';
import { type AbortLike, throwIfAborted } from '../matting/abort.ts';
import { buildClosedFormSystem } from '../matting/closed-form-laplacian.ts';
import { conjugateGradient } from '../matting/conjugate-gradient.ts';
import {
  applyIncompleteCholesky,
  type FactorStorage,
  incompleteCholesky,
} from '../matting/incomplete-cholesky.ts';
import { alphaFromSolution } from '../matting/solve-matting-system.ts';
import { type CsrMatrix, csrMultiply } from '../matting/sparse.ts';

export interface AlphaPrior {
  /** Target α per pixel of the image (read at unknown pixels only). */
  target: Float32Array;
  /** Weight ≥ 0 per pixel of the image; 0 leaves the pixel to the Laplacian. */
  weight: Float32Array;
}

export interface ClosedFormWithPriorOptions {
  /** Window covariance regularisation ε. Default 1e-7 (as plain closed-form). */
  epsilon?: number;
  /** Relative residual at which CG stops. Default 1e-3. */
  tolerance?: number;
  /** Default 500. */
  maxIterations?: number;
  /** Drop threshold of the incomplete Cholesky factor. Default 2e-2. */
  icholThreshold?: number;
  /** Arrays for the factor, reused from solve to solve on one thread (incomplete-cholesky.ts). */
  factorStorage?: FactorStorage;
  signal?: AbortLike;
}

export interface ClosedFormWithPriorResult {
  alpha: PlaneF32;
  unknownCount: number;
  iterations: number;
  converged: boolean;
}

export function estimateAlphaWithPrior(
  image: InterleavedF32,
  trimap: Trimap,
  prior: AlphaPrior,
  options: ClosedFormWithPriorOptions = {},
): ClosedFormWithPriorResult {
  const { width, height } = image;
  const npix = width * height;
  if (prior.target.length !== npix || prior.weight.length !== npix) {
    throw new RangeError(
      `prior: ${prior.target.length}/${prior.weight.length} values for ${width}×${height}`,
    );
  }
  throwIfAborted(options.signal);
  // Upper-triangle storage: half the matrix's memory (CG and the factorisation read it either way). Fresh
  // memory is dear here, a page fault per 4 KB on first touch: the 12 MP end-to-end hair photo of
  // bench/refine.ts took 0.8–1.5 s less in the CLI (matting 6.9–7.6 → 6.0–6.1 s), the same α.
  const { matrix, rhs, pixels } = buildClosedFormSystem(image, trimap, {
    epsilon: options.epsilon,
    storage: 'upper',
  });
  const n = matrix.n;
  const x0 = addPrior(matrix, rhs, pixels, prior);
  throwIfAborted(options.signal);
  const factor = incompleteCholesky(matrix, {
    threshold: options.icholThreshold ?? 2e-2,
    baseShift: 5e-5,
    storage: options.factorStorage,
  });
  const result = conjugateGradient((x, y) => csrMultiply(matrix, x, y), rhs, {
    tolerance: options.tolerance ?? 1e-3,
    maxIterations: options.maxIterations ?? 500,
    preconditioner: (r, z) => applyIncompleteCholesky(factor, r, z),
    x0,
    signal: options.signal,
  });
  return {
    alpha: { data: alphaFromSolution(trimap, pixels, result.x), width, height },
    unknownCount: n,
    iterations: result.iterations,
    converged: result.converged,
  };
}

// The loops below are functions of their own: V8 compiles a loop of a running function by recompiling the
// whole function, so one function with every loop was compiled again and again on each worker's first tiles.

/** Adds w to the diagonal and w·t to the right-hand side of each unknown; returns the start point t. */
function addPrior(matrix: CsrMatrix, rhs: Float64Array, pixels: Int32Array, prior: AlphaPrior): Float64Array {
  const { n, rowStart, columns, values } = matrix;
  const x0 = new Float64Array(n);
  for (let u = 0; u < n; u++) {
    const p = pixels[u];
    const w = prior.weight[p];
    const t = prior.target[p];
    x0[u] = t;
    if (!(w > 0)) continue;
    rhs[u] += w * t;
    for (let e = rowStart[u]; e < rowStart[u + 1]; e++) {
      if (columns[e] === u) {
        values[e] += w;
        break;
      }
    }
  }
  return x0;
}
