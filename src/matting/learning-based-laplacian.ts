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
 * Known pixels are hard constraints exactly as in closed-form-laplacian.ts: only windows that touch an
 * unknown pixel are visited, only unknown rows are stored, couplings to known pixels go into −L_uk α_k.
 */

import type { InterleavedF32, Trimap } from '../core/image.ts';
import { isUnknownTrimapValue } from './closed-form-laplacian.ts';
import type { CsrMatrix } from './sparse.ts';
import { orderUnknownPixels } from './unknown-ordering.ts';

export interface LearningBasedSystem {
  /** L_uu over the unknown pixels, in the order of `pixels`. Symmetric positive (semi)definite. */
  matrix: CsrMatrix;
  /** −L_uk α_k. */
  rhs: Float64Array;
  /** Pixel index (y·width + x) of each unknown, in the chosen order. */
  pixels: Int32Array;
}

export interface LearningBasedLaplacianOptions {
  /** Ridge regulariser ε (λ in the paper). Default 1e-7 (pymatting's). */
  epsilon?: number;
  /** Numbering of the unknowns: 'rcm' (default; best for incomplete Cholesky) or 'scan' (row-major). */
  order?: 'rcm' | 'scan';
  /** Explicit numbering: the unknown pixels in the order wanted (overrides `order`). */
  pixels?: Int32Array;
}

// A 5×5 neighbourhood holds every pixel that shares a 3×3 window with the centre: slot (dy+2)·5 + (dx+2).
const SLOTS = 25;

export function buildLearningBasedSystem(
  image: InterleavedF32,
  trimap: Trimap,
  options: LearningBasedLaplacianOptions = {},
): LearningBasedSystem {
  const epsilon = options.epsilon ?? 1e-7;
  const { width, height } = image;
  if (image.channels !== 3) {
    throw new RangeError(`learning-based matting needs an RGB image, got ${image.channels} channels`);
  }
  if (trimap.width !== width || trimap.height !== height) {
    throw new RangeError(`trimap is ${trimap.width}×${trimap.height}, image is ${width}×${height}`);
  }
  const colour = image.data;
  const tri = trimap.data;
  const npix = width * height;

  const unknown = new Uint8Array(npix);
  let count = 0;
  for (let p = 0; p < npix; p++) {
    if (isUnknownTrimapValue(tri[p])) {
      unknown[p] = 1;
      count++;
    }
  }
  let pixels: Int32Array;
  if (options.pixels) {
    pixels = options.pixels;
  } else if (options.order === 'scan') {
    pixels = new Int32Array(count);
    count = 0;
    for (let p = 0; p < npix; p++) if (unknown[p]) pixels[count++] = p;
  } else {
    pixels = orderUnknownPixels(unknown, width, height);
  }
  const n = pixels.length;
  const unknownIndex = new Int32Array(npix).fill(-1);
  for (let u = 0; u < n; u++) unknownIndex[pixels[u]] = u;

  // Rows accumulate in Float64 in a fixed 25-slot layout, then are packed to CSR without empty slots.
  const acc = new Float64Array(n * SLOTS);
  const rhs = new Float64Array(n);

  const wp = new Int32Array(9); // pixel index of each window pixel
  const wu = new Int32Array(9); // its unknown index (or −1)
  const cr = new Float64Array(9); // centred colours
  const cg = new Float64Array(9);
  const cb = new Float64Array(9);
  const slotDelta = new Int32Array(81); // slot offset from window pixel a to window pixel b
  for (let a = 0; a < 9; a++) {
    for (let b = 0; b < 9; b++) {
      const dy = ((b / 3) | 0) - ((a / 3) | 0);
      const dx = (b % 3) - (a % 3);
      slotDelta[a * 9 + b] = (dy + 2) * 5 + (dx + 2);
    }
  }
  const m = new Float64Array(16); // M = (diag(S, 9) + εR)⁻¹, row-major 4×4
  const r = new Float64Array(16); // R
  const rm = new Float64Array(16); // R·M
  const nn = new Float64Array(16); // N = M + ε·M·R·M
  const s = 9 + epsilon;

  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      let any = false;
      for (let a = 0; a < 9; a++) {
        const p = (y + ((a / 3) | 0) - 1) * width + x + (a % 3) - 1;
        wp[a] = p;
        wu[a] = unknownIndex[p];
        if (wu[a] >= 0) any = true;
      }
      if (!any) continue;

      let mr = 0;
      let mg = 0;
      let mb = 0;
      for (let a = 0; a < 9; a++) {
        const q = wp[a] * 3;
        mr += colour[q];
        mg += colour[q + 1];
        mb += colour[q + 2];
      }
      mr /= 9;
      mg /= 9;
      mb /= 9;
      let s00 = 0;
      let s01 = 0;
      let s02 = 0;
      let s11 = 0;
      let s12 = 0;
      let s22 = 0;
      for (let a = 0; a < 9; a++) {
        const q = wp[a] * 3;
        const cr0 = colour[q] - mr;
        const cg0 = colour[q + 1] - mg;
        const cb0 = colour[q + 2] - mb;
        cr[a] = cr0;
        cg[a] = cg0;
        cb[a] = cb0;
        s00 += cr0 * cr0;
        s01 += cr0 * cg0;
        s02 += cr0 * cb0;
        s11 += cg0 * cg0;
        s12 += cg0 * cb0;
        s22 += cb0 * cb0;
      }

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
            m[i * 4] * rm[j] +
            m[i * 4 + 1] * rm[4 + j] +
            m[i * 4 + 2] * rm[8 + j] +
            m[i * 4 + 3] * rm[12 + j];
          nn[i * 4 + j] = nn[j * 4 + i] = m[i * 4 + j] + epsilon * mrm;
        }
      }

      // Each unordered pair once, added to both L_ab and L_ba: the stored matrix is exactly symmetric.
      for (let a = 0; a < 9; a++) {
        const ra = cr[a];
        const ga = cg[a];
        const ba = cb[a];
        // z = N x̃_a
        const z0 = nn[0] * ra + nn[1] * ga + nn[2] * ba + nn[3];
        const z1 = nn[4] * ra + nn[5] * ga + nn[6] * ba + nn[7];
        const z2 = nn[8] * ra + nn[9] * ga + nn[10] * ba + nn[11];
        const z3 = nn[12] * ra + nn[13] * ga + nn[14] * ba + nn[15];
        const ua = wu[a];
        for (let b = a; b < 9; b++) {
          const ub = wu[b];
          if (ua < 0 && ub < 0) continue;
          const value = (a === b ? 1 : 0) - (z0 * cr[b] + z1 * cg[b] + z2 * cb[b] + z3);
          if (ua >= 0) {
            if (ub >= 0) acc[ua * SLOTS + slotDelta[a * 9 + b]] += value;
            else if (tri[wp[b]] === 255) rhs[ua] -= value;
          }
          if (ub >= 0 && a !== b) {
            if (ua >= 0) acc[ub * SLOTS + slotDelta[b * 9 + a]] += value;
            else if (tri[wp[a]] === 255) rhs[ub] -= value;
          }
        }
      }
    }
  }

  const slotOffset = new Int32Array(SLOTS);
  for (let q = 0; q < SLOTS; q++) slotOffset[q] = (((q / 5) | 0) - 2) * width + (q % 5) - 2;

  const rowStart = new Int32Array(n + 1);
  let nnz = 0;
  for (let u = 0; u < n; u++) {
    const row = u * SLOTS;
    for (let q = 0; q < SLOTS; q++) if (acc[row + q] !== 0) nnz++;
    rowStart[u + 1] = nnz;
  }
  const columns = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  let t = 0;
  for (let u = 0; u < n; u++) {
    const row = u * SLOTS;
    const p = pixels[u];
    for (let q = 0; q < SLOTS; q++) {
      const v = acc[row + q];
      if (v === 0) continue;
      columns[t] = unknownIndex[p + slotOffset[q]];
      values[t] = v;
      t++;
    }
  }

  return { matrix: { n, rowStart, columns, values }, rhs, pixels };
}
