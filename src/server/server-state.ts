/** What the routes share: the options, the job pool, the metrics, the engine and the readiness. */
import type { ApiKeyCheck } from './api-keys.ts';
import type { JobPool } from './job-pool.ts';
import type { Metrics } from './metrics.ts';
import type { RequestPolicy } from './request-options.ts';
import type { ResolvedServerOptions } from './server-options.ts';

export interface EngineStatus {
  ready: boolean;
  /** What the workers run when a request names no engine. */
  engine?: string;
  model?: string;
  /** Why the server is not ready (start-up failed). */
  error?: string;
  /** Registry models a request may pick, with whether they are installed. */
  models: { id: string; available: boolean }[];
}

export interface ServerState {
  options: ResolvedServerOptions;
  pool: JobPool;
  metrics: Metrics;
  keys: ApiKeyCheck;
  policy: RequestPolicy;
  status: EngineStatus;
  /** Settles once the engine has been decided (rejects never: failures land in status.error). */
  ready: Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    cutout: ServerState;
  }
}
