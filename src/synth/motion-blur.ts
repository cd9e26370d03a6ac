/**
 * Motion blur of a coverage mask: the average of the shape's coverage over a straight path of
 * length L along `angle`, centred on the pixel, so an edge across the motion ramps over ≈ L pixels.
 *
 * The path is sampled with ⌈L⌉ taps (at most one pixel apart) read with bilinear interpolation.
 * All taps share their fractional offsets across the image, so the blur is a fixed small kernel;
 * we build it once and apply it row-segment by row-segment.
 */

import { type CoverageMask, createMask, type PixelRect } from './coverage.ts';

export interface MotionKernel {
  /** Output (x, y) reads input (x + dx[k], y + dy[k]) with weight[k]; weights sum to 1. */
  dx: Int32Array;
  dy: Int32Array;
  weight: Float64Array;
}

export function motionKernel(angle: number, length: number): MotionKernel {
  const taps = Math.max(1, Math.ceil(length));
  const ux = Math.cos(angle);
  const uy = Math.sin(angle);
  const weights = new Map<string, { dx: number; dy: number; w: number }>();
  const add = (dx: number, dy: number, w: number): void => {
    if (w <= 0) return;
    const key = `${dx},${dy}`;
    const entry = weights.get(key);
    if (entry) entry.w += w;
    else weights.set(key, { dx, dy, w });
  };
  for (let k = 0; k < taps; k++) {
    const t = ((k + 0.5) / taps - 0.5) * length;
    // The tap reads the input at (x − t·ux, y − t·uy).
    const sx = -t * ux;
    const sy = -t * uy;
    const ix = Math.floor(sx);
    const iy = Math.floor(sy);
    const fx = sx - ix;
    const fy = sy - iy;
    const w = 1 / taps;
    add(ix, iy, w * (1 - fx) * (1 - fy));
    add(ix + 1, iy, w * fx * (1 - fy));
    add(ix, iy + 1, w * (1 - fx) * fy);
    add(ix + 1, iy + 1, w * fx * fy);
  }
  const entries = [...weights.values()];
  return {
    dx: Int32Array.from(entries, (e) => e.dx),
    dy: Int32Array.from(entries, (e) => e.dy),
    weight: Float64Array.from(entries, (e) => e.w),
  };
}

/** The blurred mask, grown to hold the smear and clipped to `clip`. */
export function motionBlurMask(
  mask: CoverageMask,
  angle: number,
  length: number,
  clip: PixelRect,
): CoverageMask {
  const kernel = motionKernel(angle, length);
  let reachX = 0;
  let reachY = 0;
  for (let k = 0; k < kernel.weight.length; k++) {
    reachX = Math.max(reachX, Math.abs(kernel.dx[k]));
    reachY = Math.max(reachY, Math.abs(kernel.dy[k]));
  }
  const out = createMask({
    x0: Math.max(clip.x0, mask.x0 - reachX),
    y0: Math.max(clip.y0, mask.y0 - reachY),
    x1: Math.min(clip.x1, mask.x0 + mask.width + reachX),
    y1: Math.min(clip.y1, mask.y0 + mask.height + reachY),
  });
  const src = mask.data;
  const dst = out.data;
  for (let k = 0; k < kernel.weight.length; k++) {
    const dx = kernel.dx[k];
    const dy = kernel.dy[k];
    const w = kernel.weight[k];
    const xStart = Math.max(out.x0, mask.x0 - dx);
    const xEnd = Math.min(out.x0 + out.width, mask.x0 + mask.width - dx);
    if (xEnd <= xStart) continue;
    for (let y = out.y0; y < out.y0 + out.height; y++) {
      const sy = y + dy - mask.y0;
      if (sy < 0 || sy >= mask.height) continue;
      const srcOffset = sy * mask.width + dx - mask.x0;
      const dstOffset = (y - out.y0) * out.width - out.x0;
      for (let x = xStart; x < xEnd; x++) dst[dstOffset + x] += w * src[srcOffset + x];
    }
  }
  // Weights sum to 1 only up to rounding.
  for (let i = 0; i < dst.length; i++) if (dst[i] > 1) dst[i] = 1;
  return out;
}
