/**
 * The engine is decided at start-up, never on a request's time: every registry model the server may run is
 * resolved (downloaded if missing, unless offline) before the server reports ready, and each worker then
 * warms up — choosing default-or-fallback once and loading a model session if one is used. Workers never
 * download.
 */
import { isCutoutError } from '../errors.ts';
import { resolveModel } from '../models/resolve-model.ts';
import { DEFAULT_REMOVE_MODEL } from '../pipeline/engines.ts';
import type { JobPool } from './job-pool.ts';
import type { JobResult, WarmResult } from './jobs.ts';
import type { ResolvedServerOptions } from './server-options.ts';
import type { EngineStatus } from './server-state.ts';

export async function startEngine(
  options: ResolvedServerOptions,
  pool: JobPool,
  status: EngineStatus,
  notice: (line: string) => void,
): Promise<void> {
  const resolveOne = (model: string) =>
    resolveModel({ model, offline: options.offline, acceptLicense: options.acceptLicense, env: options.env });
  try {
    if (options.engine === 'auto' && options.model === undefined) {
      await resolveOne(DEFAULT_REMOVE_MODEL).catch((error) => {
        // A missing default is no failure: the workers fall back (installed model, else studio / chroma key).
        if (
          !isCutoutError(error) ||
          !['CUTOUT_E_MODEL_MISSING', 'CUTOUT_E_DOWNLOAD_FAILED'].includes(error.code)
        ) {
          throw error;
        }
        notice(`model '${DEFAULT_REMOVE_MODEL}' is not available (${error.code}); falling back`);
      });
    } else if (options.model !== undefined) {
      await resolveOne(options.model);
    }
    for (const id of options.allowModels) {
      const available = await resolveOne(id).then(
        () => true,
        (error) => {
          notice(`allowed model '${id}' is not available: ${(error as Error).message}`);
          return false;
        },
      );
      status.models.push({ id, available });
    }
    const warmOptions = {
      engine: options.engine,
      model: options.model,
      acceptLicense: [...options.acceptLicense],
    };
    const results = await Promise.all(
      Array.from({ length: pool.concurrency }, () =>
        pool.run({ kind: 'warm', options: warmOptions }, 10 * 60_000),
      ),
    );
    const warm = results[0] as JobResult as WarmResult;
    status.engine = warm.engine;
    status.model = warm.model;
    status.ready = true;
  } catch (error) {
    status.error = (error as Error).message;
    notice(`the engine could not be started: ${status.error}`);
  }
}
