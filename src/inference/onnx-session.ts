/**
 * The onnxruntime-node adapter: one InferenceSession per model file and settings, created once and reused
 * (loading a large model costs far more than running it). A device other than the CPU is tried first and,
 * when it is not available, the fallback is loud: the caller is told what was asked for and what runs.
 */
import { realpath, stat } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { CutoutError } from '../errors.ts';
import { type Device, parseDevice } from './devices.ts';

export type { Device } from './devices.ts';

export interface SessionOptions {
  /** Default 'cpu'. */
  device?: string;
  /** Threads inside one operator (onnxruntime's intra-op pool). Default: onnxruntime's choice (all cores). */
  threads?: number;
  /** Where the device fallback is reported. Default: standard error. */
  onWarning?: (message: string) => void;
}

export interface LoadedSession {
  session: ort.InferenceSession;
  path: string;
  requestedDevice: Device;
  /** The device that actually runs the model. */
  device: Device;
}

const sessions = new Map<string, Promise<LoadedSession>>();

export async function loadSession(path: string, options: SessionOptions = {}): Promise<LoadedSession> {
  const requestedDevice = parseDevice(options.device ?? 'cpu');
  const threads = options.threads;
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1)) {
    throw new CutoutError('CUTOUT_E_INVALID_OPTION', `threads must be a whole number ≥ 1, got ${threads}`);
  }
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) throw new CutoutError('CUTOUT_E_MODEL_MISSING', 'no such model file', { file: path });
  const real = await realpath(path);
  // The file's size and mtime are in the key, so a model replaced on disk is loaded afresh.
  const key = [real, info.size, info.mtimeMs, requestedDevice, threads ?? 0].join('|');
  let pending = sessions.get(key);
  if (!pending) {
    pending = createSession(path, requestedDevice, threads, options.onWarning ?? defaultWarning);
    sessions.set(key, pending);
    // A failed load is not cached: the next call tries again (the file may have been fixed).
    pending.catch(() => sessions.delete(key));
  }
  return pending;
}

/** Releases every cached session (end of a batch, tests, a server shutting down). */
export async function releaseSessions(): Promise<void> {
  const all = [...sessions.values()];
  sessions.clear();
  for (const pending of all) {
    const loaded = await pending.catch(() => undefined);
    await loaded?.session.release().catch(() => undefined);
  }
}

async function createSession(
  path: string,
  requestedDevice: Device,
  threads: number | undefined,
  warn: (message: string) => void,
): Promise<LoadedSession> {
  const base: ort.InferenceSession.SessionOptions = {
    graphOptimizationLevel: 'all',
    // 3 = errors only: some exports (SINet) would otherwise print hundreds of harmless initializer warnings.
    logSeverityLevel: 3,
    ...(threads === undefined ? {} : { intraOpNumThreads: threads, interOpNumThreads: 1 }),
  };
  if (requestedDevice !== 'cpu') {
    try {
      const session = await ort.InferenceSession.create(path, {
        ...base,
        executionProviders: [requestedDevice],
      });
      return { session, path, requestedDevice, device: requestedDevice };
    } catch (error) {
      const reason = firstLine(error);
      // An unreadable model fails on every device; report that, not a device problem.
      if (isModelError(reason)) throw modelError(path, reason, error);
      warn(
        `cutout: device '${requestedDevice}' was requested but is not available here (${reason}); running on cpu instead`,
      );
    }
  }
  try {
    const session = await ort.InferenceSession.create(path, { ...base, executionProviders: ['cpu'] });
    return { session, path, requestedDevice, device: 'cpu' };
  } catch (error) {
    throw modelError(path, firstLine(error), error);
  }
}

function isModelError(message: string): boolean {
  return (
    /protobuf|load model|invalid model|model_path|onnx|opset|graph/i.test(message) &&
    !/provider|backend/i.test(message)
  );
}

function modelError(path: string, reason: string, cause: unknown): CutoutError {
  return new CutoutError('CUTOUT_E_MODEL_INVALID', `onnxruntime cannot load this model: ${reason}`, {
    file: path,
    cause,
  });
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // onnxruntime messages can carry ANSI colour codes (ESC [ … m) and long native traces.
  const plain = message
    .split(String.fromCharCode(27))
    .join('')
    .replace(/\[[0-9;]*m/g, '');
  return plain.split('\n')[0].trim().slice(0, 300);
}

function defaultWarning(message: string): void {
  process.stderr.write(`${message}\n`);
}
