/**
 * `build(options)` returns the service as a fastify app, not listening (tests use `inject`; `cutout serve`
 * listens). Routes: POST /v1/remove, POST /v1.0/removebg (remove.bg-compatible), POST /v1/refine-region (the
 * web page's brush), GET /v1/models, /healthz, /readyz, /metrics, the OpenAPI docs at /docs and the web page
 * at /.
 *
 * Safety, in one place: body cap (fastify's bodyLimit and multipart limits), header cap (431), a time limit on
 * receiving a request (408, for bodies that never finish), the pixel cap from the header before decoding,
 * bounded concurrency with a bounded queue (503 + Retry-After), a per-request deadline (504, work stopped),
 * optional API keys, CORS off unless configured, nothing written to disk.
 */
import cors from '@fastify/cors';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { CutoutError } from '../errors.ts';
import { ApiKeyCheck } from './api-keys.ts';
import { InputError, parseUrlEncoded } from './http-input.ts';
import { JobPool, JobTimeoutError, QueueFullError } from './job-pool.ts';
import { Metrics } from './metrics.ts';
import { RemovebgError } from './removebg-compat.ts';
import { refineRegionRoutes } from './routes/refine-region.ts';
import { removeRoutes } from './routes/remove.ts';
import { removebgRoutes } from './routes/removebg.ts';
import { systemRoutes } from './routes/system.ts';
import { resolveServerOptions, type ServerOptions } from './server-options.ts';
import type { ServerState } from './server-state.ts';
import { startEngine } from './start-engine.ts';
import './server-state.ts';

export type { ServerOptions } from './server-options.ts';

export async function build(serverOptions: ServerOptions = {}): Promise<FastifyInstance> {
  const options = resolveServerOptions(serverOptions);
  const app = Fastify({
    logger: options.logger,
    bodyLimit: options.maxBody,
    requestTimeout: options.requestTimeout,
    // Headers, then the whole request, must arrive in time; node checks every `connectionsCheckingInterval`.
    http: {
      maxHeaderSize: options.maxHeaderSize,
      connectionsCheckingInterval: Math.min(1000, options.requestTimeout),
    } as object,
    connectionTimeout: options.requestTimeout + options.timeout,
    trustProxy: false,
  });
  const pool = new JobPool({ concurrency: options.concurrency, queue: options.queue, env: options.env });
  const notice = options.onNotice ?? ((line: string) => app.log.warn(line));
  const state: ServerState = {
    options,
    pool,
    metrics: new Metrics(),
    keys: new ApiKeyCheck(options.apiKeys),
    policy: {
      engine: options.engine,
      model: options.model,
      allowModels: options.allowModels,
      maxPixels: options.maxPixels,
      acceptLicense: options.acceptLicense,
    },
    status: { ready: false, models: [] },
    ready: Promise.resolve(),
  };
  state.ready = startEngine(options, pool, state.status, notice);
  app.decorate('cutout', state);
  app.addHook('onClose', async () => {
    await pool.close();
  });

  for (const type of ['application/octet-stream', /^image\/[\w.+-]+$/]) {
    app.addContentTypeParser(
      type,
      { parseAs: 'buffer', bodyLimit: options.maxBody },
      (_request, body, done) => done(null, body),
    );
  }
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: options.maxBody },
    (_request, body, done) => done(null, parseUrlEncoded(String(body))),
  );
  await app.register(multipart, {
    limits: {
      fileSize: options.maxBody,
      fieldSize: options.maxBody,
      files: 4,
      fields: 40,
      parts: 48,
      headerPairs: 32,
    },
  });
  if (options.cors?.length) {
    await app.register(cors, { origin: options.cors.includes('*') ? '*' : [...options.cors] });
  }
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'cutout',
        description: 'Background removal and true alpha matting. remove.bg-compatible at /v1.0/removebg.',
        version: '0.1.0',
      },
      components: { securitySchemes: { apiKey: { type: 'apiKey', name: 'X-Api-Key', in: 'header' } } },
    },
  });
  // swagger-ui serves its own assets: /docs works with no network.
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.addHook('onRequest', async (request, reply) => {
    (request as FastifyRequest & { startedAt: number }).startedAt = performance.now();
    watchSlowBody(request, reply, options.requestTimeout);
    if (!state.keys.enabled || !request.url.startsWith('/v1')) return;
    const key = request.headers['x-api-key'];
    if (state.keys.accepts(Array.isArray(key) ? key[0] : key)) return;
    const detail = key ? 'the X-Api-Key header is not a valid key' : 'send your key in the X-Api-Key header';
    if (request.url.startsWith('/v1.0/')) {
      const error = new RemovebgError(
        403,
        'auth_failed',
        key ? 'Invalid API Key' : 'Missing API Key',
        detail,
      );
      return reply.code(403).send(error.body);
    }
    return reply.code(401).send({ error: { code: 'CUTOUT_E_UNAUTHORIZED', message: detail } });
  });
  app.addHook('onResponse', async (request, reply) => {
    state.metrics.observe(
      request.routeOptions.url ?? 'unmatched',
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
  });
  app.setErrorHandler((error, _request, reply) => sendError(state, error, reply));

  await app.register(systemRoutes);
  await app.register(removeRoutes);
  await app.register(refineRegionRoutes);
  await app.register(removebgRoutes);
  return app;
}

/**
 * A body that has not fully arrived within `ms` gets 408 and the connection is closed, so a client that
 * trickles (or never finishes) a body cannot hold a socket and a parser forever. Routes read the whole body
 * before queueing work, so a request still receiving is never one being processed.
 */
function watchSlowBody(request: FastifyRequest, reply: FastifyReply, ms: number): void {
  const raw = request.raw;
  if (raw.complete) return;
  const timer = setTimeout(() => {
    if (raw.complete || reply.sent) return;
    const body = JSON.stringify({
      error: { code: 'CUTOUT_E_REQUEST_TIMEOUT', message: `the request body did not arrive within ${ms} ms` },
    });
    reply.raw.writeHead(408, { 'content-type': 'application/json', connection: 'close' });
    reply.raw.end(body, () => raw.socket?.destroy());
  }, ms);
  timer.unref();
  const clear = () => clearTimeout(timer);
  raw.once('end', clear);
  raw.once('close', clear);
  reply.raw.once('finish', clear);
}

/** The JSON error of cutout's own routes: `{"error":{"code","message"}}`, status from src/errors.ts. */
function sendError(state: ServerState, error: unknown, reply: FastifyReply): FastifyReply {
  let status = 500;
  let code = 'CUTOUT_E_INTERNAL';
  let message = (error as Error)?.message ?? String(error);
  if (error instanceof CutoutError) {
    status = error.httpStatus;
    code = error.code;
  } else if (error instanceof QueueFullError) {
    state.metrics.rejectedBusy++;
    status = 503;
    code = 'CUTOUT_E_BUSY';
    reply.header('retry-after', String(error.retryAfterSeconds));
  } else if (error instanceof JobTimeoutError) {
    status = 504;
    code = 'CUTOUT_E_TIMEOUT';
  } else if (error instanceof InputError) {
    status = error.kind === 'too_large' ? 413 : error.kind === 'content_type' ? 415 : 400;
    code = error.kind === 'too_large' ? 'CUTOUT_E_BODY_TOO_LARGE' : 'CUTOUT_E_BAD_REQUEST';
  } else {
    const e = error as FastifyError;
    if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 600) {
      status = e.statusCode;
      code = e.code ?? 'CUTOUT_E_BAD_REQUEST';
    } else {
      reply.log.error(error);
      message = 'internal error';
    }
  }
  if (status === 499) status = 503; // aborted work (shutting down) is the server's unavailability
  return reply.code(status).send({ error: { code, message } });
}
