/**
 * Trimap (or scribble) matting of one image: alpha in the unknown region, then the foreground colour
 * wherever 0 < α < 1 so that the cutout's edges carry no trace of the old background.
 * Pure: typed arrays in, typed arrays out.
 */
import type { InterleavedF32, PlaneF32, Trimap } from '../core/image.ts';
import { CutoutError } from '../errors.ts';
import { throwIfAborted } from '../matting/abort.ts';
import { type CoarseToFineOptions, countUnknown, solveCoarseToFine } from '../matting/coarse-to-fine.ts';
import {
  DEFAULT_MATTING_METHOD,
  estimateAlpha,
  type MattingOptions,
  mattingMethod,
} from '../matting/estimate-alpha.ts';
import { estimateAlphaTiled, type TileSolver } from '../matting/estimate-alpha-tiled.ts';
import type { TilePlanOptions } from '../matting/tile-plan.ts';
import { estimateForegroundInBand, type ForegroundEstimator } from '../refine/foreground-in-band.ts';
import { assertSolvableTrimap } from '../trimap/quantise-trimap.ts';

export interface MatteImageOptions extends MattingOptions {
  /** Matting method id (see MATTING_METHODS). */
  method?: string;
  /** Skip foreground estimation (for alpha-only output). */
  alphaOnly?: boolean;
  /** Name of the trimap in error messages. */
  trimapName?: string;
  /** Solves tiles elsewhere, e.g. on a MattingPool; default: here, one after another. */
  solveTile?: TileSolver;
  /**
   * Solves a non-local method's one tile, the whole image, given the image and trimap themselves instead of
   * copies (e.g. MattingPool.solveShared, whose workers read them from shared memory). It must not write
   * them. Default: `solveTile`, on copies.
   */
  solveWhole?: TileSolver;
  /** Estimates the foreground colours of a crop elsewhere (MattingPool.foreground); default: here. */
  solveForeground?: ForegroundEstimator;
  /** Tile size and margin, and the bound on unknown pixels in flight (default: see below). */
  tiles?: TilePlanOptions & { maxUnknownsInFlight?: number };
  /** Wide bands are solved at half resolution first (see coarse-to-fine.ts); false turns that off. */
  coarseToFine?: CoarseToFineOptions | false;
}

/**
 * Tiles run side by side only while their solves' memory adds up to at most this many bytes per image pixel,
 * reckoned from the method's bytes per unknown pixel (500–750: matrix, preconditioner, CG vectors); with
 * foreground estimation's 40 or so that keeps the peak under the issue's 150 bytes per image pixel. One tile
 * larger than that runs alone; smaller ones join it first fit (estimate-alpha-tiled.ts). Raising it to 100 made
 * closed-form trimap1 ~8 % faster but let two large tiles of one image overlap: GT27 with trimap2 peaked at
 * 136 in one run and 165 in the next (bench/matting.ts).
 */
const TILE_BYTES_IN_FLIGHT_PER_PIXEL = 75;

export interface MatteImageResult {
  alpha: PlaneF32;
  /** Estimated foreground colour (RGB), absent with alphaOnly. */
  foreground?: InterleavedF32;
  iterations: number;
  unknownCount: number;
  timings: { alpha: number; foreground: number };
}

export async function matteImage(
  image: InterleavedF32,
  trimap: Trimap,
  options: MatteImageOptions = {},
): Promise<MatteImageResult> {
  if (image.width !== trimap.width || image.height !== trimap.height) {
    throw new CutoutError(
      'CUTOUT_E_SIZE_MISMATCH',
      `is ${trimap.width}×${trimap.height} but the image is ${image.width}×${image.height}`,
      { file: options.trimapName ?? 'trimap' },
    );
  }
  assertSolvableTrimap(trimap, options.trimapName);
  const started = performance.now();
  const { method, tolerance, maxIterations } = options;
  const solveTile: TileSolver =
    options.solveTile ??
    ((tileImage, tileTrimap) => estimateAlpha(tileImage, tileTrimap, { method, tolerance, maxIterations }));
  // A non-local method sees the whole image: one tile as large as the image.
  const { local, bytesPerUnknown = 500 } = mattingMethod(method ?? DEFAULT_MATTING_METHOD);
  const whole = !local;
  const unknownsInFlightPerPixel = TILE_BYTES_IN_FLIGHT_PER_PIXEL / bytesPerUnknown;
  let iterations = 0;
  const solveTiled = async (levelImage: InterleavedF32, levelTrimap: Trimap) => {
    if (whole && options.solveWhole) {
      throwIfAborted(options.signal);
      const solved = await options.solveWhole(levelImage, levelTrimap);
      throwIfAborted(options.signal);
      options.onProgress?.(1);
      iterations = solved.iterations;
      return solved;
    }
    const solved = await estimateAlphaTiled(levelImage, levelTrimap, solveTile, {
      maxUnknownsInFlight: Math.round(unknownsInFlightPerPixel * levelImage.width * levelImage.height),
      ...options.tiles,
      ...(whole ? { tileSize: Math.max(levelImage.width, levelImage.height) } : {}),
      onProgress: options.onProgress,
      signal: options.signal,
    });
    iterations = solved.iterations;
    return solved;
  };
  const unknownCount = countUnknown(trimap);
  const result =
    options.coarseToFine === false
      ? await solveTiled(image, trimap)
      : await solveCoarseToFine(image, trimap, solveTiled, options.coarseToFine);
  const alphaDone = performance.now();
  // Only around the fractional pixels, in tiles that run side by side on a pool (foreground-in-band.ts).
  const foreground = options.alphaOnly
    ? undefined
    : await estimateForegroundInBand(image, result.alpha, options.solveForeground);
  return {
    alpha: result.alpha,
    foreground,
    iterations,
    unknownCount,
    timings: { alpha: alphaDone - started, foreground: performance.now() - alphaDone },
  };
}
