/**
 * The model store: where model files live on this machine and whether each is the file upstream published.
 *
 * Layout: `<dir>/<id>.onnx`, beside it `<id>.onnx.verified.json` (the hash it was verified against, with the
 * file's size and mtime, so a large model is hashed once, not on every run) and, during a download,
 * `<id>.onnx.part`. The folder is `$CUTOUT_HOME/models` when CUTOUT_HOME is set, else
 * `$XDG_CACHE_HOME/cutout/models`, else `~/.cache/cutout/models`.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { CutoutError } from '../errors.ts';

export const HASH_ALGORITHMS = ['md5', 'sha256'] as const;
export type HashAlgorithm = (typeof HASH_ALGORITHMS)[number];

export function modelsDirectory(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CUTOUT_HOME) return join(env.CUTOUT_HOME, 'models');
  // The XDG spec says a relative XDG_CACHE_HOME is invalid and must be ignored.
  const cache =
    env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(cache, 'cutout', 'models');
}

export function modelFilePath(id: string, dir: string = modelsDirectory()): string {
  return join(dir, `${id}.onnx`);
}

export function partFilePath(modelPath: string): string {
  return `${modelPath}.part`;
}

function stampPath(modelPath: string): string {
  return `${modelPath}.verified.json`;
}

export function parseHash(hash: string): { algorithm: HashAlgorithm; hex: string } {
  const match = /^(md5|sha256):([0-9a-f]+)$/i.exec(hash);
  const lengths: Record<HashAlgorithm, number> = { md5: 32, sha256: 64 };
  if (!match || match[2].length !== lengths[match[1].toLowerCase() as HashAlgorithm]) {
    throw new CutoutError(
      'CUTOUT_E_MODEL_INVALID',
      `malformed hash '${hash}'; expected md5:<32 hex> or sha256:<64 hex>`,
    );
  }
  return { algorithm: match[1].toLowerCase() as HashAlgorithm, hex: match[2].toLowerCase() };
}

/** Streams the file through the hash, so a 1 GB model never sits in memory. */
export async function hashFile(path: string, algorithm: HashAlgorithm): Promise<string> {
  const hash = createHash(algorithm);
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return `${algorithm}:${hash.digest('hex')}`;
}

export interface Expected {
  hash: string | null;
  size: number | null;
}

export interface Verification {
  ok: boolean;
  /** The file's hash with the expected algorithm (sha256 when nothing is expected). */
  actualHash: string;
  actualSize: number;
  /** Why it failed, in words, when it did. */
  problem?: string;
}

/** Hashes the file now, ignoring any stamp, and compares it with what upstream published. */
export async function verifyFile(path: string, expected: Expected): Promise<Verification> {
  const info = await stat(path);
  const algorithm = expected.hash ? parseHash(expected.hash).algorithm : 'sha256';
  if (expected.size !== null && info.size !== expected.size) {
    // A size mismatch is decisive and free; skip hashing a file we already know is wrong.
    return {
      ok: false,
      actualHash: '',
      actualSize: info.size,
      problem: `is ${info.size} bytes, expected ${expected.size}`,
    };
  }
  const actualHash = await hashFile(path, algorithm);
  if (expected.hash && actualHash !== `${algorithm}:${parseHash(expected.hash).hex}`) {
    return {
      ok: false,
      actualHash,
      actualSize: info.size,
      problem: `has ${actualHash}, expected ${expected.hash}`,
    };
  }
  return { ok: true, actualHash, actualSize: info.size };
}

interface Stamp {
  expectedHash: string | null;
  actualHash: string;
  size: number;
  mtimeMs: number;
}

export async function writeStamp(
  modelPath: string,
  expected: Expected,
  verification: Verification,
): Promise<void> {
  const info = await stat(modelPath);
  const stamp: Stamp = {
    expectedHash: expected.hash,
    actualHash: verification.actualHash,
    size: info.size,
    mtimeMs: info.mtimeMs,
  };
  await writeFile(stampPath(modelPath), `${JSON.stringify(stamp)}\n`);
}

/** True when the file was verified against this hash and has not changed since (same size and mtime). */
export async function hasValidStamp(modelPath: string, expected: Expected): Promise<boolean> {
  try {
    const stamp = JSON.parse(await readFile(stampPath(modelPath), 'utf8')) as Stamp;
    const info = await stat(modelPath);
    return stamp.expectedHash === expected.hash && stamp.size === info.size && stamp.mtimeMs === info.mtimeMs;
  } catch {
    return false;
  }
}

/**
 * The check before first use: a file already stamped for this hash passes at once; any other file (placed by
 * hand, copied, replaced) is hashed now. A file that does not match is refused — and left alone, since it may
 * be the user's own — with the way out in the message.
 */
export async function ensureVerified(
  id: string,
  modelPath: string,
  expected: Expected,
): Promise<Verification | undefined> {
  if (await hasValidStamp(modelPath, expected)) return undefined;
  const verification = await verifyFile(modelPath, expected);
  if (!verification.ok) {
    throw new CutoutError(
      'CUTOUT_E_HASH_MISMATCH',
      `model file ${verification.problem}; it is not the published ${id}. ` +
        `Remove it with \`cutout models rm ${id}\` and run \`cutout models pull ${id}\`, ` +
        'or use your own file with --model-path',
      { file: modelPath },
    );
  }
  await writeStamp(modelPath, expected, verification);
  return verification;
}

export type InstallState = 'missing' | 'unverified' | 'verified';

export async function installState(modelPath: string, expected: Expected): Promise<InstallState> {
  const info = await stat(modelPath).catch(() => undefined);
  if (!info?.isFile()) return 'missing';
  return (await hasValidStamp(modelPath, expected)) ? 'verified' : 'unverified';
}

/** Deletes the model, its stamp and any partial download. Returns whether a model file was there. */
export async function removeModelFiles(modelPath: string): Promise<boolean> {
  const existed = (await stat(modelPath).catch(() => undefined))?.isFile() ?? false;
  await Promise.all(
    [modelPath, stampPath(modelPath), partFilePath(modelPath)].map((p) => rm(p, { force: true })),
  );
  return existed;
}
