/**
 * The memory-saving forms of the matting systems: half storage of the symmetric matrices, the factor's
 * memory bound, k-d tree reuse and the tile budget. Each is checked against the plain form it replaces.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildClosedFormSystem } from '../../src/matting/closed-form-laplacian.ts';
import { conjugateGradient } from '../../src/matting/conjugate-gradient.ts';
import { estimateAlphaTiled } from '../../src/matting/estimate-alpha-tiled.ts';
import { applyIncompleteCholesky, incompleteCholesky } from '../../src/matting/incomplete-cholesky.ts';
import { buildKnnSystem } from '../../src/matting/knn-laplacian.ts';
import { buildLearningBasedSystem } from '../../src/matting/learning-based-laplacian.ts';
import { buildKdTree, NearestNeighbourSearch } from '../../src/matting/nearest-neighbours.ts';
import { type CsrMatrix, csrMultiply, csrToDense } from '../../src/matting/sparse.ts';
import { maxDifference, twoColourScene } from '../helpers/two-colour-scene.ts';

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function product(matrix: CsrMatrix, x: Float64Array): Float64Array {
  const y = new Float64Array(matrix.n);
  csrMultiply(matrix, x, y);
  return y;
}

test('upper storage of the window Laplacians is the full matrix halved', () => {
  const { image, trimap } = twoColourScene(40, 30, 1);
  for (const build of [buildClosedFormSystem, buildLearningBasedSystem]) {
    const full = build(image, trimap);
    const upper = build(image, trimap, { storage: 'upper' });
    assert.equal(upper.matrix.symmetric, 'upper');
    assert.deepEqual(upper.rhs, full.rhs);
    assert.deepEqual(upper.pixels, full.pixels);
    const n = full.matrix.n;
    // Diagonal plus one entry per stored pair: (nnz(full) + n) / 2.
    assert.equal(upper.matrix.values.length, (full.matrix.values.length + n) / 2);
    for (let i = 0; i < n; i++) {
      const first = upper.matrix.rowStart[i];
      assert.equal(upper.matrix.columns[first], i, 'diagonal first');
      for (let k = first; k < upper.matrix.rowStart[i + 1]; k++) assert.ok(upper.matrix.columns[k] >= i);
    }
    // Same entries: each pair is summed in the same order in both builds.
    assert.deepEqual(csrToDense(upper.matrix), csrToDense(full.matrix));
    const x = Float64Array.from({ length: n }, random(2));
    assert.ok(maxDifference(product(upper.matrix, x), product(full.matrix, x)) < 1e-12);
  }
});

test('KNN upper and pairs storage give the full matrix products', () => {
  const { image, trimap } = twoColourScene(36, 28, 3);
  for (const kernel of ['binary', 'soft'] as const) {
    const full = buildKnnSystem(image, trimap, { kernel });
    const x = Float64Array.from({ length: full.matrix.n }, random(4));
    const expected = product(full.matrix, x);
    const dense = csrToDense(full.matrix);
    for (const storage of ['upper', 'pairs'] as const) {
      const half = buildKnnSystem(image, trimap, { kernel, storage });
      assert.equal(half.matrix.symmetric, storage);
      assert.deepEqual(half.rhs, full.rhs);
      assert.ok(half.matrix.values.length < full.matrix.values.length);
      // 'pairs' may split a pair's weight over two Float32 entries: equal to Float32 rounding.
      assert.ok(maxDifference(csrToDense(half.matrix), dense) < 1e-6, `${kernel} ${storage} entries`);
      assert.ok(maxDifference(product(half.matrix, x), expected) < 1e-5, `${kernel} ${storage} product`);
    }
  }
});

test('incomplete Cholesky of the upper triangle equals that of the full matrix', () => {
  const { image, trimap } = twoColourScene(40, 30, 5);
  const full = incompleteCholesky(buildClosedFormSystem(image, trimap).matrix, { threshold: 5e-4 });
  const upper = incompleteCholesky(buildClosedFormSystem(image, trimap, { storage: 'upper' }).matrix, {
    threshold: 5e-4,
  });
  assert.deepEqual(upper.colStart, full.colStart);
  assert.deepEqual(upper.rows, full.rows);
  assert.ok(maxDifference(upper.values, full.values) < 1e-6);
  const pairs = buildKnnSystem(image, trimap, { storage: 'pairs' }).matrix;
  assert.throws(() => incompleteCholesky(pairs), RangeError);
});

test('the memory bound doubles the drop threshold until the factor fits, and it still preconditions', () => {
  const { image, trimap } = twoColourScene(48, 40, 7);
  const system = buildClosedFormSystem(image, trimap, { storage: 'upper' });
  const unbounded = incompleteCholesky(system.matrix, { threshold: 5e-4, baseShift: 5e-5 });
  assert.equal(unbounded.restarts, 0);
  const maxEntries = Math.floor(0.6 * unbounded.values.length);
  const bounded = incompleteCholesky(system.matrix, { threshold: 5e-4, baseShift: 5e-5, maxEntries });
  assert.ok(bounded.values.length <= maxEntries, `${bounded.values.length} > ${maxEntries}`);
  assert.ok(bounded.restarts >= 1);
  assert.equal(bounded.threshold, 5e-4 * 2 ** bounded.restarts);
  // The same factor as one computed with that threshold from the start.
  const direct = incompleteCholesky(system.matrix, { threshold: bounded.threshold, baseShift: 5e-5 });
  assert.deepEqual(bounded.rows, direct.rows);
  assert.ok(maxDifference(bounded.values, direct.values) < 1e-6);
  const solved = conjugateGradient((x, y) => csrMultiply(system.matrix, x, y), system.rhs, {
    tolerance: 1e-6,
    maxIterations: 500,
    preconditioner: (r, z) => applyIncompleteCholesky(bounded, r, z),
  });
  assert.ok(solved.converged, `${solved.iterations} iterations`);
});

test('a reused k-d tree finds the same neighbours as a fresh one', () => {
  const rand = random(9);
  const dimension = 5;
  const first = Float32Array.from({ length: 3000 * dimension }, rand);
  const second = Float32Array.from({ length: 3000 * dimension }, rand);
  const old = buildKdTree(first, dimension, 16);
  const reused = buildKdTree(second, dimension, 16, old);
  assert.equal(reused.points.buffer, old.points.buffer, 'memory taken over');
  const fresh = buildKdTree(second, dimension, 16);
  const a = new NearestNeighbourSearch(reused, 7);
  const b = new NearestNeighbourSearch(fresh, 7);
  for (let q = 0; q < 200; q++) {
    const found = a.search(second, q * dimension);
    const ids = [...a.indices.subarray(0, found)].sort((x, y) => x - y);
    const expected = [...b.indices.subarray(0, b.search(second, q * dimension))].sort((x, y) => x - y);
    assert.deepEqual(ids, expected);
  }
});

test('tiles in flight stay within the unknown-pixel budget, largest first, then first fit', async () => {
  const { image, trimap } = twoColourScene(200, 120, 11);
  const events: { unknown: number; inFlight: number }[] = [];
  let inFlight = 0;
  const budget = 800;
  const result = await estimateAlphaTiled(
    image,
    trimap,
    async (tileImage, tileTrimap) => {
      let unknown = 0;
      for (const t of tileTrimap.data) if (t > 0 && t < 255) unknown++;
      inFlight += unknown;
      events.push({ unknown, inFlight });
      await new Promise((done) => setTimeout(done, 5));
      inFlight -= unknown;
      return {
        alpha: {
          data: new Float32Array(tileImage.width * tileImage.height),
          width: tileImage.width,
          height: tileImage.height,
        },
        iterations: 1,
        unknownCount: unknown,
        converged: true,
      };
    },
    { tileSize: 20, margin: 8, maxUnknownsInFlight: budget },
  );
  assert.equal(events.length, result.tiles.length);
  assert.ok(events.length > 3);
  assert.ok(
    events.some((e) => e.inFlight > e.unknown),
    'some tiles ran side by side',
  );
  for (const e of events) assert.ok(e.inFlight <= Math.max(budget, e.unknown), JSON.stringify(e));
  assert.equal(events[0].unknown, Math.max(...events.map((e) => e.unknown)));
  // First fit: a smaller tile that fits beside those running starts before a larger one that does not.
  assert.ok(
    events.some((e, i) => i > 0 && e.unknown > events[i - 1].unknown),
    `starts in order of size only: ${events.map((e) => e.unknown).join(' ')}`,
  );
});
