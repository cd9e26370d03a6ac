/**
 * The information-flow matting system (Aksoy, Aydın & Pollefeys, "Designing Effective Inter-Pixel
 * Information Flow for Natural Image Matting", CVPR 2017), reduced to the unknown pixels.
 *
 * Alpha minimises the sum of four energies, each a way for information to flow between pixels:
 *
 * - colour mixture (weight 1): every unknown pixel p is a mixture of its K_CM nearest neighbours in
 *   (r, g, b, x/W, y/H), with the locally linear embedding weights w_pq that rebuild its colour from
 *   theirs (colour-mixture-weights.ts); the same mixture should rebuild its alpha:
 *   Σ_{p∈U} (α_p − Σ_q w_pq α_q)². The neighbours may be anywhere in the image, known or unknown.
 * - K-to-U (weight σ_KU = 0.05): p is also written as a mixture of its K_KU = 7 nearest foreground and 7
 *   nearest background pixels in (r, g, b, 10x/W, 10y/H); the foreground pixels' share of the weights,
 *   w^F_p, is a direct estimate of α_p: Σ_{p∈U} η_p (α_p − w^F_p)². The confidence η_p = ‖c^F − c^B‖²/3
 *   compares the foreground and background parts of the mixture (Σ_F w_pq c_q and Σ_B w_pq c_q): where
 *   they are alike, the estimate says little.
 * - intra-U (weight σ_UU = 0.01): every unknown pixel is tied to its K_U = 5 nearest unknown pixels in
 *   (r, g, b, x/(20W), y/(20H)) — nearly pure colour — with the KNN-matting affinity
 *   max(0, 1 − ‖f_p − f_q‖₁/5), symmetrised: similar colours inside U get similar alpha.
 * - local (weight σ_L = 1): the closed-form matting Laplacian of Levin et al. over 3×3 windows
 *   (closed-form-laplacian.ts), with ε = 1e-6: spatial smoothness.
 *
 * The weights and neighbour counts are the paper's (and its authors' published parameter set), except
 * K_CM: the paper takes 20, the default here is 10. Measured with everything else at its default, 10
 * gave the same mean SAD (alphamatting.com training images: 3.308 against 3.317 with trimap1, 4.826
 * against 4.841 with trimap2; 36 synthetic scenes: within 0.3 %) in 13 % less time. The paper holds the
 * known pixels with a soft penalty λ = 100; here they are hard constraints (the limit λ → ∞), so only
 * the unknowns are solved for, as in the other Laplacian methods.
 *
 * Colour mixture, written with the n×n matrix R whose row p is (I − W_CM) restricted to unknown columns,
 * and s_p = Σ_{q∈F} w_pq (the known foreground neighbours' share), is ‖Rα_u − s‖². Its normal matrix
 * RᵀR couples every two pixels that appear in one neighbour list: up to (K + 1)² per row. It is never formed;
 * the system's operator applies R and then Rᵀ (applyInformationFlow), 2·(K + 1) products per row. The
 * other terms are sparse and symmetric and are stored as one CSR matrix:
 *
 *   (B + RᵀR) α_u = b,   B = σ_L L_local + σ_UU L_UU + σ_KU diag(η),
 *   b = σ_L (−L_local,uk α_k) + σ_KU η ∘ w^F + Rᵀs.
 *
 * Neighbour searches run for unknown pixels only, in k-d trees of the foreground, background and unknown
 * pixels (weighted-nearest-neighbours.ts: colour mixture searches all three, K-to-U one known tree each,
 * intra-U a tree of its own). They are (1 + ε)-approximate with ε = 0.5 by default: on the
 * alphamatting.com training images (trimap1, edge trimming on) that took a quarter off the whole
 * estimate's time and raised the mean SAD from 3.29 to 3.32.
 */

import type { InterleavedF32, Trimap } from '../core/image.ts';
import { type AbortLike, throwIfAborted } from './abort.ts';
import { buildClosedFormSystem, isUnknownTrimapValue } from './closed-form-laplacian.ts';
import { colourMixtureWeights } from './colour-mixture-weights.ts';
import { buildKdTree } from './nearest-neighbours.ts';
import type { CsrMatrix } from './sparse.ts';
import { orderUnknownPixels } from './unknown-ordering.ts';
import { type NeighbourTree, WeightedNeighbourSearch } from './weighted-nearest-neighbours.ts';

export interface InformationFlowOptions {
  /** K_CM: colour-mixture neighbours per unknown pixel. Default 10 (the paper: 20; see above). */
  mixtureNeighbours?: number;
  /** Weight of the position against colour in the colour-mixture search. Default 1. */
  mixtureSpatialWeight?: number;
  /**
   * ε of the mixture weights (colour-mixture-weights.ts). Default 1e-5: the mean SAD was flat from 1e-8
   * to 1e-4 (alphamatting.com, trimap1, untrimmed: 3.765–3.775); OpenCV's 1e-3 raised it to 3.90.
   */
  mixtureRegularisation?: number;
  /** σ_KU; 0 leaves the K-to-U flow out. Default 0.05. */
  knownWeight?: number;
  /** K_KU: foreground and (as many) background neighbours per unknown pixel. Default 7. */
  knownNeighbours?: number;
  /** Weight of the position in the K-to-U search. Default 10. */
  knownSpatialWeight?: number;
  /** σ_UU; 0 leaves the intra-U flow out. Default 0.01. */
  unknownWeight?: number;
  /** K_U: intra-U neighbours per unknown pixel. Default 5. */
  unknownNeighbours?: number;
  /** Weight of the position in the intra-U search. Default 0.05 (the paper's 1/20). */
  unknownSpatialWeight?: number;
  /** σ_L; 0 leaves the local flow out. Default 1. */
  localWeight?: number;
  /** ε of the local (closed-form) Laplacian. Default 1e-6. */
  localEpsilon?: number;
  /** Neighbour searches may return neighbours up to (1 + ε) farther than the exact ones. Default 0.5. */
  neighbourApproximation?: number;
  /** Numbering of the unknowns: 'rcm' (default; for incomplete Cholesky) or 'scan' (row-major). */
  order?: 'rcm' | 'scan';
  /** Checked between the stages and every few thousand pixels; when set, the build throws. */
  signal?: AbortLike;
  /** Progress of the construction in [0, 1]. */
  onProgress?: (fraction: number) => void;
}

export interface InformationFlowSystem {
  /** Unknowns. */
  n: number;
  /** Pixel index (y·width + x) of each unknown, in the chosen order. */
  pixels: Int32Array;
  /** B = σ_L L_local + σ_UU L_UU + σ_KU diag(η): symmetric positive semidefinite, unknown rows only. */
  matrix: CsrMatrix;
  /** R: row p is α_p − Σ_q w_pq α_q over unknown q (the colour-mixture residual). Not symmetric. */
  mixture: CsrMatrix;
  /** The right-hand side b. */
  rhs: Float64Array;
  /** The K-to-U estimate w^F of each unknown's alpha (zeros when the K-to-U flow is left out). */
  knownEstimate: Float64Array;
  /** Milliseconds per stage. */
  timings: {
    trees: number;
    local: number;
    mixture: number;
    knownToUnknown: number;
    intraUnknown: number;
    assemble: number;
  };
}

export function buildInformationFlowSystem(
  image: InterleavedF32,
  trimap: Trimap,
  options: InformationFlowOptions = {},
): InformationFlowSystem {
  const { width, height } = image;
  if (image.channels !== 3) {
    throw new RangeError(`information-flow matting needs an RGB image, got ${image.channels} channels`);
  }
  if (trimap.width !== width || trimap.height !== height) {
    throw new RangeError(`trimap is ${trimap.width}×${trimap.height}, image is ${width}×${height}`);
  }
  const mixtureK = options.mixtureNeighbours ?? 10;
  const knownK = options.knownNeighbours ?? 7;
  const unknownK = options.unknownNeighbours ?? 5;
  for (const [name, k] of [
    ['mixtureNeighbours', mixtureK],
    ['knownNeighbours', knownK],
    ['unknownNeighbours', unknownK],
  ] as const) {
    if (!Number.isInteger(k) || k < 1)
      throw new RangeError(`information flow: ${name} must be ≥ 1, got ${k}`);
  }
  const knownWeight = options.knownWeight ?? 0.05;
  const unknownWeight = options.unknownWeight ?? 0.01;
  const localWeight = options.localWeight ?? 1;
  const regularisation = options.mixtureRegularisation ?? 1e-5;
  const { signal, onProgress } = options;

  const colours = image.data;
  const tri = trimap.data;
  const npix = width * height;
  let n = 0;
  let foregroundCount = 0;
  let backgroundCount = 0;
  const unknown = new Uint8Array(npix);
  for (let p = 0; p < npix; p++) {
    const t = tri[p];
    if (isUnknownTrimapValue(t)) {
      unknown[p] = 1;
      n++;
    } else if (t === 255) foregroundCount++;
    else backgroundCount++;
  }
  // Searches run in scan order (successive queries stay close in the trees); the system in `pixels` order.
  const scanUnknowns = new Int32Array(n);
  for (let p = 0, u = 0; p < npix; p++) if (unknown[p]) scanUnknowns[u++] = p;
  const pixels = options.order === 'scan' ? scanUnknowns : orderUnknownPixels(unknown, width, height);
  const index = new Int32Array(npix).fill(-1);
  for (let u = 0; u < n; u++) index[pixels[u]] = u;

  const timings = { trees: 0, local: 0, mixture: 0, knownToUnknown: 0, intraUnknown: 0, assemble: 0 };
  const rhs = new Float64Array(n);
  const diagonal = new Float64Array(n); // σ_KU η
  const knownEstimate = new Float64Array(n);
  const empty: CsrMatrix = {
    n,
    rowStart: new Int32Array(n + 1),
    columns: new Int32Array(0),
    values: new Float32Array(0),
  };
  if (n === 0) {
    return { n, pixels, matrix: empty, mixture: empty, rhs, knownEstimate, timings };
  }
  const mixtureSpatial = options.mixtureSpatialWeight ?? 1;
  const knownSpatial = options.knownSpatialWeight ?? 10;
  const unknownSpatial = options.unknownSpatialWeight ?? 0.05;
  const approximation = options.neighbourApproximation ?? 0.5;

  // The stages run in the order that keeps the fewest large arrays alive at once: the k-d trees
  // (about 60 bytes per image pixel) are dropped before the local Laplacian's accumulator is built.
  const mixture = ((): CsrMatrix => {
    // One tree per pixel class. The known trees serve both colour mixture and K-to-U: built at the
    // geometric mean of the two position weights, their cells suit both metrics about equally
    // (measured on GT13, exact searches: about 10 % less time than at either weight).
    let t0 = performance.now();
    const knownScale = Math.sqrt(mixtureSpatial * knownSpatial);
    const foreground = classTree(image, tri, (t) => t === 255, knownScale);
    const background = classTree(image, tri, (t) => t === 0, knownScale);
    const unknownTree = classTree(image, tri, isUnknownTrimapValue, mixtureSpatial);
    timings.trees = performance.now() - t0;
    throwIfAborted(signal);

    // Colour mixture: unknown pixels first, they hold most answers and so tighten the bound early.
    t0 = performance.now();
    const s2 = mixtureSpatial * mixtureSpatial;
    const mixtureSearch = new WeightedNeighbourSearch(
      [unknownTree, foreground, background],
      Math.max(1, Math.min(mixtureK, npix - 1)),
      [1, 1, 1, s2, s2],
      approximation,
    );
    const rows = colourMixtureRows(
      image,
      tri,
      scanUnknowns,
      index,
      mixtureSearch,
      regularisation,
      rhs,
      signal,
    );
    timings.mixture = performance.now() - t0;
    onProgress?.(0.4);
    throwIfAborted(signal);

    t0 = performance.now();
    if (knownWeight > 0 && foregroundCount > 0 && backgroundCount > 0) {
      const k2 = knownSpatial * knownSpatial;
      const [fromForeground, fromBackground] = [foreground, background].map(
        (tree) =>
          new WeightedNeighbourSearch(
            [tree],
            Math.min(knownK, tree.pixels.length),
            [1, 1, 1, k2, k2],
            approximation,
          ),
      );
      knownToUnknown(
        image,
        scanUnknowns,
        index,
        fromForeground,
        fromBackground,
        regularisation,
        knownWeight,
        {
          diagonal,
          rhs,
          estimate: knownEstimate,
          signal,
        },
      );
    }
    timings.knownToUnknown = performance.now() - t0;
    return rows;
  })();
  onProgress?.(0.7);
  throwIfAborted(signal);

  let t0 = performance.now();
  let links: UnknownLinks | undefined;
  if (unknownWeight > 0 && n > 1) {
    const u2 = unknownSpatial * unknownSpatial;
    const search = new WeightedNeighbourSearch(
      [classTree(image, tri, isUnknownTrimapValue, unknownSpatial)],
      Math.min(unknownK, n - 1),
      [1, 1, 1, u2, u2],
      approximation,
    );
    links = intraUnknown(
      colours,
      width,
      height,
      scanUnknowns,
      index,
      search,
      unknownSpatial,
      unknownWeight,
      signal,
    );
  }
  timings.intraUnknown = performance.now() - t0;
  onProgress?.(0.85);
  throwIfAborted(signal);

  t0 = performance.now();
  let local: CsrMatrix | undefined;
  if (localWeight > 0) {
    const system = buildClosedFormSystem(image, trimap, { epsilon: options.localEpsilon ?? 1e-6, pixels });
    local = system.matrix;
    for (let u = 0; u < n; u++) rhs[u] += localWeight * system.rhs[u];
  }
  timings.local = performance.now() - t0;

  t0 = performance.now();
  const matrix = assemble(n, local, localWeight, diagonal, links);
  timings.assemble = performance.now() - t0;
  onProgress?.(1);
  return { n, pixels, matrix, mixture, rhs, knownEstimate, timings };
}

/**
 * y ← (B + RᵀR) x, the system's operator. One pass over the rows: row i adds B_i·x to y_i and scatters
 * (R_i·x)·R_iᵀ into y, reading B and R once and needing no scratch vector. The scatter's scattered
 * writes cost most; gathering from a transposed copy of R instead was 20 % faster on that part alone,
 * not worth doubling R's memory.
 */
export function applyInformationFlow(system: InformationFlowSystem, x: Float64Array, y: Float64Array): void {
  const { matrix, mixture } = system;
  const n = system.n;
  const { rowStart, columns, values } = matrix;
  const mr = mixture.rowStart;
  const mc = mixture.columns;
  const mv = mixture.values;
  y.fill(0);
  for (let i = 0; i < n; i++) {
    let s0 = 0;
    let s1 = 0;
    const end = rowStart[i + 1];
    let k = rowStart[i];
    for (; k + 1 < end; k += 2) {
      s0 += values[k] * x[columns[k]];
      s1 += values[k + 1] * x[columns[k + 1]];
    }
    if (k < end) s0 += values[k] * x[columns[k]];
    y[i] += s0 + s1;
    const mEnd = mr[i + 1];
    let r = 0;
    for (let m = mr[i]; m < mEnd; m++) r += mv[m] * x[mc[m]];
    if (r === 0) continue;
    for (let m = mr[i]; m < mEnd; m++) y[mc[m]] += mv[m] * r;
  }
}

/** The diagonal of B + RᵀR (for a Jacobi preconditioner, or to add to B before factoring it). */
export function informationFlowDiagonal(system: InformationFlowSystem): Float64Array {
  const { matrix, mixture, n } = system;
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let k = matrix.rowStart[i]; k < matrix.rowStart[i + 1]; k++) {
      if (matrix.columns[k] === i) d[i] += matrix.values[k];
    }
    for (let k = mixture.rowStart[i]; k < mixture.rowStart[i + 1]; k++) {
      const v = mixture.values[k];
      d[mixture.columns[k]] += v * v;
    }
  }
  return d;
}

/** A k-d tree over the pixels whose trimap value passes `member`, features (r, g, b, s·x/W, s·y/H). */
function classTree(
  image: InterleavedF32,
  tri: Uint8Array,
  member: (value: number) => boolean,
  positionScale: number,
): NeighbourTree {
  const { width, height, data } = image;
  let count = 0;
  for (let p = 0; p < tri.length; p++) if (member(tri[p])) count++;
  const pixels = new Int32Array(count);
  const features = new Float32Array(count * 5);
  const sx = positionScale / width;
  const sy = positionScale / height;
  for (let p = 0, i = 0; p < tri.length; p++) {
    if (!member(tri[p])) continue;
    const x = p % width;
    const o = i * 5;
    features[o] = data[p * 3];
    features[o + 1] = data[p * 3 + 1];
    features[o + 2] = data[p * 3 + 2];
    features[o + 3] = sx * x;
    features[o + 4] = sy * ((p - x) / width);
    pixels[i++] = p;
  }
  // Leaves of 32 points: 4 % less time overall than 16 or 64 (measured on GT05, GT13, GT21, GT27).
  return { tree: buildKdTree(features, 5, 32), pixels, positionScale };
}

/** query ← (r, g, b, x/W, y/H) of pixel p: the unscaled features WeightedNeighbourSearch takes. */
function setQuery(query: Float64Array, image: InterleavedF32, p: number): void {
  const { width, height, data } = image;
  const x = p % width;
  query[0] = data[p * 3];
  query[1] = data[p * 3 + 1];
  query[2] = data[p * 3 + 2];
  query[3] = x / width;
  query[4] = (p - x) / width / height;
}

/**
 * The rows of R (in `index` numbering) and Rᵀs added into rhs. Each unknown pixel's K nearest pixels
 * (itself excluded) in colour and position; the mixture weights rebuild its colour from theirs.
 */
function colourMixtureRows(
  image: InterleavedF32,
  tri: Uint8Array,
  scanUnknowns: Int32Array,
  index: Int32Array,
  search: WeightedNeighbourSearch,
  regularisation: number,
  rhs: Float64Array,
  signal: AbortLike | undefined,
): CsrMatrix {
  const colours = image.data;
  const n = scanUnknowns.length;
  const k = search.k;
  // Rows are filled in scan order with a fixed stride of k + 1 (the diagonal, then the unknown
  // neighbours), then packed in the system's order.
  const stride = k + 1;
  const slotColumns = new Int32Array(n * stride);
  const slotValues = new Float32Array(n * stride);
  const rowLength = new Int32Array(n);
  const offsets = new Int32Array(k);
  const weights = new Float64Array(k);
  const query = new Float64Array(5);
  for (let i = 0; i < n; i++) {
    if ((i & 4095) === 0) throwIfAborted(signal);
    const p = scanUnknowns[i];
    setQuery(query, image, p);
    const count = search.search(query, 0, p);
    const neighbours = search.pixels;
    for (let j = 0; j < count; j++) offsets[j] = neighbours[j] * 3;
    colourMixtureWeights(colours, p * 3, offsets, count, regularisation, weights);
    const u = index[p];
    const base = i * stride;
    slotColumns[base] = u;
    slotValues[base] = 1;
    let length = 1;
    let foregroundShare = 0;
    for (let j = 0; j < count; j++) {
      const q = neighbours[j];
      const uq = index[q];
      if (uq >= 0) {
        slotColumns[base + length] = uq;
        slotValues[base + length] = -weights[j];
        length++;
      } else if (tri[q] === 255) {
        foregroundShare += weights[j];
      }
    }
    rowLength[i] = length;
    // Rᵀs: row u of R times s_u, scattered to its columns.
    if (foregroundShare !== 0) {
      rhs[u] += foregroundShare;
      for (let j = 1; j < length; j++) rhs[slotColumns[base + j]] += slotValues[base + j] * foregroundShare;
    }
  }
  // Pack to CSR. In scan order (the default) the rows are already in place and only close up; otherwise
  // row u is the scan row of pixel pixels[u].
  const scanRow = new Int32Array(n);
  for (let i = 0; i < n; i++) scanRow[index[scanUnknowns[i]]] = i;
  const rowStart = new Int32Array(n + 1);
  for (let u = 0; u < n; u++) rowStart[u + 1] = rowStart[u] + rowLength[scanRow[u]];
  const inPlace = scanRow.every((i, u) => i === u);
  const columns = inPlace ? slotColumns : new Int32Array(rowStart[n]);
  const values = inPlace ? slotValues : new Float32Array(rowStart[n]);
  for (let u = 0; u < n; u++) {
    const from = scanRow[u] * stride;
    const length = rowLength[scanRow[u]];
    if (inPlace) {
      columns.copyWithin(rowStart[u], from, from + length);
      values.copyWithin(rowStart[u], from, from + length);
    } else {
      columns.set(slotColumns.subarray(from, from + length), rowStart[u]);
      values.set(slotValues.subarray(from, from + length), rowStart[u]);
    }
  }
  return { n, rowStart, columns: columns.subarray(0, rowStart[n]), values: values.subarray(0, rowStart[n]) };
}

/**
 * K-to-U flow: for each unknown pixel, the mixture of its k nearest foreground and k nearest background
 * pixels; adds σ η to the diagonal and σ η w^F to rhs, and keeps w^F.
 */
function knownToUnknown(
  image: InterleavedF32,
  scanUnknowns: Int32Array,
  index: Int32Array,
  foreground: WeightedNeighbourSearch,
  background: WeightedNeighbourSearch,
  regularisation: number,
  weight: number,
  into: { diagonal: Float64Array; rhs: Float64Array; estimate: Float64Array; signal?: AbortLike },
): void {
  const { diagonal, rhs, estimate, signal } = into;
  const colours = image.data;
  const query = new Float64Array(5);
  const offsets = new Int32Array(foreground.k + background.k);
  const weights = new Float64Array(offsets.length);
  for (let i = 0; i < scanUnknowns.length; i++) {
    if ((i & 4095) === 0) throwIfAborted(signal);
    const p = scanUnknowns[i];
    setQuery(query, image, p);
    const foregroundCount = foreground.search(query, 0);
    for (let j = 0; j < foregroundCount; j++) offsets[j] = foreground.pixels[j] * 3;
    const backgroundCount = background.search(query, 0);
    for (let j = 0; j < backgroundCount; j++) offsets[foregroundCount + j] = background.pixels[j] * 3;
    const count = foregroundCount + backgroundCount;
    colourMixtureWeights(colours, p * 3, offsets, count, regularisation, weights);
    // w^F, and the foreground part of the mixture minus the background part.
    let alphaEstimate = 0;
    let dr = 0;
    let dg = 0;
    let db = 0;
    for (let j = 0; j < count; j++) {
      const o = offsets[j];
      const w = j < foregroundCount ? weights[j] : -weights[j];
      if (j < foregroundCount) alphaEstimate += w;
      dr += w * colours[o];
      dg += w * colours[o + 1];
      db += w * colours[o + 2];
    }
    const confidence = (dr * dr + dg * dg + db * db) / 3;
    const u = index[p];
    estimate[u] = alphaEstimate;
    diagonal[u] += weight * confidence;
    rhs[u] += weight * confidence * alphaEstimate;
  }
}

/** Intra-U links: unknown `a`'s j-th link goes to targets[a·k + j] (−1: none) with weight weights[a·k + j]. */
interface UnknownLinks {
  k: number;
  targets: Int32Array;
  weights: Float32Array;
}

/**
 * Intra-U flow: each unknown pixel's links to its k nearest unknown pixels (itself excluded), with half
 * of σ times the affinity: W = (A + Aᵀ)/2 puts the other half on the link back.
 */
function intraUnknown(
  colours: Float32Array,
  width: number,
  height: number,
  scanUnknowns: Int32Array,
  index: Int32Array,
  search: WeightedNeighbourSearch,
  spatialWeight: number,
  weight: number,
  signal: AbortLike | undefined,
): UnknownLinks {
  const k = search.k;
  const n = scanUnknowns.length;
  const targets = new Int32Array(n * k).fill(-1);
  const weights = new Float32Array(n * k);
  const query = new Float64Array(5);
  const sx = spatialWeight / width;
  const sy = spatialWeight / height;
  for (let i = 0; i < n; i++) {
    if ((i & 4095) === 0) throwIfAborted(signal);
    const p = scanUnknowns[i];
    const px = p % width;
    const py = (p - px) / width;
    query[0] = colours[p * 3];
    query[1] = colours[p * 3 + 1];
    query[2] = colours[p * 3 + 2];
    query[3] = px / width;
    query[4] = py / height;
    const found = search.search(query, 0, p);
    const base = index[p] * k;
    for (let j = 0; j < found; j++) {
      const q = search.pixels[j];
      const qx = q % width;
      const qy = (q - qx) / width;
      // KNN matting's affinity on the (r, g, b, s·x/W, s·y/H) features, in [0, 1].
      const l1 =
        Math.abs(colours[p * 3] - colours[q * 3]) +
        Math.abs(colours[p * 3 + 1] - colours[q * 3 + 1]) +
        Math.abs(colours[p * 3 + 2] - colours[q * 3 + 2]) +
        sx * Math.abs(px - qx) +
        sy * Math.abs(py - qy);
      const affinity = 1 - l1 / 5;
      if (!(affinity > 0)) continue;
      targets[base + j] = index[q];
      weights[base + j] = 0.5 * weight * affinity;
    }
  }
  return { k, targets, weights };
}

/**
 * B = σ_L L_local + L_UU + diag as CSR, duplicate columns merged (in Float64, then stored as Float32).
 * L_UU = D − W: each link adds its weight to both ends' diagonals and subtracts it at (a, b) and (b, a).
 */
function assemble(
  n: number,
  local: CsrMatrix | undefined,
  localWeight: number,
  diagonal: Float64Array,
  links: UnknownLinks | undefined,
): CsrMatrix {
  const k = links?.k ?? 0;
  const targets = links?.targets ?? new Int32Array(0);
  const weights = links?.weights ?? new Float32Array(0);
  // Incoming links by target (the transpose of the outgoing ones).
  const inStart = new Int32Array(n + 1);
  for (let e = 0; e < targets.length; e++) if (targets[e] >= 0) inStart[targets[e] + 1]++;
  for (let u = 0; u < n; u++) inStart[u + 1] += inStart[u];
  const fill = inStart.slice(0, n);
  const inSources = new Int32Array(inStart[n]);
  const inWeights = new Float32Array(inStart[n]);
  for (let e = 0; e < targets.length; e++) {
    const b = targets[e];
    if (b < 0) continue;
    const at = fill[b]++;
    inSources[at] = (e / k) | 0;
    inWeights[at] = weights[e];
  }

  const capacity = (local ? local.values.length : 0) + 2 * inStart[n] + n;
  const columns = new Int32Array(capacity);
  const values = new Float32Array(capacity);
  const rowStart = new Int32Array(n + 1);
  const slot = new Int32Array(n).fill(-1);
  const row = new Float64Array(n); // this row's values, by position in the row
  let nnz = 0;
  for (let u = 0; u < n; u++) {
    const first = nnz;
    let length = 0;
    const add = (c: number, v: number): void => {
      const at = slot[c];
      if (at >= first) {
        row[at - first] += v;
      } else {
        slot[c] = first + length;
        columns[first + length] = c;
        row[length++] = v;
      }
    };
    add(u, diagonal[u]);
    if (local) {
      for (let e = local.rowStart[u]; e < local.rowStart[u + 1]; e++) {
        add(local.columns[e], localWeight * local.values[e]);
      }
    }
    for (let e = u * k; e < (u + 1) * k; e++) {
      if (targets[e] < 0) continue;
      add(u, weights[e]);
      add(targets[e], -weights[e]);
    }
    for (let e = inStart[u]; e < inStart[u + 1]; e++) {
      add(u, inWeights[e]);
      add(inSources[e], -inWeights[e]);
    }
    for (let j = 0; j < length; j++) values[first + j] = row[j];
    nnz = first + length;
    rowStart[u + 1] = nnz;
  }
  return { n, rowStart, columns: columns.subarray(0, nnz), values: values.subarray(0, nnz) };
}
