/**
 * `cutout models pull`: put a registry model into the store, verified. Already-installed files are verified
 * (once) instead of fetched again; `offline` turns a missing model into a clear error instead of a download.
 *
 * CUTOUT_MODEL_MIRROR=<base URL> fetches `<base>/<id>.onnx` instead of the upstream URL (an internal mirror
 * for machines without internet access); the published hash is still required.
 */
import { stat } from 'node:fs/promises';
import { CutoutError } from '../errors.ts';
import { type DownloadProgress, downloadFile } from './download.ts';
import { assertLicenseAccepted } from './license-gate.ts';
import { ensureVerified, modelFilePath, modelsDirectory, writeStamp } from './model-store.ts';
import type { RegistryEntry } from './registry.ts';

export type Pullable = Pick<RegistryEntry, 'id' | 'license' | 'licenseUrl' | 'commercial' | 'download'>;

export interface PullOptions {
  offline?: boolean;
  acceptLicense?: readonly string[];
  /** Fetch again even when a verified copy is installed. */
  force?: boolean;
  /** The store folder. Default: from the environment (see model-store.ts). */
  modelsDir?: string;
  env?: NodeJS.ProcessEnv;
  onProgress?: (progress: DownloadProgress) => void;
  /** Called once, before the first byte is requested, with what is about to be fetched. */
  onStart?: (info: { id: string; url: string; path: string }) => void;
  idleTimeoutMs?: number;
  retries?: number;
}

export interface PullResult {
  id: string;
  path: string;
  status: 'installed' | 'downloaded';
  bytes: number;
  url?: string;
}

export function downloadUrl(entry: Pullable, env: NodeJS.ProcessEnv = process.env): string {
  const mirror = env.CUTOUT_MODEL_MIRROR;
  return mirror ? `${mirror.replace(/\/+$/, '')}/${entry.id}.onnx` : entry.download.url;
}

export function offlineMissing(id: string, path: string): CutoutError {
  return new CutoutError(
    'CUTOUT_E_MODEL_MISSING',
    `model '${id}' is not installed and --offline forbids downloading it; run \`cutout models pull ${id}\` ` +
      `while online (or place the file at ${path})`,
  );
}

export async function pullModel(entry: Pullable, options: PullOptions = {}): Promise<PullResult> {
  assertLicenseAccepted(entry, options.acceptLicense);
  const env = options.env ?? process.env;
  const path = modelFilePath(entry.id, options.modelsDir ?? modelsDirectory(env));
  const present = (await stat(path).catch(() => undefined))?.isFile() ?? false;
  if (present && !options.force) {
    await ensureVerified(entry.id, path, entry.download);
    return { id: entry.id, path, status: 'installed', bytes: (await stat(path)).size };
  }
  if (options.offline) throw offlineMissing(entry.id, path);
  const url = downloadUrl(entry, env);
  options.onStart?.({ id: entry.id, url, path });
  const result = await downloadFile(url, path, {
    expected: entry.download,
    onProgress: options.onProgress,
    idleTimeoutMs: options.idleTimeoutMs,
    retries: options.retries,
  });
  await writeStamp(path, entry.download, result.verification);
  return { id: entry.id, path, status: 'downloaded', bytes: result.bytes, url };
}
