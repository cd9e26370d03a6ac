/**
 * The memory-lean pieces of KNN matting: the neighbour graph the matrix-free solve multiplies with, the
 * searches for unknown pixels in the tree over every pixel, and a k-d tree that adopts its input array.
 * Each is checked against the plain form it replaces.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { estimateAlphaKnn } from '../../src/matting/estimate-alpha-knn.ts';
import { buildKnnGraph, buildKnnSystem, multiplyKnnGraph } from '../../src/matting/knn-laplacian.ts';
import { UnknownPointSearch } from '../../src/matting/knn-unknown-search.ts';
import { buildKdTree, NearestNeighbourSearch } from '../../src/matting/nearest-neighbours.ts';
import { csrMultiply } from '../../src/matting/sparse.ts';
import { Random } from '../../src/synth/index.ts';
import { maxDifference, twoColourScene } from '../helpers/two-colour-scene.ts';

test('the graph product equals the assembled matrix’s, each mutual link stored once', () => {
  const { image, trimap } = twoColourScene(48, 36, 1);
  let scanEntries = 0;
  let scanMutual = 0;
  for (const kernel of ['binary', 'soft'] as const) {
    for (const order of ['scan', 'rcm'] as const) {
      const graph = buildKnnGraph(image, trimap, { kernel, order });
      const system = buildKnnSystem(image, trimap, { kernel, order });
      assert.deepEqual(graph.pixels, system.pixels);
      assert.deepEqual(graph.rhs, system.rhs);
      const random = new Random(5, 1);
      const x = Float64Array.from({ length: graph.n }, () => random.next() - 0.5);
      const expected = new Float64Array(graph.n);
      csrMultiply(system.matrix, x, expected);
      const y = new Float64Array(graph.n);
      multiplyKnnGraph(graph, x, y);
      assert.ok(maxDifference(y, expected) < 1e-5, `${kernel} ${order}: ${maxDifference(y, expected)}`);
      // Scan order stores a mutual link (both pixels found each other) once; rcm order stores it twice.
      const mutual = graph.columns.filter((c) => c < 0).length;
      if (order === 'scan') {
        if (kernel === 'binary') {
          assert.ok(mutual > 0.25 * graph.columns.length, `${mutual} mutual of ${graph.columns.length}`);
          scanEntries = graph.columns.length;
          scanMutual = mutual;
        } else assert.equal(graph.columns.length, scanEntries);
      } else {
        assert.equal(mutual, 0);
        assert.equal(graph.rows?.length, graph.n);
        assert.equal(graph.columns.length, scanEntries + scanMutual);
      }
    }
  }
});

test('the matrix-free solve matches the solve of the assembled matrix', () => {
  const { image, trimap } = twoColourScene(40, 30, 2);
  const free = estimateAlphaKnn(image, trimap, { tolerance: 1e-9 });
  const assembled = estimateAlphaKnn(image, trimap, { tolerance: 1e-9, preconditioner: 'ichol' });
  assert.ok(free.converged && assembled.converged);
  assert.ok(maxDifference(free.alpha.data, assembled.alpha.data) < 1e-5);
  const plain = estimateAlphaKnn(image, trimap, { tolerance: 1e-9, preconditioner: 'none' });
  assert.ok(maxDifference(free.alpha.data, plain.alpha.data) < 1e-5);
  // Jacobi preconditioning pays on this system.
  assert.ok(free.iterations < plain.iterations, `${free.iterations} vs ${plain.iterations}`);
});

test('searches among the marked points agree with brute force', () => {
  const random = new Random(9, 2);
  const dimension = 5;
  const size = 2000;
  const points = Float32Array.from({ length: size * dimension }, () => random.next());
  const unknownIndex = new Int32Array(size).fill(-1);
  let count = 0;
  for (let p = 0; p < size; p++) if (random.next() < 0.1) unknownIndex[p] = count++;
  const tree = buildKdTree(points, dimension, 16);
  const search = new UnknownPointSearch(tree, unknownIndex);
  for (let trial = 0; trial < 300; trial++) {
    const q = Math.floor(random.next() * size);
    const radius = 0.1 * random.next() ** 2;
    let nearest = Number.POSITIVE_INFINITY;
    for (let p = 0; p < size; p++) {
      if (unknownIndex[p] < 0) continue;
      let d2 = 0;
      for (let d = 0; d < dimension; d++) d2 += (points[q * dimension + d] - points[p * dimension + d]) ** 2;
      nearest = Math.min(nearest, d2);
    }
    const found = search.nearestWithin(points, q * dimension, radius);
    assert.equal(found, nearest <= radius, `query ${q}, radius ${radius}`);
    if (found) assert.equal(search.squaredDistance, nearest);

    // A box around the query point, half a side 0.05 in every dimension.
    const lower = Array.from({ length: dimension }, (_, d) => points[q * dimension + d] - 0.05);
    const upper = lower.map((v) => v + 0.1);
    let boxNearest = Number.POSITIVE_INFINITY;
    for (let p = 0; p < size; p++) {
      if (unknownIndex[p] < 0) continue;
      let d2 = 0;
      for (let d = 0; d < dimension; d++) {
        const v = points[p * dimension + d];
        d2 += Math.max(0, lower[d] - v, v - upper[d]) ** 2;
      }
      boxNearest = Math.min(boxNearest, d2);
    }
    assert.equal(search.hasPointNearBox(lower, upper, radius), boxNearest <= radius);
  }
});

test('a k-d tree that adopts its input array finds what a copying one finds', () => {
  const random = new Random(11, 4);
  const dimension = 5;
  const points = Float32Array.from({ length: 3000 * dimension }, () => random.next());
  const copy = points.slice();
  const copied = buildKdTree(points, dimension, 16);
  const adopted = buildKdTree(copy, dimension, 16, undefined, true);
  assert.equal(adopted.points, copy, 'the input array is the tree’s');
  const a = new NearestNeighbourSearch(adopted, 9);
  const b = new NearestNeighbourSearch(copied, 9);
  for (let q = 0; q < 200; q++) {
    const found = a.search(points, q * dimension);
    assert.deepEqual(
      [...a.indices.subarray(0, found)].sort((x, y) => x - y),
      [...b.indices.subarray(0, b.search(points, q * dimension))].sort((x, y) => x - y),
    );
  }
  // Refilled in original order and adopted again, with the old tree's memory.
  copy.set(points);
  const again = buildKdTree(copy, dimension, 16, adopted, true);
  assert.equal(again.points.buffer, copy.buffer);
  assert.equal(again.start.buffer, adopted.start.buffer);
  const c = new NearestNeighbourSearch(again, 9);
  for (let q = 0; q < 50; q++) {
    const found = c.search(points, q * dimension);
    assert.deepEqual(
      [...c.indices.subarray(0, found)].sort((x, y) => x - y),
      [...b.indices.subarray(0, b.search(points, q * dimension))].sort((x, y) => x - y),
    );
  }
});
