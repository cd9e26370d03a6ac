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
 * Each window's 9×9 block is computed once per unordered pair and added to both L_ij and L_ji, so the
 * stored matrix is exactly symmetric (CG relies on it).
 */

import type { InterleavedF32, Trimap } from '../core/image.ts';
import type { CsrMatrix } from './sparse.ts';
import { orderUnknownPixels } from './unknown-ordering.ts';

export interface ClosedFormSystem {
  /** L_uu over the unknown pixels, in the order of `pixels`. Symmetric positive (semi)definite. */
  matrix: CsrMatrix;
  /** −L_uk α_k. */
  rhs: Float64Array;
  /** Pixel index (y·width + x) of each unknown, in the chosen order. */
  pixels: Int32Array;
}

export interface ClosedFormLaplacianOptions {
  /** Regularisation ε of the window covariance; larger is smoother and easier to solve. Default 1e-7. */
  epsilon?: number;
  /**
   * Numbering of the unknowns: 'rcm' (reverse Cuthill–McKee, default; what incomplete Cholesky wants)
   * or 'scan' (row-major).
   */
  order?: 'rcm' | 'scan';
  /** Explicit numbering: every unknown pixel once, in the order wanted (overrides `order`). */
  pixels?: Int32Array;
}

/** Pixels with 0 < trimap < 255 are unknown; 0 is background (α = 0), 255 foreground (α = 1). */
export function isUnknownTrimapValue(value: number): boolean {
  return value > 0 && value < 255;
}

// A 5×5 neighbourhood holds every pixel that shares a 3×3 window with the centre: slot (dy+2)·5 + (dx+2).
const SLOTS = 25;

export function buildClosedFormSystem(
  image: InterleavedF32,
  trimap: Trimap,
  options: ClosedFormLaplacianOptions = {},
): ClosedFormSystem {
  const epsilon = options.epsilon ?? 1e-7;
  const { width, height } = image;
  if (image.channels !== 3) {
    throw new RangeError(`closed-form matting needs an RGB image, got ${image.channels} channels`);
  }
  if (trimap.width !== width || trimap.height !== height) {
    throw new RangeError(`trimap is ${trimap.width}×${trimap.height}, image is ${width}×${height}`);
  }
  const colour = image.data;
  const tri = trimap.data;
  const npix = width * height;

  // Unknowns are first numbered in scan order: a window then touches rows of the accumulator that lie
  // close together in memory. The wanted numbering is applied when packing.
  const scanIndex = new Int32Array(npix).fill(-1);
  let n = 0;
  for (let p = 0; p < npix; p++) if (isUnknownTrimapValue(tri[p])) scanIndex[p] = n++;

  let pixels: Int32Array;
  if (options.pixels) {
    pixels = options.pixels;
    if (pixels.length !== n) throw new RangeError(`pixels: ${pixels.length} given, trimap has ${n} unknown`);
  } else if (options.order === 'scan') {
    pixels = new Int32Array(n);
    for (let p = 0; p < npix; p++) if (scanIndex[p] >= 0) pixels[scanIndex[p]] = p;
  } else {
    const unknown = new Uint8Array(npix);
    for (let p = 0; p < npix; p++) if (scanIndex[p] >= 0) unknown[p] = 1;
    pixels = orderUnknownPixels(unknown, width, height);
  }

  // Rows accumulate in a fixed 25-slot layout (Float64: up to nine windows add into one entry, and
  // the rows must keep summing to zero), then are packed to CSR without the empty slots.
  const acc = new Float64Array(n * SLOTS);
  const rhs = new Float64Array(n); // in scan numbering until packed

  const wp = new Int32Array(9); // pixel index of each window pixel
  const wu = new Int32Array(9); // its scan index, or −1 when known
  const cr = new Float64Array(9); // centred colours
  const cg = new Float64Array(9);
  const cb = new Float64Array(9);
  // slotDelta[a·9 + b]: slot of window pixel b in the row of window pixel a.
  const slotDelta = new Int32Array(81);
  for (let a = 0; a < 9; a++) {
    for (let b = 0; b < 9; b++) {
      const dy = ((b / 3) | 0) - ((a / 3) | 0);
      const dx = (b % 3) - (a % 3);
      slotDelta[a * 9 + b] = (dy + 2) * 5 + (dx + 2);
    }
  }

  // unknownInColumn[x]: how many of the three pixels (x, y−1 … y+1) are unknown, so that windows with
  // nothing unknown are skipped after three reads instead of nine.
  const unknownInColumn = new Int32Array(width);
  for (let y = 1; y < height - 1; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      unknownInColumn[x] =
        (scanIndex[p - width] >= 0 ? 1 : 0) +
        (scanIndex[p] >= 0 ? 1 : 0) +
        (scanIndex[p + width] >= 0 ? 1 : 0);
    }
    for (let x = 1; x < width - 1; x++) {
      const unknownCount = unknownInColumn[x - 1] + unknownInColumn[x] + unknownInColumn[x + 1];
      if (unknownCount === 0) continue;
      for (let a = 0; a < 9; a++) {
        const p = (y + ((a / 3) | 0) - 1) * width + x + (a % 3) - 1;
        wp[a] = p;
        wu[a] = scanIndex[p];
      }

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
      let s00 = epsilon;
      let s01 = 0;
      let s02 = 0;
      let s11 = epsilon;
      let s12 = 0;
      let s22 = epsilon;
      for (let a = 0; a < 9; a++) {
        const q = wp[a] * 3;
        const r = colour[q] - mr;
        const g = colour[q + 1] - mg;
        const b = colour[q + 2] - mb;
        cr[a] = r;
        cg[a] = g;
        cb[a] = b;
        s00 += r * r;
        s01 += r * g;
        s02 += r * b;
        s11 += g * g;
        s12 += g * b;
        s22 += b * b;
      }
      // With S = 9Σ + εI as accumulated, (1 + cᵢᵀ(Σ + ε/9·I)⁻¹cⱼ)/9 = 1/9 + cᵢᵀS⁻¹cⱼ.
      const i00 = s11 * s22 - s12 * s12;
      const i01 = s02 * s12 - s01 * s22;
      const i02 = s01 * s12 - s02 * s11;
      const i11 = s00 * s22 - s02 * s02;
      const i12 = s01 * s02 - s00 * s12;
      const i22 = s00 * s11 - s01 * s01;
      const invDet = 1 / (s00 * i00 + s01 * i01 + s02 * i02);
      const m00 = i00 * invDet;
      const m01 = i01 * invDet;
      const m02 = i02 * invDet;
      const m11 = i11 * invDet;
      const m12 = i12 * invDet;
      const m22 = i22 * invDet;

      if (unknownCount === 9) {
        // Inside the band: every pair goes into the matrix, no branches.
        for (let a = 0; a < 9; a++) {
          const rowA = wu[a] * SLOTS;
          const r = cr[a];
          const g = cg[a];
          const b = cb[a];
          const v0 = m00 * r + m01 * g + m02 * b;
          const v1 = m01 * r + m11 * g + m12 * b;
          const v2 = m02 * r + m12 * g + m22 * b;
          acc[rowA + 12] += 8 / 9 - (v0 * r + v1 * g + v2 * b);
          for (let b9 = a + 1; b9 < 9; b9++) {
            const value = -1 / 9 - (v0 * cr[b9] + v1 * cg[b9] + v2 * cb[b9]);
            acc[rowA + slotDelta[a * 9 + b9]] += value;
            acc[wu[b9] * SLOTS + slotDelta[b9 * 9 + a]] += value;
          }
        }
        continue;
      }
      for (let a = 0; a < 9; a++) {
        const ua = wu[a];
        const r = cr[a];
        const g = cg[a];
        const b = cb[a];
        const v0 = m00 * r + m01 * g + m02 * b;
        const v1 = m01 * r + m11 * g + m12 * b;
        const v2 = m02 * r + m12 * g + m22 * b;
        if (ua >= 0) acc[ua * SLOTS + 12] += 8 / 9 - (v0 * r + v1 * g + v2 * b);
        for (let b9 = a + 1; b9 < 9; b9++) {
          const ub = wu[b9];
          if (ua < 0 && ub < 0) continue;
          const value = -1 / 9 - (v0 * cr[b9] + v1 * cg[b9] + v2 * cb[b9]);
          if (ua >= 0) {
            if (ub >= 0) {
              acc[ua * SLOTS + slotDelta[a * 9 + b9]] += value;
              acc[ub * SLOTS + slotDelta[b9 * 9 + a]] += value;
            } else if (tri[wp[b9]] === 255) {
              rhs[ua] -= value;
            }
          } else if (tri[wp[a]] === 255) {
            rhs[ub] -= value;
          }
        }
      }
    }
  }

  // Pack to CSR in the wanted numbering. Both passes walk the accumulator in scan order (sequential
  // reads, neighbour lookups close together) and place each row where its new number puts it.
  const index = new Int32Array(npix).fill(-1);
  for (let u = 0; u < n; u++) index[pixels[u]] = u;
  const slotOffset = new Int32Array(SLOTS);
  for (let s = 0; s < SLOTS; s++) slotOffset[s] = (((s / 5) | 0) - 2) * width + (s % 5) - 2;

  const rowStart = new Int32Array(n + 1);
  for (let p = 0; p < npix; p++) {
    const row = scanIndex[p] * SLOTS;
    if (row < 0) continue;
    let count = 0;
    for (let s = 0; s < SLOTS; s++) if (acc[row + s] !== 0) count++;
    rowStart[index[p] + 1] = count;
  }
  for (let u = 0; u < n; u++) rowStart[u + 1] += rowStart[u];
  const nnz = rowStart[n];
  const columns = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  const orderedRhs = new Float64Array(n);
  for (let p = 0; p < npix; p++) {
    const row = scanIndex[p] * SLOTS;
    if (row < 0) continue;
    const u = index[p];
    orderedRhs[u] = rhs[scanIndex[p]];
    let k = rowStart[u];
    for (let s = 0; s < SLOTS; s++) {
      const v = acc[row + s];
      if (v === 0) continue;
      columns[k] = index[p + slotOffset[s]];
      values[k] = v;
      k++;
    }
  }

  return { matrix: { n, rowStart, columns, values }, rhs: orderedRhs, pixels };
}
