/**
 * k nearest neighbours over a forest of k-d trees (built by nearest-neighbours.ts) under a weighted
 * Euclidean distance Σ_d s_d (q_d − p_d)², optionally (1 + ε)-approximate (Arya, Mount et al. 1998).
 *
 * Why a second search over the same trees: information-flow matting asks three questions of the same
 * pixel features (colour and position) that differ in the weight of the position and in which pixels
 * may answer. A k-d tree's cells are boxes, and a box distance stays a lower bound under any
 * per-dimension weighting, so one tree per pixel class (foreground, background, unknown) serves
 * several searches: colour mixture searches all three trees, K-to-U one known tree each. Every known
 * pixel goes into one tree instead of two (one for colour mixture over all pixels, one for K-to-U).
 *
 * The walk keeps a stack of cells with their distance to the query and visits the nearer child first.
 * With ε > 0 a cell is skipped unless it could hold a point nearer than (k-th best)/(1 + ε): every
 * answer is then within (1 + ε) of the true i-th nearest distance, and the walk visits far fewer cells.
 */

import type { KdTree } from './nearest-neighbours.ts';

export interface NeighbourTree {
  /** Points (r, g, b, s·x, s·y): colour and position, the position scaled by s = `positionScale`. */
  tree: KdTree;
  /** Pixel index of each of the tree's points, by original (not tree) order. */
  pixels: Int32Array;
  /**
   * The s the tree was built with. A tree's cells suit the metric it was built in, so each tree is
   * built with the position weight of the search that uses it most; others still get exact answers.
   */
  positionScale: number;
}

export class WeightedNeighbourSearch {
  readonly k: number;
  /** After a search: the answer's pixel indices and weighted squared distances, nearest first. */
  readonly pixels: Int32Array;
  readonly squaredDistances: Float64Array;
  count = 0;
  private readonly forest: readonly NeighbourTree[];
  private readonly weights: Float64Array;
  private readonly prune: number; // (1 + ε)²
  private readonly stackNode = new Int32Array(512);
  private readonly stackDistance = new Float64Array(512);

  /**
   * `weights`: s_d per dimension. `approximation`: ε ≥ 0 (0 for the exact answer).
   */
  constructor(forest: readonly NeighbourTree[], k: number, weights: ArrayLike<number>, approximation = 0) {
    if (!(k >= 1)) throw new RangeError(`nearest neighbours: k must be at least 1, got ${k}`);
    if (forest.length === 0) throw new RangeError('nearest neighbours: no trees');
    this.forest = forest;
    this.k = k;
    for (const { tree } of forest) {
      if (tree.dimension !== 5)
        throw new RangeError(`nearest neighbours: dimension 5 expected, got ${tree.dimension}`);
    }
    if (weights.length !== 5)
      throw new RangeError(`nearest neighbours: 5 weights expected, got ${weights.length}`);
    this.weights = Float64Array.from(weights);
    this.prune = (1 + approximation) ** 2;
    this.pixels = new Int32Array(k);
    this.squaredDistances = new Float64Array(k);
  }

  /**
   * The k nearest points (from every tree) to query[offset … offset + 5) = (r, g, b, x, y), in the
   * metric Σ_d weights_d (q_d − p_d)² on unscaled positions, pixel `exclude` left out;
   * returns how many were found (k unless the trees hold fewer points).
   */
  search(query: ArrayLike<number>, offset: number, exclude = -1): number {
    // Unrolled for the five dimensions: this loop is most of information-flow matting's build time, and
    // the generic loop over dimensions ran at half the speed.
    const q0 = query[offset];
    const q1 = query[offset + 1];
    const q2 = query[offset + 2];
    const w = this.weights;
    const w0 = w[0];
    const w1 = w[1];
    const w2 = w[2];
    const k = this.k;
    const prune = this.prune;
    const distances = this.squaredDistances;
    const found = this.pixels;
    const stackNode = this.stackNode;
    const stackDistance = this.stackDistance;
    let count = 0;
    let bound = Number.POSITIVE_INFINITY;

    for (let t = 0; t < this.forest.length; t++) {
      const { tree, pixels, positionScale } = this.forest[t];
      if (tree.nodeCount === 0) continue;
      // In the tree's own units: s·x, with weight w/s².
      const q3 = query[offset + 3] * positionScale;
      const q4 = query[offset + 4] * positionScale;
      const w3 = w[3] / (positionScale * positionScale);
      const w4 = w[4] / (positionScale * positionScale);
      const { points, lower, upper, left, start, end, indices } = tree;
      stackNode[0] = 0;
      stackDistance[0] = 0;
      let sp = 1;
      while (sp > 0) {
        sp--;
        if (stackDistance[sp] * prune >= bound) continue;
        const node = stackNode[sp];
        const child = left[node];
        if (child < 0) {
          for (let i = start[node], e = end[node]; i < e; i++) {
            const b = i * 5;
            let diff = q0 - points[b];
            let d2 = w0 * diff * diff;
            diff = q1 - points[b + 1];
            d2 += w1 * diff * diff;
            diff = q2 - points[b + 2];
            d2 += w2 * diff * diff;
            diff = q3 - points[b + 3];
            d2 += w3 * diff * diff;
            diff = q4 - points[b + 4];
            d2 += w4 * diff * diff;
            if (d2 >= bound) continue;
            const pixel = pixels[indices[i]];
            if (pixel === exclude) continue;
            let j = count < k ? count++ : k - 1;
            while (j > 0 && distances[j - 1] > d2) {
              distances[j] = distances[j - 1];
              found[j] = found[j - 1];
              j--;
            }
            distances[j] = d2;
            found[j] = pixel;
            if (count === k) bound = distances[k - 1];
          }
          continue;
        }
        // Distances from the query to both children's boxes.
        let a = child * 5;
        let gap = q0 < lower[a] ? lower[a] - q0 : q0 > upper[a] ? q0 - upper[a] : 0;
        let toLeft = w0 * gap * gap;
        gap = q1 < lower[a + 1] ? lower[a + 1] - q1 : q1 > upper[a + 1] ? q1 - upper[a + 1] : 0;
        toLeft += w1 * gap * gap;
        gap = q2 < lower[a + 2] ? lower[a + 2] - q2 : q2 > upper[a + 2] ? q2 - upper[a + 2] : 0;
        toLeft += w2 * gap * gap;
        gap = q3 < lower[a + 3] ? lower[a + 3] - q3 : q3 > upper[a + 3] ? q3 - upper[a + 3] : 0;
        toLeft += w3 * gap * gap;
        gap = q4 < lower[a + 4] ? lower[a + 4] - q4 : q4 > upper[a + 4] ? q4 - upper[a + 4] : 0;
        toLeft += w4 * gap * gap;
        a += 5;
        gap = q0 < lower[a] ? lower[a] - q0 : q0 > upper[a] ? q0 - upper[a] : 0;
        let toRight = w0 * gap * gap;
        gap = q1 < lower[a + 1] ? lower[a + 1] - q1 : q1 > upper[a + 1] ? q1 - upper[a + 1] : 0;
        toRight += w1 * gap * gap;
        gap = q2 < lower[a + 2] ? lower[a + 2] - q2 : q2 > upper[a + 2] ? q2 - upper[a + 2] : 0;
        toRight += w2 * gap * gap;
        gap = q3 < lower[a + 3] ? lower[a + 3] - q3 : q3 > upper[a + 3] ? q3 - upper[a + 3] : 0;
        toRight += w3 * gap * gap;
        gap = q4 < lower[a + 4] ? lower[a + 4] - q4 : q4 > upper[a + 4] ? q4 - upper[a + 4] : 0;
        toRight += w4 * gap * gap;
        // Push the farther child first so that the nearer one is walked first.
        const leftFirst = toLeft <= toRight;
        const farDistance = leftFirst ? toRight : toLeft;
        const nearDistance = leftFirst ? toLeft : toRight;
        if (farDistance * prune < bound) {
          stackNode[sp] = leftFirst ? child + 1 : child;
          stackDistance[sp] = farDistance;
          sp++;
        }
        if (nearDistance * prune < bound) {
          stackNode[sp] = leftFirst ? child : child + 1;
          stackDistance[sp] = nearDistance;
          sp++;
        }
      }
    }
    this.count = count;
    return count;
  }
}
