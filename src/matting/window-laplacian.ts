/**
 * The reduced system L_uu α_u = −L_uk α_k of a Laplacian built from 3×3 colour windows: what closed-form
 * (Levin et al. 2008) and learning-based (Zheng & Kambhamettu 2009) matting share.
 *
 * Both model alpha in a window w as an affine function of the window-centred colours c = I − μ, and both
 * end with a window term of the form
 *
 *   L_ab += δ_ab − x̃_aᵀ N x̃_b,   x̃ = (c, 1),
 *
 * with a symmetric 4×4 N computed from the window's mean μ and colour scatter S = Σ c cᵀ (the methods
 * differ only in N; see closed-form-laplacian.ts and learning-based-laplacian.ts). This file walks the
 * windows, gathers μ and S, asks the method for N and adds the terms.
 *
 * Only windows lying wholly inside the image and touching an unknown pixel are visited, only rows of
 * unknown pixels are stored, and couplings to known pixels go into the right-hand side. Each unordered
 * pair of a window is computed once and added to both L_ab and L_ba in the same order, so the stored
 * matrix is exactly symmetric (CG relies on it).
 *
 * Memory: rows accumulate in place in the CSR value array itself, 25 Float32 slots a row (every pixel that
 * shares a 3×3 window with the centre lies in its 5×5 neighbourhood), and are compacted in place at the
 * end; nothing else of that size is allocated. Float32 accumulation is enough: every window term is O(1)
 * (cᵀ(S + εI)⁻¹c ≤ 1), so summing the nine terms of an entry in Float32 costs about as much precision as
 * storing the entry in Float32 already did. This halves the build's peak against a Float64 accumulator
 * packed into a separate CSR.
 */

import type { InterleavedF32, Trimap } from '../core/image.ts';
import type { CsrMatrix } from './sparse.ts';
import { orderUnknownPixels } from './unknown-ordering.ts';

export interface WindowSystem {
  /** L_uu over the unknown pixels, in the order of `pixels`. Symmetric positive (semi)definite. */
  matrix: CsrMatrix;
  /** −L_uk α_k. */
  rhs: Float64Array;
  /** Pixel index (y·width + x) of each unknown, in the chosen order. */
  pixels: Int32Array;
}

export interface WindowSystemOptions {
  /** Numbering of the unknowns: 'rcm' (reverse Cuthill–McKee, default; what incomplete Cholesky wants) or 'scan'. */
  order?: 'rcm' | 'scan';
  /** Explicit numbering: every unknown pixel once, in the order wanted (overrides `order`). */
  pixels?: Int32Array;
  /**
   * 'full' (default) stores every entry; 'upper' only the diagonal and the entries right of it (the matrix
   * is symmetric; see CsrMatrix.upper), half the memory, which is what the matting solve uses.
   */
  storage?: 'full' | 'upper';
}

/**
 * Fills `n` (row-major 4×4, symmetric) for one window from its mean colour (mr, mg, mb) and its centred
 * colour scatter S (s00 … s22, without any regularisation).
 */
export type WindowForm = (
  mr: number,
  mg: number,
  mb: number,
  s00: number,
  s01: number,
  s02: number,
  s11: number,
  s12: number,
  s22: number,
  n: Float64Array,
) => void;

/** Pixels with 0 < trimap < 255 are unknown; 0 is background (α = 0), 255 foreground (α = 1). */
export function isUnknownTrimapValue(value: number): boolean {
  return value > 0 && value < 255;
}

// A 5×5 neighbourhood holds every pixel that shares a 3×3 window with the centre: slot (dy+2)·5 + (dx+2).
const SLOTS = 25;

export function buildWindowSystem(
  image: InterleavedF32,
  trimap: Trimap,
  form: WindowForm,
  methodName: string,
  options: WindowSystemOptions = {},
): WindowSystem {
  const { width, height } = image;
  if (image.channels !== 3) {
    throw new RangeError(`${methodName} needs an RGB image, got ${image.channels} channels`);
  }
  if (trimap.width !== width || trimap.height !== height) {
    throw new RangeError(`trimap is ${trimap.width}×${trimap.height}, image is ${width}×${height}`);
  }
  const colour = image.data;
  const tri = trimap.data;
  const { index, pixels } = numberUnknowns(tri, width, height, options);
  const n = pixels.length;

  if (options.storage === 'upper') return buildUpper(colour, tri, width, height, form, index, pixels);

  // Each stage is a function of its own: V8 compiles a hot loop of a running function (on-stack replacement)
  // by compiling the whole function, once per loop and again after each deopt as a later loop is reached;
  // with every stage in one function that was three dozen compiles per process on a 12 MP cascade.
  const values = new Float32Array(n * SLOTS);
  const rhs = new Float64Array(n);
  accumulateWindows(colour, tri, width, height, form, index, values, rhs);
  return compactRows(values, rhs, index, pixels, width);
}

/** Unknown pixels numbered (scan order, given, or ordered for a good factorisation) and the pixel → number map. */
function numberUnknowns(
  tri: Uint8Array,
  width: number,
  height: number,
  options: WindowSystemOptions,
): { index: Int32Array; pixels: Int32Array } {
  const npix = width * height;
  const index = new Int32Array(npix).fill(-1);
  let n = 0;
  for (let p = 0; p < npix; p++) if (isUnknownTrimapValue(tri[p])) index[p] = n++;
  let pixels: Int32Array;
  if (options.pixels) {
    pixels = options.pixels;
    if (pixels.length !== n) throw new RangeError(`pixels: ${pixels.length} given, trimap has ${n} unknown`);
  } else if (options.order === 'scan') {
    pixels = new Int32Array(n);
    for (let p = 0; p < npix; p++) if (index[p] >= 0) pixels[index[p]] = p;
  } else {
    const unknown = new Uint8Array(npix);
    for (let p = 0; p < npix; p++) if (index[p] >= 0) unknown[p] = 1;
    pixels = orderUnknownPixels(unknown, width, height);
  }
  if (options.pixels || options.order !== 'scan') for (let u = 0; u < n; u++) index[pixels[u]] = u;
  return { index, pixels };
}

/** Adds every window's pairs into 25-slot rows (`values`) and its known-foreground terms into `rhs`. */
function accumulateWindows(
  colour: Float32Array,
  tri: Uint8Array,
  width: number,
  height: number,
  form: WindowForm,
  index: Int32Array,
  values: Float32Array,
  rhs: Float64Array,
): void {
  const wp = new Int32Array(9); // pixel index of each window pixel
  const wu = new Int32Array(9); // its unknown number, or −1 when known
  const cr = new Float64Array(9); // centred colours
  const cg = new Float64Array(9);
  const cb = new Float64Array(9);
  const nn = new Float64Array(16);
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
        (index[p - width] >= 0 ? 1 : 0) + (index[p] >= 0 ? 1 : 0) + (index[p + width] >= 0 ? 1 : 0);
    }
    for (let x = 1; x < width - 1; x++) {
      const unknownCount = unknownInColumn[x - 1] + unknownInColumn[x] + unknownInColumn[x + 1];
      if (unknownCount === 0) continue;
      let mr = 0;
      let mg = 0;
      let mb = 0;
      for (let a = 0; a < 9; a++) {
        const p = (y + ((a / 3) | 0) - 1) * width + x + (a % 3) - 1;
        wp[a] = p;
        wu[a] = index[p];
        mr += colour[p * 3];
        mg += colour[p * 3 + 1];
        mb += colour[p * 3 + 2];
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
      form(mr, mg, mb, s00, s01, s02, s11, s12, s22, nn);

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
        if (unknownCount === 9) {
          // Inside the band: every pair goes into the matrix, no branches.
          const rowA = ua * SLOTS;
          values[rowA + 12] += 1 - (z0 * ra + z1 * ga + z2 * ba + z3);
          for (let b = a + 1; b < 9; b++) {
            const value = -(z0 * cr[b] + z1 * cg[b] + z2 * cb[b] + z3);
            values[rowA + slotDelta[a * 9 + b]] += value;
            values[wu[b] * SLOTS + slotDelta[b * 9 + a]] += value;
          }
          continue;
        }
        if (ua >= 0) values[ua * SLOTS + 12] += 1 - (z0 * ra + z1 * ga + z2 * ba + z3);
        for (let b = a + 1; b < 9; b++) {
          const ub = wu[b];
          if (ua < 0 && ub < 0) continue;
          const value = -(z0 * cr[b] + z1 * cg[b] + z2 * cb[b] + z3);
          if (ua >= 0) {
            if (ub >= 0) {
              values[ua * SLOTS + slotDelta[a * 9 + b]] += value;
              values[ub * SLOTS + slotDelta[b * 9 + a]] += value;
            } else if (tri[wp[b]] === 255) {
              rhs[ua] -= value;
            }
          } else if (tri[wp[a]] === 255) {
            rhs[ub] -= value;
          }
        }
      }
    }
  }
}

/** Rows compacted in place to CSR: row u's entries move to rowStart[u] ≤ u·25, so nothing unread is overwritten. */
function compactRows(
  values: Float32Array,
  rhs: Float64Array,
  index: Int32Array,
  pixels: Int32Array,
  width: number,
): WindowSystem {
  const n = pixels.length;
  const slotOffset = new Int32Array(SLOTS);
  for (let s = 0; s < SLOTS; s++) slotOffset[s] = (((s / 5) | 0) - 2) * width + (s % 5) - 2;
  const rowStart = new Int32Array(n + 1);
  const columns = new Int32Array(n * SLOTS);
  let nnz = 0;
  for (let u = 0; u < n; u++) {
    const row = u * SLOTS;
    const p = pixels[u];
    for (let s = 0; s < SLOTS; s++) {
      const v = values[row + s];
      if (v === 0) continue;
      columns[nnz] = index[p + slotOffset[s]];
      values[nnz] = v;
      nnz++;
    }
    rowStart[u + 1] = nnz;
  }
  // Views, not copies: a copy would hold the matrix twice at the peak; the unused tail of `columns` was
  // never written (no memory), that of `values` is at most a few per cent.
  return {
    matrix: { n, rowStart, columns: columns.subarray(0, nnz), values: values.subarray(0, nnz) },
    rhs,
    pixels,
  };
}

// Upper storage accumulates only the forward half of the 5×5 neighbourhood (the centre and the 12 pixels after
// it in raster order): each unordered pair of a window is added once, to the row of its raster-earlier pixel.
const HALF = 13;

/**
 * The reduced system with only the diagonal and the entries right of it (in the unknowns' numbering) stored.
 * Rows accumulate in a 13-slot buffer (the pair's raster-earlier pixel holds it), which is then sorted into the
 * upper triangle of the numbering: 13 entries a row instead of 25, and one add per pair instead of two.
 */
function buildUpper(
  colour: Float32Array,
  tri: Uint8Array,
  width: number,
  height: number,
  form: WindowForm,
  index: Int32Array,
  pixels: Int32Array,
): WindowSystem {
  const n = pixels.length;
  const half = new Float32Array(n * HALF);
  const rhs = new Float64Array(n);
  const wp = new Int32Array(9);
  const wu = new Int32Array(9);
  const cr = new Float64Array(9);
  const cg = new Float64Array(9);
  const cb = new Float64Array(9);
  const nn = new Float64Array(16);
  // halfSlot[a·9 + b] (b after a in the window): slot of window pixel b in the half row of window pixel a.
  const halfSlot = new Int32Array(81);
  for (let a = 0; a < 9; a++) {
    for (let b = a + 1; b < 9; b++) {
      const dy = ((b / 3) | 0) - ((a / 3) | 0);
      const dx = (b % 3) - (a % 3);
      halfSlot[a * 9 + b] = (dy + 2) * 5 + (dx + 2) - 12;
    }
  }
  const unknownInColumn = new Int32Array(width);
  for (let y = 1; y < height - 1; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      unknownInColumn[x] =
        (index[p - width] >= 0 ? 1 : 0) + (index[p] >= 0 ? 1 : 0) + (index[p + width] >= 0 ? 1 : 0);
    }
    for (let x = 1; x < width - 1; x++) {
      const unknownCount = unknownInColumn[x - 1] + unknownInColumn[x] + unknownInColumn[x + 1];
      if (unknownCount === 0) continue;
      let mr = 0;
      let mg = 0;
      let mb = 0;
      for (let a = 0; a < 9; a++) {
        const p = (y + ((a / 3) | 0) - 1) * width + x + (a % 3) - 1;
        wp[a] = p;
        wu[a] = index[p];
        mr += colour[p * 3];
        mg += colour[p * 3 + 1];
        mb += colour[p * 3 + 2];
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
      form(mr, mg, mb, s00, s01, s02, s11, s12, s22, nn);

      for (let a = 0; a < 9; a++) {
        const ra = cr[a];
        const ga = cg[a];
        const ba = cb[a];
        const z0 = nn[0] * ra + nn[1] * ga + nn[2] * ba + nn[3];
        const z1 = nn[4] * ra + nn[5] * ga + nn[6] * ba + nn[7];
        const z2 = nn[8] * ra + nn[9] * ga + nn[10] * ba + nn[11];
        const z3 = nn[12] * ra + nn[13] * ga + nn[14] * ba + nn[15];
        const ua = wu[a];
        if (unknownCount === 9) {
          const rowA = ua * HALF;
          half[rowA] += 1 - (z0 * ra + z1 * ga + z2 * ba + z3);
          for (let b = a + 1; b < 9; b++) {
            half[rowA + halfSlot[a * 9 + b]] -= z0 * cr[b] + z1 * cg[b] + z2 * cb[b] + z3;
          }
          continue;
        }
        if (ua >= 0) half[ua * HALF] += 1 - (z0 * ra + z1 * ga + z2 * ba + z3);
        for (let b = a + 1; b < 9; b++) {
          const ub = wu[b];
          if (ua < 0 && ub < 0) continue;
          const value = -(z0 * cr[b] + z1 * cg[b] + z2 * cb[b] + z3);
          if (ua >= 0) {
            if (ub >= 0) half[ua * HALF + halfSlot[a * 9 + b]] += value;
            else if (tri[wp[b]] === 255) rhs[ua] -= value;
          } else if (tri[wp[a]] === 255) {
            rhs[ub] -= value;
          }
        }
      }
    }
  }

  // A function of its own, as in buildWindowSystem (one compile for the window loop, one for this).
  return sortHalfRows(half, rhs, index, pixels, width);
}

/** The half rows sorted into the numbering's upper triangle: the pair (u, v) goes to row min(u, v). */
function sortHalfRows(
  half: Float32Array,
  rhs: Float64Array,
  index: Int32Array,
  pixels: Int32Array,
  width: number,
): WindowSystem {
  const n = pixels.length;
  const halfOffset = new Int32Array(HALF);
  for (let s = 0; s < HALF; s++) {
    const slot = s + 12;
    halfOffset[s] = (((slot / 5) | 0) - 2) * width + (slot % 5) - 2;
  }
  const rowStart = new Int32Array(n + 1);
  for (let u = 0; u < n; u++) {
    const row = u * HALF;
    const p = pixels[u];
    rowStart[u + 1]++; // the diagonal
    for (let s = 1; s < HALF; s++) {
      if (half[row + s] === 0) continue;
      rowStart[Math.min(u, index[p + halfOffset[s]]) + 1]++;
    }
  }
  for (let u = 0; u < n; u++) rowStart[u + 1] += rowStart[u];
  const nnz = rowStart[n];
  const columns = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  const fill = rowStart.slice(0, n);
  for (let u = 0; u < n; u++) {
    columns[fill[u]] = u;
    values[fill[u]++] = half[u * HALF];
  }
  for (let u = 0; u < n; u++) {
    const row = u * HALF;
    const p = pixels[u];
    for (let s = 1; s < HALF; s++) {
      const value = half[row + s];
      if (value === 0) continue;
      const v = index[p + halfOffset[s]];
      const r = u < v ? u : v;
      columns[fill[r]] = u < v ? v : u;
      values[fill[r]++] = value;
    }
  }
  return { matrix: { n, rowStart, columns, values, symmetric: 'upper' }, rhs, pixels };
}
