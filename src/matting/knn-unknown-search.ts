/**
 * Searches among the unknown pixels only, in a k-d tree built over every pixel: KNN matting's known-pixel
 * links ask whether an unknown pixel lies near a box, and which unknown pixel lies nearest a known one.
 *
 * The unknown pixels are marked per tree position and per node (does the subtree hold one), and the walks
 * skip every unmarked node and point. This replaces a second tree over the unknown pixels alone, which with
 * its own copy of their features cost some 80 bytes per unknown pixel; the price is looser pruning, since a
 * node's bounding box also holds its known pixels.
 */

import type { KdTree } from './nearest-neighbours.ts';

export class UnknownPointSearch {
  readonly tree: KdTree;
  /** Squared distance of the point found by the last successful `nearestWithin`. */
  squaredDistance = Number.POSITIVE_INFINITY;
  private readonly marked: Uint8Array; // per tree position: 1 for an unknown pixel
  private readonly nodeMarked: Uint8Array; // per node: 1 when its subtree holds an unknown pixel
  private readonly query: Float64Array;
  private readonly shares: Float64Array;
  private readonly cellDistances = new Float64Array(64);
  private readonly stack = new Int32Array(256);
  private bound = Number.POSITIVE_INFINITY;

  /**
   * `unknownIndex[p]` ≥ 0 marks pixel p unknown. `marked`: scratch of tree.size bytes to reuse (a previous
   * search's, whose tree is no longer used).
   */
  constructor(tree: KdTree, unknownIndex: Int32Array, marked?: Uint8Array) {
    this.tree = tree;
    const { size, indices, nodeCount, left, start, end } = tree;
    this.marked = marked?.length === size ? marked : new Uint8Array(size);
    for (let position = 0; position < size; position++)
      this.marked[position] = unknownIndex[indices[position]] >= 0 ? 1 : 0;
    // Children are numbered after their parent: a backward sweep meets them first.
    this.nodeMarked = new Uint8Array(nodeCount);
    for (let node = nodeCount - 1; node >= 0; node--) {
      const child = left[node];
      if (child >= 0) {
        this.nodeMarked[node] = this.nodeMarked[child] | this.nodeMarked[child + 1];
        continue;
      }
      for (let position = start[node]; position < end[node]; position++) {
        if (this.marked[position]) {
          this.nodeMarked[node] = 1;
          break;
        }
      }
    }
    this.query = new Float64Array(tree.dimension);
    this.shares = new Float64Array(tree.dimension);
  }

  /** The marks per tree position, for the next search to reuse. */
  get scratch(): Uint8Array {
    return this.marked;
  }

  /** True when an unknown pixel lies within squared distance `radiusSquared` (inclusive) of the box. */
  hasPointNearBox(lower: ArrayLike<number>, upper: ArrayLike<number>, radiusSquared: number): boolean {
    const tree = this.tree;
    if (tree.nodeCount === 0) return false;
    const { dimension, points, start, end, left } = tree;
    const marked = this.marked;
    const nodeMarked = this.nodeMarked;
    const stack = this.stack;
    let sp = 0;
    stack[sp++] = 0;
    while (sp > 0) {
      const node = stack[--sp];
      if (!nodeMarked[node]) continue;
      const base = node * dimension;
      let gap = 0;
      for (let d = 0; d < dimension; d++) {
        const g = Math.max(0, tree.lower[base + d] - upper[d], lower[d] - tree.upper[base + d]);
        gap += g * g;
      }
      if (gap > radiusSquared) continue;
      const child = left[node];
      if (child >= 0) {
        stack[sp++] = child;
        stack[sp++] = child + 1;
        continue;
      }
      for (let position = start[node]; position < end[node]; position++) {
        if (!marked[position]) continue;
        const pb = position * dimension;
        let d2 = 0;
        for (let d = 0; d < dimension; d++) {
          const v = points[pb + d];
          const g = v < lower[d] ? lower[d] - v : v > upper[d] ? v - upper[d] : 0;
          d2 += g * g;
        }
        if (d2 <= radiusSquared) return true;
      }
    }
    return false;
  }

  /**
   * Whether an unknown pixel lies within squared distance `radiusSquared` (inclusive) of
   * query[offset …]; if so, the nearest one's squared distance is left in `squaredDistance`.
   */
  nearestWithin(query: ArrayLike<number>, offset: number, radiusSquared: number): boolean {
    const tree = this.tree;
    const { dimension, lower, upper } = tree;
    // Only points strictly nearer than the bound are taken: start it just above the radius.
    this.bound = radiusSquared + Math.abs(radiusSquared) * Number.EPSILON + Number.MIN_VALUE;
    const start = this.bound;
    if (tree.nodeCount === 0) return false;
    let distance = 0;
    for (let d = 0; d < dimension; d++) {
      const v = query[offset + d];
      this.query[d] = v;
      const gap = v < lower[d] ? lower[d] - v : v > upper[d] ? v - upper[d] : 0;
      this.shares[d] = gap * gap;
      distance += gap * gap;
    }
    this.cellDistances[0] = distance;
    if (distance < this.bound) this.descend(0, 0);
    if (this.bound === start) return false;
    this.squaredDistance = this.bound;
    return true;
  }

  /**
   * As NearestNeighbourSearch's walk with k = 1, over marked nodes and points only; the cell's distance is
   * cellDistances[depth] (a double argument would be boxed on every call).
   */
  private descend(node: number, depth: number): void {
    const tree = this.tree;
    if (!this.nodeMarked[node]) return;
    const distances = this.cellDistances;
    const distance = distances[depth];
    const child = tree.left[node];
    if (child < 0) {
      const { dimension, points } = tree;
      const query = this.query;
      let bound = this.bound;
      for (let position = tree.start[node], e = tree.end[node]; position < e; position++) {
        if (!this.marked[position]) continue;
        const base = position * dimension;
        let d2 = 0;
        for (let d = 0; d < dimension; d++) {
          const diff = query[d] - points[base + d];
          d2 += diff * diff;
        }
        if (d2 < bound) bound = d2;
      }
      this.bound = bound;
      return;
    }
    const axis = tree.axis[node];
    const v = this.query[axis];
    const toLeft = v - tree.leftMax[node];
    const toRight = tree.rightMin[node] - v;
    let near = child;
    let far = child + 1;
    let gap = toRight;
    if (toLeft + (v - tree.rightMin[node]) >= 0) {
      near = child + 1;
      far = child;
      gap = toLeft;
    }
    distances[depth + 1] = distance;
    this.descend(near, depth + 1);
    const gapSquared = gap > 0 ? gap * gap : 0;
    const share = this.shares[axis];
    const farDistance = distance - share + gapSquared;
    if (farDistance < this.bound) {
      this.shares[axis] = gapSquared;
      distances[depth + 1] = farDistance;
      this.descend(far, depth + 1);
      this.shares[axis] = share;
    }
  }
}
