/**
 * A small pool of worker threads that solve matting tiles side by side. Workers start on first use and
 * stay for the next image, so a folder pays the start-up once; idle workers do not keep the process alive.
 *
 * Tiles cut from an image (`solve`) are handed over to the worker (their memory moves, nothing is copied).
 * A non-local method solves the image itself in one piece (`solveShared`): it goes to the worker in shared
 * memory instead, as in RefinePool: as it is when the caller decoded it into a SharedArrayBuffer, else
 * copied once and reused while the array lives (the same image matted again, with another trimap or
 * method, is not copied again).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { InterleavedF32, PlaneF32, Trimap } from '../core/image.ts';
import { CutoutError, ERROR_CODES, type ErrorCode } from '../errors.ts';
import type { TileSolution, TileSolver } from '../matting/estimate-alpha-tiled.ts';
import type { ForegroundEstimator } from '../refine/foreground-in-band.ts';
import type { CollectRequest, ForegroundRequest, TileRequest } from './matting-worker.ts';
import { optimiseInPlace } from './optimise-in-place.ts';
import { SharedPlanes } from './shared-planes.ts';
import { workerEntry } from './worker-bundle.ts';

interface Pending {
  resolve: (answer: TileSolution | InterleavedF32 | undefined) => void;
  reject: (error: Error) => void;
}

/** The solvers matteImage takes, all on one pool. */
export interface MattingPoolSolvers {
  solveTile: TileSolver;
  solveWhole: TileSolver;
  solveForeground: ForegroundEstimator;
}

interface Slot {
  worker: Worker;
  busy: number;
}

export class MattingPool {
  readonly size: number;
  private slots: Slot[] = [];
  private pending = new Map<number, Pending>();
  private nextId = 1;
  /** The images and trimaps `solveShared` was given, in shared memory. */
  private shared = new SharedPlanes();

  constructor(size = Math.max(1, availableParallelism())) {
    this.size = size;
  }

  /** matteImage's solvers on this pool, for `method`: `matteImage(image, trimap, {method, ...pool.solvers(method)})`. */
  solvers(method?: string): MattingPoolSolvers {
    return {
      solveTile: (image, trimap) => this.solve(image, trimap, { method }),
      solveWhole: (image, trimap) => this.solveShared(image, trimap, { method }),
      solveForeground: (image, alpha) => this.foreground(image, alpha),
    };
  }

  /**
   * The multi-level foreground estimate of a crop on the least busy worker. The crop's arrays are handed
   * over (pass crops made for the purpose).
   */
  foreground(image: InterleavedF32, alpha: PlaneF32): Promise<InterleavedF32> {
    return this.send<InterleavedF32>(
      (id): ForegroundRequest => ({ id, foreground: { image, alpha } }),
      [image.data.buffer as ArrayBuffer, alpha.data.buffer as ArrayBuffer],
    );
  }

  /**
   * Solves one tile on the least busy worker. The tile's arrays are handed over: they are detached here
   * (pass crops made for the purpose, never the caller's image).
   */
  solve(image: InterleavedF32, trimap: Trimap, options: TileRequest['options']): Promise<TileSolution> {
    return this.post(image, trimap, options, true);
  }

  /**
   * Solves `image` and `trimap` themselves (a whole-image tile) on the least busy worker, from shared
   * memory: nothing of the caller's is detached or written.
   */
  solveShared(image: InterleavedF32, trimap: Trimap, options: TileRequest['options']): Promise<TileSolution> {
    return this.post(
      { ...image, data: this.shared.share(image.data) },
      { ...trimap, data: this.shared.share(trimap.data) },
      options,
      false,
    );
  }

  private post(
    image: InterleavedF32,
    trimap: Trimap,
    options: TileRequest['options'],
    transfer: boolean,
  ): Promise<TileSolution> {
    return this.send<TileSolution>(
      (id): TileRequest => ({ id, image, trimap, options }),
      transfer ? [image.data.buffer as ArrayBuffer, trimap.data.buffer as ArrayBuffer] : [],
    );
  }

  /** Posts the request made for a new id to the least busy worker; resolves with the worker's answer. */
  private send<T>(request: (id: number) => { id: number }, transfer: ArrayBuffer[]): Promise<T> {
    const slot = this.pickSlot();
    const id = this.nextId++;
    slot.busy++;
    slot.worker.ref();
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: (answer) => resolve(answer as T), reject });
      slot.worker.postMessage(request(id), transfer);
    }).finally(() => {
      slot.busy--;
      if (slot.busy === 0) slot.worker.unref();
    });
  }

  /**
   * A full garbage collection on every started worker (and nothing more): for memory measurements, in a
   * process started with --expose-gc; without it the workers just answer.
   */
  async collectGarbage(): Promise<void> {
    await Promise.all(
      this.slots.map((slot) =>
        new Promise<void>((resolve, reject) => {
          const id = this.nextId++;
          this.pending.set(id, { resolve: () => resolve(), reject });
          slot.worker.ref();
          const request: CollectRequest = { id, collect: true };
          slot.worker.postMessage(request);
        }).finally(() => {
          if (slot.busy === 0) slot.worker.unref();
        }),
      ),
    );
  }

  async close(): Promise<void> {
    const slots = this.slots;
    this.slots = [];
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  private pickSlot(): Slot {
    if (this.slots.length < this.size) {
      const idle = this.slots.find((slot) => slot.busy === 0);
      if (idle) return idle;
      const slot = { worker: this.startWorker(), busy: 0 };
      this.slots.push(slot);
      return slot;
    }
    return this.slots.reduce((a, b) => (b.busy < a.busy ? b : a));
  }

  private startWorker(): Worker {
    optimiseInPlace();
    const worker = new Worker(
      workerEntry(
        new URL('./matting-worker.ts', import.meta.url),
        new URL('./matting-worker-entry.mjs', import.meta.url),
      ),
    );
    worker.on(
      'message',
      (message: {
        id: number;
        solution?: TileSolution;
        foreground?: InterleavedF32;
        collected?: true;
        error?: Record<string, string>;
      }) => {
        const pending = this.pending.get(message.id);
        if (!pending) return;
        this.pending.delete(message.id);
        if (message.solution || message.foreground || message.collected)
          pending.resolve(message.solution ?? message.foreground);
        else pending.reject(reviveError(message.error ?? {}));
      },
    );
    worker.on('error', (error) => {
      // A crashed worker takes its requests with it; fail them all (callers see the error) and drop it.
      for (const pending of this.pending.values()) pending.reject(error);
      this.pending.clear();
      this.slots = this.slots.filter((slot) => slot.worker !== worker);
    });
    worker.unref();
    return worker;
  }
}

function reviveError(error: Record<string, string>): Error {
  if (error.code && error.code in ERROR_CODES) {
    return new CutoutError(error.code as ErrorCode, error.message.replace(`${error.file}: `, ''), {
      file: error.file,
    });
  }
  const revived = new Error(error.message);
  revived.name = error.name ?? 'Error';
  return revived;
}
