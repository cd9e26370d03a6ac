/**
 * The heavy work of a request, as plain messages: a job goes to a worker thread (job-worker.ts) and comes
 * back as bytes and a few numbers. Running it off the main thread keeps the server answering /healthz,
 * /metrics and timeouts while an image is being matted, and lets a timed-out job be stopped for real (the
 * worker is terminated).
 *
 * Inputs are always bytes, never paths: removeBackground reads a string as a file name, and no request may
 * name a file.
 */
import type { ComposedCutout } from '../compose/compose-cutout.ts';
import { isColour, parseColour } from '../compose/parse-colour.ts';
import { type BackgroundSpec, replaceBackground } from '../compose/replace-background.ts';
import type { InterleavedF32, PlaneF32 } from '../core/image.ts';
import type { Rect } from '../core/rect.ts';
import { CutoutError } from '../errors.ts';
import { decodeImage, decodeMatte } from '../io/decode.ts';
import { encodeImage } from '../io/encode.ts';
import { encodeCutout } from '../pipeline/encode-cutout.ts';
import { EngineSelector } from '../pipeline/engines.ts';
import { parseRemoveOptions, type RemoveOptions } from '../pipeline/options.ts';
import { RemoveContext, removeBackground } from '../pipeline/remove-background.ts';
import { refineRegion } from './refine-region.ts';
import { placeSubject, type RemovebgLayout } from './removebg-layout.ts';

/** `bg` value that stands for the uploaded background image (a path is never accepted from a request). */
export const UPLOADED_BACKGROUND = 'uploaded:bg_image';

export interface RemoveJob {
  kind: 'remove';
  image: Uint8Array;
  name: string;
  /** Checked request options (no local paths; server-wide options already applied). */
  options: RemoveOptions;
  /** The bytes behind `bg: UPLOADED_BACKGROUND`. */
  background?: Uint8Array;
  /** remove.bg's canvas, background and channels; when present, crop/bg/maskOnly come from here. */
  removebg?: RemovebgOutput;
}

export interface RemovebgOutput {
  layout: RemovebgLayout;
  /** A colour (`bg_color`), or UPLOADED_BACKGROUND. */
  background?: string;
  channels: 'rgba' | 'alpha';
  format: 'auto' | 'png' | 'jpg' | 'zip' | 'webp';
}

export interface RefineRegionJob {
  kind: 'refine-region';
  image: Uint8Array;
  alpha: Uint8Array;
  scribbles: Uint8Array;
  maxPixels: number;
}

/** Warms a worker: decides its engine (loading a model session if one is used) on a tiny image. */
export interface WarmJob {
  kind: 'warm';
  options: RemoveOptions;
}

export type Job = RemoveJob | RefineRegionJob | WarmJob;

export interface RemoveJobResult {
  kind: 'remove';
  bytes: Uint8Array;
  mimeType: string;
  /** Output format name: png, jpeg, webp, avif, tiff, zip. */
  format: string;
  /** Output image size. */
  width: number;
  height: number;
  /** The subject's box in the output, when there is a subject. */
  subject?: Rect;
  /** Processed input size (after any downscale). */
  inputWidth: number;
  inputHeight: number;
  engine: string;
  model: string;
  refine: string;
  warnings: string[];
  milliseconds: number;
}

export interface RefineRegionResult {
  kind: 'refine-region';
  /** RGBA PNG of the region: foreground colour and the new α. */
  bytes: Uint8Array;
  width: number;
  height: number;
}

export interface WarmResult {
  kind: 'warm';
  engine: string;
  model: string;
}

export type JobResult = RemoveJobResult | RefineRegionResult | WarmResult;

/** What one thread keeps between jobs: one engine choice per (engine, model), made once. */
export class JobRunner {
  private readonly selectors = new Map<string, EngineSelector>();

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  async run(job: Job): Promise<JobResult> {
    if (job.kind === 'warm') return this.warm(job);
    if (job.kind === 'refine-region') return runRefineRegion(job);
    return this.remove(job);
  }

  private selector(options: RemoveOptions): EngineSelector {
    const key = JSON.stringify([options.engine ?? 'auto', options.model ?? '', options.acceptLicense ?? []]);
    let selector = this.selectors.get(key);
    if (!selector) {
      // Workers never download: the server resolved every model it allows at start-up.
      const resolved = parseRemoveOptions({
        engine: options.engine,
        model: options.model,
        acceptLicense: options.acceptLicense,
        offline: true,
      });
      selector = new EngineSelector(resolved, {}, this.env);
      this.selectors.set(key, selector);
    }
    return selector;
  }

  private async warm(job: WarmJob): Promise<WarmResult> {
    const size = 64;
    const data = new Float32Array(size * size * 3).fill(0.9);
    // A dark square on a light backdrop: something for any engine to find.
    for (let y = 16; y < 48; y++)
      for (let x = 16; x < 48; x++) data.fill(0.2, (y * size + x) * 3, (y * size + x) * 3 + 3);
    const coarse = await this.selector(job.options).coarse({ data, width: size, height: size, channels: 3 });
    return { kind: 'warm', engine: coarse.engine, model: coarse.model };
  }

  private async remove(job: RemoveJob): Promise<RemoveJobResult> {
    const started = performance.now();
    const rb = job.removebg;
    const options: RemoveOptions = rb
      ? { ...job.options, crop: false, margin: undefined, bg: undefined, maskOnly: false }
      : job.options;
    const background = job.background;
    const ctx = new RequestContext(options, this.selector(options), background);
    try {
      const result = await removeBackground(job.image, { name: job.name, encode: !rb }, ctx);
      const common = {
        kind: 'remove' as const,
        inputWidth: result.width,
        inputHeight: result.height,
        engine: result.engine,
        model: result.model,
        refine: result.refine,
        warnings: result.warnings,
      };
      if (!rb) {
        const encoded = result.encoded!;
        return {
          ...common,
          bytes: encoded.bytes,
          mimeType: encoded.mimeType,
          format: encoded.format,
          width: result.output.colour.width,
          height: result.output.colour.height,
          milliseconds: performance.now() - started,
        };
      }
      const placed = placeSubject(result.alpha, result.foreground, rb.layout);
      if (!placed.subject) {
        // remove.bg's unknown_foreground: the route answers it; nothing to encode.
        return {
          ...common,
          bytes: new Uint8Array(0),
          mimeType: '',
          format: '',
          width: 0,
          height: 0,
          milliseconds: 0,
        };
      }
      const composed = await composeRemovebg(placed.alpha, placed.foreground, rb, ctx);
      const transparent = composed.alpha?.data.some((v) => v < 1) ?? false;
      const format = rb.format === 'auto' ? (transparent ? 'png' : 'jpg') : rb.format;
      const encoded = await encodeCutout(composed, { format });
      return {
        ...common,
        bytes: encoded.bytes,
        mimeType: encoded.mimeType,
        format: encoded.format,
        width: composed.colour.width,
        height: composed.colour.height,
        subject: placed.subject,
        milliseconds: performance.now() - started,
      };
    } finally {
      await ctx.close();
    }
  }
}

async function composeRemovebg(
  alpha: PlaneF32,
  foreground: InterleavedF32,
  rb: RemovebgOutput,
  ctx: RequestContext,
): Promise<ComposedCutout> {
  let spec: BackgroundSpec | undefined;
  if (rb.background === UPLOADED_BACKGROUND)
    spec = { kind: 'image', image: await ctx.backgroundImage(rb.background) };
  else if (rb.background !== undefined && isColour(rb.background))
    spec = { kind: 'colour', colour: parseColour(rb.background) };
  const layered = spec
    ? replaceBackground(foreground, alpha, foreground, spec)
    : { colour: foreground, alpha };
  if (rb.channels === 'alpha') {
    const matte = layered.alpha ?? {
      data: new Float32Array(alpha.data.length).fill(1),
      width: alpha.width,
      height: alpha.height,
    };
    return { colour: { ...matte, channels: 1 } };
  }
  return layered;
}

/**
 * A RemoveContext for one request that reuses the thread's engine choice (so nothing is decided, or
 * downloaded, per request) and reads an uploaded background from memory.
 */
class RequestContext extends RemoveContext {
  override readonly engines: EngineSelector;
  private readonly uploaded?: Uint8Array;

  constructor(options: RemoveOptions, engines: EngineSelector, uploaded?: Uint8Array) {
    // Tiles are solved on this thread: the server's concurrency already fills the cores with jobs.
    super(options, { pool: false });
    this.engines = engines;
    this.uploaded = uploaded;
  }

  override backgroundImage(path: string): Promise<InterleavedF32> {
    if (path !== UPLOADED_BACKGROUND || !this.uploaded) {
      // Unreachable from a request (options are checked before); refuse rather than read a file.
      return Promise.reject(
        new CutoutError('CUTOUT_E_INVALID_OPTION', 'bg must be a colour, blur or an upload'),
      );
    }
    return decodeImage(this.uploaded, { maxPixels: this.options.maxPixels, name: 'bg_image' }).then(
      (d) => d.colour,
    );
  }
}

async function runRefineRegion(job: RefineRegionJob): Promise<RefineRegionResult> {
  const image = await decodeImage(job.image, { maxPixels: job.maxPixels, name: 'image' });
  const alpha = await decodeMatte(job.alpha, { maxPixels: job.maxPixels, name: 'alpha' });
  const scribbles = await decodeImage(job.scribbles, { maxPixels: job.maxPixels, name: 'scribbles' });
  const result = await refineRegion(image.colour, alpha, scribbles.colour, scribbles.alpha);
  const bytes = await encodeImage({ colour: result.foreground, alpha: result.alpha }, { format: 'png' });
  return { kind: 'refine-region', bytes, width: result.alpha.width, height: result.alpha.height };
}
