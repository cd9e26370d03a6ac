/**
 * Preconditioned conjugate gradients (Hestenes & Stiefel 1952) for a symmetric positive definite A.
 *
 * A and the preconditioner are plain functions (y = A x, z = M⁻¹ r), so the same solver runs on a CSR
 * matrix, a matrix-free operator or a small dense test matrix. Vectors are Float64 throughout: with
 * matting's tiny ε the system is badly conditioned and Float32 dot products would stall the residual.
 *
 * Stopping rule as in pymatting and SciPy: ‖b − A x‖ ≤ tolerance · ‖b‖, on the recursively updated
 * residual. The abort check runs between iterations, never inside one.
 */

import { type AbortLike, throwIfAborted } from './abort.ts';

/** y ← A x. Must not keep x or y. */
export type LinearOperator = (x: Float64Array, y: Float64Array) => void;

export interface ConjugateGradientOptions {
  /** Stop when ‖r‖ ≤ tolerance · ‖b‖. Default 1e-7 (pymatting's). */
  tolerance?: number;
  /** Give up (converged: false) after this many iterations. Default 10000. */
  maxIterations?: number;
  /** Applies M⁻¹ ≈ A⁻¹; identity when absent. */
  preconditioner?: LinearOperator;
  /** Initial guess; zero when absent. Not modified. */
  x0?: Float64Array;
  /** Called after every iteration with the relative residual ‖r‖/‖b‖. */
  onIteration?: (iteration: number, relativeResidual: number) => void;
  /** Checked between iterations; when set, the solve throws an AbortError. */
  signal?: AbortLike;
}

export interface ConjugateGradientResult {
  x: Float64Array;
  iterations: number;
  /** ‖r‖/‖b‖ at exit (0 when b = 0). */
  relativeResidual: number;
  converged: boolean;
}

export function conjugateGradient(
  applyA: LinearOperator,
  b: Float64Array,
  options: ConjugateGradientOptions = {},
): ConjugateGradientResult {
  const n = b.length;
  const tolerance = options.tolerance ?? 1e-7;
  const maxIterations = options.maxIterations ?? 10000;
  const precondition = options.preconditioner;
  const x = options.x0 ? Float64Array.from(options.x0) : new Float64Array(n);
  const r = new Float64Array(n);
  const z = precondition ? new Float64Array(n) : r;
  const p = new Float64Array(n);
  const ap = new Float64Array(n);

  const normB = Math.sqrt(dot(b, b));
  if (normB === 0) {
    x.fill(0);
    return { x, iterations: 0, relativeResidual: 0, converged: true };
  }
  const threshold = tolerance * normB;

  if (options.x0) {
    applyA(x, ap);
    subtract(b, ap, r);
  } else {
    r.set(b);
  }
  let normR = Math.sqrt(dot(r, r));
  if (normR <= threshold) return { x, iterations: 0, relativeResidual: normR / normB, converged: true };

  if (precondition) precondition(r, z);
  p.set(z);
  let rz = dot(r, z);

  let iteration = 0;
  while (iteration < maxIterations) {
    throwIfAborted(options.signal);
    applyA(p, ap);
    const pap = dot(p, ap);
    if (!(pap > 0)) break; // A not positive definite along p (or p = 0): no further progress possible
    const rr = stepAlong(x, r, p, ap, rz / pap);
    iteration++;
    normR = Math.sqrt(rr);
    options.onIteration?.(iteration, normR / normB);
    if (normR <= threshold) break;

    if (precondition) precondition(r, z);
    const rzNext = dot(r, z);
    const beta = rzNext / rz;
    rz = rzNext;
    newDirection(p, z, beta);
  }
  return { x, iterations: iteration, relativeResidual: normR / normB, converged: normR <= threshold };
}

// The vector loops are functions of their own: V8 compiles a loop of a running function by compiling the whole
// function (on-stack replacement), once per loop; a solve of a few long iterations, as the cascade's are, was
// compiled some 30 times per 12 MP run with the loops inline.

/** out = a − b. */
function subtract(a: Float64Array, b: Float64Array, out: Float64Array): void {
  for (let i = 0; i < out.length; i++) out[i] = a[i] - b[i];
}

/** x += step·p, r −= step·Ap; returns ‖r‖². */
function stepAlong(
  x: Float64Array,
  r: Float64Array,
  p: Float64Array,
  ap: Float64Array,
  step: number,
): number {
  let rr = 0;
  for (let i = 0; i < x.length; i++) {
    x[i] += step * p[i];
    const ri = r[i] - step * ap[i];
    r[i] = ri;
    rr += ri * ri;
  }
  return rr;
}

/** p = z + beta·p. */
function newDirection(p: Float64Array, z: Float64Array, beta: number): void {
  for (let i = 0; i < p.length; i++) p[i] = z[i] + beta * p[i];
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
