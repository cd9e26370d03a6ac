/**
 * Exact k-nearest-neighbour search in a low-dimensional feature space with a k-d tree (Bentley 1975;
 * Friedman, Bentley & Finkel 1977), for KNN matting's colour + position features.
 *
 * Every node splits the widest side of its points' bounding box at the median, so the tree is balanced
 * whatever the clustering of the data (pixel features cluster heavily: flat regions repeat colours).
 * Points are copied into tree order, so a leaf's points sit next to each other in memory. Searches are
 * exact; among points at exactly equal distance, which ones make the k is arbitrary.
 */

export interface KdTree {
  dimension: number;
  size: number;
  /** The points in tree order, `dimension` values each. */
  points: Float32Array;
  /** Original index of the point at each tree position. */
  indices: Int32Array;
  /** Tree position of each original point. */
  positions: Int32Array;
  /** Per node: its points are tree positions start … end − 1. */
  start: Int32Array;
  end: Int32Array;
  /** Per node: child nodes, −1 for a leaf (the right child is always left + 1). */
  left: Int32Array;
  /** Per node: its parent, −1 for the root. */
  parent: Int32Array;
  /** Per inner node: the split dimension, the left child's largest and the right child's smallest value in it. */
  axis: Int32Array;
  leftMax: Float32Array;
  rightMin: Float32Array;
  /** The leaf holding each tree position. */
  leafOf: Int32Array;
  /** Per node: bounding box, `dimension` values each. */
  lower: Float32Array;
  upper: Float32Array;
  nodeCount: number;
}

/**
 * Builds a tree over `count = points.length / dimension` points stored point after point. `reuse`: a tree
 * built before over as many points of the same dimension and leaf size, whose memory the new tree takes
 * over (the old one is unusable afterwards): a second tree then costs no new memory, even while V8 has not
 * yet collected anything. `adopt`: `points` (a Float32Array) becomes the tree's own `points` array and is
 * reordered in place instead of copied, so the caller's feature array is not held twice; to refill a reused
 * tree, write the new points in their original order into `reuse.points` and pass that.
 */
export function buildKdTree(
  points: ArrayLike<number>,
  dimension: number,
  leafSize = 8,
  reuse?: KdTree,
  adopt = false,
): KdTree {
  if (!(dimension >= 1) || points.length % dimension !== 0) {
    throw new RangeError(`k-d tree: ${points.length} values do not make points of dimension ${dimension}`);
  }
  const size = points.length / dimension;
  const leaf = Math.max(1, leafSize | 0);
  // Leaves hold between ⌈leaf/2⌉ and leaf points, so there are fewer than 2·size/leaf + 1 of them.
  const capacity = 2 * (Math.ceil((2 * size) / leaf) + 1);
  // The node arrays are returned as views of their first nodeCount entries (the tail's pages are never
  // touched), so a reused tree's full arrays are found again through their buffers.
  const fits =
    reuse !== undefined &&
    reuse.size === size &&
    reuse.dimension === dimension &&
    reuse.start.buffer.byteLength === capacity * 4;
  const int32 = (old: Int32Array | undefined, length: number) =>
    fits && old ? new Int32Array(old.buffer, 0, length) : new Int32Array(length);
  const float32 = (old: Float32Array | undefined, length: number) =>
    fits && old ? new Float32Array(old.buffer, 0, length) : new Float32Array(length);
  const start = int32(reuse?.start, capacity);
  const end = int32(reuse?.end, capacity);
  const left = int32(reuse?.left, capacity);
  const parent = int32(reuse?.parent, capacity);
  const axis = int32(reuse?.axis, capacity);
  const leafOf = int32(reuse?.leafOf, size);
  const lower = float32(reuse?.lower, capacity * dimension);
  const upper = float32(reuse?.upper, capacity * dimension);
  // The points are moved physically as the tree is split, so every scan below is sequential.
  const adopted = adopt && points instanceof Float32Array;
  const work = adopted ? points : float32(reuse?.points, size * dimension);
  if (!adopted) work.set(points);
  const order = int32(reuse?.indices, size);
  for (let i = 0; i < size; i++) order[i] = i;
  left[0] = -1;
  parent[0] = -1;
  start[0] = 0;

  // Each node splits the widest side of its points' bounding box at the median. On large nodes that side
  // is judged from an even sample of their points (a sweep over every point at every level would
  // dominate the build); the exact boxes the searches prune with are computed afterwards, leaves first.
  let nodeCount = size > 0 ? 1 : 0;
  end[0] = size;
  const stack = new Int32Array(128);
  let sp = 0;
  if (size > 0) stack[sp++] = 0;
  const SAMPLE = 64;
  while (sp > 0) {
    const node = stack[--sp];
    const s = start[node];
    const e = end[node];
    const box = node * dimension;
    lower.fill(Number.POSITIVE_INFINITY, box, box + dimension);
    upper.fill(Number.NEGATIVE_INFINITY, box, box + dimension);
    const stride = Math.max(1, Math.floor((e - s) / SAMPLE));
    for (let i = s; i < e; i += stride) extendBox(work, i * dimension, dimension, lower, upper, box);
    let widest = 0;
    for (let d = 1; d < dimension; d++) {
      if (upper[box + d] - lower[box + d] > upper[box + widest] - lower[box + widest]) widest = d;
    }
    if (e - s <= leaf || upper[box + widest] === lower[box + widest]) {
      if (stride === 1 || e - s <= leaf) {
        leafOf.fill(node, s, e);
        continue;
      }
      // The sample saw one value only; look at every point before calling the node a leaf.
      for (let i = s; i < e; i++) extendBox(work, i * dimension, dimension, lower, upper, box);
      for (let d = 0; d < dimension; d++) {
        if (upper[box + d] - lower[box + d] > upper[box + widest] - lower[box + widest]) widest = d;
      }
      if (upper[box + widest] === lower[box + widest]) {
        leafOf.fill(node, s, e);
        continue;
      }
    }
    const middle = (s + e) >> 1;
    selectNth(work, order, dimension, widest, s, e - 1, middle);
    const child = nodeCount;
    nodeCount += 2;
    left[node] = child;
    axis[node] = widest;
    left[child] = -1;
    left[child + 1] = -1;
    parent[child] = node;
    parent[child + 1] = node;
    start[child] = s;
    end[child] = middle;
    start[child + 1] = middle;
    end[child + 1] = e;
    stack[sp++] = child;
    stack[sp++] = child + 1;
  }
  // Exact boxes: a leaf's from its points, a parent's as the union of its children's (children are
  // numbered after their parent, so a backward sweep meets them first).
  for (let node = nodeCount - 1; node >= 0; node--) {
    const box = node * dimension;
    const child = left[node];
    if (child < 0) {
      lower.fill(Number.POSITIVE_INFINITY, box, box + dimension);
      upper.fill(Number.NEGATIVE_INFINITY, box, box + dimension);
      for (let i = start[node]; i < end[node]; i++)
        extendBox(work, i * dimension, dimension, lower, upper, box);
      continue;
    }
    for (let d = 0; d < dimension; d++) {
      lower[box + d] = Math.min(lower[child * dimension + d], lower[(child + 1) * dimension + d]);
      upper[box + d] = Math.max(upper[child * dimension + d], upper[(child + 1) * dimension + d]);
    }
  }

  const leftMax = new Float32Array(nodeCount);
  const rightMin = new Float32Array(nodeCount);
  for (let node = 0; node < nodeCount; node++) {
    const child = left[node];
    if (child < 0) continue;
    leftMax[node] = upper[child * dimension + axis[node]];
    rightMin[node] = lower[(child + 1) * dimension + axis[node]];
  }
  const positions = int32(reuse?.positions, size);
  for (let i = 0; i < size; i++) positions[order[i]] = i;
  return {
    dimension,
    size,
    points: work,
    indices: order,
    positions,
    start: start.subarray(0, nodeCount),
    end: end.subarray(0, nodeCount),
    left: left.subarray(0, nodeCount),
    parent: parent.subarray(0, nodeCount),
    axis: axis.subarray(0, nodeCount),
    leftMax,
    rightMin,
    leafOf,
    lower: lower.subarray(0, nodeCount * dimension),
    upper: upper.subarray(0, nodeCount * dimension),
    nodeCount,
  };
}

/**
 * Reorders points from … to (and their original indices alongside) so that point nth has the nth
 * smallest coordinate `axis`, with no larger one before it and no smaller one after it (Hoare's select).
 */
function selectNth(
  work: Float32Array,
  order: Int32Array,
  dimension: number,
  axis: number,
  from: number,
  to: number,
  nth: number,
): void {
  let l = from;
  let r = to;
  while (r > l) {
    const pivot = work[((l + r) >> 1) * dimension + axis];
    let i = l;
    let j = r;
    while (i <= j) {
      while (work[i * dimension + axis] < pivot) i++;
      while (work[j * dimension + axis] > pivot) j--;
      if (i <= j) {
        const bi = i * dimension;
        const bj = j * dimension;
        for (let d = 0; d < dimension; d++) {
          const t = work[bi + d];
          work[bi + d] = work[bj + d];
          work[bj + d] = t;
        }
        const t = order[i];
        order[i] = order[j];
        order[j] = t;
        i++;
        j--;
      }
    }
    if (nth <= j) r = j;
    else if (nth >= i) l = i;
    else return;
  }
}

/** Grows the box at lower/upper[box …] to hold the point at points[base …]. */
function extendBox(
  points: ArrayLike<number>,
  base: number,
  dimension: number,
  lower: Float32Array | Float64Array,
  upper: Float32Array | Float64Array,
  box: number,
): void {
  for (let d = 0; d < dimension; d++) {
    const v = points[base + d];
    if (v < lower[box + d]) lower[box + d] = v;
    if (v > upper[box + d]) upper[box + d] = v;
  }
}

/**
 * Repeated k-nearest-neighbour searches in one tree, reusing scratch memory. After a search, the first
 * `count` entries of `indices` (original point indices) and `squaredDistances` hold the answer, nearest
 * first.
 *
 * The walk is depth first, nearer child first, and skips the farther child when the query's distance
 * to it exceeds the k-th best distance so far. That distance is kept incrementally (Arya & Mount 1993,
 * as in nanoflann): crossing a split changes one coordinate's share only, so each node costs O(1)
 * rather than a box distance in every dimension; it was a third faster here than testing the boxes.
 */
export class NearestNeighbourSearch {
  readonly tree: KdTree;
  readonly k: number;
  readonly indices: Int32Array;
  readonly squaredDistances: Float64Array;
  count = 0;
  private readonly slots: Int32Array; // tree positions of the current best, nearest first
  private readonly query: Float64Array;
  private readonly shares: Float64Array; // per dimension: squared gap from the query to the current cell
  private readonly cellDistances = new Float64Array(64); // per depth: the cell's squared distance (see descend)
  private bound = Number.POSITIVE_INFINITY; // only points strictly nearer can still enter the answer
  private stopBelow = Number.NEGATIVE_INFINITY;
  private abandoned = false;

  constructor(tree: KdTree, k: number) {
    if (!(k >= 1)) throw new RangeError(`nearest neighbours: k must be at least 1, got ${k}`);
    this.tree = tree;
    this.k = k;
    this.indices = new Int32Array(k);
    this.squaredDistances = new Float64Array(k);
    this.slots = new Int32Array(k);
    this.query = new Float64Array(tree.dimension);
    this.shares = new Float64Array(tree.dimension);
  }

  /** The k nearest tree points to query[offset … offset + dimension); returns how many (k unless fewer). */
  search(query: ArrayLike<number>, offset = 0): number {
    return this.run(query, offset, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY);
  }

  /** As `search`, but only points at squared distance at most `radiusSquared`; may find fewer than k. */
  searchWithin(query: ArrayLike<number>, offset: number, radiusSquared: number): number {
    // The walk keeps points strictly nearer than its bound: start it just above the radius.
    const above = radiusSquared + Math.abs(radiusSquared) * Number.EPSILON + Number.MIN_VALUE;
    return this.run(query, offset, above, Number.NEGATIVE_INFINITY);
  }

  /**
   * As `search`, but gives up (returns −1, answer undefined) as soon as k points are found at squared
   * distance below `squaredDistance`: the caller only wants the answer when something at that distance
   * could be among the k nearest.
   */
  searchUnlessCloser(query: ArrayLike<number>, offset: number, squaredDistance: number): number {
    return this.run(query, offset, Number.POSITIVE_INFINITY, squaredDistance);
  }

  /**
   * A cheap upper bound on the squared distance from tree point `index` (an original index) to its k-th
   * nearest point, itself included: the k-th smallest distance to the points of the smallest subtree
   * around it that holds at least k points. Infinity when the tree holds fewer than k points. Overwrites
   * the last search's answer.
   */
  cellBound(index: number): number {
    const tree = this.tree;
    const { dimension, points, start, end, parent } = tree;
    const k = this.k;
    if (tree.size < k) return Number.POSITIVE_INFINITY;
    const position = tree.positions[index];
    let node = tree.leafOf[position];
    while (end[node] - start[node] < k) node = parent[node];
    const dist = this.squaredDistances;
    const base = position * dimension;
    let count = 0;
    for (let q = start[node], e = end[node]; q < e; q++) {
      const qb = q * dimension;
      let d2 = 0;
      for (let d = 0; d < dimension; d++) {
        const diff = points[base + d] - points[qb + d];
        d2 += diff * diff;
      }
      if (count === k && d2 >= dist[k - 1]) continue;
      let i = count < k ? count++ : k - 1;
      while (i > 0 && dist[i - 1] > d2) {
        dist[i] = dist[i - 1];
        i--;
      }
      dist[i] = d2;
    }
    this.count = 0;
    return dist[k - 1];
  }

  private run(query: ArrayLike<number>, offset: number, initialBound: number, stopBelow: number): number {
    const tree = this.tree;
    const { dimension, lower, upper } = tree;
    this.count = 0;
    this.bound = initialBound;
    this.stopBelow = stopBelow;
    this.abandoned = false;
    if (tree.nodeCount === 0) return 0;
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
    if (this.abandoned) {
      this.count = 0;
      return -1;
    }
    const original = tree.indices;
    for (let i = 0; i < this.count; i++) this.indices[i] = original[this.slots[i]];
    return this.count;
  }

  /**
   * Walks the subtree of `node`, whose cell lies at squared distance `cellDistances[depth]` from the query.
   * The distance travels in a typed array, not as an argument: a double passed to a function V8 does not
   * inline (this one recurses) is boxed in a fresh heap object, and at millions of calls a second that
   * garbage grew the young generation by some 25 MB.
   */
  private descend(node: number, depth: number): void {
    const tree = this.tree;
    const child = tree.left[node];
    if (child < 0) {
      this.scanLeaf(node);
      return;
    }
    const distances = this.cellDistances;
    const distance = distances[depth];
    // First the child on the query's side of the split, then the other one unless the query's distance
    // to it, with this axis's share of the distance replaced by the gap to it, already rules it out.
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
    if (this.abandoned) return;
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

  private scanLeaf(node: number): void {
    const tree = this.tree;
    const { dimension, points } = tree;
    const query = this.query;
    const dist = this.squaredDistances;
    const slots = this.slots;
    const k = this.k;
    let bound = this.bound;
    let count = this.count;
    for (let position = tree.start[node], e = tree.end[node]; position < e; position++) {
      const base = position * dimension;
      let d2 = 0;
      for (let d = 0; d < dimension; d++) {
        const diff = query[d] - points[base + d];
        d2 += diff * diff;
      }
      if (d2 >= bound) continue;
      let i = count < k ? count++ : k - 1;
      while (i > 0 && dist[i - 1] > d2) {
        dist[i] = dist[i - 1];
        slots[i] = slots[i - 1];
        i--;
      }
      dist[i] = d2;
      slots[i] = position;
      if (count === k) bound = dist[k - 1];
    }
    this.bound = bound;
    this.count = count;
    if (count === this.k && bound < this.stopBelow) this.abandoned = true;
  }
}

/**
 * The k nearest neighbours of each query point (`queries` stored point after point, the tree's dimension
 * each), as original indices, nearest first: query q's are indices[q·k … q·k + k − 1]. Where the tree
 * has fewer than k points, the missing entries are −1.
 */
export function findNearestNeighbours(
  tree: KdTree,
  queries: ArrayLike<number>,
  k: number,
): { indices: Int32Array; squaredDistances: Float64Array } {
  const count = queries.length / tree.dimension;
  const indices = new Int32Array(count * k).fill(-1);
  const squaredDistances = new Float64Array(count * k).fill(Number.POSITIVE_INFINITY);
  const search = new NearestNeighbourSearch(tree, k);
  for (let q = 0; q < count; q++) {
    const found = search.search(queries, q * tree.dimension);
    for (let i = 0; i < found; i++) {
      indices[q * k + i] = search.indices[i];
      squaredDistances[q * k + i] = search.squaredDistances[i];
    }
  }
  return { indices, squaredDistances };
}
