/** A worker thread that solves matting tiles for the MattingPool. */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort } from 'node:worker_threads';
import type { InterleavedF32, Trimap } from '../core/image.ts';
import { estimateAlpha, type MattingOptions } from '../matting/estimate-alpha.ts';

export interface TileRequest {
  id: number;
  image: InterleavedF32;
  trimap: Trimap;
  options: Omit<MattingOptions, 'onProgress' | 'signal'> & { method?: string };
}

/** Asks the worker to run a full garbage collection now, for memory measurements. */
export interface CollectRequest {
  id: number;
  collect: true;
}

/**
 * A full garbage collection, run after every large tile. A tile's matrix and factor are tens of megabytes of
 * typed arrays that die with the solve, but V8 frees array buffers only when it collects, and a thread that
 * goes straight on to its next tile (or sits idle) would otherwise keep them: on a wide band that doubled the
 * process's peak. A full collection of the worker's heap costs tens of milliseconds, so small tiles (whose
 * garbage V8's own schedule handles) skip it. `gc` is exposed to a fresh context only (the host's own global
 * is left alone); where that is refused, the worker just relies on V8's own schedule.
 */
const collectGarbage = ((): (() => void) | undefined => {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
})();

// Tiles with this many unknown pixels leave some 25 MB of garbage (closed-form); smaller ones are left to V8.
const COLLECT_AFTER_UNKNOWNS = 40_000;

parentPort!.on('message', (request: TileRequest | CollectRequest) => {
  if ('collect' in request) {
    collectGarbage?.();
    parentPort!.postMessage({ id: request.id, collected: true });
    return;
  }
  const { id, image, trimap, options } = request;
  let unknown = COLLECT_AFTER_UNKNOWNS;
  try {
    const { alpha, iterations, unknownCount, converged } = estimateAlpha(image, trimap, options);
    unknown = unknownCount;
    parentPort!.postMessage({ id, solution: { alpha, iterations, unknownCount, converged } }, [
      alpha.data.buffer as ArrayBuffer,
    ]);
  } catch (error) {
    const { name, message, code, file } = error as Error & { code?: string; file?: string };
    parentPort!.postMessage({ id, error: { name, message, code, file } });
  }
  if (unknown >= COLLECT_AFTER_UNKNOWNS) collectGarbage?.();
});
