/**
 * `cutout serve`: the HTTP service (src/server/build-app.ts) listening on a host and port. Binds 127.0.0.1
 * unless told otherwise; every limit has a flag.
 */
import type { Command } from 'commander';
import { CutoutError } from '../../src/errors.ts';
import { ENGINES, type EngineChoice } from '../../src/pipeline/options.ts';
import { loadApiKeys } from '../../src/server/api-keys.ts';
import { SERVER_DEFAULTS } from '../../src/server/server-options.ts';
import { collect } from './models.ts';

interface ServeFlags {
  host: string;
  port: string;
  apiKeysFile?: string;
  cors?: string;
  maxBody: string;
  maxPixels: string;
  timeout: string;
  concurrency: string;
  queue: string;
  allowUrls?: boolean;
  engine: string;
  model?: string;
  allowModel: string[];
  offline?: boolean;
  acceptLicense: string[];
  log?: boolean;
}

function positive(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    throw new CutoutError('CUTOUT_E_INVALID_OPTION', `${name} must be a whole number ≥ 0, got '${value}'`);
  }
  return n;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the HTTP service: /v1/remove, remove.bg-compatible /v1.0/removebg, a web page at /')
    .option('--host <address>', 'address to bind (0.0.0.0 exposes it to the network)', '127.0.0.1')
    .option('--port <n>', 'port (0: any free port)', '7000')
    .option('--api-keys-file <file>', 'accepted API keys, one per line (also: CUTOUT_API_KEYS=k1,k2)')
    .option('--cors <origins>', "allowed origins, comma-separated, or '*' (default: no CORS)")
    .option('--max-body <bytes>', 'request body limit', String(SERVER_DEFAULTS.maxBody))
    .option(
      '--max-pixels <n>',
      'input pixel limit, checked from the header',
      String(SERVER_DEFAULTS.maxPixels),
    )
    .option('--timeout <ms>', 'per-request time limit, queue wait included', String(SERVER_DEFAULTS.timeout))
    .option(
      '--concurrency <n>',
      'images processed at once (worker threads)',
      String(SERVER_DEFAULTS.concurrency),
    )
    .option(
      '--queue <n>',
      'requests allowed to wait; beyond, 503 + Retry-After',
      String(SERVER_DEFAULTS.queue),
    )
    .option('--allow-urls', 'accept image_url / bg_image_url (public addresses only)')
    .option('--engine <name>', `engine for every request: ${ENGINES.join(', ')}`, 'auto')
    .option('-m, --model <id>', 'registry model for every request')
    .option(
      '--allow-model <id>',
      'a registry model requests may pick with model=<id> (repeatable)',
      collect,
      [],
    )
    .option('--offline', 'never download a model, not even at start-up')
    .option(
      '--accept-license <id>',
      'accept the non-commercial licence of this model (repeatable)',
      collect,
      [],
    )
    .option('--log', 'log every request (JSON lines on stdout)')
    .action(async (flags: ServeFlags) => {
      if (!(ENGINES as readonly string[]).includes(flags.engine)) {
        throw new CutoutError('CUTOUT_E_INVALID_OPTION', `--engine must be one of ${ENGINES.join(', ')}`);
      }
      // Loaded here, not at start-up: the server (fastify, swagger, multipart) costs every other command ~0.2 s.
      const { build } = await import('../../src/server/build-app.ts');
      const app = await build({
        apiKeys: loadApiKeys(process.env, flags.apiKeysFile),
        cors: flags.cors
          ?.split(',')
          .map((o) => o.trim())
          .filter(Boolean),
        maxBody: positive('--max-body', flags.maxBody),
        maxPixels: positive('--max-pixels', flags.maxPixels),
        timeout: positive('--timeout', flags.timeout),
        concurrency: Math.max(1, positive('--concurrency', flags.concurrency)),
        queue: positive('--queue', flags.queue),
        allowUrls: flags.allowUrls ?? false,
        engine: flags.engine as EngineChoice,
        model: flags.model,
        allowModels: flags.allowModel,
        offline: flags.offline ?? false,
        acceptLicense: flags.acceptLicense,
        logger: flags.log ?? false,
        onNotice: (line) => process.stderr.write(`cutout serve: ${line}\n`),
      });
      const address = await app.listen({ host: flags.host, port: positive('--port', flags.port) });
      process.stderr.write(`cutout serve: listening on ${address} (web page at /, API docs at /docs)\n`);
      void app.cutout.ready.then(() => {
        const s = app.cutout.status;
        process.stderr.write(
          s.ready
            ? `cutout serve: ready, engine ${s.engine} (${s.model})\n`
            : `cutout serve: NOT ready: ${s.error}\n`,
        );
      });
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void app.close().then(resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
