/** A worker thread that solves matting tiles for the MattingPool. */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort } from 'node:worker_threads';
import type { InterleavedF32, PlaneF32, Trimap } from '../core/image.ts';
import { estimateForeground } from '../foreground/estimate-foreground-multilevel.ts';
import { countUnknown } from '../matting/coarse-to-fine.ts';
import {
  DEFAULT_MATTING_METHOD,
  estimateAlpha,
  type MattingOptions,
  mattingMethod,
} from '../matting/estimate-alpha.ts';

export interface TileRequest {
  id: number;
  image: InterleavedF32;
  trimap: Trimap;
  options: Omit<MattingOptions, 'onProgress' | 'signal' | 'collectGarbage'> & { method?: string };
}

/** Asks for the foreground colours of a crop (matte-image.ts spreads them over the workers). */
export interface ForegroundRequest {
  id: number;
  foreground: { image: InterleavedF32; alpha: PlaneF32 };
}

/** Asks the worker to run a full garbage collection now, for memory measurements. */
export interface CollectRequest {
  id: number;
  collect: true;
}

/**
 * Full garbage collections. A tile's matrix and factor are tens of megabytes of typed arrays that die with the
 * solve, but V8 frees array buffers only when it collects, and on its own schedule it lets some 64 MB of them
 * pile up per thread first: on the alphamatting.com images that garbage, in both workers, was most of the
 * process's peak. So the worker collects as soon as it falls idle (its queue empty: nothing waits for it),
 * and, while busy, once the tiles solved since the last collection add up to COLLECT_AFTER_UNKNOWNS. A
 * collection costs several milliseconds, so collecting after every tile instead cost a quarter more CPU on
 * closed-form trimap1. `gc` is exposed to a fresh context only (the host's own global is left alone); where
 * that is refused, the worker just relies on V8's own schedule.
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

// Tiles with this many unknown pixels in all leave some 25 MB of garbage (closed-form).
const COLLECT_AFTER_UNKNOWNS = 40_000;
/**
 * Tiles with this many unknown pixels also collect between the stages of their solve: the build's scratch
 * (some 20 bytes per image pixel on closed-form GT13, trimap2) is freed before the factorisation allocates.
 * Two collections more per tile: kept to tiles larger than any of closed-form trimap1 (GT13: 96 000), whose
 * time is a target. A non-local method's one tile is the whole image and always collects: its scratch grows
 * with the image, not the band (information flow's k-d trees over every pixel: some 60 bytes per pixel),
 * and a few collections are little beside its solve (ifm: seconds).
 */
const COLLECT_BETWEEN_STAGES_UNKNOWNS = 100_000;
let unknownsSinceCollect = 0;
let idleCollect: ReturnType<typeof setTimeout> | undefined;

function collectNow(): void {
  clearTimeout(idleCollect);
  idleCollect = undefined;
  unknownsSinceCollect = 0;
  collectGarbage?.();
}

parentPort!.on('message', (request: TileRequest | ForegroundRequest | CollectRequest) => {
  // A request that was already queued arrives before this timer fires: the worker is not idle after all.
  clearTimeout(idleCollect);
  idleCollect = undefined;
  if ('collect' in request) {
    collectNow();
    parentPort!.postMessage({ id: request.id, collected: true });
    return;
  }
  if ('foreground' in request) {
    const { id, foreground } = request;
    try {
      const f = estimateForeground(foreground.image, foreground.alpha).foreground;
      parentPort!.postMessage({ id, foreground: f }, [f.data.buffer as ArrayBuffer]);
    } catch (error) {
      const { name, message } = error as Error;
      parentPort!.postMessage({ id, error: { name, message } });
    }
    idleCollect = setTimeout(collectNow, 0);
    return;
  }
  const { id, image, trimap, options } = request;
  let unknown = COLLECT_AFTER_UNKNOWNS;
  try {
    // A very large tile also collects between its stages (see MattingOptions.collectGarbage).
    const large =
      !mattingMethod(options.method ?? DEFAULT_MATTING_METHOD).local ||
      countUnknown(trimap) >= COLLECT_BETWEEN_STAGES_UNKNOWNS;
    const { alpha, iterations, unknownCount, converged } = estimateAlpha(image, trimap, {
      ...options,
      collectGarbage: large ? collectGarbage : undefined,
    });
    unknown = unknownCount;
    parentPort!.postMessage({ id, solution: { alpha, iterations, unknownCount, converged } }, [
      alpha.data.buffer as ArrayBuffer,
    ]);
  } catch (error) {
    const { name, message, code, file } = error as Error & { code?: string; file?: string };
    parentPort!.postMessage({ id, error: { name, message, code, file } });
  }
  unknownsSinceCollect += unknown;
  if (unknownsSinceCollect >= COLLECT_AFTER_UNKNOWNS) collectNow();
  else idleCollect = setTimeout(collectNow, 0);
});
