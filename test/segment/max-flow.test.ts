import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MaxFlowGraph } from '../../src/segment/studio/max-flow.ts';
import { Random } from '../../src/synth/random.ts';

interface Edge {
  a: number;
  b: number;
  forward: number;
  backward: number;
}

interface Problem {
  n: number;
  source: number[];
  sink: number[];
  edges: Edge[];
}

/** Capacity of the cut whose source side is `inSource`. */
function cutCapacity(problem: Problem, inSource: (i: number) => boolean): number {
  let sum = 0;
  for (let i = 0; i < problem.n; i++) sum += inSource(i) ? problem.sink[i] : problem.source[i];
  for (const { a, b, forward, backward } of problem.edges) {
    if (inSource(a) && !inSource(b)) sum += forward;
    if (inSource(b) && !inSource(a)) sum += backward;
  }
  return sum;
}

/** The minimum over all 2^n cuts. */
function bruteForceMinCut(problem: Problem): number {
  let best = Number.POSITIVE_INFINITY;
  for (let mask = 0; mask < 1 << problem.n; mask++) {
    best = Math.min(
      best,
      cutCapacity(problem, (i) => ((mask >> i) & 1) === 1),
    );
  }
  return best;
}

function solve(problem: Problem): { flow: number; graph: MaxFlowGraph } {
  const graph = new MaxFlowGraph(problem.n, problem.edges.length);
  for (let i = 0; i < problem.n; i++) graph.addTerminalWeights(i, problem.source[i], problem.sink[i]);
  for (const { a, b, forward, backward } of problem.edges) graph.addEdge(a, b, forward, backward);
  return { flow: graph.maxFlow(), graph };
}

function randomProblem(rng: Random, n: number, density: number, integer: boolean): Problem {
  const value = (max: number) => (integer ? rng.int(0, max) : rng.range(0, max));
  const source: number[] = [];
  const sink: number[] = [];
  for (let i = 0; i < n; i++) {
    // Many nodes without terminal links, as in a pixel graph's interior.
    source.push(rng.chance(0.4) ? value(10) : 0);
    sink.push(rng.chance(0.4) ? value(10) : 0);
  }
  const edges: Edge[] = [];
  for (let a = 0; a < n; a++) {
    for (let b = a + 1; b < n; b++) {
      if (!rng.chance(density)) continue;
      const e = { a, b, forward: value(8), backward: rng.chance(0.3) ? 0 : value(8) };
      edges.push(rng.chance(0.5) ? e : { a: b, b: a, forward: e.backward, backward: e.forward });
      // An occasional parallel edge.
      if (rng.chance(0.05)) edges.push({ a, b, forward: value(3), backward: value(3) });
    }
  }
  return { n, source, sink, edges };
}

test('max flow equals the brute-force minimum cut on 600 small random graphs', () => {
  const rng = new Random(2024, 7);
  for (let trial = 0; trial < 600; trial++) {
    const n = rng.int(1, 11);
    const problem = randomProblem(rng, n, rng.range(0.1, 0.8), trial % 2 === 0);
    const expected = bruteForceMinCut(problem);
    const { flow, graph } = solve(problem);
    const what = `trial ${trial} (n = ${n}, ${problem.edges.length} edges)`;
    assert.ok(Math.abs(flow - expected) <= 1e-9 * Math.max(1, expected), `${what}: ${flow} vs ${expected}`);
    // The reported source set is a cut of exactly that capacity.
    const cut = cutCapacity(problem, (i) => graph.inSourceSet(i));
    assert.ok(Math.abs(cut - expected) <= 1e-9 * Math.max(1, expected), `${what}: cut ${cut}`);
    const set = graph.sourceSet();
    for (let i = 0; i < n; i++) assert.equal(set[i] === 1, graph.inSourceSet(i));
  }
});

/** Edmonds–Karp on an adjacency matrix: slow, obviously correct, independent of the tree machinery. */
function edmondsKarp(problem: Problem): number {
  const n = problem.n + 2;
  const s = problem.n;
  const t = problem.n + 1;
  const cap = Array.from({ length: n }, () => new Float64Array(n));
  for (let i = 0; i < problem.n; i++) {
    cap[s][i] += problem.source[i];
    cap[i][t] += problem.sink[i];
  }
  for (const { a, b, forward, backward } of problem.edges) {
    cap[a][b] += forward;
    cap[b][a] += backward;
  }
  let flow = 0;
  const previous = new Int32Array(n);
  for (;;) {
    previous.fill(-1);
    previous[s] = s;
    const queue = [s];
    for (let q = 0; q < queue.length && previous[t] < 0; q++) {
      const u = queue[q];
      for (let v = 0; v < n; v++) {
        if (previous[v] < 0 && cap[u][v] > 1e-12) {
          previous[v] = u;
          queue.push(v);
        }
      }
    }
    if (previous[t] < 0) return flow;
    let bottleneck = Number.POSITIVE_INFINITY;
    for (let v = t; v !== s; v = previous[v]) bottleneck = Math.min(bottleneck, cap[previous[v]][v]);
    for (let v = t; v !== s; v = previous[v]) {
      cap[previous[v]][v] -= bottleneck;
      cap[v][previous[v]] += bottleneck;
    }
    flow += bottleneck;
  }
}

test('max flow on 8-connected grids matches Edmonds–Karp', () => {
  const rng = new Random(99, 3);
  for (let trial = 0; trial < 8; trial++) {
    const width = rng.int(5, 14);
    const height = rng.int(5, 12);
    const n = width * height;
    const source: number[] = [];
    const sink: number[] = [];
    // A blob of "foreground" evidence in the middle, background evidence around it, noise everywhere.
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const inside = Math.hypot(x - width / 2, y - height / 2) < Math.min(width, height) / 3;
        source.push(inside ? rng.range(0, 6) : rng.range(0, 2));
        sink.push(inside ? rng.range(0, 2) : rng.range(0, 6));
      }
    }
    const edges: Edge[] = [];
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const p = y * width + x;
        const w = () => rng.range(0, 3);
        if (x + 1 < width) edges.push({ a: p, b: p + 1, forward: w(), backward: w() });
        if (y + 1 < height) edges.push({ a: p, b: p + width, forward: w(), backward: w() });
        if (x + 1 < width && y + 1 < height)
          edges.push({ a: p, b: p + width + 1, forward: w(), backward: w() });
        if (x > 0 && y + 1 < height) edges.push({ a: p, b: p + width - 1, forward: w(), backward: w() });
      }
    }
    const problem = { n, source, sink, edges };
    const expected = edmondsKarp(problem);
    const { flow, graph } = solve(problem);
    assert.ok(
      Math.abs(flow - expected) <= 1e-9 * expected,
      `grid ${width}×${height}: ${flow} vs ${expected}`,
    );
    const cut = cutCapacity(problem, (i) => graph.inSourceSet(i));
    assert.ok(Math.abs(cut - expected) <= 1e-9 * expected, `grid ${width}×${height}: cut ${cut}`);
  }
});

test('max flow on 300 larger random graphs matches Edmonds–Karp', () => {
  const rng = new Random(7, 11);
  for (let trial = 0; trial < 300; trial++) {
    const n = rng.int(12, 60);
    const problem = randomProblem(rng, n, rng.range(2, 6) / n, trial % 3 === 0);
    const expected = edmondsKarp(problem);
    const { flow, graph } = solve(problem);
    const what = `trial ${trial} (n = ${n}, ${problem.edges.length} edges)`;
    assert.ok(Math.abs(flow - expected) <= 1e-9 * Math.max(1, expected), `${what}: ${flow} vs ${expected}`);
    const cut = cutCapacity(problem, (i) => graph.inSourceSet(i));
    assert.ok(Math.abs(cut - expected) <= 1e-9 * Math.max(1, expected), `${what}: cut ${cut}`);
  }
});

test('grid edges added in bulk give the same flow and cut as one by one', () => {
  const random = new Random(31, 2);
  const width = 23;
  const height = 17;
  const n = width * height;
  const weights = Array.from({ length: 4 }, () =>
    Float32Array.from({ length: n }, () => (random.chance(0.1) ? 0 : random.range(0, 4))),
  );
  const [right, down, downRight, downLeft] = weights;
  const source = Array.from({ length: n }, () => random.range(0, 5));
  const sink = Array.from({ length: n }, () => random.range(0, 5));
  const bulk = new MaxFlowGraph(n, 10);
  const single = new MaxFlowGraph(n, 4 * n);
  for (const graph of [bulk, single])
    for (let i = 0; i < n; i++) graph.addTerminalWeights(i, source[i], sink[i]);
  bulk.addGridEdges(width, height, right, down, downRight, downLeft);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (x + 1 < width && right[i] > 0) single.addEdge(i, i + 1, right[i], right[i]);
      if (y + 1 < height && down[i] > 0) single.addEdge(i, i + width, down[i], down[i]);
      if (x + 1 < width && y + 1 < height && downRight[i] > 0)
        single.addEdge(i, i + width + 1, downRight[i], downRight[i]);
      if (x > 0 && y + 1 < height && downLeft[i] > 0)
        single.addEdge(i, i + width - 1, downLeft[i], downLeft[i]);
    }
  }
  const flow = bulk.maxFlow();
  assert.ok(Math.abs(flow - single.maxFlow()) < 1e-9 * flow);
  assert.deepEqual(bulk.sourceSet(), single.sourceSet());
  assert.throws(() => new MaxFlowGraph(5).addGridEdges(2, 2, right, down, downRight, downLeft), RangeError);
});

test('hand-computed cases', () => {
  // s → 0 (3), 0 → 1 (2), 1 → t (4): the middle edge limits the flow to 2; the cut separates 0 from 1.
  const chain = new MaxFlowGraph(2, 1);
  chain.addTerminalWeights(0, 3, 0);
  chain.addTerminalWeights(1, 0, 4);
  chain.addEdge(0, 1, 2, 0);
  assert.equal(chain.maxFlow(), 2);
  assert.deepEqual([...chain.sourceSet()], [1, 0]);

  // Terminal weights on one node cancel: min(5, 3) flows at once, the node keeps 2 towards the source.
  const single = new MaxFlowGraph(1);
  single.addTerminalWeights(0, 5, 0);
  single.addTerminalWeights(0, 0, 3);
  assert.equal(single.maxFlow(), 3);
  assert.equal(single.inSourceSet(0), true);

  // No terminal links at all: no flow, every node on the sink side.
  const empty = new MaxFlowGraph(3, 2);
  empty.addEdge(0, 1, 1, 1);
  empty.addEdge(1, 2, 1, 1);
  assert.equal(empty.maxFlow(), 0);
  assert.deepEqual([...empty.sourceSet()], [0, 0, 0]);

  // The arrays grow past the edge hint.
  const grown = new MaxFlowGraph(50, 1);
  for (let i = 0; i < 49; i++) grown.addEdge(i, i + 1, 1, 1);
  grown.addTerminalWeights(0, 10, 0);
  grown.addTerminalWeights(49, 0, 10);
  assert.equal(grown.maxFlow(), 1);
});

test('invalid use is refused', () => {
  const graph = new MaxFlowGraph(2);
  assert.throws(() => graph.addEdge(0, 0, 1, 1), RangeError);
  assert.throws(() => graph.addEdge(0, 2, 1, 1), RangeError);
  assert.throws(() => graph.addEdge(0, 1, -1, 1), RangeError);
  assert.throws(() => graph.addTerminalWeights(1, Number.NaN, 0), RangeError);
  assert.throws(() => graph.inSourceSet(0), /maxFlow/);
  graph.maxFlow();
  assert.throws(() => graph.addEdge(0, 1, 1, 1), /solved/);
  assert.throws(() => new MaxFlowGraph(-1), RangeError);
});
