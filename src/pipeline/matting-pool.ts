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
import type { InterleavedF32, Trimap } from '../core/image.ts';
import { CutoutError, ERROR_CODES, type ErrorCode } from '../errors.ts';
import type { TileSolution } from '../matting/estimate-alpha-tiled.ts';
import type { CollectRequest, TileRequest } from './matting-worker.ts';
import { workerEntry } from './worker-bundle.ts';

interface Pending {
  resolve: (solution: TileSolution | undefined) => void;
  reject: (error: Error) => void;
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
  /** Shared-memory copies of the arrays `solveShared` was given, kept while the original array lives. */
  private shared = new WeakMap<Float32Array | Uint8Array, Float32Array | Uint8Array>();

  constructor(size = Math.max(1, availableParallelism())) {
    this.size = size;
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
      { ...image, data: this.share(image.data) },
      { ...trimap, data: this.share(trimap.data) },
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
    const slot = this.pickSlot();
    const id = this.nextId++;
    slot.busy++;
    slot.worker.ref();
    return new Promise<TileSolution>((resolve, reject) => {
      this.pending.set(id, { resolve: (solution) => resolve(solution!), reject });
      const request: TileRequest = { id, image, trimap, options };
      slot.worker.postMessage(
        request,
        transfer ? [image.data.buffer as ArrayBuffer, trimap.data.buffer as ArrayBuffer] : [],
      );
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

  /**
   * `data` in shared memory: itself if it already is, else a copy made on first use and reused while the
   * array lives (the inputs of a solve never change while it runs).
   */
  private share<T extends Float32Array | Uint8Array>(data: T): T {
    if (data.buffer instanceof SharedArrayBuffer) return data;
    let copy = this.shared.get(data);
    if (!copy) {
      const buffer = new SharedArrayBuffer(data.byteLength);
      copy = data instanceof Float32Array ? new Float32Array(buffer) : new Uint8Array(buffer);
      copy.set(data);
      this.shared.set(data, copy);
    }
    return copy as T;
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
        collected?: true;
        error?: Record<string, string>;
      }) => {
        const pending = this.pending.get(message.id);
        if (!pending) return;
        this.pending.delete(message.id);
        if (message.solution || message.collected) pending.resolve(message.solution);
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
