/**
 * Foreground colours where they matter: only pixels with 0 < α < 1 need an estimate (an opaque pixel's colour
 * is its own, a transparent one's is never seen), so the multi-level estimate runs on tiles around those
 * pixels (refine-tile-plan.ts) instead of the whole photo, and F = I elsewhere. The tiles are independent:
 * `estimate` may run them on worker threads (MattingPool.foreground), a few at a time.
 *
 * Pure.
 */
import type { InterleavedF32, PlaneF32 } from '../core/image.ts';
import { cropInterleaved, cropPlane } from '../core/rect.ts';
import { estimateForeground } from '../foreground/estimate-foreground-multilevel.ts';
import { planRefineTiles } from './refine-tile-plan.ts';

/** The multi-level foreground estimate of one crop, here or elsewhere. */
export type ForegroundEstimator = (
  image: InterleavedF32,
  alpha: PlaneF32,
) => Promise<InterleavedF32> | InterleavedF32;

const estimateHere: ForegroundEstimator = (image, alpha) => estimateForeground(image, alpha).foreground;

/** Tiles estimated at once: enough to keep a two-worker pool busy, few enough that crops do not pile up. */
const TILES_IN_FLIGHT = 4;

export async function estimateForegroundInBand(
  image: InterleavedF32,
  alpha: PlaneF32,
  estimate: ForegroundEstimator = estimateHere,
): Promise<InterleavedF32> {
  const { width, height } = image;
  const n = width * height;
  const trimap = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const a = alpha.data[i];
    trimap[i] = a <= 0 ? 0 : a >= 1 ? 255 : 128;
  }
  const out: InterleavedF32 = { data: image.data.slice(), width, height, channels: image.channels };
  // 1024-px cells as measured for `cutout matte` (bench/results/matting-cf-time.md); the cascade's own tiles are smaller.
  const tiles = planRefineTiles({ data: trimap, width, height }, { minKnown: 1, tileSize: 1024 });
  const c = image.channels;
  let next = 0;
  const runTiles = async () => {
    while (next < tiles.length) {
      const tile = tiles[next++];
      const { core, solve } = tile;
      const f = await estimate(cropInterleaved(image, solve), cropPlane(alpha, solve));
      // Only fractional pixels take the estimate: an opaque pixel's colour is exactly its own.
      for (let y = core.y0; y < core.y1; y++) {
        for (let x = core.x0; x < core.x1; x++) {
          const a = alpha.data[y * width + x];
          if (!(a > 0 && a < 1)) continue;
          const from = ((y - solve.y0) * f.width + (x - solve.x0)) * c;
          for (let k = 0; k < c; k++) out.data[(y * width + x) * c + k] = f.data[from + k];
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(TILES_IN_FLIGHT, tiles.length) }, runTiles));
  return out;
}
