/** A worker thread that runs the cascade's matting on tiles for the RefinePool. */
import { parentPort } from 'node:worker_threads';
import { refineTile } from '../refine/refine-tile.ts';
import type { RefineTileRequest } from '../refine/refine-tiled.ts';

export interface RefineWorkerRequest extends RefineTileRequest {
  id: number;
}

parentPort!.on('message', ({ id, image, trimap, probability, options }: RefineWorkerRequest) => {
  try {
    const result = refineTile(image, trimap, probability, options);
    const transfer = [result.alpha.data.buffer as ArrayBuffer];
    if (result.foreground) transfer.push(result.foreground.data.buffer as ArrayBuffer);
    parentPort!.postMessage({ id, result }, transfer);
  } catch (error) {
    const { name, message, code, file } = error as Error & { code?: string; file?: string };
    parentPort!.postMessage({ id, error: { name, message, code, file } });
  }
});
