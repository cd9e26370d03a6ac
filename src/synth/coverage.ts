/**
 * Fractional pixel coverage of a shape given by a signed distance.
 *
 * Pixel (px, py) is the square [px, px+1) × [py, py+1). Only pixels whose square may straddle the
 * boundary are supersampled; the rest are decided by one distance at the centre. That is exact as
 * long as the distance is a bound: |d(x, y)| never exceeds the true Euclidean distance to the
 * boundary (the sign, negative inside, must be right). The same bound lets a row skip ahead over
 * runs of pixels that are surely outside or surely inside, so cost grows with the perimeter.
 */

/** Negative inside, positive outside, |value| ≤ distance to the boundary (in pixels). */
export type SignedDistance = (x: number, y: number) => number;

/** An axis-aligned box in continuous pixel coordinates that contains the whole shape. */
export interface Bounds {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** Integer pixel rectangle, ends exclusive. */
export interface PixelRect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Coverage in [0, 1] over a rectangle of pixels whose top-left pixel is (x0, y0). */
export interface CoverageMask {
  x0: number;
  y0: number;
  width: number;
  height: number;
  data: Float32Array;
}

/** 8×8 samples: 1/64 steps in edge alpha, and edge pixels are few, so the cost is small. */
export const DEFAULT_SAMPLES = 8;

/** Half the diagonal of a pixel: every point of the square lies this close to its centre. */
const HALF_DIAGONAL = Math.SQRT1_2;

export function imageRect(width: number, height: number): PixelRect {
  return { x0: 0, y0: 0, x1: width, y1: height };
}

/** Pixels touched by `bounds` grown by `margin`, clipped to `clip`; may be empty (x1 ≤ x0). */
export function pixelRectOf(bounds: Bounds, margin: number, clip: PixelRect): PixelRect {
  return {
    x0: Math.max(clip.x0, Math.floor(bounds.minX - margin)),
    y0: Math.max(clip.y0, Math.floor(bounds.minY - margin)),
    x1: Math.min(clip.x1, Math.ceil(bounds.maxX + margin)),
    y1: Math.min(clip.y1, Math.ceil(bounds.maxY + margin)),
  };
}

export function createMask(rect: PixelRect): CoverageMask {
  const width = Math.max(0, rect.x1 - rect.x0);
  const height = Math.max(0, rect.y1 - rect.y0);
  return { x0: rect.x0, y0: rect.y0, width, height, data: new Float32Array(width * height) };
}

/** Fraction of `samples`×`samples` stratified points of pixel (px, py) that fall inside. */
export function supersamplePixel(distance: SignedDistance, px: number, py: number, samples: number): number {
  const step = 1 / samples;
  let inside = 0;
  for (let j = 0; j < samples; j++) {
    const y = py + (j + 0.5) * step;
    for (let i = 0; i < samples; i++) {
      if (distance(px + (i + 0.5) * step, y) < 0) inside++;
    }
  }
  return inside / (samples * samples);
}

/**
 * Coverage of the shape over the pixels of `bounds` (clipped to `clip`).
 * Pixels outside the returned mask are uncovered.
 */
export function rasterizeCoverage(
  distance: SignedDistance,
  bounds: Bounds,
  clip: PixelRect,
  samples = DEFAULT_SAMPLES,
): CoverageMask {
  const mask = createMask(pixelRectOf(bounds, 0, clip));
  const { x0, y0, width, height, data } = mask;
  for (let row = 0; row < height; row++) {
    const py = y0 + row;
    const cy = py + 0.5;
    const base = row * width;
    let col = 0;
    while (col < width) {
      const px = x0 + col;
      const d = distance(px + 0.5, cy);
      if (d > HALF_DIAGONAL) {
        // Centres k pixels on are at least d − k from the boundary.
        col += Math.floor(d - HALF_DIAGONAL) + 1;
      } else if (d < -HALF_DIAGONAL) {
        const run = Math.min(width - col, Math.floor(-d - HALF_DIAGONAL) + 1);
        data.fill(1, base + col, base + col + run);
        col += run;
      } else {
        data[base + col] = supersamplePixel(distance, px, py, samples);
        col++;
      }
    }
  }
  return mask;
}

/** Sum of coverage over the mask: the shape's area in pixels when nothing was clipped. */
export function maskArea(mask: CoverageMask): number {
  let sum = 0;
  for (let i = 0; i < mask.data.length; i++) sum += mask.data[i];
  return sum;
}
