/**
 * The learning-based matting Laplacian (Zheng & Kambhamettu 2009), reduced to the unknown pixels.
 *
 * In every 3×3 window w, alpha is learned as a ridge regression on the window's colours: with the
 * 9×4 feature matrix X (rows (r, g, b, 1)) and the linear kernel K = XXᵀ, the window's alphas are
 * predicted from themselves as f·α_w with f = (K + εI)⁻¹K. The cost of the prediction error,
 * ‖(I − f)α_w‖², summed over windows gives αᵀLα with L_w = (I − f)(I − f)ᵀ. As in pymatting (whose
 * results are our reference) ε defaults to 1e-7, the window radius is 1 and only windows lying wholly
 * inside the image count.
 *
 * The 9×9 solve is not needed. f is the ridge "hat" matrix X(XᵀX + εI)⁻¹Xᵀ, so with M = (XᵀX + εI)⁻¹
 * (4×4) the window term is I − X(M + εM²)Xᵀ. We work in window-centred colours c = I − μ, which keeps
 * the 4×4 well scaled: then XᵀX becomes diag(S, 9) with S the colour scatter, and the ridge penalty
 * ε‖β‖² becomes εβ̃ᵀRβ̃ with R = [[I + μμᵀ, −μ], [−μᵀ, 1]], so M = (diag(S, 9) + εR)⁻¹ and
 * L_ab = δ_ab − x̃_aᵀ(M + εMRM)x̃_b with x̃ = (c, 1).
 *
 * Known pixels are hard constraints exactly as in closed-form-laplacian.ts, and the window walk, the
 * reduction and the storage are the same code (window-laplacian.ts); this file supplies N = M + εMRM.
 */

import type { InterleavedF32, Trimap } from '../core/image.ts';
import {
  buildWindowSystem,
  type WindowForm,
  type WindowSystem,
  type WindowSystemOptions,
} from './window-laplacian.ts';

export type LearningBasedSystem = WindowSystem;

/** Numbering as in window-laplacian.ts: 'rcm' by default (what incomplete Cholesky wants), 'scan', or explicit. */
export interface LearningBasedLaplacianOptions extends WindowSystemOptions {
  /** Ridge regulariser ε (λ in the paper). Default 1e-7 (pymatting's). */
  epsilon?: number;
}

/** N = M + εMRM for the window with mean μ = (mr, mg, mb) and centred scatter S. */
function learningBasedWindow(epsilon: number): WindowForm {
  const m = new Float64Array(16); // M = (diag(S, 9) + εR)⁻¹, row-major 4×4
  const r = new Float64Array(16); // R
  const rm = new Float64Array(16); // R·M
  const s = 9 + epsilon;
  return (mr, mg, mb, s00, s01, s02, s11, s12, s22, nn) => {
    // M by the Schur complement of the bias entry 9 + ε: P = S + εI + (9ε/(9+ε))·μμᵀ, then
    // M = [[P⁻¹, εP⁻¹μ/s], [·, 1/s + ε²μᵀP⁻¹μ/s²]].
    const k = (9 * epsilon) / s;
    const p00 = s00 + epsilon + k * mr * mr;
    const p01 = s01 + k * mr * mg;
    const p02 = s02 + k * mr * mb;
    const p11 = s11 + epsilon + k * mg * mg;
    const p12 = s12 + k * mg * mb;
    const p22 = s22 + epsilon + k * mb * mb;
    const i00 = p11 * p22 - p12 * p12;
    const i01 = p02 * p12 - p01 * p22;
    const i02 = p01 * p12 - p02 * p11;
    const i11 = p00 * p22 - p02 * p02;
    const i12 = p01 * p02 - p00 * p12;
    const i22 = p00 * p11 - p01 * p01;
    const invDet = 1 / (p00 * i00 + p01 * i01 + p02 * i02);
    const q00 = i00 * invDet;
    const q01 = i01 * invDet;
    const q02 = i02 * invDet;
    const q11 = i11 * invDet;
    const q12 = i12 * invDet;
    const q22 = i22 * invDet;
    const qm0 = q00 * mr + q01 * mg + q02 * mb;
    const qm1 = q01 * mr + q11 * mg + q12 * mb;
    const qm2 = q02 * mr + q12 * mg + q22 * mb;
    const e = epsilon / s;
    m[0] = q00;
    m[1] = q01;
    m[2] = q02;
    m[3] = e * qm0;
    m[5] = q11;
    m[6] = q12;
    m[7] = e * qm1;
    m[10] = q22;
    m[11] = e * qm2;
    m[15] = 1 / s + e * e * (mr * qm0 + mg * qm1 + mb * qm2);
    m[4] = m[1];
    m[8] = m[2];
    m[9] = m[6];
    m[12] = m[3];
    m[13] = m[7];
    m[14] = m[11];

    r[0] = 1 + mr * mr;
    r[1] = r[4] = mr * mg;
    r[2] = r[8] = mr * mb;
    r[3] = r[12] = -mr;
    r[5] = 1 + mg * mg;
    r[6] = r[9] = mg * mb;
    r[7] = r[13] = -mg;
    r[10] = 1 + mb * mb;
    r[11] = r[14] = -mb;
    r[15] = 1;
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) {
        rm[i * 4 + j] =
          r[i * 4] * m[j] + r[i * 4 + 1] * m[4 + j] + r[i * 4 + 2] * m[8 + j] + r[i * 4 + 3] * m[12 + j];
      }
    }
    for (let i = 0; i < 4; i++) {
      for (let j = i; j < 4; j++) {
        const mrm =
          m[i * 4] * rm[j] + m[i * 4 + 1] * rm[4 + j] + m[i * 4 + 2] * rm[8 + j] + m[i * 4 + 3] * rm[12 + j];
        nn[i * 4 + j] = nn[j * 4 + i] = m[i * 4 + j] + epsilon * mrm;
      }
    }
  };
}

export function buildLearningBasedSystem(
  image: InterleavedF32,
  trimap: Trimap,
  options: LearningBasedLaplacianOptions = {},
): LearningBasedSystem {
  return buildWindowSystem(
    image,
    trimap,
    learningBasedWindow(options.epsilon ?? 1e-7),
    'learning-based matting',
    options,
  );
}
