/**
 * Scores predicted mattes against ground truth, file by file, with the DESIGN.md metrics.
 * Files are matched by name with the extension ignored, so `GT01.png` scores against `GT01.jpg`.
 */
import { stat } from 'node:fs/promises';
import type { PlaneF32, Trimap } from '../core/image.ts';
import { CutoutError } from '../errors.ts';
import { decodeMatte, decodeTrimap } from '../io/decode.ts';
import { imagesByName } from '../io/list-images.ts';
import { evaluateMatte } from '../metrics/index.ts';

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
      if (!trimapPath)
        throw new CutoutError('CUTOUT_E_NO_MATCH', `no trimap in ${options.trimap} for ${name}`);
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
