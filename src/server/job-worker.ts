/** A worker thread of the server's JobPool: runs one job at a time (jobs.ts) and posts the result back. */
import { parentPort, workerData } from 'node:worker_threads';
import { type Job, JobRunner } from './jobs.ts';

const runner = new JobRunner((workerData as { env?: NodeJS.ProcessEnv } | undefined)?.env ?? process.env);

parentPort!.on('message', async ({ id, job }: { id: number; job: Job }) => {
  try {
    const result = await runner.run(job);
    // Copied, not transferred: sharp's output buffers are not always detachable.
    parentPort!.postMessage({ id, result });
  } catch (error) {
    const { name, message, code, file } = error as Error & { code?: string; file?: string };
    parentPort!.postMessage({ id, error: { name, message, code, file } });
  }
});
