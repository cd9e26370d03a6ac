/** Shared by the image routes: the pixel cap from the header, then the job on the pool within the deadline. */
import type { FastifyRequest } from 'fastify';
import { CutoutError } from '../../errors.ts';
import { type ImageHeader, readImageHeader } from '../../io/decode.ts';
import { JobTimeoutError } from '../job-pool.ts';
import type { Job, JobResult } from '../jobs.ts';
import type { ServerState } from '../server-state.ts';

/** Reads only the header: a pixel bomb costs a header read, not its pixels. */
export function checkHeader(bytes: Uint8Array, name: string, maxPixels: number): Promise<ImageHeader> {
  return readImageHeader(bytes, { name, maxPixels });
}

/** Milliseconds left of the request's budget (it started when the request arrived). */
export function remaining(state: ServerState, request: FastifyRequest): number {
  return (
    state.options.timeout -
    (performance.now() - (request as FastifyRequest & { startedAt: number }).startedAt)
  );
}

export async function runJob<T extends JobResult>(
  state: ServerState,
  request: FastifyRequest,
  job: Job,
): Promise<T> {
  await state.ready;
  if (!state.status.ready) {
    throw new CutoutError(
      'CUTOUT_E_MODEL_MISSING',
      `the server's engine is not available: ${state.status.error}`,
    );
  }
  const left = remaining(state, request);
  if (left <= 0) throw new JobTimeoutError(state.options.timeout, false);
  try {
    return (await state.pool.run(job, left)) as T;
  } catch (error) {
    if (error instanceof JobTimeoutError) {
      state.metrics.timeouts++;
      throw new JobTimeoutError(state.options.timeout, error.started);
    }
    throw error;
  }
}
