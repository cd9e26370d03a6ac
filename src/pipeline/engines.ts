/**
 * The engines that make the cascade's coarse mask, and the choice among them.
 *
 * Registry (`ENGINES` below, one entry per engine):
 *  - `model`: a segmentation network from the model registry (or the user's own file), via
 *    inference/segment.ts; its probability is resized to the image;
 *  - `mask`: a mask the user gives (`--mask`), any grey image, resized to the image when its size differs;
 *  - `studio`: the classical studio segmenter (segment/studio/segment-studio.ts, no weights);
 *  - `chroma`: the chroma key (segment/chroma-key.ts), which also gives its own trimap and despilled
 *    foreground colours.
 *
 * The default (`engine: 'auto'`, no model named) is DEFAULT_REMOVE_MODEL. When that model is not installed
 * and cannot be downloaded, the selector says so once, in one line, and falls back: first to another general
 * model that is installed, else to the classical engines (the chroma key when the photo's frame is a green or
 * blue screen, the studio segmenter otherwise). A model the user names is never replaced: its failure is
 * the run's error.
 *
 * Prompts (`box`, `strokes`): the studio segmenter is the engine that cuts by them (outside the box is
 * background, strokes fix their pixels and steer the colour models). So with `engine: 'auto'`, a prompt — or
 * an option of the classical engines (`shadows`, `tolerance`, `softness`) — picks the classical engines
 * directly, without looking for a model. Every other engine's map gets them imposed afterwards: zero outside
 * the box, 1/0 under foreground/background strokes (in the chroma key's trimap too), so a network or a mask
 * still honours them, though nothing inside the box is re-cut.
 */
import { stat } from 'node:fs/promises';
import type { InterleavedF32, PlaneF32, Trimap } from '../core/image.ts';
import { resizePlane } from '../core/resize-plane.ts';
import { CutoutError, isCutoutError } from '../errors.ts';
import { type DecodeOptions, decodeImage, decodeMatte, type ImageSource } from '../io/decode.ts';
import type { DownloadProgress } from '../models/download.ts';
import { modelFilePath, modelsDirectory } from '../models/model-store.ts';
import { findRegistryEntry } from '../models/registry.ts';
import { resolveModel } from '../models/resolve-model.ts';
import { chromaKey } from '../segment/chroma-key.ts';
import { detectChromaBackground } from '../segment/chroma-screen.ts';
import {
  applyPrompts,
  type Box,
  clipBox,
  fitStrokes,
  parseBox,
  scaleBox,
  strokesFromImage,
} from '../segment/prompts.ts';
import { segmentStudio } from '../segment/studio/segment-studio.ts';
import type { ResolvedRemoveOptions } from './options.ts';

/**
 * The default network: BiRefNet (general, Swin-T "lite" weights). Of the registry's general-purpose models it
 * is the one trained for high-resolution, fine-structure segmentation (hair, fur, thin parts) at 1024², under
 * MIT; the lite backbone keeps a CPU run to seconds where full BiRefNet takes several times longer. The
 * cascade makes the edges; the network has to get the subject and its soft regions right, which is where
 * BiRefNet is strongest (u2net, rembg's default, is 320² and loses thin structures altogether).
 */
export const DEFAULT_REMOVE_MODEL = 'birefnet-general-lite';

/** Installed general models tried, in this order, when the default cannot be had. */
export const FALLBACK_MODELS = [
  'birefnet-general',
  'birefnet-massive',
  'birefnet-hrsod',
  'isnet-general-use',
  'birefnet-dis',
  'u2net',
  'silueta',
  'u2netp',
] as const;

export type EngineId = 'model' | 'mask' | 'studio' | 'chroma';

export interface CoarseMask {
  engine: EngineId;
  /** What made it: the model id, 'studio', 'chroma-green'/'chroma-blue', or 'mask'. */
  model: string;
  /** Foreground probability at the image's size. */
  probability: PlaneF32;
  /** The engine's own trimap, when it has one (chroma key). */
  trimap?: Trimap;
  /** The engine's own foreground colours, when it has them (chroma key: despilled). */
  foreground?: InterleavedF32;
  warnings: string[];
  /** Milliseconds. */
  milliseconds: number;
}

export interface EngineEntry {
  id: EngineId;
  description: string;
}

export const ENGINES: Record<EngineId, EngineEntry> = {
  model: {
    id: 'model',
    description: 'a segmentation network from the model registry, or your own ONNX file',
  },
  mask: { id: 'mask', description: 'a mask you supply (--mask): white = subject' },
  studio: {
    id: 'studio',
    description: 'classical segmenter for studio backdrops (white, grey, coloured sweeps); no weights',
  },
  chroma: { id: 'chroma', description: 'chroma key for green and blue screens; no weights' },
};

export interface EngineHooks {
  /** One-line notices for the user (a fallback, a download). */
  onNotice?: (line: string) => void;
  onDownloadStart?: (info: { id: string; url: string; path: string }) => void;
  onDownloadProgress?: (progress: DownloadProgress) => void;
  onDownloadEnd?: () => void;
}

type Decision = { kind: 'model'; model?: string } | { kind: 'classical' };

/**
 * Chooses and runs the coarse-mask engine for a run of images. The choice of default-or-fallback is made once
 * (the first image), so a batch tries a download once and prints its notice once.
 */
export class EngineSelector {
  private decision?: Promise<Decision>;
  private strokes?: Promise<Trimap>;

  constructor(
    private readonly options: ResolvedRemoveOptions,
    private readonly hooks: EngineHooks = {},
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /**
   * The coarse mask of one image. `mask` is this image's own mask file (for folders, the caller matches it);
   * it overrides the engine choice. `inputSize`: the size of the image as the user gave it, when `image` was
   * shrunk (--max-size); the box and strokes are in the input's pixels and are scaled to `image`.
   */
  async coarse(
    image: InterleavedF32,
    mask?: ImageSource | PlaneF32,
    decode?: DecodeOptions,
    inputSize?: { width: number; height: number },
  ): Promise<CoarseMask> {
    const started = performance.now();
    const prompts = await this.prompts(image, decode, inputSize);
    const finish = (partial: Omit<CoarseMask, 'milliseconds'>): CoarseMask => {
      // The studio segmenter applied the prompts itself; everyone else's map gets them imposed.
      if (partial.engine !== 'studio') {
        applyPrompts(partial.probability, prompts.box, prompts.strokes, partial.trimap);
      }
      return { ...partial, milliseconds: performance.now() - started };
    };
    if (mask !== undefined) return finish(await maskEngine(image, mask, decode));
    const { engine } = this.options;
    if (engine === 'studio') return finish(this.studioEngine(image, prompts));
    if (engine === 'chroma') return finish(this.chromaEngine(image));
    if (engine === 'auto' && this.wantsClassical()) return finish(this.classicalEngine(image, prompts));
    this.decision ??= this.decide();
    const decision = await this.decision;
    if (decision.kind === 'classical') return finish(this.classicalEngine(image, prompts));
    return finish(await this.modelEngine(image, decision.model));
  }

  /** The box and strokes of this image, checked against its size. The stroke file is read once per run. */
  private async prompts(
    image: InterleavedF32,
    decode?: DecodeOptions,
    inputSize: { width: number; height: number } = image,
  ): Promise<Prompts> {
    const { width, height } = image;
    const o = this.options;
    const box =
      o.box !== undefined
        ? scaleBox(clipBox(parseBox(o.box), inputSize.width, inputSize.height), inputSize, image)
        : undefined;
    if (o.strokes === undefined) return { box };
    this.strokes ??= readStrokes(o.strokes, decode);
    return { box, strokes: fitStrokes(await this.strokes, width, height, o.strokes) };
  }

  /** With auto: prompts and the classical engines' own options ask for them, not for a network. */
  private wantsClassical(): boolean {
    const o = this.options;
    if (o.model !== undefined || o.modelPath !== undefined || o.modelSpec !== undefined) return false;
    return [o.box, o.strokes, o.shadows, o.tolerance, o.softness].some((v) => v !== undefined);
  }

  /** The chroma key on a green or blue frame, the studio segmenter otherwise. */
  private classicalEngine(image: InterleavedF32, prompts: Prompts): Omit<CoarseMask, 'milliseconds'> {
    return detectChromaBackground(image) ? this.chromaEngine(image) : this.studioEngine(image, prompts);
  }

  private studioEngine(image: InterleavedF32, prompts: Prompts): Omit<CoarseMask, 'milliseconds'> {
    const result = segmentStudio(image, { ...prompts, shadows: this.options.shadows });
    return { engine: 'studio', model: 'studio', probability: result.probability, warnings: result.warnings };
  }

  private chromaEngine(image: InterleavedF32): Omit<CoarseMask, 'milliseconds'> {
    const result = chromaKey(image, { tolerance: this.options.tolerance, softness: this.options.softness });
    return {
      engine: 'chroma',
      model: `chroma-${result.screen}`,
      probability: result.alpha,
      trimap: result.trimap,
      foreground: result.foreground,
      warnings: [],
    };
  }

  private explicitModel(): boolean {
    const o = this.options;
    return (
      o.engine === 'model' || o.model !== undefined || o.modelPath !== undefined || o.modelSpec !== undefined
    );
  }

  /** Default model if it can be had; else an installed general model; else the classical engines. */
  private async decide(): Promise<Decision> {
    if (this.explicitModel()) return { kind: 'model', model: this.options.model };
    try {
      await resolveModel({
        model: DEFAULT_REMOVE_MODEL,
        offline: this.options.offline,
        acceptLicense: this.options.acceptLicense,
        env: this.env,
        onDownloadStart: this.hooks.onDownloadStart,
        onProgress: this.hooks.onDownloadProgress,
      });
      return { kind: 'model', model: DEFAULT_REMOVE_MODEL };
    } catch (error) {
      if (
        !isCutoutError(error) ||
        !['CUTOUT_E_MODEL_MISSING', 'CUTOUT_E_DOWNLOAD_FAILED'].includes(error.code)
      ) {
        throw error;
      }
      const why =
        error.code === 'CUTOUT_E_MODEL_MISSING'
          ? 'is not installed (offline)'
          : `is not installed and could not be downloaded (${shortReason(error)})`;
      const installed = await this.installedFallback();
      const instead = installed
        ? `the installed model '${installed}'`
        : 'the studio segmenter (the chroma key on green or blue screens)';
      this.hooks.onNotice?.(
        `model '${DEFAULT_REMOVE_MODEL}' ${why}; using ${instead} instead. ` +
          `For network quality run \`cutout models pull ${DEFAULT_REMOVE_MODEL}\` while online.`,
      );
      return installed ? { kind: 'model', model: installed } : { kind: 'classical' };
    } finally {
      this.hooks.onDownloadEnd?.();
    }
  }

  private async installedFallback(): Promise<string | undefined> {
    const dir = modelsDirectory(this.env);
    for (const id of FALLBACK_MODELS) {
      const entry = findRegistryEntry(id);
      if (!entry || (!entry.commercial && !this.options.acceptLicense.includes(id))) continue;
      const info = await stat(modelFilePath(id, dir)).catch(() => undefined);
      if (info?.isFile()) return id;
    }
    return undefined;
  }

  private async modelEngine(
    image: InterleavedF32,
    model: string | undefined,
  ): Promise<Omit<CoarseMask, 'milliseconds'>> {
    // Loaded on first use: onnxruntime's native library costs start-up time the other engines need not pay.
    const { segment } = await import('../inference/segment.ts');
    const o = this.options;
    try {
      const result = await segment(image, {
        model: o.modelSpec !== undefined ? undefined : model,
        modelPath: o.modelPath,
        modelSpec: o.modelSpec,
        verify: o.verify,
        offline: o.offline,
        acceptLicense: o.acceptLicense,
        device: o.device,
        threads: o.threads,
        env: this.env,
        onDownloadStart: this.hooks.onDownloadStart,
        onProgress: this.hooks.onDownloadProgress,
      });
      return { engine: 'model', model: result.model, probability: result.toImage(), warnings: [] };
    } finally {
      this.hooks.onDownloadEnd?.();
    }
  }
}

async function maskEngine(
  image: InterleavedF32,
  mask: ImageSource | PlaneF32,
  decode?: DecodeOptions,
): Promise<Omit<CoarseMask, 'milliseconds'>> {
  const plane = isPlane(mask) ? mask : await decodeMatte(mask, decode);
  const warnings: string[] = [];
  let probability = plane;
  if (plane.width !== image.width || plane.height !== image.height) {
    const ratio = plane.width / plane.height / (image.width / image.height);
    if (Math.abs(Math.log(ratio)) > 0.02) {
      warnings.push(
        `the mask is ${plane.width}×${plane.height} but the image ${image.width}×${image.height} (another shape); ` +
          'it was stretched to fit',
      );
    }
    probability = resizePlane(plane, image.width, image.height, 'bilinear');
  }
  return { engine: 'mask', model: 'mask', probability, warnings };
}

interface Prompts {
  box?: Box;
  strokes?: Trimap;
}

/** Reads a stroke image; its errors name the option as well as the file. */
async function readStrokes(path: string, decode?: DecodeOptions): Promise<Trimap> {
  try {
    const { colour, alpha } = await decodeImage(path, { maxPixels: decode?.maxPixels });
    return strokesFromImage(colour, alpha);
  } catch (error) {
    if (!isCutoutError(error)) throw error;
    const message =
      error.file && error.message.startsWith(`${error.file}: `)
        ? error.message.slice(error.file.length + 2)
        : error.message;
    throw new CutoutError(error.code, `--strokes ${path}: ${message}`, { cause: error });
  }
}

export function isPlane(value: unknown): value is PlaneF32 {
  return (
    typeof value === 'object' &&
    value !== null &&
    'data' in value &&
    (value as PlaneF32).data instanceof Float32Array &&
    !('channels' in value)
  );
}

function shortReason(error: CutoutError): string {
  const message = error.message.split('\n')[0];
  return message.length > 100 ? `${message.slice(0, 97)}…` : message;
}
