/**
 * POST /v1/refine-region — the web page's brush. multipart with three same-sized PNGs of one region (the
 * stroke's box plus a margin, cropped by the page): `image` (the photo), `alpha` (the current matte, grey)
 * and `scribbles` (RGBA: white foreground, black background, grey erase, transparent untouched). Answers an
 * RGBA PNG of the region: foreground colours with the re-matted α (refine-region.ts).
 */
import type {} from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { CutoutError } from '../../errors.ts';
import { readRequestInput } from '../http-input.ts';
import type { RefineRegionResult } from '../jobs.ts';
import { checkHeader, runJob } from './run-job.ts';

/** A brush region is small by nature; this keeps a scripted client from matting whole photos here. */
export const MAX_REGION_PIXELS = 4_000_000;

export async function refineRegionRoutes(app: FastifyInstance): Promise<void> {
  const state = app.cutout;
  app.post(
    '/v1/refine-region',
    {
      schema: { summary: 'Re-matte one region from brush strokes (the web page’s brush)', tags: ['cutout'] },
    },
    async (request, reply) => {
      const input = await readRequestInput(request, { rawField: 'image', maxBytes: state.options.maxBody });
      const parts = ['image', 'alpha', 'scribbles'] as const;
      const maxPixels = Math.min(MAX_REGION_PIXELS, state.options.maxPixels);
      const sizes: string[] = [];
      for (const name of parts) {
        const bytes = input.files.get(name);
        if (!bytes) throw new CutoutError('CUTOUT_E_INPUT_EMPTY', `missing the '${name}' file`);
        const header = await checkHeader(bytes, name, maxPixels);
        sizes.push(`${header.width}×${header.height}`);
      }
      if (new Set(sizes).size !== 1) {
        throw new CutoutError(
          'CUTOUT_E_SIZE_MISMATCH',
          `image, alpha and scribbles differ in size (${sizes.join(', ')})`,
        );
      }
      const result = await runJob<RefineRegionResult>(state, request, {
        kind: 'refine-region',
        image: input.files.get('image')!,
        alpha: input.files.get('alpha')!,
        scribbles: input.files.get('scribbles')!,
        maxPixels,
      });
      reply.type('image/png');
      return Buffer.from(result.bytes);
    },
  );
}
