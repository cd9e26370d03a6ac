/**
 * POST /v1/remove — the library's removeBackground over HTTP. The image is the multipart `image` file or
 * the whole body (image/*, application/octet-stream); options are the one schema's, as form fields or the
 * query string (camelCase or the command line's kebab-case). Answers the image, or JSON with base64 when
 * the client accepts application/json.
 */
import type {} from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { CutoutError } from '../../errors.ts';
import { readRequestInput } from '../http-input.ts';
import type { RemoveJobResult } from '../jobs.ts';
import { requestRemoveOptions } from '../request-options.ts';
import { checkHeader, runJob } from './run-job.ts';

export async function removeRoutes(app: FastifyInstance): Promise<void> {
  const state = app.cutout;
  app.post(
    '/v1/remove',
    {
      schema: {
        summary: 'Remove the background of one image',
        description:
          'multipart/form-data with an `image` file (and optionally a `bg_image` file), or the raw image as the body. ' +
          'Options of `cutout remove` as fields or query parameters (refine, format, quality, maskOnly, bg, crop, margin, ' +
          'maxSize, premultiplied, engine, model). Paths (mask, modelPath, modelSpec) are refused.',
        tags: ['cutout'],
      },
    },
    async (request, reply) => {
      const input = await readRequestInput(request, { rawField: 'image', maxBytes: state.options.maxBody });
      const image = input.files.get('image');
      if (!image)
        throw new CutoutError(
          'CUTOUT_E_INPUT_EMPTY',
          'no image: send an `image` file or the image as the body',
        );
      for (const name of input.files.keys()) {
        if (name !== 'image' && name !== 'bg_image') {
          throw new CutoutError(
            'CUTOUT_E_INVALID_OPTION',
            `unexpected file '${name}' (send image and bg_image)`,
          );
        }
      }
      const background = input.files.get('bg_image');
      const options = requestRemoveOptions(input.fields, state.policy, background !== undefined);
      const maxPixels = options.maxPixels ?? state.options.maxPixels;
      const header = await checkHeader(image, 'image', maxPixels);
      if (background) await checkHeader(background, 'bg_image', maxPixels);
      const result = await runJob<RemoveJobResult>(state, request, {
        kind: 'remove',
        image,
        name: 'image',
        options,
        background,
      });
      state.metrics.processed(header.width, header.height);
      reply.header('x-cutout-engine', result.engine);
      reply.header('x-cutout-model', result.model);
      reply.header('x-cutout-refine', result.refine);
      reply.header('x-width', String(result.width));
      reply.header('x-height', String(result.height));
      if (result.warnings.length)
        reply.header('x-cutout-warnings', result.warnings.join(' | ').replace(/[^\x20-\x7e]/g, '?'));
      if (wantsJson(request.headers.accept)) {
        return {
          image: Buffer.from(result.bytes).toString('base64'),
          mimeType: result.mimeType,
          format: result.format,
          width: result.width,
          height: result.height,
          engine: result.engine,
          model: result.model,
          refine: result.refine,
          warnings: result.warnings,
          milliseconds: Math.round(result.milliseconds),
        };
      }
      reply.type(result.mimeType);
      return Buffer.from(result.bytes);
    },
  );
}

export function wantsJson(accept: string | undefined): boolean {
  if (!accept) return false;
  const types = accept.split(',').map((t) => t.split(';')[0].trim().toLowerCase());
  return (
    types[0] === 'application/json' ||
    (types.includes('application/json') && !types.some((t) => t.startsWith('image/')))
  );
}
