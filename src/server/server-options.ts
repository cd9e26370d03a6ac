/**
 * What `build()` and `cutout serve` take. Everything a request may not change lives here: limits, keys,
 * CORS, the engine and the models a request may pick.
 */
import { DEFAULT_MAX_PIXELS } from '../io/decode.ts';
import type { EngineChoice } from '../pipeline/options.ts';

export interface ServerOptions {
  /** Accepted API keys; none means no authentication. */
  apiKeys?: readonly string[];
  /** Allowed CORS origins ('*' for any); none means no CORS headers at all. */
  cors?: readonly string[];
  /** Request body cap in bytes (multipart files included). */
  maxBody?: number;
  /** Input pixel cap (width × height), checked from the header before decoding. */
  maxPixels?: number;
  /** Per-request budget in milliseconds, queue wait included. */
  timeout?: number;
  /** Images processed at once (one worker thread each). */
  concurrency?: number;
  /** Requests allowed to wait for a worker; beyond that, 503 with Retry-After. */
  queue?: number;
  /** Allow image_url / bg_image_url (fetched through the SSRF guard). */
  allowUrls?: boolean;
  /** Server-wide engine. */
  engine?: EngineChoice;
  /** Server-wide registry model id. */
  model?: string;
  /** Registry model ids a request may pick with `model` (the server's own model is always allowed). */
  allowModels?: readonly string[];
  /** Never download a model, not even at start-up. */
  offline?: boolean;
  /** Models whose non-commercial licence the operator accepts. */
  acceptLicense?: readonly string[];
  /** Header size cap in bytes (431 beyond it). */
  maxHeaderSize?: number;
  /** Time allowed to receive a whole request (headers and body), in ms; 408 beyond it. */
  requestTimeout?: number;
  /** Environment for the model store (CUTOUT_HOME); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Log requests (fastify's pino logger). */
  logger?: boolean;
  /** Test-only: let the URL fetcher reach loopback/private addresses. */
  unsafeAllowPrivateUrls?: boolean;
  /** Notices (engine fallback) go here; default: the app's log. */
  onNotice?: (line: string) => void;
}

export type ResolvedServerOptions = Required<
  Omit<ServerOptions, 'model' | 'onNotice' | 'env' | 'cors' | 'apiKeys'>
> &
  Pick<ServerOptions, 'model' | 'onNotice' | 'cors'> & { env: NodeJS.ProcessEnv; apiKeys: readonly string[] };

export const SERVER_DEFAULTS = {
  maxBody: 25 * 1024 * 1024,
  // remove.bg's own ceiling for full-size output is 25 MP; the library default (100 MP) is too much for a service.
  maxPixels: Math.min(25_000_000, DEFAULT_MAX_PIXELS),
  timeout: 60_000,
  concurrency: 1,
  queue: 16,
  maxHeaderSize: 16 * 1024,
  requestTimeout: 30_000,
} as const;

export function resolveServerOptions(options: ServerOptions): ResolvedServerOptions {
  return {
    apiKeys: options.apiKeys ?? [],
    cors: options.cors,
    maxBody: options.maxBody ?? SERVER_DEFAULTS.maxBody,
    maxPixels: options.maxPixels ?? SERVER_DEFAULTS.maxPixels,
    timeout: options.timeout ?? SERVER_DEFAULTS.timeout,
    concurrency: options.concurrency ?? SERVER_DEFAULTS.concurrency,
    queue: options.queue ?? SERVER_DEFAULTS.queue,
    allowUrls: options.allowUrls ?? false,
    engine: options.engine ?? 'auto',
    model: options.model,
    allowModels: options.allowModels ?? [],
    offline: options.offline ?? false,
    acceptLicense: options.acceptLicense ?? [],
    maxHeaderSize: options.maxHeaderSize ?? SERVER_DEFAULTS.maxHeaderSize,
    requestTimeout: options.requestTimeout ?? SERVER_DEFAULTS.requestTimeout,
    env: options.env ?? process.env,
    logger: options.logger ?? false,
    unsafeAllowPrivateUrls: options.unsafeAllowPrivateUrls ?? false,
    onNotice: options.onNotice,
  };
}
