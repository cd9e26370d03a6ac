/**
 * trimapFromProbability (trimap-from-probability.ts) computed in horizontal strips, which can run at the same
 * time (RefinePool.trimap hands them to the workers that will then solve the tiles, idle until then).
 *
 * Each strip is computed with a halo of rows above and below its own, as deep as the band's and the unsure
 * growth's radius plus one row (a contour pixel is found from its neighbour below): every pixel of a strip's
 * own rows then sees every seed that can reach it, and the assembled trimap equals the whole-image one,
 * pixel for pixel. The band scales with the whole image's diagonal, which each strip is told.
 *
 * Pure: the strip solver is injected.
 */
import type { PlaneF32, Trimap } from '../core/image.ts';
import {
  TRIMAP_FROM_PROBABILITY_DEFAULTS,
  type TrimapFromProbabilityOptions,
  trimapFromProbability,
} from './trimap-from-probability.ts';

/** One strip: its own rows [y0, y1), and the rows [haloY0, haloY1) it is computed from. */
export interface TrimapStrip {
  y0: number;
  y1: number;
  haloY0: number;
  haloY1: number;
}

/**
 * The trimap of `probability`'s rows [haloY0, haloY1) with the whole image's diagonal, cut to the strip's own
 * rows: (y1 − y0) · width labels.
 */
export type TrimapStripSolver = (
  probability: PlaneF32,
  strip: TrimapStrip,
  options: TrimapFromProbabilityOptions,
) => Promise<Uint8Array> | Uint8Array;

/** A strip's labels computed on this thread (a view into the strip's trimap with its halo). */
export function trimapStripHere(
  probability: PlaneF32,
  strip: TrimapStrip,
  options: TrimapFromProbabilityOptions,
): Uint8Array {
  const { width } = probability;
  const rows = probability.data.subarray(strip.haloY0 * width, strip.haloY1 * width);
  const trimap = trimapFromProbability({ data: rows, width, height: strip.haloY1 - strip.haloY0 }, options);
  return trimap.data.subarray((strip.y0 - strip.haloY0) * width, (strip.y1 - strip.haloY0) * width);
}

/** `count` strips of about equal height covering the image, each with the halo the options need. */
export function planTrimapStrips(
  width: number,
  height: number,
  count: number,
  options: TrimapFromProbabilityOptions = {},
): TrimapStrip[] {
  const o = { ...TRIMAP_FROM_PROBABILITY_DEFAULTS, ...options };
  const diagonal = options.diagonal ?? Math.hypot(width, height);
  const reach = Math.max(o.minBandPixels, o.band * diagonal, o.unsureGrowth * diagonal);
  const halo = Math.ceil(reach) + 1;
  const strips: TrimapStrip[] = [];
  const n = Math.max(1, Math.min(count, height));
  for (let k = 0; k < n; k++) {
    const y0 = Math.round((k * height) / n);
    const y1 = Math.round(((k + 1) * height) / n);
    if (y1 > y0) {
      strips.push({ y0, y1, haloY0: Math.max(0, y0 - halo), haloY1: Math.min(height, y1 + halo) });
    }
  }
  return strips;
}

/**
 * The trimap of the whole probability, its strips solved by `solveStrip` (at once), written into `out` (a
 * caller may want it in shared memory) or a new array.
 */
export async function trimapInStrips(
  probability: PlaneF32,
  options: TrimapFromProbabilityOptions,
  count: number,
  solveStrip: TrimapStripSolver = trimapStripHere,
  out: Uint8Array = new Uint8Array(probability.width * probability.height),
): Promise<Trimap> {
  const { width, height } = probability;
  const withDiagonal = { ...options, diagonal: options.diagonal ?? Math.hypot(width, height) };
  const strips = planTrimapStrips(width, height, count, withDiagonal);
  await Promise.all(
    strips.map(async (strip) => {
      const labels = await solveStrip(probability, strip, withDiagonal);
      out.set(labels, strip.y0 * width);
    }),
  );
  return { data: out, width, height };
}
