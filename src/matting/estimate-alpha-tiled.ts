/**
 * Alpha for a whole image, solved tile by tile (see tile-plan.ts). The tile solver is passed in, so the
 * same code runs tiles one after another in a browser worker or spreads them over a pool of threads.
 */
import type { InterleavedF32, PlaneF32, Trimap } from '../core/image.ts';
import { type AbortLike, throwIfAborted } from './abort.ts';
import {
  cropInterleaved,
  cropTrimap,
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
  let done = 0;
  let iterations = 0;
  let converged = true;
  await Promise.all(
    tiles.map(async (tile) => {
      throwIfAborted(options.signal);
      const solved = await solveTile(cropInterleaved(image, tile.solve), cropTrimap(trimap, tile.solve));
      throwIfAborted(options.signal);
      pasteTileCore(result, tile, solved.alpha);
      iterations = Math.max(iterations, solved.iterations);
      converged &&= solved.converged;
      options.onProgress?.(++done / tiles.length);
    }),
  );
  return { alpha: result, tiles, iterations, unknownCount, converged };
}
