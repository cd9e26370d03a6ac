/**
 * The binary labelling of a pixel grid that minimises Σ data cost + Σ smoothness, by one minimum cut:
 * the source is foreground, the sink background. A pixel cut to the background side pays its
 * source link (its cost as background), one on the foreground side its sink link (its cost as foreground).
 */
import type { GridWeights } from './contrast-weights.ts';
import { MaxFlowGraph } from './max-flow.ts';

/** Per-pixel constraint: free, sure background, sure foreground. */
export const FREE = 0;
export const SURE_BACKGROUND = 1;
export const SURE_FOREGROUND = 2;

/** A capacity no cut can afford: larger than any pixel's total smoothness (8 neighbours × γ). */
const HARD = 1e9;

/**
 * Returns 1 for foreground pixels, 0 for background. `foregroundCost` and `backgroundCost` are the data
 * costs of each label (e.g. negative log-likelihoods); `constraints` holds FREE / SURE_* per pixel.
 * Pass the same `graph` (of width × height nodes) to repeated cuts to reuse its memory.
 */
export function cutGrid(
  foregroundCost: Float32Array,
  backgroundCost: Float32Array,
  constraints: Uint8Array,
  weights: GridWeights,
  out: Uint8Array = new Uint8Array(weights.width * weights.height),
  graph: MaxFlowGraph = new MaxFlowGraph(weights.width * weights.height, 4 * weights.width * weights.height),
): Uint8Array {
  const { width, height, right, down, downRight, downLeft } = weights;
  const n = width * height;
  if (graph.nodeCount !== n) throw new RangeError(`cutGrid: graph has ${graph.nodeCount} nodes, grid ${n}`);
  graph.reset();
  for (let i = 0; i < n; i++) {
    const c = constraints[i];
    if (c === SURE_FOREGROUND) graph.addTerminalWeights(i, HARD, 0);
    else if (c === SURE_BACKGROUND) graph.addTerminalWeights(i, 0, HARD);
    else graph.addTerminalWeights(i, backgroundCost[i], foregroundCost[i]);
  }
  graph.addGridEdges(width, height, right, down, downRight, downLeft);
  graph.maxFlow();
  return graph.sourceSet(out);
}
