import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  buildKdTree,
  findNearestNeighbours,
  NearestNeighbourSearch,
} from '../../src/matting/nearest-neighbours.ts';
import { Random } from '../../src/synth/index.ts';

/** Points in clusters plus exact duplicates: the shape of pixel features (flat regions repeat colours). */
function makePoints(count: number, dimension: number, seed: number): Float32Array {
  const random = new Random(seed, 1);
  const points = new Float32Array(count * dimension);
  const centres = Array.from({ length: 12 }, () => Array.from({ length: dimension }, () => random.next()));
  for (let i = 0; i < count; i++) {
    if (i > 0 && random.next() < 0.1) {
      const j = Math.floor(random.next() * i);
      points.copyWithin(i * dimension, j * dimension, (j + 1) * dimension);
      continue;
    }
    const c = centres[Math.floor(random.next() * centres.length)];
    const spread = random.next() < 0.5 ? 0.02 : 0.2;
    for (let d = 0; d < dimension; d++) points[i * dimension + d] = c[d] + spread * (random.next() - 0.5);
  }
  return points;
}

function squaredDistance(
  points: Float32Array,
  dimension: number,
  a: number,
  query: ArrayLike<number>,
  offset: number,
) {
  let sum = 0;
  for (let d = 0; d < dimension; d++) {
    const diff = query[offset + d] - points[a * dimension + d];
    sum += diff * diff;
  }
  return sum;
}

/** All squared distances from the query, ascending. */
function bruteForce(
  points: Float32Array,
  dimension: number,
  query: ArrayLike<number>,
  offset: number,
): number[] {
  const count = points.length / dimension;
  const all: number[] = [];
  for (let i = 0; i < count; i++) all.push(squaredDistance(points, dimension, i, query, offset));
  return all.sort((a, b) => a - b);
}

test('k nearest neighbours match brute force (distances exactly, indices up to ties)', () => {
  for (const [dimension, k, leafSize] of [
    [5, 20, 8],
    [6, 10, 16],
    [2, 1, 1],
    [3, 7, 4],
  ]) {
    const points = makePoints(1500, dimension, 7 + dimension);
    const tree = buildKdTree(points, dimension, leafSize);
    const queries = makePoints(200, dimension, 99);
    const { indices, squaredDistances } = findNearestNeighbours(tree, queries, k);
    for (let q = 0; q < 200; q++) {
      const truth = bruteForce(points, dimension, queries, q * dimension);
      for (let i = 0; i < k; i++) {
        const index = indices[q * k + i];
        assert.equal(squaredDistances[q * k + i], truth[i], `dim ${dimension} k ${k} query ${q} rank ${i}`);
        assert.equal(squaredDistance(points, dimension, index, queries, q * dimension), truth[i]);
      }
      assert.equal(new Set(indices.subarray(q * k, q * k + k)).size, k, 'no point twice');
    }
  }
});

test('self queries find the point itself first and every tree point is indexed once', () => {
  const points = makePoints(800, 5, 3);
  const tree = buildKdTree(points, 5);
  assert.deepEqual(
    Array.from(tree.indices).sort((a, b) => a - b),
    Array.from({ length: 800 }, (_, i) => i),
  );
  const search = new NearestNeighbourSearch(tree, 4);
  for (let p = 0; p < 800; p++) {
    search.search(points, p * 5);
    assert.equal(search.squaredDistances[0], 0);
    assert.equal(tree.positions[tree.indices[p]], p);
  }
});

test('bounded and abandoning searches agree with the full search', () => {
  const dimension = 5;
  const k = 12;
  const points = makePoints(2000, dimension, 11);
  const tree = buildKdTree(points, dimension);
  const full = new NearestNeighbourSearch(tree, k);
  const other = new NearestNeighbourSearch(tree, k);
  const queries = makePoints(300, dimension, 12);
  for (let q = 0; q < 300; q++) {
    const o = q * dimension;
    full.search(queries, o);
    const kth = full.squaredDistances[k - 1];
    const mid = full.squaredDistances[5];

    // Within a radius: exactly the points at most that far, the one at the radius included.
    const truth = bruteForce(points, dimension, queries, o);
    const inside = truth.filter((d) => d <= mid).length;
    assert.equal(other.searchWithin(queries, o, mid), Math.min(k, inside));
    const smaller = mid * 0.999 - 1e-12;
    const insideSmaller = truth.filter((d) => d <= smaller).length;
    assert.ok(insideSmaller < inside);
    assert.equal(other.searchWithin(queries, o, smaller), Math.min(k, insideSmaller));
    assert.equal(other.searchWithin(queries, o, -1), 0);

    // Abandoned exactly when k points lie strictly nearer than the threshold.
    assert.equal(other.searchUnlessCloser(queries, o, kth * 1.0001 + 1e-12), -1);
    const kept = other.searchUnlessCloser(queries, o, kth);
    assert.equal(kept, k);
    assert.deepEqual(Array.from(other.squaredDistances), Array.from(full.squaredDistances));

    // The cell bound is an upper bound on the k-th distance of a tree point.
    const self = q % 2000;
    full.search(points, self * dimension);
    assert.ok(other.cellBound(self) >= full.squaredDistances[k - 1]);
  }
});

test('degenerate inputs: empty tree, fewer points than k, all points equal', () => {
  const empty = buildKdTree(new Float32Array(0), 3);
  const search = new NearestNeighbourSearch(empty, 3);
  assert.equal(search.search([0, 0, 0]), 0);

  const few = buildKdTree(new Float32Array([0, 0, 1, 1, 2, 2]), 2);
  const { indices, squaredDistances } = findNearestNeighbours(few, [0.9, 0.9], 5);
  assert.deepEqual(Array.from(indices), [1, 0, 2, -1, -1]);
  assert.ok(Math.abs(squaredDistances[0] - 0.02) < 1e-6);
  assert.equal(new NearestNeighbourSearch(few, 5).cellBound(0), Number.POSITIVE_INFINITY);

  const same = buildKdTree(new Float32Array(100 * 2).fill(0.5), 2, 4);
  const s = new NearestNeighbourSearch(same, 10);
  assert.equal(s.search([0.5, 0.5]), 10);
  assert.equal(s.squaredDistances[9], 0);
  assert.throws(() => buildKdTree(new Float32Array(5), 2), RangeError);

  // All equal but one point, which the builder's sampling of large nodes does not see.
  const almost = new Float32Array(1000 * 2);
  almost.set([1, 1], 7 * 2);
  const tree = buildKdTree(almost, 2, 4);
  const one = new NearestNeighbourSearch(tree, 1);
  one.search([0.9, 0.9]);
  assert.equal(one.indices[0], 7);
  assert.ok(Math.abs(one.squaredDistances[0] - 0.02) < 1e-12);
  assert.equal(tree.leafOf[tree.positions[7]] === tree.leafOf[tree.positions[0]], false);
});
