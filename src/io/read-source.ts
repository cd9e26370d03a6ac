/** Reading an image source — a path, bytes, or a stream — into memory, with clear errors. */
import { readFile, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { CutoutError } from '../errors.ts';

export type Source = string | Uint8Array | Readable;

export function sourceName(source: Source): string {
  if (typeof source === 'string') return source;
  return source instanceof Uint8Array ? '<buffer>' : '<stream>';
}

export async function readSource(
  source: Source,
  options: { name: string; maxBytes?: number },
): Promise<Uint8Array> {
  const { name, maxBytes = Number.POSITIVE_INFINITY } = options;
  let bytes: Uint8Array;
  if (typeof source === 'string') {
    bytes = await readPath(source, maxBytes);
  } else if (source instanceof Uint8Array) {
    bytes = source;
  } else {
    bytes = await readStream(source, name, maxBytes);
  }
  if (bytes.byteLength === 0)
    throw new CutoutError('CUTOUT_E_INPUT_EMPTY', 'file is empty (0 bytes)', { file: name });
  if (bytes.byteLength > maxBytes) throw tooManyBytes(name, maxBytes);
  return bytes;
}

async function readPath(path: string, maxBytes: number): Promise<Uint8Array> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) {
      throw new CutoutError('CUTOUT_E_INPUT_UNSUPPORTED', 'is a folder, not an image file', { file: path });
    }
    if (info.size > maxBytes) throw tooManyBytes(path, maxBytes);
    return await readFile(path);
  } catch (error) {
    if (error instanceof CutoutError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CutoutError('CUTOUT_E_INPUT_NOT_FOUND', 'no such file', { file: path });
    throw new CutoutError('CUTOUT_E_INPUT_NOT_FOUND', `cannot read file (${code ?? String(error)})`, {
      file: path,
      cause: error,
    });
  }
}

async function readStream(stream: Readable, name: string, maxBytes: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += buffer.byteLength;
    if (total > maxBytes) {
      stream.destroy();
      throw tooManyBytes(name, maxBytes);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks, total);
}

function tooManyBytes(name: string, maxBytes: number): CutoutError {
  return new CutoutError('CUTOUT_E_INPUT_TOO_LARGE', `file is larger than the limit of ${maxBytes} bytes`, {
    file: name,
  });
}
