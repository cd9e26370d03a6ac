/** A worker thread that solves matting tiles for the MattingPool. */
import { parentPort } from 'node:worker_threads';
import type { InterleavedF32, Trimap } from '../core/image.ts';
import { estimateAlpha, type MattingOptions } from '../matting/estimate-alpha.ts';

export interface TileRequest {
  id: number;
  image: InterleavedF32;
  trimap: Trimap;
  options: Omit<MattingOptions, 'onProgress' | 'signal'> & { method?: string };
}

/** Asks the worker to run a full garbage collection (when the process has --expose-gc), for measurements. */
export interface CollectRequest {
  id: number;
  collect: true;
}

parentPort!.on('message', (request: TileRequest | CollectRequest) => {
  if ('collect' in request) {
    (globalThis as { gc?: () => void }).gc?.();
    parentPort!.postMessage({ id: request.id, collected: true });
    return;
  }
  const { id, image, trimap, options } = request;
  try {
    const { alpha, iterations, unknownCount, converged } = estimateAlpha(image, trimap, options);
    parentPort!.postMessage({ id, solution: { alpha, iterations, unknownCount, converged } }, [
      alpha.data.buffer as ArrayBuffer,
    ]);
  } catch (error) {
    const { name, message, code, file } = error as Error & { code?: string; file?: string };
    parentPort!.postMessage({ id, error: { name, message, code, file } });
  }
});
