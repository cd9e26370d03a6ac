/**
 * The cascade's matting over a whole image, tile by tile: only the tiles holding unknown pixels are solved
 * (refine-tile-plan.ts cuts them), each by
 * `refineTile` on its crop of the image, trimap and network probability. The tile solver is passed in, so the
 * same code runs tiles one after another here or spreads them over worker threads (pipeline/refine-pool.ts).
 *
 * Each tile's crop reaches a sample radius beyond the rectangle it solves (farther, until it holds sure
 * pixels of both kinds): the colour samples of its unknown pixels come from there, as in a whole-image
 * solve, so the tile itself needs no margin wide enough to hold sure pixels of both kinds
 * (refine-tile-plan.ts grew tiles inside a head of hair by 256 px or more for that). On bench/refine.ts's
 * 12 MP end-to-end hair photo the same unknowns were solved 1.48× over with that growth, 1.17× without,
 * for a fifth less CPU; SAD 12 MP hair 89.8 → 85.0, end-to-end hair 215 → 206 and shapes 10.4 → 10.6,
 * 4 MP hair 23.9 → 24.5, 4 MP shapes 0.72 → 0.61.
 *
 * Outside the tiles the answer is the trimap's: α = 0 or 1 and F = I (the colour of an opaque pixel is its
 * own; that of a transparent one is never seen).
 *
 * Pure: typed arrays in, typed arrays out.
 */
import type { InterleavedF32, PlaneF32, Trimap } from '../core/image.ts';
import { cropInterleaved, cropPlane, cropTrimap, expandRect, type Rect } from '../core/rect.ts';
import { type AbortLike, throwIfAborted } from '../matting/abort.ts';
import type { FactorStorage } from '../matting/incomplete-cholesky.ts';
import { countUnknownIn, type MattingTile, pasteTileCore } from '../matting/tile-plan.ts';
import {
  type FractionalForeground,
  type RefineTileOptions,
  type RefineTileResult,
  refineTile,
} from './refine-tile.ts';
import { planRefineTiles, type RefineTilePlanOptions } from './refine-tile-plan.ts';

/** Colour samples are gathered within this fraction of the image diagonal (bench/refine.ts: 0.04 → 0.06 −2 % SAD). */
const SAMPLE_RADIUS = 0.06;

/**
 * One tile: the whole image, trimap and probability, and the rectangle to crop out of them for `refineTile`.
 * The solver crops, not the caller: a worker pool shares the full planes once per image and each worker
 * crops its own tile into memory it reuses, instead of the main thread cutting every tile up front.
 */
export interface RefineTileRequest {
  image: InterleavedF32;
  trimap: Trimap;
  probability: PlaneF32;
  /** The tile's crop: its solved rectangle and the context its colour samples come from. */
  crop: Rect;
  options: Omit<RefineTileOptions, 'signal' | 'factorStorage'>;
}

/** Reusable buffers (grown as needed) for solving tile after tile on one thread: the crops and the factor. */
export interface TileCropBuffers {
  image?: Float32Array;
  trimap?: Uint8Array;
  probability?: Float32Array;
  factor?: FactorStorage;
}

/** Solves one request on this thread: crops it (into `buffers` when given) and runs `refineTile`. */
export function solveTileRequest(
  request: RefineTileRequest,
  buffers: TileCropBuffers = {},
): RefineTileResult {
  const { crop } = request;
  const pixels = (crop.x1 - crop.x0) * (crop.y1 - crop.y0);
  const samples = pixels * request.image.channels;
  if (!buffers.image || buffers.image.length < samples) buffers.image = new Float32Array(samples);
  if (!buffers.trimap || buffers.trimap.length < pixels) buffers.trimap = new Uint8Array(pixels);
  if (!buffers.probability || buffers.probability.length < pixels)
    buffers.probability = new Float32Array(pixels);
  buffers.factor ??= {};
  return refineTile(
    cropInterleaved(request.image, crop, buffers.image),
    cropTrimap(request.trimap, crop, buffers.trimap),
    cropPlane(request.probability, crop, buffers.probability),
    { ...request.options, factorStorage: buffers.factor },
  );
}

export type RefineTileSolver = (request: RefineTileRequest) => Promise<RefineTileResult> | RefineTileResult;

export interface RefineTiledOptions {
  tile?: Omit<RefineTileOptions, 'signal' | 'solve' | 'factorStorage'>;
  /**
   * How far beyond its solved rectangle a tile's crop reaches, in pixels, for the colour samples only.
   * Default: the sample radius.
   */
  sampleContext?: number;
  tiles?: RefineTilePlanOptions;
  /** Default: `refineTile` here, one tile after another. */
  solveTile?: RefineTileSolver;
  /**
   * Write the foreground colours over `image`'s own data instead of into a copy, which is then the result's
   * foreground: for callers done with the photo's colours (a 12 MP copy is 144 MB of fresh memory). Written
   * once every tile is solved, since the tiles read the image while they run.
   */
  foregroundInPlace?: boolean;
  onProgress?: (fraction: number) => void;
  signal?: AbortLike;
}

export interface RefineTiledResult {
  alpha: PlaneF32;
  /** Foreground colour everywhere (the image's own outside the tiles); absent with tile.foreground false. */
  foreground?: InterleavedF32;
  unknownCount: number;
  /** Most CG iterations of any tile. */
  iterations: number;
  converged: boolean;
  tiles: MattingTile[];
}

export async function refineAlphaTiled(
  image: InterleavedF32,
  trimap: Trimap,
  probability: PlaneF32,
  options: RefineTiledOptions = {},
): Promise<RefineTiledResult> {
  const { width, height } = trimap;
  const n = width * height;
  const alpha = new Float32Array(n);
  let unknownCount = 0;
  for (let i = 0; i < n; i++) {
    const t = trimap.data[i];
    alpha[i] = t === 255 ? 1 : 0;
    if (t !== 0 && t !== 255) unknownCount++;
  }
  const alphaPlane: PlaneF32 = { data: alpha, width, height };
  const wantForeground = options.tile?.foreground !== false;
  const colours: { tile: MattingTile; foreground: FractionalForeground }[] = [];
  const diagonal = Math.hypot(width, height);
  const tileOptions = {
    ...options.tile,
    sampleRadius: options.tile?.sampleRadius ?? Math.max(16, Math.round(SAMPLE_RADIUS * diagonal)),
  };
  const contextMargin = Math.max(0, Math.round(options.sampleContext ?? tileOptions.sampleRadius));
  // Most unknowns first: workers that take the next tile when free then finish close together. (By area,
  // the 12 MP end-to-end hair photo of bench/refine.ts had one worker idle for its last 0.5 s.)
  const tiles =
    unknownCount > 0
      ? planRefineTiles(trimap, options.tiles)
          .map((tile) => ({ tile, unknown: countUnknownIn(trimap, tile.solve) }))
          .sort((a, b) => b.unknown - a.unknown)
          .map((t) => t.tile)
      : [];
  const buffers: TileCropBuffers = {};
  const solve: RefineTileSolver = options.solveTile ?? ((request) => solveTileRequest(request, buffers));
  let done = 0;
  let iterations = 0;
  let converged = true;
  const solving = Promise.all(
    tiles.map(async (tile) => {
      throwIfAborted(options.signal);
      const crop = contextCrop(trimap, tile.solve, contextMargin);
      const solved = await solve({
        image,
        trimap,
        probability,
        crop,
        options: {
          ...tileOptions,
          solve:
            contextMargin > 0
              ? {
                  x0: tile.solve.x0 - crop.x0,
                  y0: tile.solve.y0 - crop.y0,
                  x1: tile.solve.x1 - crop.x0,
                  y1: tile.solve.y1 - crop.y0,
                }
              : undefined,
          keep: {
            x0: tile.core.x0 - tile.solve.x0,
            y0: tile.core.y0 - tile.solve.y0,
            x1: tile.core.x1 - tile.solve.x0,
            y1: tile.core.y1 - tile.solve.y0,
          },
        },
      });
      throwIfAborted(options.signal);
      pasteTileCore(alphaPlane, tile, solved.alpha);
      if (solved.foreground) colours.push({ tile, foreground: solved.foreground });
      iterations = Math.max(iterations, solved.iterations);
      converged &&= solved.converged;
      options.onProgress?.(++done / tiles.length);
    }),
  );
  // The copy that will hold the foreground is made while the tiles are solved: a worker pool leaves this
  // thread idle meanwhile, and a 12 MP copy is ~0.3 s, mostly page faults on fresh memory.
  const foreground: InterleavedF32 | undefined = !wantForeground
    ? undefined
    : options.foregroundInPlace
      ? image
      : { ...image, data: image.data.slice() };
  await solving;
  if (foreground)
    for (const piece of colours) pasteFractionalColours(foreground, piece.tile, piece.foreground);
  return { alpha: alphaPlane, foreground, unknownCount, iterations, converged, tiles };
}

/** A tile's fractional colours (indices in its solved rectangle) written into the whole image's plane. */
function pasteFractionalColours(
  target: InterleavedF32,
  tile: MattingTile,
  piece: FractionalForeground,
): void {
  const { solve } = tile;
  const w = solve.x1 - solve.x0;
  const c = target.channels;
  const { pixels, colours } = piece;
  for (let k = 0; k < pixels.length; k++) {
    const i = pixels[k];
    const y = solve.y0 + Math.floor(i / w);
    const x = solve.x0 + (i % w);
    const to = (y * target.width + x) * c;
    for (let ch = 0; ch < c; ch++) target.data[to + ch] = colours[k * c + ch];
  }
}

/**
 * The solved rectangle grown by `margin`, then doubled until it holds sure foreground and sure background
 * (or is the whole image): a tile inside a wide unknown region still gets colour samples of both kinds.
 */
function contextCrop(trimap: Trimap, solve: Rect, margin: number): Rect {
  const { width, height, data } = trimap;
  for (let by = margin; ; by = Math.max(2 * by, 16)) {
    const rect = expandRect(solve, by, width, height);
    if (rect.x0 === 0 && rect.y0 === 0 && rect.x1 === width && rect.y1 === height) return rect;
    let fg = false;
    let bg = false;
    for (let y = rect.y0; y < rect.y1 && !(fg && bg); y++) {
      for (let i = y * width + rect.x0, end = y * width + rect.x1; i < end; i++) {
        const t = data[i];
        if (t === 255) fg = true;
        else if (t === 0) bg = true;
      }
    }
    if (fg && bg) return rect;
  }
}
