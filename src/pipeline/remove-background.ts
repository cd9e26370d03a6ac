/**
 * `removeBackground(input, options)`: the cascade from a photo to a clean cutout.
 *
 *   decode → coarse mask (network model, user mask, studio segmenter or chroma key; pipeline/engines.ts)
 *   → trimap from the probability (trimap/trimap-from-probability.ts)
 *   → alpha in the unknown band only, at full resolution, in tiles on worker threads, with the network's
 *     confident values and colour samples as soft priors; foreground colours per tile (refine/*)
 *   → compose (background, crop, mask only; compose/*) → encode (png, webp, avif, jpg, tiff, zip).
 *
 * `--refine fast` replaces the matting by a guided filter of the mask, `--refine none` keeps the mask as it is.
 *
 * A run of many images shares one RemoveContext: the engine choice (so a missing default model is reported
 * once), the worker pool, and decoded background images.
 */

import type { ComposedCutout } from '../compose/compose-cutout.ts';
import { composeCutout } from '../compose/compose-cutout.ts';
import { parseMargin } from '../compose/crop-to-subject.ts';
import { isColour, parseColour } from '../compose/parse-colour.ts';
import type { BackgroundSpec } from '../compose/replace-background.ts';
import type { InterleavedF32, PlaneF32, Trimap } from '../core/image.ts';
import type { Rect } from '../core/rect.ts';
import { resizeInterleaved } from '../core/resize-plane.ts';
import { CutoutError } from '../errors.ts';
import { type DecodedImage, decodeImage, decodeMatte, type ImageSource } from '../io/decode.ts';
import { refineMask } from '../refine/refine-mask.ts';
import { type EncodedCutout, encodeCutout } from './encode-cutout.ts';
import { type EngineHooks, type EngineId, EngineSelector, isPlane } from './engines.ts';
import {
  parseRemoveOptions,
  type RemoveFormat,
  type RemoveOptions,
  type ResolvedRemoveOptions,
} from './options.ts';
import { RefinePool } from './refine-pool.ts';

export interface RemoveBackgroundTimings {
  decode: number;
  segment: number;
  trimap: number;
  /** Alpha in the band and, with matting, the foreground colours of its tiles. */
  matting: number;
  /** Foreground colours outside the matting tiles' work (fast refinement). */
  foreground: number;
  compose: number;
  encode: number;
  total: number;
}

export interface RemoveBackgroundResult {
  /** Size of the processed image (after --max-size), before any crop. */
  width: number;
  height: number;
  /** The matte, at the processed size (before crop). */
  alpha: PlaneF32;
  /** Foreground colour (straight RGB) at the processed size: estimated where 0 < α < 1, the photo elsewhere. */
  foreground: InterleavedF32;
  /** The trimap that was matted (refine matting). */
  trimap?: Trimap;
  /** The composed output pixels (after background, crop, mask only). */
  output: ComposedCutout;
  /** The encoded file; absent with `encode: false`. */
  encoded?: EncodedCutout;
  engine: EngineId;
  /** The model (or 'studio', 'chroma-green', 'mask') that made the coarse mask. */
  model: string;
  /** The refinement that ran (matting falls back to fast on a mask with no edge). */
  refine: 'matting' | 'fast' | 'none';
  crop?: Rect;
  unknownPixels: number;
  warnings: string[];
  /** Milliseconds per stage. */
  timings: RemoveBackgroundTimings;
}

export interface RemoveBackgroundOptions extends RemoveOptions {
  /** This image's own mask (pixels or a source); overrides `mask` and the engine. */
  maskSource?: ImageSource | PlaneF32;
  /** Name of a non-path input in error messages. */
  name?: string;
  /** Skip encoding (library use: pixels only). */
  encode?: boolean;
}

export interface RemoveContextOptions extends EngineHooks {
  /** Worker threads for the matting tiles: a pool, `false` for this thread, or a count. Default: all cores. */
  pool?: RefinePool | false | number;
}

/** What a run of images shares. Close it at the end (it may hold worker threads). */
export class RemoveContext {
  readonly options: ResolvedRemoveOptions;
  readonly engines: EngineSelector;
  readonly pool?: RefinePool;
  private readonly ownsPool: boolean;
  private readonly backgrounds = new Map<string, Promise<InterleavedF32>>();

  constructor(options: RemoveOptions = {}, context: RemoveContextOptions = {}) {
    this.options = parseRemoveOptions(options as Record<string, unknown>);
    this.engines = new EngineSelector(this.options, context);
    if (context.pool instanceof RefinePool) {
      this.pool = context.pool;
      this.ownsPool = false;
    } else if (context.pool === false) {
      this.ownsPool = false;
    } else {
      this.pool = new RefinePool(typeof context.pool === 'number' ? context.pool : undefined);
      this.ownsPool = true;
      if (this.options.refine === 'matting') this.pool.warm();
    }
  }

  /** A background image file, decoded once per run. */
  backgroundImage(path: string): Promise<InterleavedF32> {
    let cached = this.backgrounds.get(path);
    if (!cached) {
      cached = decodeImage(path, { maxPixels: this.options.maxPixels }).then((d) => d.colour);
      // A failed decode is not cached: every image that asks gets the error.
      cached.catch(() => this.backgrounds.delete(path));
      this.backgrounds.set(path, cached);
    }
    return cached;
  }

  async close(): Promise<void> {
    if (this.ownsPool) await this.pool?.close();
  }
}

/**
 * Removes the background of one image. With `context` (a batch), the run's shared state is used and the
 * options are the context's (per-call `maskSource`, `name` and `encode` still apply); without, a context is
 * made for this call and closed after it.
 */
export async function removeBackground(
  input: ImageSource | DecodedImage,
  options: RemoveBackgroundOptions = {},
  context?: RemoveContext,
): Promise<RemoveBackgroundResult> {
  const { maskSource, name, encode, ...rest } = options;
  const own = context ? undefined : new RemoveContext(rest);
  const ctx = context ?? own!;
  try {
    return await run(input, ctx, { maskSource, name, encode: encode !== false });
  } finally {
    await own?.close();
  }
}

async function run(
  input: ImageSource | DecodedImage,
  ctx: RemoveContext,
  call: { maskSource?: ImageSource | PlaneF32; name?: string; encode: boolean },
): Promise<RemoveBackgroundResult> {
  const o = ctx.options;
  const started = performance.now();
  const timings: RemoveBackgroundTimings = {
    decode: 0,
    segment: 0,
    trimap: 0,
    matting: 0,
    foreground: 0,
    compose: 0,
    encode: 0,
    total: 0,
  };
  let t = performance.now();
  const lap = (stage: keyof RemoveBackgroundTimings) => {
    const now = performance.now();
    timings[stage] += now - t;
    t = now;
  };

  // A mask file is decoded while the photo is (each decoder runs on one thread; a 12 MP pair took 0.8 s one
  // after the other). Its error, if any, is thrown where it is awaited, after the photo's.
  const maskSource = call.maskSource ?? o.mask;
  const maskDecoding =
    maskSource === undefined || isPlane(maskSource)
      ? undefined
      : decodeMatte(maskSource, { maxPixels: o.maxPixels, shared: ctx.pool !== undefined });
  maskDecoding?.catch(() => {});
  const decoded = isDecoded(input)
    ? input
    : await decodeImage(input, { maxPixels: o.maxPixels, name: call.name, shared: ctx.pool !== undefined });
  let image = decoded.colour;
  if (o.maxSize !== undefined && Math.max(image.width, image.height) > o.maxSize) {
    const scale = o.maxSize / Math.max(image.width, image.height);
    image = resizeInterleaved(
      image,
      Math.max(1, Math.round(image.width * scale)),
      Math.max(1, Math.round(image.height * scale)),
      'area',
    );
  }
  const background = await backgroundSpec(o.bg, ctx);
  lap('decode');

  const mask = maskDecoding ? await maskDecoding : maskSource;
  const coarse = await ctx.engines.coarse(image, mask, { maxPixels: o.maxPixels }, decoded.colour);
  lap('segment');

  const refined = await refineMask(image, coarse.probability, {
    mode: o.refine,
    trimap: coarse.trimap,
    makeTrimap: ctx.pool?.trimap,
    solveTile: ctx.pool?.solveTile,
    // The chroma key's own colours are unmixed from the screen and despilled: better than an estimate.
    foreground: !o.maskOnly && !coarse.foreground,
    // The photo's colours are needed later only by a blurred background; a photo the caller decoded is theirs.
    foregroundInPlace: !isDecoded(input) && background?.kind !== 'blur',
  });
  timings.trimap = refined.timings.trimap;
  timings.matting = refined.timings.matting;
  timings.foreground = refined.timings.foreground;
  t = performance.now();
  const foreground = coarse.foreground ?? refined.foreground ?? image;

  const output = composeCutout(image, refined.alpha, foreground, {
    maskOnly: o.maskOnly,
    background:
      background ?? (isJpeg(o.format) && !o.maskOnly ? { kind: 'colour', colour: [1, 1, 1, 1] } : undefined),
    crop: o.crop,
    margin: parseMargin(o.margin),
  });
  lap('compose');

  const encoded = call.encode
    ? await encodeCutout(output, {
        format: o.format ?? 'png',
        quality: o.quality,
        premultiplied: o.premultiplied,
      })
    : undefined;
  lap('encode');
  timings.total = performance.now() - started;
  return {
    width: image.width,
    height: image.height,
    alpha: refined.alpha,
    foreground,
    trimap: refined.trimap,
    output,
    encoded,
    engine: coarse.engine,
    model: coarse.model,
    refine: refined.mode,
    crop: output.crop,
    unknownPixels: refined.unknownCount,
    warnings: [...coarse.warnings, ...refined.warnings],
    timings,
  };
}

async function backgroundSpec(
  bg: string | undefined,
  ctx: RemoveContext,
): Promise<BackgroundSpec | undefined> {
  if (bg === undefined) return undefined;
  if (bg.trim().toLowerCase() === 'blur') return { kind: 'blur' };
  if (isColour(bg)) return { kind: 'colour', colour: parseColour(bg) };
  try {
    return { kind: 'image', image: await ctx.backgroundImage(bg) };
  } catch (error) {
    if (error instanceof CutoutError && error.code === 'CUTOUT_E_INPUT_NOT_FOUND') {
      throw new CutoutError(
        'CUTOUT_E_INVALID_OPTION',
        `--bg '${bg}' is neither a colour, 'blur', nor an image file that exists`,
        { cause: error },
      );
    }
    throw error;
  }
}

function isJpeg(format: RemoveFormat | undefined): boolean {
  return format === 'jpg' || format === 'jpeg';
}

function isDecoded(input: ImageSource | DecodedImage): input is DecodedImage {
  return typeof input === 'object' && input !== null && 'colour' in input && 'header' in input;
}
