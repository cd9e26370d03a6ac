/**
 * POST /v1.0/removebg — remove.bg's endpoint, so an existing remove.bg client works by changing its base
 * URL. Sources: image_file (multipart), image_file_b64, image_url (only with --allow-urls, through the SSRF
 * guard). Parameters: removebg-compat.ts. Errors: `{"errors":[{"code","title","detail"}]}`.
 */
import type {} from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { readRequestInput } from '../http-input.ts';
import { type RemoveJobResult, UPLOADED_BACKGROUND } from '../jobs.ts';
import {
  BACKGROUND_FIELDS,
  parseRemovebgParams,
  RemovebgError,
  SOURCE_FIELDS,
  toRemovebgError,
} from '../removebg-compat.ts';
import { fetchPublicUrl } from '../ssrf-guard.ts';
import { wantsJson } from './remove.ts';
import { checkHeader, runJob } from './run-job.ts';

export async function removebgRoutes(app: FastifyInstance): Promise<void> {
  const state = app.cutout;
  app.setErrorHandler((error, _request, reply) => {
    const failure = toRemovebgError(error);
    if (failure.status === 503) state.metrics.rejectedBusy++;
    reply.code(failure.status).headers(failure.headers).send(failure.body);
  });

  const decodeB64 = (value: unknown): Uint8Array => {
    const text = String(value)
      .replace(/^data:[^,]*,/, '')
      .replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) {
      throw new RemovebgError(400, 'invalid_parameter', 'Invalid parameter', 'image_file_b64 is not base64');
    }
    return new Uint8Array(Buffer.from(text, 'base64'));
  };
  const fetchUrl = async (field: string, url: unknown): Promise<Uint8Array> => {
    if (!state.options.allowUrls) {
      throw new RemovebgError(
        400,
        'url_not_allowed',
        'URL sources are disabled',
        `${field} is turned off on this server`,
      );
    }
    const fetched = await fetchPublicUrl(String(url), {
      maxBytes: state.options.maxBody,
      timeoutMs: Math.min(15_000, state.options.timeout),
      allowPrivate: state.options.unsafeAllowPrivateUrls,
    });
    return fetched.bytes;
  };

  app.post(
    '/v1.0/removebg',
    {
      schema: {
        summary: 'remove.bg-compatible background removal',
        description:
          'Same parameters and responses as remove.bg’s POST /v1.0/removebg (see docs/server.md for what each does here).',
        tags: ['remove.bg'],
      },
    },
    async (request, reply) => {
      const input = await readRequestInput(request, {
        rawField: 'image_file',
        maxBytes: state.options.maxBody,
      });
      const given = (name: string) =>
        input.files.has(name) || (input.fields[name] !== undefined && input.fields[name] !== '');
      const sources = SOURCE_FIELDS.filter(given);
      if (sources.length === 0) {
        throw new RemovebgError(
          400,
          'missing_source',
          'No image given',
          'send one of image_file, image_file_b64, image_url',
        );
      }
      if (sources.length > 1) {
        throw new RemovebgError(
          400,
          'multiple_sources',
          'Multiple image sources given',
          `got ${sources.join(', ')}`,
        );
      }
      const backgrounds = BACKGROUND_FIELDS.filter(given);
      if (backgrounds.length > 1) {
        throw new RemovebgError(
          400,
          'multiple_backgrounds',
          'Multiple backgrounds given',
          `got ${backgrounds.join(', ')}`,
        );
      }
      const params = parseRemovebgParams(input.fields, input.files.keys());
      const source = sources[0];
      const image =
        source === 'image_file'
          ? input.files.get('image_file')!
          : source === 'image_file_b64'
            ? decodeB64(input.fields.image_file_b64)
            : await fetchUrl('image_url', input.fields.image_url);
      let background: Uint8Array | undefined;
      if (backgrounds[0] === 'bg_image_file') background = input.files.get('bg_image_file');
      if (backgrounds[0] === 'bg_image_url')
        background = await fetchUrl('bg_image_url', input.fields.bg_image_url);
      if (background) params.output.background = UPLOADED_BACKGROUND;

      const maxPixels = state.options.maxPixels;
      const header = await checkHeader(image, source, maxPixels);
      if (background) await checkHeader(background, backgrounds[0], maxPixels);
      const pixels = header.width * header.height;
      const budget = params.megapixels;
      const maxSize =
        budget !== undefined && pixels > budget
          ? Math.max(1, Math.floor(Math.max(header.width, header.height) * Math.sqrt(budget / pixels)))
          : undefined;
      const result = await runJob<RemoveJobResult>(state, request, {
        kind: 'remove',
        image,
        name: source,
        options: {
          engine: state.policy.engine,
          model: state.policy.model,
          maxPixels,
          maxSize,
          offline: true,
          acceptLicense: [...state.policy.acceptLicense],
        },
        background,
        removebg: params.output,
      });
      state.metrics.processed(header.width, header.height);
      if (!result.subject) {
        throw new RemovebgError(
          400,
          'unknown_foreground',
          'Could not identify foreground in image',
          'no pixel of the result is part of a subject',
        );
      }
      const s = result.subject;
      const foreground = { top: s.y0, left: s.x0, width: s.x1 - s.x0, height: s.y1 - s.y0 };
      reply.headers({
        'x-width': String(result.width),
        'x-height': String(result.height),
        // cutout does not classify the foreground: the client's own type, else remove.bg's "other".
        'x-type': params.foregroundType,
        'x-foreground-top': String(foreground.top),
        'x-foreground-left': String(foreground.left),
        'x-foreground-width': String(foreground.width),
        'x-foreground-height': String(foreground.height),
        'x-cutout-engine': result.engine,
        'x-cutout-model': result.model,
      });
      if (wantsJson(request.headers.accept)) {
        return {
          data: {
            result_b64: Buffer.from(result.bytes).toString('base64'),
            foreground_top: foreground.top,
            foreground_left: foreground.left,
            foreground_width: foreground.width,
            foreground_height: foreground.height,
          },
        };
      }
      reply.type(result.mimeType);
      return Buffer.from(result.bytes);
    },
  );
}
