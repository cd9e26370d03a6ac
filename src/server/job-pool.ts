/**
 * Bounded concurrency with a bounded queue, on worker threads.
 *
 * `concurrency` workers each run one job at a time; at most `queue` more jobs wait. A job that finds the
 * queue full is refused at once (the route answers 503 with Retry-After), so memory held by waiting jobs
 * never grows with load: at most (concurrency + queue) request bodies are alive.
 *
 * Each job has a deadline. A job still waiting at its deadline leaves the queue; a running one has its worker
 * terminated (the only way to stop synchronous matting mid-solve) and a fresh worker takes its place.
 */
import { Worker } from 'node:worker_threads';
import { CutoutError, ERROR_CODES, type ErrorCode } from '../errors.ts';
import type { Job, JobResult } from './jobs.ts';

export class QueueFullError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('the server is busy: every worker is working and the queue is full');
    this.name = 'QueueFullError';
  }
}

export class JobTimeoutError extends Error {
  constructor(
    readonly milliseconds: number,
    readonly started: boolean,
  ) {
    super(
      started
        ? `processing took longer than the server's ${milliseconds} ms limit and was stopped`
        : `the request waited longer than the server's ${milliseconds} ms limit for a free worker`,
    );
    this.name = 'JobTimeoutError';
  }
}

export interface JobPoolOptions {
  concurrency: number;
  queue: number;
  env?: NodeJS.ProcessEnv;
}

interface Pending {
  id: number;
  job: Job;
  transfer: ArrayBuffer[];
  resolve: (result: JobResult) => void;
  reject: (error: Error) => void;
  timer?: NodeJS.Timeout;
  slot?: Slot;
  deadlineMs: number;
  /** When a worker took it (performance.now()). */
  startedAt?: number;
}

interface Slot {
  worker: Worker;
  pending?: Pending;
}

export class JobPool {
  readonly concurrency: number;
  readonly maxQueue: number;
  private readonly env?: NodeJS.ProcessEnv;
  private slots: Slot[] = [];
  private waiting: Pending[] = [];
  private nextId = 1;
  private closed = false;
  /** Recent job durations, for Retry-After. */
  private recentMs: number[] = [];

  constructor(options: JobPoolOptions) {
    this.concurrency = Math.max(1, options.concurrency);
    this.maxQueue = Math.max(0, options.queue);
    this.env = options.env;
    for (let i = 0; i < this.concurrency; i++) this.slots.push({ worker: this.startWorker() });
  }

  get running(): number {
    return this.slots.filter((s) => s.pending).length;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /**
   * Runs a job within `deadlineMs` (queue wait included). Buffers in `transfer` are moved to the worker.
   * Rejects with QueueFullError at once when nothing can take it.
   */
  run(job: Job, deadlineMs: number, transfer: ArrayBuffer[] = []): Promise<JobResult> {
    if (this.closed)
      return Promise.reject(new CutoutError('CUTOUT_E_ABORTED', 'the server is shutting down'));
    const idle = this.slots.some((s) => !s.pending);
    if (!idle && this.waiting.length >= this.maxQueue) {
      return Promise.reject(new QueueFullError(this.retryAfterSeconds()));
    }
    return new Promise<JobResult>((resolve, reject) => {
      const pending: Pending = { id: this.nextId++, job, transfer, resolve, reject, deadlineMs };
      pending.timer = setTimeout(() => this.expire(pending), deadlineMs);
      this.waiting.push(pending);
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.waiting.splice(0))
      this.settle(p, new CutoutError('CUTOUT_E_ABORTED', 'shutting down'));
    const slots = this.slots;
    this.slots = [];
    for (const s of slots)
      if (s.pending) this.settle(s.pending, new CutoutError('CUTOUT_E_ABORTED', 'shutting down'));
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  /** Seconds a refused client should wait: one queue's worth of recent jobs spread over the workers. */
  retryAfterSeconds(): number {
    const recent = this.recentMs.length
      ? this.recentMs.reduce((a, b) => a + b, 0) / this.recentMs.length
      : 1000;
    return Math.max(1, Math.ceil(((this.maxQueue + 1) * recent) / this.concurrency / 1000));
  }

  private dispatch(): void {
    while (this.waiting.length > 0) {
      const slot = this.slots.find((s) => !s.pending);
      if (!slot) return;
      const pending = this.waiting.shift()!;
      pending.slot = slot;
      slot.pending = pending;
      pending.startedAt = performance.now();
      slot.worker.postMessage({ id: pending.id, job: pending.job }, pending.transfer);
    }
  }

  private expire(pending: Pending): void {
    const slot = pending.slot;
    if (!slot) {
      this.waiting = this.waiting.filter((p) => p !== pending);
      pending.reject(new JobTimeoutError(pending.deadlineMs, false));
      return;
    }
    // Stop the work for real: terminate the worker and put a fresh one in its place.
    pending.reject(new JobTimeoutError(pending.deadlineMs, true));
    slot.pending = undefined;
    const old = slot.worker;
    slot.worker = this.startWorker();
    old.terminate().catch(() => {});
    this.dispatch();
  }

  private settle(pending: Pending, error?: Error, result?: JobResult): void {
    clearTimeout(pending.timer);
    if (error) pending.reject(error);
    else pending.resolve(result!);
  }

  private startWorker(): Worker {
    const worker = new Worker(new URL('./job-worker-entry.mjs', import.meta.url), {
      workerData: { env: this.env },
    });
    worker.on('message', (message: { id: number; result?: JobResult; error?: Record<string, string> }) => {
      const slot = this.slots.find((s) => s.worker === worker);
      const pending = slot?.pending;
      if (!slot || !pending || pending.id !== message.id) return;
      slot.pending = undefined;
      const started = pending.startedAt;
      if (started !== undefined) {
        this.recentMs.push(performance.now() - started);
        if (this.recentMs.length > 20) this.recentMs.shift();
      }
      if (message.result) this.settle(pending, undefined, message.result);
      else this.settle(pending, reviveError(message.error ?? {}));
      this.dispatch();
    });
    worker.on('error', (error) => {
      // A crashed worker fails its job and is replaced; the others go on.
      const slot = this.slots.find((s) => s.worker === worker);
      if (!slot) return;
      if (slot.pending) this.settle(slot.pending, error);
      slot.pending = undefined;
      if (!this.closed) slot.worker = this.startWorker();
      this.dispatch();
    });
    worker.unref();
    return worker;
  }
}

function reviveError(error: Record<string, string>): Error {
  if (error.code && error.code in ERROR_CODES) {
    const message = error.file ? error.message.replace(`${error.file}: `, '') : error.message;
    return new CutoutError(error.code as ErrorCode, message, { file: error.file });
  }
  const revived = new Error(error.message);
  revived.name = error.name ?? 'Error';
  return revived;
}
