/**
 * The closed-form matting Laplacian (Levin, Lischinski, Weiss 2008), reduced to the unknown pixels.
 *
 * In every 3×3 window w, alpha is modelled as an affine function of colour, α ≈ aᵀI + b. Eliminating
 * a and b leaves the quadratic form αᵀLα with, for pixels i, j of w,
 *
 *   L_ij += δ_ij − (1 + (I_i − μ)ᵀ (Σ + ε/9·I₃)⁻¹ (I_j − μ)) / 9
 *
 * where μ and Σ are the window's colour mean and (biased) covariance. As in pymatting, only windows lying
 * wholly inside the image count, and ε defaults to 1e-7.
 *
 * Known pixels are hard constraints: with α = [α_u; α_k], minimising αᵀLα over α_u gives
 * L_uu α_u = −L_uk α_k. So only windows that touch an unknown pixel are visited, only rows of unknown
 * pixels are stored, and every coupling to a known pixel goes straight into the right-hand side. Memory
 * and time grow with the unknown band, not with the image.
 *
 * The window walk, the reduction and the storage are shared with learning-based matting
 * (window-laplacian.ts); this file supplies the window term: with S = 9Σ the centred scatter,
 * (1 + cᵢᵀ(Σ + ε/9·I)⁻¹cⱼ)/9 = 1/9 + cᵢᵀ(S + εI)⁻¹cⱼ, i.e. N = [[(S + εI)⁻¹, 0], [0, 1/9]] in x̃ = (c, 1).
 */

import type { InterleavedF32, Trimap } from '../core/image.ts';
import {
  buildWindowSystem,
  type WindowForm,
  type WindowSystem,
  type WindowSystemOptions,
} from './window-laplacian.ts';

export { isUnknownTrimapValue } from './window-laplacian.ts';

export type ClosedFormSystem = WindowSystem;

/** Numbering as in window-laplacian.ts: 'rcm' by default (what incomplete Cholesky wants), 'scan', or explicit. */
export interface ClosedFormLaplacianOptions extends WindowSystemOptions {
  /** Regularisation ε of the window covariance; larger is smoother and easier to solve. Default 1e-7. */
  epsilon?: number;
}

/** N = [[(S + εI)⁻¹, 0], [0, 1/9]] for the window scatter S. */
function closedFormWindow(epsilon: number): WindowForm {
  return (_mr, _mg, _mb, s00, s01, s02, s11, s12, s22, n) => {
    const a00 = s00 + epsilon;
    const a11 = s11 + epsilon;
    const a22 = s22 + epsilon;
    const i00 = a11 * a22 - s12 * s12;
    const i01 = s02 * s12 - s01 * a22;
    const i02 = s01 * s12 - s02 * a11;
    const i11 = a00 * a22 - s02 * s02;
    const i12 = s01 * s02 - a00 * s12;
    const i22 = a00 * a11 - s01 * s01;
    const invDet = 1 / (a00 * i00 + s01 * i01 + s02 * i02);
    n[0] = i00 * invDet;
    n[1] = n[4] = i01 * invDet;
    n[2] = n[8] = i02 * invDet;
    n[5] = i11 * invDet;
    n[6] = n[9] = i12 * invDet;
    n[10] = i22 * invDet;
    n[3] = n[7] = n[11] = n[12] = n[13] = n[14] = 0;
    n[15] = 1 / 9;
  };
}

export function buildClosedFormSystem(
  image: InterleavedF32,
  trimap: Trimap,
  options: ClosedFormLaplacianOptions = {},
): ClosedFormSystem {
  return buildWindowSystem(
    image,
    trimap,
    closedFormWindow(options.epsilon ?? 1e-7),
    'closed-form matting',
    options,
  );
}
