/**
 * Asks V8 to optimise hot functions on the thread that runs them instead of on a background thread.
 *
 * V8 normally compiles optimised code concurrently: a hot function keeps running in its slower tiers while
 * a background compiler thread works on it. The worker pools (refine-pool.ts, matting-pool.ts) keep every
 * core busy with numeric loops, so that background thread waits for a core, and a worker's first big tiles
 * run for seconds in unoptimised code. Compiling in place stalls the worker for the compile itself (tens of
 * milliseconds) and then runs optimised code at once. On a 2-core machine, the 12 MP end-to-end hair photo
 * of bench/refine.ts on a cold pool: matting 7.60–7.65 → 6.83–7.07 s (.scratch/e2eprof.mts, interleaved
 * runs); a warm pool does not change.
 *
 * The flag is process-wide (V8 has no per-isolate switch): it is set once, when a pool starts its first
 * worker, and also applies to the main thread's later compiles, which then pause it briefly instead of
 * running unoptimised code a little longer. Set CUTOUT_CONCURRENT_OPTIMISATION=1 to keep V8's default.
 */
import { setFlagsFromString } from 'node:v8';

let done = false;

export function optimiseInPlace(): void {
  if (done) return;
  done = true;
  if (process.env.CUTOUT_CONCURRENT_OPTIMISATION === '1') return;
  setFlagsFromString('--no-concurrent-recompilation');
}
