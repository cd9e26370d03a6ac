/**
 * Scores predicted mattes against ground truth, file by file, with the DESIGN.md metrics.
 * Files are matched by name with the extension ignored, so `GT01.png` scores against `GT01.jpg`.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { PlaneF32, Trimap } from '../core/image.ts';
import { CutoutError } from '../errors.ts';
import { decodeMatte, decodeTrimap } from '../io/decode.ts';
import { evaluateMatte } from '../metrics/index.ts';

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp', '.avif', '.tif', '.tiff', '.gif'];

export interface MatteScores {
  sad: number;
  mse: number;
  grad: number;
  conn: number;
}

export interface EvaluationReport {
  images: (MatteScores & { name: string })[];
  mean: MatteScores;
}

export interface EvaluateFoldersOptions {
  /** A folder of predictions, or one prediction file. */
  pred: string;
  /** A folder of ground-truth alphas, or one file. */
  gt: string;
  /** A folder of trimaps, or one file; without it every pixel counts. */
  trimap?: string;
}

export async function evaluateFolders(options: EvaluateFoldersOptions): Promise<EvaluationReport> {
  const predictions = await imagesByName(options.pred, '--pred');
  const truths = await imagesByName(options.gt, '--gt');
  const trimaps = options.trimap ? await imagesByName(options.trimap, '--trimap') : undefined;
  const single = predictions.size === 1 && truths.size === 1 && (await isFile(options.pred));
  const names = single ? [...predictions.keys()] : [...truths.keys()].sort();
  if (!single) {
    const unmatched = [...predictions.keys()].filter((name) => !truths.has(name));
    const missing = names.filter((name) => !predictions.has(name));
    if (unmatched.length > 0 || missing.length > 0) {
      const parts = [
        missing.length > 0 ? `no prediction in ${options.pred} for: ${missing.join(', ')}` : '',
        unmatched.length > 0 ? `no ground truth in ${options.gt} for: ${unmatched.join(', ')}` : '',
      ];
      throw new CutoutError('CUTOUT_E_NO_MATCH', parts.filter(Boolean).join('; '));
    }
  }
  const images: EvaluationReport['images'] = [];
  for (const name of names) {
    const predPath = predictions.get(name)!;
    const truthPath = single ? [...truths.values()][0] : truths.get(name)!;
    const pred = await decodeMatte(predPath);
    const truth = await decodeMatte(truthPath);
    checkSize(pred, truth, predPath, truthPath);
    let trimap: Trimap | undefined;
    if (trimaps) {
      const trimapPath = trimaps.size === 1 && single ? [...trimaps.values()][0] : trimaps.get(name);
      if (!trimapPath) throw new CutoutError('CUTOUT_E_NO_MATCH', `no trimap in ${options.trimap} for ${name}`);
      trimap = await decodeTrimap(trimapPath);
      checkSize(trimap, truth, trimapPath, truthPath);
    }
    images.push({ name, ...evaluateMatte(pred, truth, trimap) });
  }
  return { images, mean: meanScores(images) };
}

function meanScores(rows: MatteScores[]): MatteScores {
  const mean: MatteScores = { sad: 0, mse: 0, grad: 0, conn: 0 };
  for (const row of rows) {
    mean.sad += row.sad / rows.length;
    mean.mse += row.mse / rows.length;
    mean.grad += row.grad / rows.length;
    mean.conn += row.conn / rows.length;
  }
  return mean;
}

function checkSize(a: PlaneF32 | Trimap, b: PlaneF32, aPath: string, bPath: string): void {
  if (a.width !== b.width || a.height !== b.height) {
    throw new CutoutError(
      'CUTOUT_E_SIZE_MISMATCH',
      `is ${a.width}×${a.height} but ${bPath} is ${b.width}×${b.height}`,
      { file: aPath },
    );
  }
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path)).isFile();
}

/** The image files of a folder (not recursive, hidden files skipped), keyed by name without extension. */
async function imagesByName(path: string, flag: string): Promise<Map<string, string>> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch {
    throw new CutoutError('CUTOUT_E_INPUT_NOT_FOUND', `${flag}: no such file or folder`, { file: path });
  }
  if (info.isFile()) return new Map([[basename(path, extname(path)), path]]);
  const byName = new Map<string, string>();
  for (const entry of (await readdir(path)).sort()) {
    const extension = extname(entry).toLowerCase();
    if (entry.startsWith('.') || !IMAGE_EXTENSIONS.includes(extension)) continue;
    const name = basename(entry, extname(entry));
    const previous = byName.get(name);
    if (previous) {
      throw new CutoutError('CUTOUT_E_NO_MATCH', `two files share the name '${name}': ${basename(previous)}, ${entry}`, {
        file: path,
      });
    }
    byName.set(name, join(path, entry));
  }
  if (byName.size === 0) throw new CutoutError('CUTOUT_E_NO_MATCH', `${flag}: no image files in folder`, { file: path });
  return byName;
}
