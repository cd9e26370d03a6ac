/**
 * Coarse to fine for wide unknown bands: the cascade's "cheap everywhere, expensive only at the edge"
 * applied inside matting itself.
 *
 * A wide band (a generous hand-drawn trimap, or a network's unsure region on a 12 MP photo) is mostly pixels
 * whose alpha is plainly 0 or 1; solving for them at full resolution is where the time goes. So the band is
 * first solved at half resolution; pixels the coarse answer finds confidently opaque or transparent, and far
 * enough from any pixel it finds fractional, become known; the full-resolution solve then covers only the
 * narrow band that is left. A hair strand that halving thins to a faint alpha stays above the confidence
 * threshold and so stays unknown.
 */

import type { InterleavedF32, PlaneF32, Trimap } from '../core/image.ts';
import { TRIMAP_BACKGROUND, TRIMAP_FOREGROUND, TRIMAP_UNKNOWN } from '../core/image.ts';
import { dilate } from '../core/morphology.ts';
import { resizeInterleaved, resizePlane } from '../core/resize-plane.ts';

export interface CoarseToFineOptions {
  /** Solve coarse first when the trimap has more unknown pixels than this. Default 250 000. */
  minUnknown?: number;
  /** Coarse alpha below this (or above 1 − this) counts as sure. Default 0.02. */
  confidence?: number;
  /** Full-resolution pixels within this distance of an unsure coarse pixel stay unknown. Default 3. */
  keepRadius?: number;
}

export type WholeImageSolver = (image: InterleavedF32, trimap: Trimap) => Promise<{ alpha: PlaneF32 }>;

const isUnknown = (v: number) => v > 0 && v < 255;

export function countUnknown(trimap: Trimap): number {
  // An indexed loop: for-of over a typed array is several times slower (see quantise-trimap.ts countTrimap).
  const data = trimap.data;
  let count = 0;
  for (let i = 0; i < data.length; i++) if (isUnknown(data[i])) count++;
  return count;
}

/**
 * Solves `trimap` with `solve`, first at half resolution (recursively) when the band is wide, so that the
 * full-resolution solve sees only the narrow band the coarse answer leaves unsure.
 */
export async function solveCoarseToFine(
  image: InterleavedF32,
  trimap: Trimap,
  solve: WholeImageSolver,
  options: CoarseToFineOptions = {},
): Promise<{ alpha: PlaneF32; trimap: Trimap; levels: number }> {
  const minUnknown = options.minUnknown ?? 250_000;
  if (countUnknown(trimap) <= minUnknown || image.width < 64 || image.height < 64) {
    return { alpha: (await solve(image, trimap)).alpha, trimap, levels: 1 };
  }
  const width = Math.ceil(image.width / 2);
  const height = Math.ceil(image.height / 2);
  const coarse = await solveCoarseToFine(
    resizeInterleaved(image, width, height, 'area'),
    downsampleTrimap(trimap, width, height),
    solve,
    options,
  );
  const upsampled = resizePlane(coarse.alpha, image.width, image.height, 'bilinear');
  const narrow = narrowTrimap(trimap, upsampled, options);
  return { alpha: (await solve(image, narrow)).alpha, trimap: narrow, levels: coarse.levels + 1 };
}

/** A coarse pixel is sure only when every full-resolution pixel it covers is sure of the same kind. */
export function downsampleTrimap(trimap: Trimap, width: number, height: number): Trimap {
  const out = new Uint8Array(width * height);
  const { data } = trimap;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let label = -1;
      for (let dy = 0; dy < 2; dy++) {
        for (let dx = 0; dx < 2; dx++) {
          const sx = Math.min(2 * x + dx, trimap.width - 1);
          const sy = Math.min(2 * y + dy, trimap.height - 1);
          const v = data[sy * trimap.width + sx];
          const kind = isUnknown(v) ? TRIMAP_UNKNOWN : v;
          label = label === -1 || label === kind ? kind : TRIMAP_UNKNOWN;
        }
      }
      out[y * width + x] = label;
    }
  }
  return { data: out, width, height };
}

/**
 * The full-resolution trimap left after a coarse solve: the original sure pixels, plus band pixels whose
 * coarse alpha is confident and that lie more than `keepRadius` from any unsure pixel.
 */
export function narrowTrimap(
  trimap: Trimap,
  coarseAlpha: PlaneF32,
  options: CoarseToFineOptions = {},
): Trimap {
  const confidence = options.confidence ?? 0.02;
  const keepRadius = options.keepRadius ?? 3;
  const { width, height } = trimap;
  const n = width * height;
  const a = coarseAlpha.data;
  const unsure = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (!isUnknown(trimap.data[i])) continue;
    if (a[i] > confidence && a[i] < 1 - confidence) unsure[i] = 1;
    // A jump between sure-opaque and sure-transparent neighbours is an edge the coarse level blurred.
    else if ((i % width) + 1 < width && Math.abs(a[i] - a[i + 1]) > 0.5) unsure[i] = 1;
    else if (i + width < n && Math.abs(a[i] - a[i + width]) > 0.5) unsure[i] = 1;
  }
  const keep = dilate({ data: unsure, width, height }, keepRadius).data;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const t = trimap.data[i];
    if (!isUnknown(t) || keep[i]) out[i] = isUnknown(t) ? TRIMAP_UNKNOWN : t;
    else out[i] = a[i] >= 0.5 ? TRIMAP_FOREGROUND : TRIMAP_BACKGROUND;
  }
  return { data: out, width, height };
}
