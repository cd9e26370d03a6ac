/** A worker thread that runs the cascade's matting on tiles for the RefinePool. */
import { parentPort } from 'node:worker_threads';
import { type RefineTileRequest, solveTileRequest, type TileCropBuffers } from '../refine/refine-tiled.ts';

export interface RefineWorkerRequest extends RefineTileRequest {
  id: number;
}

// The whole image arrives in shared memory; each tile is cropped into these, reused from tile to tile
// (with the storage of the solve's factor) until the pool has nothing more for this worker.
let buffers: TileCropBuffers = {};

parentPort!.on('message', (message: RefineWorkerRequest | { release: true }) => {
  if ('release' in message) {
    buffers = {};
    return;
  }
  const { id, ...request } = message;
  try {
    const result = solveTileRequest(request, buffers);
    const transfer = [result.alpha.data.buffer as ArrayBuffer];
    if (result.foreground) {
      transfer.push(
        result.foreground.pixels.buffer as ArrayBuffer,
        result.foreground.colours.buffer as ArrayBuffer,
      );
    }
    parentPort!.postMessage({ id, result }, transfer);
  } catch (error) {
    const { name, message, code, file } = error as Error & { code?: string; file?: string };
    parentPort!.postMessage({ id, error: { name, message, code, file } });
  }
});
