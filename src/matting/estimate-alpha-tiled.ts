/**
 * Alpha for a whole image, solved tile by tile (see tile-plan.ts). The tile solver is passed in, so the
 * same code runs tiles one after another in a browser worker or spreads them over a pool of threads.
 */
import type { InterleavedF32, PlaneF32, Trimap } from '../core/image.ts';
import { cropInterleaved, cropTrimap } from '../core/rect.ts';
import { type AbortLike, throwIfAborted } from './abort.ts';
import {
  countUnknownIn,
  type MattingTile,
  pasteTileCore,
  planMattingTiles,
  type TilePlanOptions,
} from './tile-plan.ts';

export interface TileSolution {
  alpha: PlaneF32;
  iterations: number;
  unknownCount: number;
  converged: boolean;
}

/** Solves one tile: the image and trimap cropped to the tile's solve rectangle. */
export type TileSolver = (image: InterleavedF32, trimap: Trimap) => Promise<TileSolution> | TileSolution;

export interface TiledMattingOptions extends TilePlanOptions {
  /**
   * Memory bound: tiles are handed to `solveTile` while the unknown pixels of the tiles in flight stay within
   * this many (a tile larger than the bound runs alone). A tile's solve holds several hundred bytes per
   * unknown, so this is what bounds the peak when tiles run side by side. Default: no bound.
   */
  maxUnknownsInFlight?: number;
  onProgress?: (fraction: number) => void;
  signal?: AbortLike;
}

export interface TiledMattingResult {
  alpha: PlaneF32;
  tiles: MattingTile[];
  /** The largest iteration count of any tile (tiles run side by side, so this is the critical path). */
  iterations: number;
  unknownCount: number;
  converged: boolean;
}

export async function estimateAlphaTiled(
  image: InterleavedF32,
  trimap: Trimap,
  solveTile: TileSolver,
  options: TiledMattingOptions = {},
): Promise<TiledMattingResult> {
  const { width, height } = trimap;
  const alpha = new Float32Array(width * height);
  let unknownCount = 0;
  for (let i = 0; i < alpha.length; i++) {
    const t = trimap.data[i];
    alpha[i] = t === 255 ? 1 : 0;
    if (t > 0 && t < 255) unknownCount++;
  }
  const result: PlaneF32 = { data: alpha, width, height };
  const tiles = planMattingTiles(trimap, options);
  const budget = options.maxUnknownsInFlight ?? Number.POSITIVE_INFINITY;
  // Largest first: the longest solve starts at once (the critical path) and, under a budget, runs alone.
  const queue = tiles
    .map((tile) => ({ tile, unknown: countUnknownIn(trimap, tile.solve) }))
    .sort((a, b) => b.unknown - a.unknown);
  let done = 0;
  let iterations = 0;
  let converged = true;
  let inFlight = 0;
  const running = new Set<Promise<void>>();
  const solve = async (tile: MattingTile) => {
    throwIfAborted(options.signal);
    const solved = await solveTile(cropInterleaved(image, tile.solve), cropTrimap(trimap, tile.solve));
    throwIfAborted(options.signal);
    pasteTileCore(result, tile, solved.alpha);
    iterations = Math.max(iterations, solved.iterations);
    converged &&= solved.converged;
    options.onProgress?.(++done / tiles.length);
  };
  // The first failure is kept and thrown once nothing is left running (no rejection goes unhandled).
  let failure: { error: unknown } | undefined;
  while (queue.length > 0 && !failure) {
    // The largest tile that fits beside those running (first fit): a smaller one need not wait for a
    // larger one ahead of it. With nothing running, the largest starts even over the budget, alone.
    const pick = running.size === 0 ? 0 : queue.findIndex((entry) => inFlight + entry.unknown <= budget);
    if (pick < 0) {
      await Promise.race(running);
      continue;
    }
    const { tile, unknown } = queue.splice(pick, 1)[0];
    inFlight += unknown;
    const job: Promise<void> = solve(tile)
      .catch((error: unknown) => {
        failure ??= { error };
      })
      .finally(() => {
        inFlight -= unknown;
        running.delete(job);
      });
    running.add(job);
  }
  await Promise.all(running);
  if (failure) throw failure.error;
  return { alpha: result, tiles, iterations, unknownCount, converged };
}
