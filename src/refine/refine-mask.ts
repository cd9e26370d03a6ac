/**
 * From a coarse foreground probability (at the image's size) to the final alpha and foreground colours, by
 * one of three refinements:
 *  - `matting` (default): trimap from the probability (trimap/trimap-from-probability.ts, its unknown band
 *    grown along the strands the network could not see, trimap/unknown-along-strands.ts; or the engine's own
 *    trimap as it is), then alpha solved in the unknown band only, at full resolution, in tiles, with the network's
 *    confident values and colour samples as soft priors (refine-tiled.ts), foreground colours per tile;
 *  - `fast`: the probability snapped to the photo's edges by a guided filter (guided-filter.ts), foreground
 *    colours where 0 < α < 1;
 *  - `none`: the probability as it is, the photo's own colours (what most tools output).
 *
 * A trimap with no sure foreground or no sure background cannot be matted (every α would fit); `matting` then
 * falls back to `fast` and says so in `warnings`.
 *
 * Pure: the tile solver is injected (worker threads in pipeline/refine-pool.ts).
 */
import type { InterleavedF32, PlaneF32, Trimap } from '../core/image.ts';
import type { AbortLike } from '../matting/abort.ts';
import { countTrimap } from '../trimap/quantise-trimap.ts';
import {
  type TrimapFromProbabilityOptions,
  trimapFromProbability,
} from '../trimap/trimap-from-probability.ts';
import { growUnknownAlongStrands, type StrandGrowthOptions } from '../trimap/unknown-along-strands.ts';
import { estimateForegroundInBand } from './foreground-in-band.ts';
import { guidedFilter } from './guided-filter.ts';
import type { RefineTileOptions } from './refine-tile.ts';
import type { RefineTilePlanOptions } from './refine-tile-plan.ts';
import { type RefineTileSolver, refineAlphaTiled } from './refine-tiled.ts';

export type RefineMode = 'matting' | 'fast' | 'none';

export interface RefineMaskOptions {
  mode?: RefineMode;
  /** Use this trimap instead of one made from the probability (an engine's own, e.g. the chroma key's). */
  trimap?: Trimap;
  trimapOptions?: TrimapFromProbabilityOptions;
  /**
   * Makes the trimap from the probability instead of trimapFromProbability on this thread (the same trimap:
   * RefinePool.trimap computes it in strips on the workers).
   */
  makeTrimap?: (probability: PlaneF32, options?: TrimapFromProbabilityOptions) => Promise<Trimap> | Trimap;
  /**
   * How the trimap made from the probability grows along strands into the sure background
   * (trimap/unknown-along-strands.ts); false leaves it as made. Never applied to a given `trimap`.
   */
  strands?: StrandGrowthOptions | false;
  tile?: Omit<RefineTileOptions, 'signal' | 'solve' | 'factorStorage'>;
  tiles?: RefineTilePlanOptions;
  solveTile?: RefineTileSolver;
  /** Estimate foreground colours. Default true. */
  foreground?: boolean;
  /**
   * Matting only: write the foreground colours over `image`'s own data (refine-tiled.ts), for callers done
   * with the photo's colours; the result's foreground is then `image`. Default false.
   */
  foregroundInPlace?: boolean;
  signal?: AbortLike;
}

export interface RefineMaskResult {
  alpha: PlaneF32;
  /** Foreground colour (RGB), absent with foreground: false. */
  foreground?: InterleavedF32;
  /** The trimap matted (matting only). */
  trimap?: Trimap;
  /** The refinement actually run (matting may fall back to fast). */
  mode: RefineMode;
  unknownCount: number;
  iterations: number;
  warnings: string[];
  /** Milliseconds: trimap, matting (alpha and, in tiles, foreground), foreground (fast only). */
  timings: { trimap: number; matting: number; foreground: number };
}

export async function refineMask(
  image: InterleavedF32,
  probability: PlaneF32,
  options: RefineMaskOptions = {},
): Promise<RefineMaskResult> {
  const mode = options.mode ?? 'matting';
  const wantForeground = options.foreground !== false;
  const warnings: string[] = [];
  const timings = { trimap: 0, matting: 0, foreground: 0 };
  if (mode === 'none') {
    const alpha = clampPlane(probability);
    return {
      alpha,
      foreground: wantForeground ? image : undefined,
      mode,
      unknownCount: 0,
      iterations: 0,
      warnings,
      timings,
    };
  }
  if (mode === 'matting') {
    const t0 = performance.now();
    const makeTrimap = options.makeTrimap ?? trimapFromProbability;
    let trimap = options.trimap;
    if (!trimap) {
      trimap = await makeTrimap(probability, options.trimapOptions);
      if (options.strands !== false) growUnknownAlongStrands(image, trimap, options.strands);
    }
    const counts = countTrimap(trimap);
    timings.trimap = performance.now() - t0;
    if (counts.foreground > 0 && counts.background > 0) {
      const t1 = performance.now();
      const result = await refineAlphaTiled(image, trimap, probability, {
        tile: { ...options.tile, foreground: wantForeground },
        tiles: options.tiles,
        solveTile: options.solveTile,
        foregroundInPlace: options.foregroundInPlace,
        signal: options.signal,
      });
      timings.matting = performance.now() - t1;
      return {
        alpha: result.alpha,
        foreground: result.foreground,
        trimap,
        mode,
        unknownCount: result.unknownCount,
        iterations: result.iterations,
        warnings,
        timings,
      };
    }
    warnings.push(
      `the mask has no sure ${counts.foreground === 0 ? 'foreground' : 'background'}, so there is no edge to matte; ` +
        'refined with the guided filter instead',
    );
  }
  const t2 = performance.now();
  const alpha = fastRefine(image, probability);
  timings.matting = performance.now() - t2;
  const t3 = performance.now();
  const foreground = wantForeground ? await estimateForegroundInBand(image, alpha) : undefined;
  timings.foreground = performance.now() - t3;
  return { alpha, foreground, mode: 'fast', unknownCount: 0, iterations: 0, warnings, timings };
}

/**
 * `--refine fast`: a guided filter whose window scales with the image (a network's mask, upsampled, is off by
 * a few of its own pixels, i.e. by diagonal/400 or so of the photo's), computed at a quarter of the window.
 */
export function fastRefine(image: InterleavedF32, probability: PlaneF32): PlaneF32 {
  const radius = Math.max(2, Math.round(Math.hypot(image.width, image.height) / 300));
  return guidedFilter(image, clampPlane(probability), {
    radius,
    epsilon: 1e-4,
    subsample: Math.max(1, Math.floor(radius / 4)),
  });
}

function clampPlane(plane: PlaneF32): PlaneF32 {
  const out = new Float32Array(plane.data.length);
  for (let i = 0; i < out.length; i++) {
    const v = plane.data[i];
    out[i] = v > 0 ? (v < 1 ? v : 1) : 0;
  }
  return { data: out, width: plane.width, height: plane.height };
}
