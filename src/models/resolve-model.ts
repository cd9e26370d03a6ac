/**
 * From what the user asked for to a verified local file and its processing spec:
 * - `model` alone: the registry entry; the store's copy, verified before first use, pulled when missing
 *   (unless `offline`);
 * - `model` + `modelPath`: the entry's processing with the user's own file (no download; hashed only with `verify`);
 * - `modelSpec` + `modelPath`: a wholly custom model.
 * Model paths are local arguments of the CLI or the library only; nothing here takes one from a request.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { CutoutError } from '../errors.ts';
import type { ModelSpec } from '../segment/model-spec.ts';
import { validateModelSpec } from '../segment/validate-model-spec.ts';
import type { DownloadProgress } from './download.ts';
import { assertLicenseAccepted } from './license-gate.ts';
import { verifyFile } from './model-store.ts';
import { pullModel } from './pull-model.ts';
import { getRegistryEntry, type RegistryEntry } from './registry.ts';

/** What `cutout <image>` uses when no model is named: rembg's default, for familiarity. */
export const DEFAULT_MODEL = 'u2net';

export interface ModelRequest {
  /** Registry id. */
  model?: string;
  /** A local .onnx file. */
  modelPath?: string;
  /** A custom spec: the object, or the path of a JSON file. Needs `modelPath`. */
  modelSpec?: ModelSpec | string;
  offline?: boolean;
  /** Ids of non-commercial models whose licence the user accepts for this run. */
  acceptLicense?: readonly string[];
  /** With `model` + `modelPath`: check the file against the registry's published hash. */
  verify?: boolean;
  modelsDir?: string;
  env?: NodeJS.ProcessEnv;
  onDownloadStart?: (info: { id: string; url: string; path: string }) => void;
  onProgress?: (progress: DownloadProgress) => void;
}

export interface ResolvedModel {
  id: string;
  spec: ModelSpec;
  path: string;
  entry?: RegistryEntry;
  source: 'store' | 'download' | 'path';
}

export async function resolveModel(request: ModelRequest): Promise<ResolvedModel> {
  if (request.modelSpec !== undefined) {
    if (request.model !== undefined) {
      throw new CutoutError(
        'CUTOUT_E_INVALID_OPTION',
        'give either a registry model (--model) or your own spec (--model-spec), not both',
      );
    }
    if (request.modelPath === undefined) {
      throw new CutoutError(
        'CUTOUT_E_INVALID_OPTION',
        'a custom model spec needs the model file too (--model-path <file.onnx>)',
      );
    }
    const path = await existingModelFile(request.modelPath);
    const spec =
      typeof request.modelSpec === 'string'
        ? await loadModelSpecFile(request.modelSpec, basename(path).replace(/\.onnx$/i, ''))
        : validateModelSpec(request.modelSpec, { defaultId: basename(path).replace(/\.onnx$/i, '') });
    return { id: spec.id, spec, path, source: 'path' };
  }

  const entry = getRegistryEntry(request.model ?? DEFAULT_MODEL);
  assertLicenseAccepted(entry, request.acceptLicense);
  if (request.modelPath !== undefined) {
    const path = await existingModelFile(request.modelPath);
    if (request.verify) {
      const verification = await verifyFile(path, entry.download);
      if (!verification.ok) {
        throw new CutoutError(
          'CUTOUT_E_HASH_MISMATCH',
          `file ${verification.problem}; it is not the published ${entry.id}`,
          {
            file: path,
          },
        );
      }
    }
    return { id: entry.id, spec: entry, path, entry, source: 'path' };
  }
  const pulled = await pullModel(entry, {
    offline: request.offline,
    acceptLicense: request.acceptLicense,
    modelsDir: request.modelsDir,
    env: request.env,
    onStart: request.onDownloadStart,
    onProgress: request.onProgress,
  });
  return {
    id: entry.id,
    spec: entry,
    path: pulled.path,
    entry,
    source: pulled.status === 'downloaded' ? 'download' : 'store',
  };
}

export async function loadModelSpecFile(path: string, defaultId?: string): Promise<ModelSpec> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CutoutError(
      'CUTOUT_E_INPUT_NOT_FOUND',
      `cannot read model spec (${(error as NodeJS.ErrnoException).code ?? error})`,
      {
        file: path,
        cause: error,
      },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CutoutError(
      'CUTOUT_E_MODEL_INVALID',
      `model spec is not valid JSON (${(error as Error).message})`,
      {
        file: path,
        cause: error,
      },
    );
  }
  return validateModelSpec(json, { source: path, defaultId });
}

async function existingModelFile(path: string): Promise<string> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new CutoutError('CUTOUT_E_MODEL_MISSING', 'no such model file', { file: path });
  if (!info.isFile()) throw new CutoutError('CUTOUT_E_MODEL_INVALID', 'is not a file', { file: path });
  return path;
}
