/**
 * Downloads one file over HTTP(S) into `<target>.part`, resuming with a Range request after an interruption,
 * verifying size and hash before the file may be used, and only then renaming it into place (atomic on one
 * file system). A file that fails verification is deleted, never placed.
 *
 * Node's own http/https are used (not fetch) for exact control of Range, redirects and idle timeouts.
 * With `offline` the function throws before any socket is created.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat, truncate } from 'node:fs/promises';
import type { ClientRequest, IncomingMessage } from 'node:http';
import http from 'node:http';
import https from 'node:https';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { CutoutError } from '../errors.ts';
import { type Expected, partFilePath, type Verification, verifyFile } from './model-store.ts';

export interface DownloadProgress {
  /** Bytes in the .part file so far, including any resumed prefix. */
  received: number;
  /** Total size when the server said so. */
  total?: number;
  /** Bytes that were already there when this transfer started (a resume). */
  resumedFrom: number;
}

export interface DownloadOptions {
  expected: Expected;
  /** Never touch the network: throw at once. */
  offline?: boolean;
  /** Give up when no byte arrives for this long (connecting included). Default 30 s. */
  idleTimeoutMs?: number;
  /** How many times an interrupted transfer is resumed before giving up. Default 3. */
  retries?: number;
  onProgress?: (progress: DownloadProgress) => void;
  signal?: AbortSignal;
}

export interface DownloadResult {
  path: string;
  bytes: number;
  verification: Verification;
  /** Requests made, with the Range each asked for (tests and diagnostics). */
  requests: { url: string; range?: string; status: number }[];
}

const MAX_REDIRECTS = 5;

export async function downloadFile(
  url: string,
  target: string,
  options: DownloadOptions,
): Promise<DownloadResult> {
  if (options.offline) {
    throw new CutoutError('CUTOUT_E_DOWNLOAD_FAILED', `offline: not downloading ${url}`);
  }
  const idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
  const retries = options.retries ?? 3;
  const part = partFilePath(target);
  await mkdir(dirname(target), { recursive: true });
  const requests: DownloadResult['requests'] = [];

  let attemptsLeft = retries;
  for (;;) {
    const start = await fileSize(part);
    const moved = { bytes: 0 };
    try {
      await transfer(url, part, start, {
        idleTimeoutMs,
        requests,
        moved,
        onProgress: options.onProgress,
        signal: options.signal,
      });
      break;
    } catch (error) {
      // Resume only when the attempt moved forward: a dead server is reported, not hammered.
      const retryable = error instanceof Interrupted && moved.bytes > 0 && attemptsLeft > 0;
      if (!retryable) throw asDownloadError(error, url);
      attemptsLeft--;
    }
  }

  const verification = await verifyFile(part, options.expected);
  if (!verification.ok) {
    await rm(part, { force: true });
    throw new CutoutError(
      'CUTOUT_E_HASH_MISMATCH',
      `downloaded file ${verification.problem}; it was deleted. The download was corrupted or the file ` +
        `upstream changed (${url})`,
    );
  }
  const handle = await open(part, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(part, target);
  return { path: target, bytes: verification.actualSize, verification, requests };
}

/** The connection broke or stalled part-way: worth resuming. */
class Interrupted extends Error {}

interface TransferOptions {
  idleTimeoutMs: number;
  requests: DownloadResult['requests'];
  /** Bytes received by this attempt, whatever happens to it. */
  moved: { bytes: number };
  onProgress?: (progress: DownloadProgress) => void;
  signal?: AbortSignal;
}

async function transfer(url: string, part: string, start: number, options: TransferOptions): Promise<void> {
  const { response, finalUrl } = await request(url, start, options);
  const status = response.statusCode ?? 0;
  let offset = start;
  if (status === 416 && start > 0) {
    // Nothing left to send: the .part may already be whole (size check and hash decide), or it is junk.
    response.resume();
    const total = /\/(\d+)$/.exec(response.headers['content-range'] ?? '')?.[1];
    if (total !== undefined && Number(total) === start) return;
    await rm(part, { force: true });
    return transfer(url, part, 0, options);
  }
  if (status === 206) {
    const from = /^bytes (\d+)-/.exec(response.headers['content-range'] ?? '')?.[1];
    if (from === undefined || Number(from) !== start) {
      response.resume();
      await truncate(part, 0).catch(() => undefined);
      throw new CutoutError(
        'CUTOUT_E_DOWNLOAD_FAILED',
        `server answered a resume with the wrong range (${response.headers['content-range']}) from ${finalUrl}`,
      );
    }
  } else if (status === 200) {
    // The server ignored our Range (or there was none): start the file over.
    offset = 0;
  } else {
    response.resume();
    throw new CutoutError(
      'CUTOUT_E_DOWNLOAD_FAILED',
      `HTTP ${status} ${response.statusMessage ?? ''} from ${finalUrl}`.replace(/\s+from/, ' from'),
    );
  }
  const length = Number(response.headers['content-length']);
  const total = Number.isFinite(length) ? offset + length : undefined;
  let received = offset;
  options.onProgress?.({ received, total, resumedFrom: offset });
  response.on('data', (chunk: Buffer) => {
    received += chunk.length;
    options.moved.bytes += chunk.length;
    options.onProgress?.({ received, total, resumedFrom: offset });
  });
  const sink = createWriteStream(part, offset === 0 ? { flags: 'w' } : { flags: 'a' });
  try {
    await pipeline(response, sink);
  } catch (error) {
    if (error instanceof CutoutError) throw error;
    throw new Interrupted(`transfer interrupted after ${received} bytes (${(error as Error).message})`);
  }
  if (total !== undefined && received !== total) {
    throw new Interrupted(`transfer ended after ${received} of ${total} bytes`);
  }
}

/** One GET, following redirects, with the Range header kept across them and an idle timeout on each hop. */
async function request(
  url: string,
  start: number,
  options: TransferOptions,
): Promise<{ response: IncomingMessage; finalUrl: string }> {
  let current = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const parsed = new URL(current);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new CutoutError('CUTOUT_E_DOWNLOAD_FAILED', `unsupported URL scheme in ${current}`);
    }
    const range = start > 0 ? `bytes=${start}-` : undefined;
    const response = await get(parsed, range, options);
    options.requests.push({ url: current, range, status: response.statusCode ?? 0 });
    const status = response.statusCode ?? 0;
    const location = response.headers.location;
    if (status >= 300 && status < 400 && location) {
      response.resume();
      current = new URL(location, current).toString();
      continue;
    }
    return { response, finalUrl: current };
  }
  throw new CutoutError('CUTOUT_E_DOWNLOAD_FAILED', `more than ${MAX_REDIRECTS} redirects from ${url}`);
}

function get(url: URL, range: string | undefined, options: TransferOptions): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const headers: Record<string, string> = { 'user-agent': 'cutout', 'accept-encoding': 'identity' };
    if (range) headers.range = range;
    let req: ClientRequest | undefined;
    try {
      req = client.get(url, { headers, signal: options.signal }, (response) => {
        // The idle timer keeps running on the socket while the body streams.
        resolve(response);
      });
    } catch (error) {
      reject(error);
      return;
    }
    req.setTimeout(options.idleTimeoutMs, () => {
      req?.destroy(new Interrupted(`no data for ${options.idleTimeoutMs / 1000} s from ${url.host}`));
    });
    req.on('error', (error) => reject(error instanceof Interrupted ? error : connectionError(error, url)));
  });
}

function connectionError(error: Error, url: URL): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ECONNRESET' || code === 'EPIPE') return new Interrupted(`connection to ${url.host} reset`);
  return new CutoutError(
    'CUTOUT_E_DOWNLOAD_FAILED',
    `cannot connect to ${url.host}: ${code ?? error.message}`,
    {
      cause: error,
    },
  );
}

function asDownloadError(error: unknown, url: string): CutoutError {
  if (error instanceof CutoutError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new CutoutError('CUTOUT_E_DOWNLOAD_FAILED', `${message} (${url}); run the command again to resume`, {
    cause: error,
  });
}

async function fileSize(path: string): Promise<number> {
  return (await stat(path).catch(() => undefined))?.size ?? 0;
}
