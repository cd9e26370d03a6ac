/** GET /healthz, /readyz, /metrics, /v1/models and the web page's files. */
import { readFileSync } from 'node:fs';
import type {} from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { installState, modelFilePath, modelsDirectory } from '../../models/model-store.ts';
import { REGISTRY } from '../../models/registry.ts';

const WEB_FILES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
};

export async function systemRoutes(app: FastifyInstance): Promise<void> {
  const state = app.cutout;
  app.get('/healthz', { schema: { summary: 'The process is up', tags: ['system'] } }, async () => ({
    status: 'ok',
  }));

  app.get(
    '/readyz',
    { schema: { summary: 'The engine is decided and the workers are warm', tags: ['system'] } },
    async (_request, reply) => {
      const s = state.status;
      if (!s.ready) reply.code(503);
      return { ready: s.ready, engine: s.engine, model: s.model, error: s.error };
    },
  );

  app.get(
    '/metrics',
    { schema: { summary: 'Prometheus metrics', tags: ['system'] } },
    async (_request, reply) => {
      reply.type('text/plain; version=0.0.4; charset=utf-8');
      return state.metrics.render({
        queued: state.pool.queued,
        running: state.pool.running,
        concurrency: state.pool.concurrency,
        queueCapacity: state.pool.maxQueue,
      });
    },
  );

  app.get('/v1/models', { schema: { summary: 'Models a request may name', tags: ['cutout'] } }, async () => {
    const dir = modelsDirectory(state.options.env);
    const offered = new Set([state.policy.model, ...state.policy.allowModels].filter(Boolean));
    const models = await Promise.all(
      REGISTRY.map(async (entry) => ({
        id: entry.id,
        license: entry.license,
        commercial: entry.commercial,
        installed: (await installState(modelFilePath(entry.id, dir), entry.download)) !== 'missing',
        allowed: offered.has(entry.id),
      })),
    );
    return {
      engine: state.status.engine,
      model: state.status.model,
      default: state.policy.model ?? null,
      models: models.filter((m) => m.allowed),
      registry: models,
    };
  });

  // The page and its two files are read once, at start-up, from beside this module.
  const web = new Map<string, string>();
  for (const name of Object.keys(WEB_FILES)) {
    web.set(name, readFileSync(new URL(`../web/${name}`, import.meta.url), 'utf8'));
  }
  const serve = (name: string) => async (_request: unknown, reply: import('fastify').FastifyReply) => {
    reply.type(WEB_FILES[name]).header('cache-control', 'no-cache');
    return web.get(name);
  };
  app.get('/', { schema: { hide: true } }, serve('index.html'));
  app.get('/web/app.js', { schema: { hide: true } }, serve('app.js'));
  app.get('/web/style.css', { schema: { hide: true } }, serve('style.css'));
}
