/**
 * Worker threads for the cascade's matting tiles (refine/refine-tiled.ts), and for the strips of the trimap
 * that comes before them (`trimap`, trimap/trimap-in-strips.ts), one pool per process. Workers
 * start on first use (or on `warm()`) and stay for the next image, so a folder pays their start-up once; idle
 * workers do not keep the process alive.
 *
 * Tiles wait in one queue and each worker takes the next when it is free: tiles differ several-fold in cost
 * (a band of hair against a plain edge), and handing them out up front left one worker idle while the other
 * still had two to do (a 4 MP image finished 0.4 s later).
 *
 * The whole image, trimap and probability go to the workers once, in shared memory, and each worker crops
 * its tiles out of them (refine-tiled.ts solveTileRequest): cutting every tile's crop on the main thread
 * (with its context, 2–3× the tile) cost a 12 MP photo ~0.9 s there, mostly page faults on fresh memory.
 *
 * It mirrors MattingPool (the `cutout matte` tiles), which solves a different request: tiles with the
 * network's probability and the cascade's priors.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { PlaneF32, Trimap } from '../core/image.ts';
import { CutoutError, ERROR_CODES, type ErrorCode } from '../errors.ts';
import type { RefineTileResult } from '../refine/refine-tile.ts';
import type { RefineTileRequest, RefineTileSolver } from '../refine/refine-tiled.ts';
import type { TrimapFromProbabilityOptions } from '../trimap/trimap-from-probability.ts';
import { type TrimapStrip, trimapInStrips } from '../trimap/trimap-in-strips.ts';
import { optimiseInPlace } from './optimise-in-place.ts';
import type { RefineWorkerRequest } from './refine-worker.ts';
import { SharedPlanes } from './shared-planes.ts';
import { workerEntry } from './worker-bundle.ts';

interface Job {
  /** The message for the worker (without its id), made when the job is handed out. */
  message: () => Omit<RefineWorkerRequest, 'id'>;
  resolve: (result: never) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  /** The job in hand and its message id, when busy. */
  job?: Job;
  id?: number;
}

export class RefinePool {
  readonly size: number;
  private slots: Slot[] = [];
  private queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  /** The planes tiles are cut from, in shared memory. */
  private shared = new SharedPlanes();

  constructor(size = Math.max(1, availableParallelism())) {
    this.size = size;
  }

  /** A tile solver for refineAlphaTiled that runs each tile on this pool. */
  get solveTile(): RefineTileSolver {
    return (request) => this.solve(request);
  }

  solve(request: RefineTileRequest): Promise<RefineTileResult> {
    return this.run<RefineTileResult>(() => ({
      ...request,
      image: { ...request.image, data: this.shared.share(request.image.data) },
      trimap: { ...request.trimap, data: this.shared.share(request.trimap.data) },
      probability: { ...request.probability, data: this.shared.share(request.probability.data) },
    }));
  }

  /**
   * trimapFromProbability on the workers, a strip each (trimap/trimap-in-strips.ts: the same trimap), written
   * into shared memory that the tiles then read as it is. The workers are idle until the tiles come anyway;
   * a 12 MP trimap took 0.25–0.4 s on this thread alone.
   */
  get trimap(): (probability: PlaneF32, options?: TrimapFromProbabilityOptions) => Promise<Trimap> {
    return (probability, options = {}) => {
      const out = new Uint8Array(new SharedArrayBuffer(probability.width * probability.height));
      return trimapInStrips(probability, options, this.size, (p, strip, o) => this.strip(p, strip, o), out);
    };
  }

  private strip(
    probability: PlaneF32,
    strip: TrimapStrip,
    options: TrimapFromProbabilityOptions,
  ): Promise<Uint8Array> {
    return this.run<Uint8Array>(() => ({
      strip: { probability: { ...probability, data: this.shared.share(probability.data) }, strip, options },
    }));
  }

  private run<T>(message: () => Omit<RefineWorkerRequest, 'id'>): Promise<T> {
    if (this.closed) return Promise.reject(new CutoutError('CUTOUT_E_ABORTED', 'the refine pool is closed'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ message, resolve: resolve as (result: never) => void, reject });
      this.dispatch();
    });
  }

  /**
   * Starts every worker now, so that their start-up (loading the TypeScript runtime and the matting code,
   * a few hundred milliseconds) overlaps decoding and segmentation instead of delaying the first tiles.
   */
  warm(): void {
    if (this.closed) return;
    while (this.slots.length < this.size) this.slots.push({ worker: this.startWorker() });
  }

  async close(): Promise<void> {
    this.closed = true;
    const slots = this.slots;
    this.slots = [];
    for (const job of this.queue.splice(0))
      job.reject(new CutoutError('CUTOUT_E_ABORTED', 'the refine pool is closed'));
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  /** Hands queued tiles to idle workers, starting workers up to the pool's size. */
  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => !s.job);
      if (!slot && this.slots.length < this.size) {
        slot = { worker: this.startWorker() };
        this.slots.push(slot);
      }
      if (!slot) return;
      const job = this.queue.shift()!;
      const id = this.nextId++;
      slot.job = job;
      slot.id = id;
      slot.worker.ref();
      slot.worker.postMessage({ ...job.message(), id } as RefineWorkerRequest);
    }
  }

  private finish(slot: Slot): Job | undefined {
    const job = slot.job;
    slot.job = undefined;
    slot.id = undefined;
    slot.worker.unref();
    return job;
  }

  private startWorker(): Worker {
    optimiseInPlace();
    const worker = new Worker(
      workerEntry(
        new URL('./refine-worker.ts', import.meta.url),
        new URL('./refine-worker-entry.mjs', import.meta.url),
      ),
    );
    worker.on('message', (message: { id: number; result?: never; error?: Record<string, string> }) => {
      const slot = this.slots.find((s) => s.worker === worker);
      if (!slot || slot.id !== message.id) return;
      const job = this.finish(slot);
      if (message.result) job?.resolve(message.result);
      else job?.reject(reviveError(message.error ?? {}));
      this.dispatch();
    });
    worker.on('error', (error) => {
      // A crashed worker fails the tile in hand and leaves the pool; the queue goes on with the others.
      const slot = this.slots.find((s) => s.worker === worker);
      this.slots = this.slots.filter((s) => s.worker !== worker);
      if (slot) this.finish(slot)?.reject(error);
      this.dispatch();
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
