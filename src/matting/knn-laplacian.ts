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
 *
 * Memory (the method's limit: the searches need a tree over every pixel): the features live only in the
 * k-d tree, in tree order (a pixel's are found through the tree's `positions`), and both passes share one
 * tree's memory; the known pixels' searches for unknown neighbours use that same tree (knn-unknown-search.ts).
 * The links between unknown pixels are kept as found, a column list per row and pass (buildKnnGraph), which
 * is all a matrix-free solve needs; buildKnnSystem turns them into a CSR matrix for the other solvers.
 */

import type { InterleavedF32, Trimap } from '../core/image.ts';
import { type AbortLike, throwIfAborted } from './abort.ts';
import { isUnknownTrimapValue } from './closed-form-laplacian.ts';
import { UnknownPointSearch } from './knn-unknown-search.ts';
import { buildKdTree, type KdTree, NearestNeighbourSearch } from './nearest-neighbours.ts';
import type { CsrMatrix } from './sparse.ts';
import { orderUnknownPixels } from './unknown-ordering.ts';

export interface KnnPass {
  /** Neighbours per pixel, the pixel itself included. */
  neighbours: number;
  /** Weight of the position features (x/(W−1), y/(H−1)) against colour. */
  spatialWeight: number;
}

export interface KnnGraphOptions {
  /** Neighbour searches whose links are merged. Default: pymatting's 20 at weight 2, then 10 at 0.1. */
  passes?: readonly KnnPass[];
  /** Colour features: 'rgb' (default) or the paper's 'hsv' as (cos 2πh, sin 2πh, s, v). */
  colourSpace?: 'rgb' | 'hsv';
  /** Link affinity: 'binary' (1, default) or 'soft' (1 − ‖X(i) − X(j)‖₁ / dimension, at least 0). */
  kernel?: 'binary' | 'soft';
  /** Numbering of the unknowns: 'scan' (row-major, default) or 'rcm' (reverse Cuthill–McKee on the grid). */
  order?: 'rcm' | 'scan';
  /** Progress of the construction in [0, 1]. */
  onProgress?: (fraction: number) => void;
  /** Checked between steps of the neighbour searches; when set, the build throws an AbortError. */
  signal?: AbortLike;
}

export interface KnnLaplacianOptions extends KnnGraphOptions {
  /**
   * 'full' (default) stores every entry; 'upper' only the diagonal and the entries right of it, each link
   * once; 'pairs' each link once in the row of the unknown pixel whose search found it. See
   * CsrMatrix.symmetric.
   */
  storage?: 'full' | 'upper' | 'pairs';
}

export const DEFAULT_KNN_PASSES: readonly KnnPass[] = [
  { neighbours: 20, spatialWeight: 2 },
  { neighbours: 10, spatialWeight: 0.1 },
];

export interface KnnTimings {
  /** Milliseconds spent, all passes: building k-d trees, searching for the unknown pixels, linking known ones. */
  trees: number;
  unknownSearches: number;
  knownLinks: number;
  /** Milliseconds spent turning the graph into a CSR matrix (buildKnnSystem only). */
  assemble: number;
}

/**
 * L_uu = D − W_uu and −L_uk α_k as the searches leave them. W_uu's entries are the links an unknown pixel's
 * own search found to other unknown pixels, each stored once in the finder's row, as half its affinity
 * (a link a → b adds w/2 to W_ab and to W_ba): entry e of row r of pass s, for rowStarts[s][r] ≤ e <
 * rowStarts[s][r + 1], is W_ij += w, W_ji += w with i = rows?.[r] ?? r and j = columns[e], w = weights[e]
 * (soft kernel) or 1/2 (binary). When two unknown pixels found each other in one pass (scan order only),
 * the link is stored once, in the row searched first, with both halves: weights[e] holds their sum, or,
 * binary, the column is stored as ~j (negative) for weight 1. Such mutual links are most of the links:
 * storing them once saves some 40 % of the graph's memory.
 */
export interface KnnGraph {
  n: number;
  /** Pixel index (y·width + x) of each unknown, in the chosen order. */
  pixels: Int32Array;
  /** D_uu: each unknown pixel's total affinity, to known pixels included. */
  diagonal: Float64Array;
  /** −L_uk α_k. */
  rhs: Float64Array;
  columns: Int32Array;
  /** Per entry (soft kernel); absent for the binary kernel, whose entries are 1 (column ~j) or 1/2. */
  weights: Float32Array | undefined;
  /** Per pass, n + 1 offsets into `columns`. Rows are the unknowns in scan order. */
  rowStarts: Int32Array[];
  /** The unknown (index into `pixels`) of each row; absent when they coincide (scan order). */
  rows: Int32Array | undefined;
  /** Neighbour searches run for known pixels (those that might link to an unknown one), all passes. */
  knownSearches: number;
  timings: KnnTimings;
}

export interface KnnSystem {
  /** L_uu over the unknown pixels, in the order of `pixels`. Symmetric positive (semi)definite. */
  matrix: CsrMatrix;
  /** −L_uk α_k. */
  rhs: Float64Array;
  /** Pixel index (y·width + x) of each unknown, in the chosen order. */
  pixels: Int32Array;
  /** Neighbour searches run for known pixels (those that might link to an unknown one), all passes. */
  knownSearches: number;
  timings: KnnTimings;
}

export function buildKnnGraph(
  image: InterleavedF32,
  trimap: Trimap,
  options: KnnGraphOptions = {},
): KnnGraph {
  const passes = options.passes ?? DEFAULT_KNN_PASSES;
  const soft = (options.kernel ?? 'binary') === 'soft';
  const colourSpace = options.colourSpace ?? 'rgb';
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

  let n = 0;
  for (let p = 0; p < npix; p++) if (isUnknownTrimapValue(tri[p])) n++;
  // Unknown pixels in scan order: successive searches stay close. They are the rows of the graph.
  const scan = new Int32Array(n);
  for (let p = 0, u = 0; p < npix; p++) if (isUnknownTrimapValue(tri[p])) scan[u++] = p;
  let pixels: Int32Array = scan;
  let rows: Int32Array | undefined;
  if (options.order === 'rcm') {
    const unknown = new Uint8Array(npix);
    for (let u = 0; u < n; u++) unknown[scan[u]] = 1;
    pixels = orderUnknownPixels(unknown, width, height);
  }
  const unknownIndex = new Int32Array(npix).fill(-1);
  for (let u = 0; u < n; u++) unknownIndex[pixels[u]] = u;
  if (pixels !== scan) rows = scan.map((p) => unknownIndex[p]);

  const colourDims = colourSpace === 'hsv' ? 4 : 3;
  const dimension = colourDims + 2;
  const diagonal = new Float64Array(n);
  const rhs = new Float64Array(n);
  // A search returns k pixels, usually itself among them; with ties at distance 0 it may not, hence k (not
  // k − 1) entries a pass at most. The entries are written in order, so the pages past the last are never
  // touched.
  let capacity = 0;
  for (const pass of passes) capacity += n * pass.neighbours;
  const columns = new Int32Array(n > 0 ? capacity : 0);
  const weights = soft ? new Float32Array(columns.length) : undefined;
  let length = 0;
  const rowStarts: Int32Array[] = [];

  let knownSearches = 0;
  const timings: KnnTimings = { trees: 0, unknownSearches: 0, knownLinks: 0, assemble: 0 };
  const { signal, onProgress } = options;
  // Progress: each pass's two stages count alike.
  const stages = 2 * passes.length;
  let tree: KdTree | undefined;
  let marks: Uint8Array | undefined;
  for (let pass = 0; pass < (n > 0 ? passes.length : 0); pass++) {
    const k = passes[pass].neighbours;
    throwIfAborted(signal);
    let t0 = performance.now();
    // The features are written into the previous pass's tree's points, which the new tree takes over.
    const features = tree ? tree.points : new Float32Array(npix * dimension);
    pixelFeatures(image, colourSpace, passes[pass].spatialWeight, features);
    tree = buildKdTree(features, dimension, 16, tree, true);
    const { points, positions } = tree;
    const search = new NearestNeighbourSearch(tree, k);
    timings.trees += performance.now() - t0;
    t0 = performance.now();
    const affinity = (a: number, b: number): number => {
      if (!soft) return 1;
      const ab = positions[a] * dimension;
      const bb = positions[b] * dimension;
      let l1 = 0;
      for (let d = 0; d < dimension; d++) l1 += Math.abs(points[ab + d] - points[bb + d]);
      return Math.max(0, 1 - l1 / dimension);
    };

    const starts = new Int32Array(n + 1);
    starts[0] = length;
    for (let r = 0; r < n; r++) {
      if ((r & 4095) === 0) {
        throwIfAborted(signal);
        onProgress?.((2 * pass + r / n) / stages);
      }
      const p = scan[r];
      const u = rows ? rows[r] : r;
      const found = search.search(points, positions[p] * dimension);
      for (let i = 0; i < found; i++) {
        const q = search.indices[i];
        if (q === p) continue; // self links cancel in D − W
        const half = 0.5 * affinity(p, q);
        diagonal[u] += half;
        const v = unknownIndex[q];
        if (v < 0) {
          if (tri[q] === 255) rhs[u] += half;
          continue;
        }
        diagonal[v] += half;
        // Row v is complete when it comes first in scan order (rows are then the unknowns themselves): if
        // v's search found u too, that entry takes this link's weight.
        if (!rows && v < u) {
          let e = starts[v];
          const end = starts[v + 1];
          while (e < end && columns[e] !== u) e++;
          if (e < end) {
            if (weights) weights[e] += half;
            else columns[e] = ~u;
            continue;
          }
        }
        columns[length] = v;
        if (weights) weights[length] = half;
        length++;
      }
      starts[r + 1] = length;
    }
    rowStarts.push(starts);
    timings.unknownSearches += performance.now() - t0;

    t0 = performance.now();
    const unknownSearch = new UnknownPointSearch(tree, unknownIndex, marks);
    marks = unknownSearch.scratch;
    knownSearches += linkKnownPixels(
      tree,
      width,
      height,
      unknownIndex,
      search,
      unknownSearch,
      // A known pixel's link only adds to its unknown neighbour's diagonal and right-hand side.
      (p, q) => {
        const half = 0.5 * affinity(p, q);
        const v = unknownIndex[q];
        diagonal[v] += half;
        if (tri[p] === 255) rhs[v] += half;
      },
      (fraction) => {
        throwIfAborted(signal);
        onProgress?.((2 * pass + 1 + fraction) / stages);
      },
    );
    timings.knownLinks += performance.now() - t0;
  }
  onProgress?.(1);
  return {
    n,
    pixels,
    diagonal,
    rhs,
    // Views, not copies (a copy would hold the links twice); the unused tails were never written.
    columns: columns.subarray(0, length),
    weights: weights?.subarray(0, length),
    rowStarts,
    rows,
    knownSearches,
    timings,
  };
}

/**
 * y = L_uu x = D x − W_uu x from the graph, each stored link adding to both of its rows. Pure gathers
 * and scatters: the binary kernel's weights are all 1/2 and read from nowhere.
 */
export function multiplyKnnGraph(graph: KnnGraph, x: Float64Array, y: Float64Array): void {
  const { n, diagonal, columns, weights, rowStarts, rows } = graph;
  for (let i = 0; i < n; i++) y[i] = diagonal[i] * x[i];
  const passes = rowStarts.length;
  // Row by row, every pass's entries of the row in turn: x_i and y_i are loaded once a row.
  for (let r = 0; r < n; r++) {
    const i = rows ? rows[r] : r;
    const xi = x[i];
    let sum = 0;
    if (weights) {
      for (let pass = 0; pass < passes; pass++) {
        const starts = rowStarts[pass];
        for (let e = starts[r], end = starts[r + 1]; e < end; e++) {
          const c = columns[e];
          const w = weights[e];
          sum += w * x[c];
          y[c] -= w * xi;
        }
      }
      y[i] -= sum;
      continue;
    }
    // Binary kernel: twice the weight, 2 for a column stored as ~c (c >>> 31 = 1), else 1, without a
    // branch (mutual and single links alternate unpredictably).
    const half = 0.5 * xi;
    for (let pass = 0; pass < passes; pass++) {
      const starts = rowStarts[pass];
      for (let e = starts[r], end = starts[r + 1]; e < end; e++) {
        const stored = columns[e];
        const twice = 1 + (stored >>> 31);
        const c = stored ^ (stored >> 31);
        sum += twice * x[c];
        y[c] -= twice * half;
      }
    }
    y[i] -= 0.5 * sum;
  }
}

/** The KNN Laplacian as a CSR matrix in the requested storage (see buildKnnGraph for the graph itself). */
export function buildKnnSystem(
  image: InterleavedF32,
  trimap: Trimap,
  options: KnnLaplacianOptions = {},
): KnnSystem {
  const graph = buildKnnGraph(image, trimap, options);
  const t0 = performance.now();
  const matrix =
    options.storage === 'pairs'
      ? pairsMatrix(graph)
      : options.storage === 'upper'
        ? assembleUpperLaplacian(graph.n, graph.diagonal, linkList(graph, true))
        : assembleLaplacian(graph.n, graph.diagonal, linkList(graph, false));
  const timings = { ...graph.timings, assemble: performance.now() - t0 };
  return { matrix, rhs: graph.rhs, pixels: graph.pixels, knownSearches: graph.knownSearches, timings };
}

/** Calls visit(i, j, w) for every stored link of the graph: W_ij and W_ji each gain w. */
function forEachLink(graph: KnnGraph, visit: (i: number, j: number, w: number) => void): void {
  const { n, columns, weights, rowStarts, rows } = graph;
  for (const starts of rowStarts) {
    for (let r = 0; r < n; r++) {
      const i = rows ? rows[r] : r;
      for (let e = starts[r]; e < starts[r + 1]; e++) {
        const c = columns[e];
        if (weights) visit(i, c, weights[e]);
        else if (c < 0) visit(i, ~c, 1);
        else visit(i, c, 0.5);
      }
    }
  }
}

/**
 * 'full': every link in both of its rows; 'upper': once, in the row of its smaller number. With the binary
 * kernel every weight is 1/2 and none is stored: a mutual link goes in as two.
 */
function linkList(graph: KnnGraph, upper: boolean): LinkList {
  const binary = graph.weights === undefined;
  let count = 0;
  forEachLink(graph, (_i, _j, w) => {
    count += binary && w === 1 ? 2 : 1;
  });
  const links = new LinkList((upper ? 1 : 2) * count, binary ? 0.5 : undefined);
  forEachLink(graph, (i, j, w) => {
    for (let copy = binary && w === 1 ? 2 : 1, half = binary ? 0.5 : w; copy > 0; copy--) {
      if (!upper) {
        links.push(i, j, half);
        links.push(j, i, half);
      } else if (i < j) links.push(i, j, half);
      else links.push(j, i, half);
    }
  });
  return links;
}

/** 'pairs' storage: the diagonal first in each row, then every link its own searches found. */
function pairsMatrix(graph: KnnGraph): CsrMatrix {
  const { n, diagonal } = graph;
  const rowStart = new Int32Array(n + 1);
  forEachLink(graph, (i) => rowStart[i + 1]++);
  for (let i = 0; i < n; i++) rowStart[i + 1] += rowStart[i] + 1;
  const columns = new Int32Array(rowStart[n]);
  const values = new Float32Array(rowStart[n]);
  const fill = rowStart.slice(0, n);
  for (let i = 0; i < n; i++) {
    columns[fill[i]] = i;
    values[fill[i]++] = diagonal[i];
  }
  forEachLink(graph, (i, j, w) => {
    columns[fill[i]] = j;
    values[fill[i]++] = -w;
  });
  return { n, rowStart, columns, values, symmetric: 'pairs' };
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
  tree: KdTree,
  width: number,
  height: number,
  unknownIndex: Int32Array,
  search: NearestNeighbourSearch,
  unknowns: UnknownPointSearch,
  link: (known: number, unknownPixel: number) => void,
  step: (fraction: number) => void,
): number {
  const { dimension, points, positions } = tree;
  const k = search.k;
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
        for (let x = x0; x < x1; x++)
          if (unknownIndex[y * width + x] < 0) blockPixels[count++] = y * width + x;
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
            extendBox(points, positions[y * width + x] * dimension, dimension, lower, upper);
        }
        let diagonal = 0;
        for (let d = 0; d < dimension; d++) diagonal += (upper[d] - lower[d]) ** 2;
        if (!unknowns.hasPointNearBox(lower, upper, diagonal)) continue;
      }

      // 2. One bound per pixel.
      lower.fill(Number.POSITIVE_INFINITY);
      upper.fill(Number.NEGATIVE_INFINITY);
      let largest = 0;
      for (let i = 0; i < count; i++) {
        const p = blockPixels[i];
        const bound = neighbourBound(tree, width, height, p, radius, nearest);
        blockBounds[i] = bound;
        if (bound > largest) largest = bound;
        extendBox(points, positions[p] * dimension, dimension, lower, upper);
      }
      if (!unknowns.hasPointNearBox(lower, upper, largest)) continue;

      // 3. Per pixel.
      for (let i = 0; i < count; i++) {
        const p = blockPixels[i];
        const at = positions[p] * dimension;
        if (!unknowns.nearestWithin(points, at, blockBounds[i])) continue;
        searches++;
        const found = search.searchUnlessCloser(points, at, unknowns.squaredDistance);
        for (let j = 0; j < found; j++) {
          const q = search.indices[j];
          if (unknownIndex[q] >= 0) link(p, q);
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
  tree: KdTree,
  width: number,
  height: number,
  p: number,
  radius: number,
  nearest: Float64Array,
): number {
  const { dimension, points, positions } = tree;
  const k = nearest.length;
  const x = p % width;
  const y = (p - x) / width;
  const x0 = Math.max(0, x - radius);
  const x1 = Math.min(width - 1, x + radius);
  const y0 = Math.max(0, y - radius);
  const y1 = Math.min(height - 1, y + radius);
  const base = positions[p] * dimension;
  let count = 0;
  for (let qy = y0; qy <= y1; qy++) {
    for (let qx = x0; qx <= x1; qx++) {
      const qb = positions[qy * width + qx] * dimension;
      let d2 = 0;
      for (let d = 0; d < dimension; d++) {
        const diff = points[base + d] - points[qb + d];
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
    const { start, end, parent, indices } = tree;
    let cell = tree.leafOf[positions[p]];
    while (end[cell] - start[cell] < k) cell = parent[cell];
    for (let position = start[cell]; position < end[cell]; position++) {
      const q = indices[position];
      const qx = q % width;
      const qy = (q - qx) / width;
      if (qx >= x0 && qx <= x1 && qy >= y0 && qy <= y1) continue; // counted with the window
      const qb = position * dimension;
      let d2 = 0;
      for (let d = 0; d < dimension; d++) {
        const diff = points[base + d] - points[qb + d];
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

/**
 * Every pixel's features, point after point in pixel order, into `out`: the colour — RGB as is, or HSV as
 * (cos 2πh, sin 2πh, s, v) — then the weighted position (x/(W−1), y/(H−1)).
 */
function pixelFeatures(
  image: InterleavedF32,
  space: 'rgb' | 'hsv',
  spatialWeight: number,
  out: Float32Array,
): void {
  const { width, height } = image;
  const rgb = image.data;
  const dimension = space === 'hsv' ? 6 : 5;
  const sx = width > 1 ? spatialWeight / (width - 1) : 0;
  const sy = height > 1 ? spatialWeight / (height - 1) : 0;
  for (let y = 0, p = 0; y < height; y++) {
    for (let x = 0; x < width; x++, p++) {
      const o = p * dimension;
      const r = rgb[p * 3];
      const g = rgb[p * 3 + 1];
      const b = rgb[p * 3 + 2];
      if (space === 'rgb') {
        out[o] = r;
        out[o + 1] = g;
        out[o + 2] = b;
      } else {
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
        out[o] = Math.cos(2 * Math.PI * h);
        out[o + 1] = Math.sin(2 * Math.PI * h);
        out[o + 2] = max > 0 ? chroma / max : 0;
        out[o + 3] = max;
      }
      out[o + dimension - 2] = sx * x;
      out[o + dimension - 1] = sy * y;
    }
  }
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
