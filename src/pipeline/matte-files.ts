/**
 * `cutout matte` on files and folders: pair each image with its trimap (or scribbles) by name, matte it,
 * and write an RGBA cutout (or the alpha alone). One bad pair fails alone; the rest go on.
 */
import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Trimap } from '../core/image.ts';
import { CutoutError } from '../errors.ts';
import { type DecodeOptions, decodeImage, decodeTrimap } from '../io/decode.ts';
import { encodeImage, formatFromPath, type OutputFormat } from '../io/encode.ts';
import { imagesByName, nameKey } from '../io/list-images.ts';
import { writeFileAtomic } from '../io/write-file-atomic.ts';
import { quantiseTrimap, type TrimapThresholds } from '../trimap/quantise-trimap.ts';
import { trimapFromScribbles } from '../trimap/trimap-from-scribbles.ts';
import { type MatteImageOptions, matteImage } from './matte-image.ts';
import type { MattingPool } from './matting-pool.ts';

export interface MatteJob {
  image: string;
  /** The trimap or scribble file. */
  guide: string;
  output: string;
}

export interface MatteFilesOptions {
  /** An image file or a folder of images. */
  input: string;
  /** A trimap file or folder, matched to images by name (extension ignored). */
  trimap?: string;
  /** Scribbles instead of a trimap (a file or folder). */
  scribbles?: string;
  /** Output file (for one image) or folder. Default for one image: `<name>.cutout.png` beside it. */
  output?: string;
  format?: OutputFormat;
  alphaOnly?: boolean;
  trimapThresholds?: TrimapThresholds;
  overwrite?: boolean;
  decode?: DecodeOptions;
  /** Worker threads for the matting tiles; without one, tiles are solved on this thread. */
  pool?: MattingPool;
  matting?: Omit<MatteImageOptions, 'alphaOnly' | 'trimapName'>;
}

export interface MatteJobOutcome {
  job: MatteJob;
  error?: CutoutError;
  milliseconds: number;
  iterations?: number;
  unknownCount?: number;
}

/** Works out which image goes with which guide and where each result goes. Errors here stop the run. */
export async function planMatteJobs(options: MatteFilesOptions): Promise<MatteJob[]> {
  const guideFlag = options.trimap !== undefined ? '--trimap' : '--scribbles';
  const guidePath = options.trimap ?? options.scribbles;
  if (guidePath === undefined || (options.trimap !== undefined && options.scribbles !== undefined)) {
    throw new CutoutError('CUTOUT_E_INVALID_OPTION', 'give exactly one of --trimap or --scribbles');
  }
  const inputIsFolder = await isFolder(options.input);
  const images = await imagesByName(options.input, 'input');
  const guides = await imagesByName(guidePath, guideFlag);
  const format =
    options.format ??
    (options.output && !inputIsFolder ? formatFromPath(options.output) : undefined) ??
    'png';
  const extension = format === 'jpeg' ? 'jpg' : format;
  if (!inputIsFolder) {
    const [image] = images.values();
    const [guide] = guides.values();
    const suffix = options.alphaOnly ? 'alpha' : 'cutout';
    const output = options.output ?? join(dirname(image), `${nameKey(image)}.${suffix}.${extension}`);
    return [{ image, guide, output }];
  }
  if (!options.output) {
    throw new CutoutError('CUTOUT_E_INVALID_OPTION', 'a folder of images needs -o <folder> for the results');
  }
  const missing = [...images.keys()].filter((name) => !guides.has(name));
  if (missing.length > 0) {
    throw new CutoutError(
      'CUTOUT_E_NO_MATCH',
      `no ${guideFlag.slice(2)} in ${guidePath} for: ${missing.join(', ')} (files are matched by name, extension ignored)`,
    );
  }
  const outputFolder = options.output;
  return [...images].map(([name, image]) => ({
    image,
    guide: guides.get(name)!,
    output: join(outputFolder, `${name}.${extension}`),
  }));
}

export async function runMatteJob(job: MatteJob, options: MatteFilesOptions): Promise<MatteJobOutcome> {
  const started = performance.now();
  try {
    const inputs = [job.image, job.guide];
    if (!options.overwrite && (await exists(job.output))) {
      throw new CutoutError('CUTOUT_E_OUTPUT_EXISTS', 'exists; pass --overwrite to replace it', {
        file: job.output,
      });
    }
    const { pool } = options;
    // On a pool, the photo goes to the workers in shared memory (a whole-image method reads it there).
    const { colour } = await decodeImage(job.image, { ...options.decode, shared: pool !== undefined });
    const trimap = await readGuide(job.guide, options);
    const result = await matteImage(colour, trimap, {
      ...options.matting,
      ...pool?.solvers(options.matting?.method),
      alphaOnly: options.alphaOnly,
      trimapName: job.guide,
    });
    const format = options.format ?? formatFromPath(job.output) ?? 'png';
    const bytes = options.alphaOnly
      ? await encodeImage({ colour: { ...result.alpha, channels: 1 } }, { format })
      : await encodeImage({ colour: result.foreground!, alpha: result.alpha }, { format });
    await writeFileAtomic(job.output, bytes, { inputs, overwrite: options.overwrite });
    return {
      job,
      milliseconds: performance.now() - started,
      iterations: result.iterations,
      unknownCount: result.unknownCount,
    };
  } catch (error) {
    const coded =
      error instanceof CutoutError
        ? error
        : new CutoutError('CUTOUT_E_INTERNAL', (error as Error).message ?? String(error), {
            file: job.image,
            cause: error,
          });
    return { job, error: coded, milliseconds: performance.now() - started };
  }
}

async function readGuide(path: string, options: MatteFilesOptions): Promise<Trimap> {
  if (options.scribbles !== undefined) {
    const { colour, alpha } = await decodeImage(path, options.decode);
    return trimapFromScribbles(colour, alpha);
  }
  const trimap = await decodeTrimap(path, options.decode);
  return options.trimapThresholds ? quantiseTrimap(trimap, options.trimapThresholds) : trimap;
}

async function isFolder(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    throw new CutoutError('CUTOUT_E_INPUT_NOT_FOUND', 'no such file or folder', { file: path });
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
