/**
 * The KNN matting Laplacian (Chen, Li & Tang, CVPR 2012 / TPAMI 2013), reduced to the unknown pixels.
 *
 * Every pixel gets a feature vector of colour and weighted position and is linked to its K nearest
 * neighbours in that space, wherever in the image they are: pixels of one material share alpha even
 * when far apart, so an unknown pixel can draw its alpha straight from distant known pixels. With A the
 * directed K-nearest-neighbour affinities, W = (A + Aᵀ)/2 is symmetric and L = D − W (D = diag of W's row
 * sums) is a symmetric positive semidefinite graph Laplacian, as in the paper and the authors' code.
 * pymatting normalises the rows instead (L = I − D⁻¹W); with known pixels as hard constraints that only
 * scales each equation, so both give the same alpha, and the symmetric form is what CG needs.
 *
 * Defaults follow pymatting, whose results are our reference: RGB features plus position (x/(W−1),
 * y/(H−1)), two neighbour passes merged — 20 neighbours with position weight 2 (local), then 10 with
 * weight 0.1 (nearly pure colour, non-local) — and affinity 1 for every link ("binary"). The paper's
 * soft kernel, 1 − ‖X(i) − X(j)‖₁/C with C the feature dimension (as in the authors' code), and its
 * HSV features (cos h, sin h, s, v) are options. As in both implementations, a pixel counts itself among
 * its K neighbours; self links cancel in D − W.
 *
 * Reduction: L_uu α_u = −L_uk α_k, so only links that touch an unknown pixel matter: each unknown pixel's
 * own neighbours (one exact search each), and every known pixel that has an unknown pixel among its
 * neighbours. Those matter (dropping them raised SAD on GT01 from 0.78 to 0.87), but searching for every
 * known pixel would cost more than everything else together, so linkKnownPixels first rules out most
 * known pixels with cheap upper bounds on their K-th neighbour distance. The result is exact: the same
 * links as searching every pixel (up to ties between equal distances).
 */

import type { InterleavedF32, Trimap } from '../core/image.ts';
import { type AbortLike, throwIfAborted } from './abort.ts';
import { isUnknownTrimapValue } from './closed-form-laplacian.ts';
import { buildKdTree, hasPointNearBox, type KdTree, NearestNeighbourSearch } from './nearest-neighbours.ts';
import type { CsrMatrix } from './sparse.ts';
import { orderUnknownPixels } from './unknown-ordering.ts';

export interface KnnPass {
  /** Neighbours per pixel, the pixel itself included. */
  neighbours: number;
  /** Weight of the position features (x/(W−1), y/(H−1)) against colour. */
  spatialWeight: number;
}

export interface KnnLaplacianOptions {
  /** Neighbour searches whose links are merged. Default: pymatting's 20 at weight 2, then 10 at 0.1. */
  passes?: readonly KnnPass[];
  /** Colour features: 'rgb' (default) or the paper's 'hsv' as (cos 2πh, sin 2πh, s, v). */
  colourSpace?: 'rgb' | 'hsv';
  /** Link affinity: 'binary' (1, default) or 'soft' (1 − ‖X(i) − X(j)‖₁ / dimension, at least 0). */
  kernel?: 'binary' | 'soft';
  /** Numbering of the unknowns: 'scan' (row-major, default) or 'rcm' (reverse Cuthill–McKee on the grid). */
  order?: 'rcm' | 'scan';
  /**
   * 'full' (default) stores every entry; 'upper' only the diagonal and the entries right of it, each link
   * once; 'pairs' each link once in the row of the unknown pixel whose search found it, written straight
   * into the matrix with no link list (what the Jacobi-preconditioned solve uses). See CsrMatrix.symmetric.
   */
  storage?: 'full' | 'upper' | 'pairs';
  /** Progress of the construction in [0, 1]. */
  onProgress?: (fraction: number) => void;
  /** Checked between steps of the neighbour searches; when set, the build throws an AbortError. */
  signal?: AbortLike;
}

export const DEFAULT_KNN_PASSES: readonly KnnPass[] = [
  { neighbours: 20, spatialWeight: 2 },
  { neighbours: 10, spatialWeight: 0.1 },
];

export interface KnnSystem {
  /** L_uu over the unknown pixels, in the order of `pixels`. Symmetric positive (semi)definite. */
  matrix: CsrMatrix;
  /** −L_uk α_k. */
  rhs: Float64Array;
  /** Pixel index (y·width + x) of each unknown, in the chosen order. */
  pixels: Int32Array;
  /** Neighbour searches run for known pixels (those that might link to an unknown one), all passes. */
  knownSearches: number;
  /** Milliseconds spent, all passes: building k-d trees, searching for the unknown pixels, linking known ones. */
  timings: { trees: number; unknownSearches: number; knownLinks: number; assemble: number };
}

export function buildKnnSystem(
  image: InterleavedF32,
  trimap: Trimap,
  options: KnnLaplacianOptions = {},
): KnnSystem {
  const passes = options.passes ?? DEFAULT_KNN_PASSES;
  const soft = (options.kernel ?? 'binary') === 'soft';
  const { width, height } = image;
  if (image.channels !== 3)
    throw new RangeError(`KNN matting needs an RGB image, got ${image.channels} channels`);
  if (trimap.width !== width || trimap.height !== height) {
    throw new RangeError(`trimap is ${trimap.width}×${trimap.height}, image is ${width}×${height}`);
  }
  for (const pass of passes) {
    if (!Number.isInteger(pass.neighbours) || pass.neighbours < 2) {
      throw new RangeError(`KNN matting: neighbours must be an integer ≥ 2, got ${pass.neighbours}`);
    }
  }
  const tri = trimap.data;
  const npix = width * height;

  const unknown = new Uint8Array(npix);
  let n = 0;
  for (let p = 0; p < npix; p++) {
    if (isUnknownTrimapValue(tri[p])) {
      unknown[p] = 1;
      n++;
    }
  }
  let pixels: Int32Array;
  if (options.order === 'rcm') {
    pixels = orderUnknownPixels(unknown, width, height);
  } else {
    pixels = new Int32Array(n);
    let u = 0;
    for (let p = 0; p < npix; p++) if (unknown[p]) pixels[u++] = p;
  }
  const unknownIndex = new Int32Array(npix).fill(-1);
  for (let u = 0; u < n; u++) unknownIndex[pixels[u]] = u;
  const scanUnknowns = new Int32Array(n); // unknown pixels in scan order: successive searches stay close
  for (let p = 0, u = 0; p < npix; p++) if (unknown[p]) scanUnknowns[u++] = p;

  const colour = colourFeatures(image, options.colourSpace ?? 'rgb');
  const colourDims = colour.length / npix;
  const dimension = colourDims + 2;

  const diagonal = new Float64Array(n);
  const rhs = new Float64Array(n);
  // Only an unknown pixel's own search links two unknowns (a known pixel's links go to the diagonal and
  // the right-hand side), and each such link is pushed twice: this is the most the list can hold, so it
  // never grows (growing by doubling held the old and the new list at once).
  // With upper storage each link is pushed once, to the row of its smaller number.
  const upper = options.storage === 'upper';
  let linkCapacity = 0;
  for (const pass of passes) linkCapacity += (upper ? 1 : 2) * n * (pass.neighbours - 1);
  // Binary affinities are all 1/2: no weight is stored (a quarter of the list's memory).
  const pairs = options.storage === 'pairs';
  const links = new LinkList(pairs ? 0 : linkCapacity, soft ? undefined : 0.5);
  // 'pairs': row u has `stride` slots, its diagonal and then the links its own searches find, compacted
  // in place at the end. A search returns k pixels, usually itself among them; with ties at distance 0 it
  // may not, hence k (not k − 1) slots a pass.
  let stride = 1;
  for (const pass of passes) stride += pass.neighbours;
  const pairColumns = new Int32Array(pairs ? n * stride : 0);
  const pairValues = new Float32Array(pairs ? n * stride : 0);
  const pairCount = new Int32Array(pairs ? n : 0);
  // A directed link a → b of affinity w adds w/2 to W_ab and to W_ba.
  const link = (a: number, b: number, w: number): void => {
    const half = 0.5 * w;
    const ua = unknownIndex[a];
    const ub = unknownIndex[b];
    if (ua >= 0) {
      diagonal[ua] += half;
      if (ub >= 0) {
        if (pairs) {
          const at = ua * stride + 1 + pairCount[ua]++;
          pairColumns[at] = ub;
          pairValues[at] = -half;
        } else if (!upper) links.push(ua, ub, half);
        else if (ua < ub) links.push(ua, ub, half);
        else links.push(ub, ua, half);
      } else if (tri[b] === 255) rhs[ua] += half;
    }
    if (ub >= 0) {
      diagonal[ub] += half;
      if (ua >= 0 && !upper && !pairs) links.push(ub, ua, half);
      else if (ua < 0 && tri[a] === 255) rhs[ub] += half;
    }
  };

  let knownSearches = 0;
  const timings = { trees: 0, unknownSearches: 0, knownLinks: 0, assemble: 0 };
  const { signal, onProgress } = options;
  // Progress: each pass's two stages count alike.
  const stages = 2 * passes.length;
  let features: Float32Array | undefined;
  let tree: KdTree | undefined;
  for (let pass = 0; pass < (n > 0 ? passes.length : 0); pass++) {
    const k = passes[pass].neighbours;
    throwIfAborted(signal);
    let t0 = performance.now();
    // Each pass takes over the previous pass's feature array and tree (see buildKdTree).
    const passFeatures = pixelFeatures(
      colour,
      colourDims,
      width,
      height,
      passes[pass].spatialWeight,
      features,
    );
    features = passFeatures;
    tree = buildKdTree(passFeatures, dimension, 16, tree);
    const search = new NearestNeighbourSearch(tree, k);
    timings.trees += performance.now() - t0;
    t0 = performance.now();
    const affinity = (a: number, b: number): number => {
      if (!soft) return 1;
      let l1 = 0;
      for (let d = 0; d < dimension; d++)
        l1 += Math.abs(passFeatures[a * dimension + d] - passFeatures[b * dimension + d]);
      return Math.max(0, 1 - l1 / dimension);
    };

    for (let u = 0; u < n; u++) {
      if ((u & 4095) === 0) {
        throwIfAborted(signal);
        onProgress?.((2 * pass + u / n) / stages);
      }
      const p = scanUnknowns[u];
      const found = search.search(passFeatures, p * dimension);
      for (let i = 0; i < found; i++) {
        const q = search.indices[i];
        if (q !== p) link(p, q, affinity(p, q));
      }
    }
    timings.unknownSearches += performance.now() - t0;

    t0 = performance.now();
    knownSearches += linkKnownPixels(
      passFeatures,
      dimension,
      width,
      height,
      unknown,
      scanUnknowns,
      search,
      (p, q) => link(p, q, affinity(p, q)),
      (fraction) => {
        throwIfAborted(signal);
        onProgress?.((2 * pass + 1 + fraction) / stages);
      },
    );
    timings.knownLinks += performance.now() - t0;
  }

  const t0 = performance.now();
  const matrix = pairs
    ? compactPairs(n, stride, diagonal, pairColumns, pairValues, pairCount)
    : upper
      ? assembleUpperLaplacian(n, diagonal, links)
      : assembleLaplacian(n, diagonal, links);
  timings.assemble = performance.now() - t0;
  onProgress?.(1);
  return { matrix, rhs, pixels, knownSearches, timings };
}

/**
 * Links every known pixel that has unknown pixels among its k nearest neighbours to them; returns the
 * number of full searches run. A known pixel p needs a search only when some unknown pixel lies nearer
 * than an upper bound of p's k-th neighbour distance. The bounds and tests, cheapest first, on 4×4
 * blocks of pixels:
 * 1. the diagonal of the feature bounding box of the block plus a margin holding at least k pixels
 *    bounds every block pixel's k-th distance; if no unknown pixel lies that close to the box, the
 *    block is done (smooth blocks away from the band);
 * 2. per pixel, the k-th smallest distance to the pixels of its own 5×5 window and of its k-d tree
 *    cell (neighbourBound); if no unknown pixel lies within the largest of these bounds of the box of
 *    the block's features, the block is done;
 * 3. per pixel, the nearest unknown pixel within its bound; then p's own search, abandoned as soon as
 *    k pixels turn up nearer than that unknown pixel.
 */
function linkKnownPixels(
  features: Float32Array,
  dimension: number,
  width: number,
  height: number,
  unknown: Uint8Array,
  scanUnknowns: Int32Array,
  search: NearestNeighbourSearch,
  link: (known: number, unknownPixel: number) => void,
  step: (fraction: number) => void,
): number {
  const k = search.k;
  const n = scanUnknowns.length;
  const unknownFeatures = new Float32Array(n * dimension);
  for (let u = 0; u < n; u++) {
    const from = scanUnknowns[u] * dimension;
    for (let d = 0; d < dimension; d++) unknownFeatures[u * dimension + d] = features[from + d];
  }
  const unknownTree = buildKdTree(unknownFeatures, dimension);
  const nearestUnknown = new NearestNeighbourSearch(unknownTree, 1);
  const stack = new Int32Array(256);
  const nearest = new Float64Array(k); // scratch for neighbourBound
  const radius = Math.max(1, Math.ceil((Math.sqrt(k) - 1) / 2));
  const BLOCK = 4;
  let margin = 0;
  while ((BLOCK + 2 * margin) ** 2 < k) margin++;
  const lower = new Float64Array(dimension);
  const upper = new Float64Array(dimension);
  const blockPixels = new Int32Array(BLOCK * BLOCK);
  const blockBounds = new Float64Array(BLOCK * BLOCK);
  let searches = 0;

  for (let y0 = 0; y0 < height; y0 += BLOCK) {
    step(y0 / height);
    const y1 = Math.min(y0 + BLOCK, height);
    for (let x0 = 0; x0 < width; x0 += BLOCK) {
      const x1 = Math.min(x0 + BLOCK, width);
      let count = 0;
      for (let y = y0; y < y1; y++) {
        for (let x = x0; x < x1; x++) if (!unknown[y * width + x]) blockPixels[count++] = y * width + x;
      }
      if (count === 0) continue;

      // 1. One bound for the whole block.
      const ex0 = Math.max(0, x0 - margin);
      const ey0 = Math.max(0, y0 - margin);
      const ex1 = Math.min(width, x1 + margin);
      const ey1 = Math.min(height, y1 + margin);
      if ((ex1 - ex0) * (ey1 - ey0) >= k) {
        lower.fill(Number.POSITIVE_INFINITY);
        upper.fill(Number.NEGATIVE_INFINITY);
        for (let y = ey0; y < ey1; y++) {
          for (let x = ex0; x < ex1; x++)
            extendBox(features, (y * width + x) * dimension, dimension, lower, upper);
        }
        let diagonal = 0;
        for (let d = 0; d < dimension; d++) diagonal += (upper[d] - lower[d]) ** 2;
        if (!hasPointNearBox(unknownTree, lower, upper, diagonal, stack)) continue;
      }

      // 2. One bound per pixel.
      lower.fill(Number.POSITIVE_INFINITY);
      upper.fill(Number.NEGATIVE_INFINITY);
      let largest = 0;
      for (let i = 0; i < count; i++) {
        const p = blockPixels[i];
        const bound = neighbourBound(features, dimension, width, height, p, radius, search.tree, nearest);
        blockBounds[i] = bound;
        if (bound > largest) largest = bound;
        extendBox(features, p * dimension, dimension, lower, upper);
      }
      if (!hasPointNearBox(unknownTree, lower, upper, largest, stack)) continue;

      // 3. Per pixel.
      for (let i = 0; i < count; i++) {
        const p = blockPixels[i];
        if (nearestUnknown.searchWithin(features, p * dimension, blockBounds[i]) === 0) continue;
        searches++;
        const found = search.searchUnlessCloser(features, p * dimension, nearestUnknown.squaredDistances[0]);
        for (let j = 0; j < found; j++) {
          const q = search.indices[j];
          if (unknown[q]) link(p, q);
        }
      }
    }
  }
  return searches;
}

function extendBox(
  features: Float32Array,
  base: number,
  dimension: number,
  lower: Float64Array,
  upper: Float64Array,
): void {
  for (let d = 0; d < dimension; d++) {
    const v = features[base + d];
    if (v < lower[d]) lower[d] = v;
    if (v > upper[d]) upper[d] = v;
  }
}

/**
 * An upper bound on the squared distance from pixel p to its k-th nearest neighbour (itself included,
 * k = nearest.length): the k-th smallest distance to a set of at least k candidates, here the union of
 * p's pixel window (radius `radius`, clipped to the image) and its k-d tree cell (the smallest subtree
 * around it holding k points). The window is tight where the image is smooth, the cell where colours
 * repeat far away; their union is tighter than either.
 */
function neighbourBound(
  features: Float32Array,
  dimension: number,
  width: number,
  height: number,
  p: number,
  radius: number,
  tree: KdTree,
  nearest: Float64Array,
): number {
  const k = nearest.length;
  const x = p % width;
  const y = (p - x) / width;
  const x0 = Math.max(0, x - radius);
  const x1 = Math.min(width - 1, x + radius);
  const y0 = Math.max(0, y - radius);
  const y1 = Math.min(height - 1, y + radius);
  const base = p * dimension;
  let count = 0;
  for (let qy = y0; qy <= y1; qy++) {
    for (let qx = x0; qx <= x1; qx++) {
      const qb = (qy * width + qx) * dimension;
      let d2 = 0;
      for (let d = 0; d < dimension; d++) {
        const diff = features[base + d] - features[qb + d];
        d2 += diff * diff;
      }
      if (count === k && d2 >= nearest[k - 1]) continue;
      let i = count < k ? count++ : k - 1;
      while (i > 0 && nearest[i - 1] > d2) {
        nearest[i] = nearest[i - 1];
        i--;
      }
      nearest[i] = d2;
    }
  }
  if (tree.size >= k) {
    const { start, end, parent, points, indices } = tree;
    let cell = tree.leafOf[tree.positions[p]];
    while (end[cell] - start[cell] < k) cell = parent[cell];
    for (let position = start[cell]; position < end[cell]; position++) {
      const q = indices[position];
      const qx = q % width;
      const qy = (q - qx) / width;
      if (qx >= x0 && qx <= x1 && qy >= y0 && qy <= y1) continue; // counted with the window
      const qb = position * dimension;
      let d2 = 0;
      for (let d = 0; d < dimension; d++) {
        const diff = features[base + d] - points[qb + d];
        d2 += diff * diff;
      }
      if (count === k && d2 >= nearest[k - 1]) continue;
      let i = count < k ? count++ : k - 1;
      while (i > 0 && nearest[i - 1] > d2) {
        nearest[i] = nearest[i - 1];
        i--;
      }
      nearest[i] = d2;
    }
  }
  return count === k ? nearest[k - 1] : Number.POSITIVE_INFINITY;
}

/** Per-pixel colour features: RGB as is, or HSV as (cos 2πh, sin 2πh, s, v). */
function colourFeatures(image: InterleavedF32, space: 'rgb' | 'hsv'): Float32Array {
  const npix = image.width * image.height;
  const rgb = image.data;
  if (space === 'rgb') return rgb.slice(0, npix * 3);
  const out = new Float32Array(npix * 4);
  for (let p = 0; p < npix; p++) {
    const r = rgb[p * 3];
    const g = rgb[p * 3 + 1];
    const b = rgb[p * 3 + 2];
    const max = Math.max(r, g, b);
    const min = Math.min(r, g, b);
    const chroma = max - min;
    let h = 0;
    if (chroma > 0) {
      if (max === r) h = ((g - b) / chroma + 6) % 6;
      else if (max === g) h = (b - r) / chroma + 2;
      else h = (r - g) / chroma + 4;
      h /= 6;
    }
    out[p * 4] = Math.cos(2 * Math.PI * h);
    out[p * 4 + 1] = Math.sin(2 * Math.PI * h);
    out[p * 4 + 2] = max > 0 ? chroma / max : 0;
    out[p * 4 + 3] = max;
  }
  return out;
}

/** Colour features followed by the weighted position (x/(W−1), y/(H−1)), point after point. */
function pixelFeatures(
  colour: Float32Array,
  colourDims: number,
  width: number,
  height: number,
  spatialWeight: number,
  reuse?: Float32Array,
): Float32Array {
  const dimension = colourDims + 2;
  const out =
    reuse?.length === width * height * dimension ? reuse : new Float32Array(width * height * dimension);
  const sx = width > 1 ? spatialWeight / (width - 1) : 0;
  const sy = height > 1 ? spatialWeight / (height - 1) : 0;
  for (let y = 0, p = 0; y < height; y++) {
    for (let x = 0; x < width; x++, p++) {
      const o = p * dimension;
      for (let c = 0; c < colourDims; c++) out[o + c] = colour[p * colourDims + c];
      out[o + colourDims] = sx * x;
      out[o + colourDims + 1] = sy * y;
    }
  }
  return out;
}

/**
 * Growable list of off-diagonal affinities (row, column, weight) between unknowns. Weights are Float32:
 * binary affinities are halves (exact), soft ones are stored in Float32 in the matrix anyway. When every
 * weight is the same (`constant`), none is stored and `weight(e)` returns that value for every entry.
 */
class LinkList {
  rows: Int32Array;
  columns: Int32Array;
  weights: Float32Array;
  readonly constant: number | undefined;
  length = 0;

  constructor(capacity: number, constant?: number) {
    const c = Math.max(16, capacity);
    this.constant = constant;
    this.rows = new Int32Array(c);
    this.columns = new Int32Array(c);
    this.weights = new Float32Array(constant === undefined ? c : 0);
  }

  weight(e: number): number {
    return this.constant ?? this.weights[e];
  }

  push(row: number, column: number, weight: number): void {
    if (this.length === this.rows.length) {
      const c = this.rows.length * 2;
      const rows = new Int32Array(c);
      rows.set(this.rows);
      this.rows = rows;
      const columns = new Int32Array(c);
      columns.set(this.columns);
      this.columns = columns;
      if (this.constant === undefined) {
        const weights = new Float32Array(c);
        weights.set(this.weights);
        this.weights = weights;
      }
    }
    this.rows[this.length] = row;
    this.columns[this.length] = column;
    if (this.constant === undefined) this.weights[this.length] = weight;
    this.length++;
  }
}

/** L_uu = D − W_uu as CSR: the diagonal first in each row, then one entry per distinct neighbour. */
function assembleLaplacian(n: number, diagonal: Float64Array, links: LinkList): CsrMatrix {
  const { rows, columns, length } = links;
  const count = new Int32Array(n + 1);
  for (let e = 0; e < length; e++) count[rows[e] + 1]++;
  for (let u = 0; u < n; u++) count[u + 1] += count[u];
  // Bucket the links by row.
  const bucketColumns = new Int32Array(length);
  const bucketWeights = new Float32Array(length);
  const fill = count.slice(0, n);
  for (let e = 0; e < length; e++) {
    const at = fill[rows[e]]++;
    bucketColumns[at] = columns[e];
    bucketWeights[at] = links.weight(e);
  }
  // Merge repeated columns within each row.
  const rowStart = new Int32Array(n + 1);
  const outColumns = new Int32Array(length + n);
  const outValues = new Float32Array(length + n);
  const slot = new Int32Array(n).fill(-1);
  let nnz = 0;
  for (let u = 0; u < n; u++) {
    const first = nnz;
    outColumns[nnz] = u;
    outValues[nnz] = diagonal[u];
    nnz++;
    for (let e = count[u]; e < count[u + 1]; e++) {
      const c = bucketColumns[e];
      if (slot[c] >= first) {
        outValues[slot[c]] -= bucketWeights[e];
      } else {
        slot[c] = nnz;
        outColumns[nnz] = c;
        outValues[nnz] = -bucketWeights[e];
        nnz++;
      }
    }
    rowStart[u + 1] = nnz;
  }
  // Views, not copies (a copy would hold the matrix twice); the unused tails were never written.
  return { n, rowStart, columns: outColumns.subarray(0, nnz), values: outValues.subarray(0, nnz) };
}

/**
 * The upper triangle of L_uu = D − W_uu from links stored once each (row < column). The links are bucketed by
 * row with a free slot before each row for the diagonal, and the repeated columns are merged in place: a row's
 * merged entries never outrun its bucket, so the buckets become the matrix and nothing else of that size is
 * allocated.
 */
function assembleUpperLaplacian(n: number, diagonal: Float64Array, links: LinkList): CsrMatrix {
  const { rows, columns, length } = links;
  const start = new Int32Array(n + 1); // row u's bucket: its diagonal slot, then its links
  for (let e = 0; e < length; e++) start[rows[e] + 1]++;
  for (let u = 0; u < n; u++) start[u + 1] += start[u] + 1;
  const outColumns = new Int32Array(length + n);
  const outValues = new Float32Array(length + n);
  const fill = new Int32Array(n);
  for (let u = 0; u < n; u++) fill[u] = start[u] + 1;
  for (let e = 0; e < length; e++) {
    const at = fill[rows[e]]++;
    outColumns[at] = columns[e];
    outValues[at] = links.weight(e);
  }
  const rowStart = new Int32Array(n + 1);
  const slot = fill.fill(-1); // where column c went in the row being merged
  let nnz = 0;
  for (let u = 0; u < n; u++) {
    const first = nnz;
    const end = start[u + 1];
    // Read before written: the write position never passes the read position.
    const from = start[u] + 1;
    outColumns[nnz] = u;
    outValues[nnz] = diagonal[u];
    nnz++;
    for (let e = from; e < end; e++) {
      const c = outColumns[e];
      const w = outValues[e];
      if (slot[c] >= first) {
        outValues[slot[c]] -= w;
      } else {
        slot[c] = nnz;
        outColumns[nnz] = c;
        outValues[nnz] = -w;
        nnz++;
      }
    }
    rowStart[u + 1] = nnz;
  }
  return {
    n,
    rowStart,
    columns: outColumns.subarray(0, nnz),
    values: outValues.subarray(0, nnz),
    symmetric: 'upper',
  };
}

/**
 * The 'pairs' matrix from its fixed-stride rows: each row moves down to follow the previous one, its diagonal
 * first. In place: a row never moves up, so nothing unread is overwritten.
 */
function compactPairs(
  n: number,
  stride: number,
  diagonal: Float64Array,
  columns: Int32Array,
  values: Float32Array,
  count: Int32Array,
): CsrMatrix {
  const rowStart = new Int32Array(n + 1);
  let nnz = 0;
  for (let u = 0; u < n; u++) {
    const from = u * stride + 1;
    columns[nnz] = u;
    values[nnz] = diagonal[u];
    nnz++;
    for (let e = from; e < from + count[u]; e++) {
      columns[nnz] = columns[e];
      values[nnz] = values[e];
      nnz++;
    }
    rowStart[u + 1] = nnz;
  }
  return {
    n,
    rowStart,
    columns: columns.subarray(0, nnz),
    values: values.subarray(0, nnz),
    symmetric: 'pairs',
  };
}
