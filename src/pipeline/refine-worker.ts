/** A worker thread that runs the cascade's matting on tiles for the RefinePool. */
import { parentPort } from 'node:worker_threads';
import type { PlaneF32 } from '../core/image.ts';
import { type RefineTileRequest, solveTileRequest, type TileCropBuffers } from '../refine/refine-tiled.ts';
import type { TrimapFromProbabilityOptions } from '../trimap/trimap-from-probability.ts';
import { type TrimapStrip, trimapStripHere } from '../trimap/trimap-in-strips.ts';

/** A tile to solve, or a strip of the trimap to make (RefinePool.trimap). */
export type RefineWorkerRequest =
  | (RefineTileRequest & { id: number })
  | {
      id: number;
      strip: { probability: PlaneF32; strip: TrimapStrip; options: TrimapFromProbabilityOptions };
    };

// The whole image arrives in shared memory; each tile is cropped into these, reused from tile to tile
// (with the storage of the solve's factor) and from image to image of a batch. A worker idle for
// RELEASE_AFTER_MS lets go of them: after a large tile of hair they hold over a hundred MB, which an idle
// server should not keep, while the next photo of a batch (decoded meanwhile) comes well within that time.
const RELEASE_AFTER_MS = 2000;
let buffers: TileCropBuffers = {};
let release: ReturnType<typeof setTimeout> | undefined;

parentPort!.on('message', (message: RefineWorkerRequest) => {
  if ('strip' in message) {
    const { id, strip } = message;
    try {
      // A copy, not a view of the strip's trimap with its halo: only the strip's own rows travel back.
      const labels = trimapStripHere(strip.probability, strip.strip, strip.options).slice();
      parentPort!.postMessage({ id, result: labels }, [labels.buffer as ArrayBuffer]);
    } catch (error) {
      const { name, message: text } = error as Error;
      parentPort!.postMessage({ id, error: { name, message: text } });
    }
    return;
  }
  const { id, ...request } = message;
  clearTimeout(release);
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
  // Counted from the end of the tile: a long tile is not idle time.
  release = setTimeout(() => {
    buffers = {};
  }, RELEASE_AFTER_MS);
  release.unref();
});
