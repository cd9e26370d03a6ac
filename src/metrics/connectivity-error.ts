/**
 * Connectivity error of an alpha matte, DIM's `compute_connectivity_error` with step 0.1.
 *
 * For each threshold t_i = i/10 (i = 1..10) take ω, the largest 4-connected component of
 * (p ≥ t_i) ∧ (g ≥ t_i) over the whole image; a pixel first found outside ω at step i is given the level
 * l = t_{i−1} it was last connected at; pixels connected all the way get l = 1. With d = α − l,
 * φ(α) = 1 − d·[d ≥ 0.15], and Conn = Σ_region |φ(p) − φ(g)| / 1000.
 *
 * Thresholds are i/10 (the correctly rounded decimals) compared in float64. When several components
 * tie for largest we keep the first in column-major scan order, which is what MATLAB's bwconncomp + max
 * pick; the choice only changes the result in rare ties.
 */

import { largestComponentMask } from '../core/connected-components.ts';
import type { PlaneF32 } from '../core/image.ts';
import { assertComparable } from './region.ts';

const STEPS = 10;
const THETA = 0.15;

/** The per-pixel level l at which each pixel stops being connected to the main body (see above). */
export function connectivityLevels(pred: PlaneF32, truth: PlaneF32): Float64Array {
  assertComparable(pred, truth, undefined, 'connectivityLevels');
  const { width, height } = pred;
  const p = pred.data;
  const g = truth.data;
  const n = p.length;
  const level = new Float64Array(n).fill(-1);
  const both = new Uint8Array(n);
  for (let i = 1; i <= STEPS; i++) {
    const t = i / STEPS;
    const previous = (i - 1) / STEPS;
    for (let k = 0; k < n; k++) both[k] = p[k] >= t && g[k] >= t ? 1 : 0;
    const omega = largestComponentMask(both, width, height, 4, 'column-major');
    for (let k = 0; k < n; k++) {
      if (level[k] === -1 && omega[k] === 0) level[k] = previous;
    }
  }
  for (let k = 0; k < n; k++) if (level[k] === -1) level[k] = 1;
  return level;
}

/** Σ_region |φ(p) − φ(g)| / 1000; every pixel when `region` is undefined. */
export function connectivityError(pred: PlaneF32, truth: PlaneF32, region?: Uint8Array): number {
  assertComparable(pred, truth, region, 'connectivityError');
  const level = connectivityLevels(pred, truth);
  const p = pred.data;
  const g = truth.data;
  let sum = 0;
  for (let k = 0; k < p.length; k++) {
    if (region !== undefined && region[k] === 0) continue;
    const dp = p[k] - level[k];
    const dg = g[k] - level[k];
    const phiP = 1 - (dp >= THETA ? dp : 0);
    const phiG = 1 - (dg >= THETA ? dg : 0);
    sum += Math.abs(phiP - phiG);
  }
  return sum / 1000;
}
