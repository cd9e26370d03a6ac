/**
 * Atomic file writes: the bytes go to a temporary file in the target's folder, are flushed, and the
 * temporary file is renamed over the target. A reader never sees half a file, and an interrupted run
 * leaves the old file (or nothing) rather than a truncated image.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, realpath, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { CutoutError } from '../errors.ts';

export interface WriteOptions {
  /** Files that must never be overwritten (the inputs of the job). Compared by identity, not by spelling. */
  inputs?: readonly string[];
  /** Replace an existing file at the target. Default false: an existing target is an error. */
  overwrite?: boolean;
}

/**
 * Throws CUTOUT_E_OUTPUT_IS_INPUT when `target` is the same file as one of `inputs` (by device and inode, so
 * links and other spellings of the path are caught). A missing target is never an input.
 */
export async function assertNotAnInput(target: string, inputs: readonly string[]): Promise<void> {
  const existing = await statOrUndefined(resolve(target));
  if (!existing) return;
  for (const input of inputs) {
    const other = await statOrUndefined(input);
    if (other && other.dev === existing.dev && other.ino === existing.ino) {
      throw new CutoutError('CUTOUT_E_OUTPUT_IS_INPUT', `refusing to overwrite the input file ${input}`, {
        file: target,
      });
    }
  }
}

export async function writeFileAtomic(
  target: string,
  bytes: Uint8Array,
  options: WriteOptions = {},
): Promise<void> {
  const path = resolve(target);
  const existing = await statOrUndefined(path);
  if (existing) {
    await assertNotAnInput(target, options.inputs ?? []);
    if (existing.isDirectory()) {
      throw new CutoutError('CUTOUT_E_OUTPUT_FAILED', 'is a folder; give a file name', { file: target });
    }
    if (!options.overwrite) {
      throw new CutoutError('CUTOUT_E_OUTPUT_EXISTS', 'file exists (pass overwrite to replace it)', {
        file: target,
      });
    }
  }
  const folder = dirname(path);
  try {
    await mkdir(folder, { recursive: true });
  } catch (error) {
    throw new CutoutError('CUTOUT_E_OUTPUT_FAILED', `cannot create folder ${folder}`, {
      file: target,
      cause: error,
    });
  }
  // Resolve links in the folder so the rename stays on one file system.
  const temporary = join(await realpath(folder), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw new CutoutError('CUTOUT_E_OUTPUT_FAILED', `cannot write file (${(error as Error).message})`, {
      file: target,
      cause: error,
    });
  }
}

async function statOrUndefined(path: string) {
  try {
    return await stat(path);
  } catch {
    return undefined;
  }
}
