import assert from 'node:assert/strict';
import { test } from 'node:test';
import { colourMixtureWeights } from '../../src/matting/colour-mixture-weights.ts';
import { buildKdTree } from '../../src/matting/nearest-neighbours.ts';
import {
  type NeighbourTree,
  WeightedNeighbourSearch,
} from '../../src/matting/weighted-nearest-neighbours.ts';
import { Random } from '../../src/synth/index.ts';

/** w ∝ (ZZᵀ + εI)⁻¹1 by Gaussian elimination on the K×K system, normalised to sum to 1. */
function denseMixtureWeights(colours: number[], query: number[], regularisation: number): number[] {
  const k = colours.length / 3;
  const a: number[][] = [];
  for (let i = 0; i < k; i++) {
    const row: number[] = [];
    for (let j = 0; j < k; j++) {
      let dot = i === j ? regularisation : 0;
      for (let c = 0; c < 3; c++) dot += (colours[i * 3 + c] - query[c]) * (colours[j * 3 + c] - query[c]);
      row.push(dot);
    }
    row.push(1);
    a.push(row);
  }
  for (let col = 0; col < k; col++) {
    let pivot = col;
    for (let r = col + 1; r < k; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
    [a[col], a[pivot]] = [a[pivot], a[col]];
    for (let r = 0; r < k; r++) {
      if (r === col) continue;
      const f = a[r][col] / a[col][col];
      for (let c = col; c <= k; c++) a[r][c] -= f * a[col][c];
    }
  }
  const w = a.map((row, i) => row[k] / row[i]);
  const sum = w.reduce((s, v) => s + v, 0);
  return w.map((v) => v / sum);
}

function mixture(colours: number[], query: number[], regularisation: number): Float64Array {
  const k = colours.length / 3;
  const all = Float32Array.from([...query, ...colours]);
  const offsets = Int32Array.from({ length: k }, (_, i) => 3 + i * 3);
  const weights = new Float64Array(k);
  colourMixtureWeights(all, 0, offsets, k, regularisation, weights);
  return weights;
}

test('colour-mixture weights sum to 1 and rebuild a colour inside their neighbours’ span', () => {
  const random = new Random(11, 1);
  for (let trial = 0; trial < 20; trial++) {
    const k = 20;
    const colours = Array.from({ length: k * 3 }, () => random.next());
    // A convex combination of the neighbours, so an exact rebuild exists.
    const mix = Array.from({ length: k }, () => random.next());
    const total = mix.reduce((s, v) => s + v, 0);
    const query = [0, 1, 2].map((c) => mix.reduce((s, m, i) => s + (m / total) * colours[i * 3 + c], 0));
    const w = mixture(colours, query, 1e-10);
    assert.ok(Math.abs(w.reduce((s, v) => s + v, 0) - 1) < 1e-12);
    for (let c = 0; c < 3; c++) {
      // Float32 storage of the colours limits the rebuild to about 1e-7.
      const rebuilt = w.reduce((s, v, i) => s + v * Math.fround(colours[i * 3 + c]), 0);
      assert.ok(Math.abs(rebuilt - Math.fround(query[c])) < 1e-5, `channel ${c}: ${rebuilt} vs ${query[c]}`);
    }
  }
});

test('colour-mixture weights equal the K×K LLE solve (Woodbury identity)', () => {
  const random = new Random(12, 1);
  for (const regularisation of [1e-3, 1e-5]) {
    for (let trial = 0; trial < 10; trial++) {
      const k = 7 + trial;
      const colours = Array.from({ length: k * 3 }, () => Math.fround(random.next()));
      const query = [0, 1, 2].map(() => Math.fround(random.next()));
      const w = mixture(colours, query, regularisation);
      const reference = denseMixtureWeights(colours, query, regularisation);
      for (let i = 0; i < k; i++) {
        assert.ok(
          Math.abs(w[i] - reference[i]) < 1e-6 * (1 + Math.abs(reference[i])),
          `ε ${regularisation}, K ${k}, weight ${i}: ${w[i]} vs ${reference[i]}`,
        );
      }
    }
  }
});

test('colour-mixture weights in flat regions and on a line', () => {
  // All neighbours alike: nothing to choose between them.
  const flat = mixture([0.3, 0.4, 0.5, 0.3, 0.4, 0.5, 0.3, 0.4, 0.5, 0.3, 0.4, 0.5], [0.3, 0.4, 0.5], 1e-5);
  for (const v of flat) assert.ok(Math.abs(v - 0.25) < 1e-12);
  // Midway between two colours: half of each.
  const line = mixture([0.2, 0.2, 0.2, 0.6, 0.4, 0.8], [0.4, 0.3, 0.5], 1e-10);
  assert.ok(Math.abs(line[0] - 0.5) < 1e-6 && Math.abs(line[1] - 0.5) < 1e-6, `${line[0]}, ${line[1]}`);
});

/** Random (r, g, b, x, y) points in three trees built with different position scales. */
function randomForest(seed: number): { points: Float64Array; forest: NeighbourTree[] } {
  const random = new Random(seed, 1);
  const count = 600;
  const points = new Float64Array(count * 5);
  for (let i = 0; i < count * 5; i++) points[i] = Math.fround(random.next());
  const scales = [1, 3, 0.05];
  const forest = scales.map((scale, t) => {
    const members = Int32Array.from({ length: count / 3 }, (_, i) => i * 3 + t);
    const features = new Float32Array(members.length * 5);
    members.forEach((p, i) => {
      for (let d = 0; d < 5; d++) features[i * 5 + d] = points[p * 5 + d] * (d >= 3 ? scale : 1);
    });
    return { tree: buildKdTree(features, 5, 8), pixels: members, positionScale: scale };
  });
  return { points, forest };
}

function bruteForce(points: Float64Array, members: number[], query: number, weights: number[], k: number) {
  const distances = members
    .filter((p) => p !== query)
    .map((p) => {
      let d2 = 0;
      for (let d = 0; d < 5; d++) d2 += weights[d] * (points[query * 5 + d] - points[p * 5 + d]) ** 2;
      return { p, d2 };
    })
    .sort((a, b) => a.d2 - b.d2);
  return distances.slice(0, k);
}

test('weighted neighbour search over a forest matches brute force', () => {
  const { points, forest } = randomForest(5);
  const all = Array.from({ length: points.length / 5 }, (_, i) => i);
  for (const weights of [
    [1, 1, 1, 1, 1],
    [1, 1, 1, 100, 100],
    [1, 1, 1, 0.0025, 0.0025],
  ]) {
    for (const [trees, members] of [
      [forest, all],
      [[forest[1]], all.filter((p) => p % 3 === 1)],
    ] as const) {
      const search = new WeightedNeighbourSearch(trees, 7, weights);
      for (let query = 0; query < 60; query++) {
        const found = search.search(points, query * 5, query);
        const expected = bruteForce(points, members, query, weights, 7);
        assert.equal(found, 7);
        for (let i = 0; i < 7; i++) {
          assert.ok(Math.abs(search.squaredDistances[i] - expected[i].d2) < 1e-6 * (1 + expected[i].d2));
          assert.equal(search.pixels[i], expected[i].p);
        }
      }
    }
  }
});

test('approximate search stays within (1 + ε) of the exact distances', () => {
  const { points, forest } = randomForest(6);
  const all = Array.from({ length: points.length / 5 }, (_, i) => i);
  const weights = [1, 1, 1, 4, 4];
  for (const epsilon of [0.5, 2]) {
    const search = new WeightedNeighbourSearch(forest, 10, weights, epsilon);
    let worse = 0;
    for (let query = 0; query < 100; query++) {
      const found = search.search(points, query * 5, query);
      const expected = bruteForce(points, all, query, weights, 10);
      assert.equal(found, 10);
      const seen = new Set<number>();
      for (let i = 0; i < 10; i++) {
        const p = search.pixels[i];
        assert.ok(p !== query && !seen.has(p));
        seen.add(p);
        if (i > 0) assert.ok(search.squaredDistances[i] >= search.squaredDistances[i - 1]);
        assert.ok(search.squaredDistances[i] <= (1 + epsilon) ** 2 * expected[i].d2 * (1 + 1e-9));
        if (search.squaredDistances[i] > expected[i].d2 * (1 + 1e-9)) worse++;
      }
    }
    if (epsilon === 2) assert.ok(worse > 0, 'ε = 2 never changed an answer: is the approximation applied?');
  }
  // Fewer points than k: all of them.
  const small = new WeightedNeighbourSearch([forest[0]], 500, weights);
  assert.equal(small.search(points, 0, -1), 200);
  assert.throws(() => new WeightedNeighbourSearch(forest, 0, weights), RangeError);
  assert.throws(() => new WeightedNeighbourSearch(forest, 3, [1, 1, 1]), RangeError);
});
