/**
 * Contrast-sensitive smoothness of GrabCut: neighbouring pixels pay γ·exp(−β‖zp − zq‖²)/dist to take
 * different labels, so the cut prefers to run along colour edges. β = 1 / (2·⟨‖zp − zq‖²⟩) adapts the
 * edge scale to the image: a low-contrast image gets a sharper response than a high-contrast one.
 * 8-connected; diagonal pairs are divided by √2, their distance.
 */
import type { InterleavedF32 } from '../../core/image.ts';

export interface GridWeights {
  width: number;
  height: number;
  /** Weight between p and its neighbour to the right, below, below-right and below-left (0 off the image). */
  right: Float32Array;
  down: Float32Array;
  downRight: Float32Array;
  downLeft: Float32Array;
  beta: number;
}

function distance2(c: Float32Array, p: number, q: number): number {
  const a = c[p] - c[q];
  const b = c[p + 1] - c[q + 1];
  const e = c[p + 2] - c[q + 2];
  return a * a + b * b + e * e;
}

export function contrastWeights(colours: InterleavedF32, gamma: number): GridWeights {
  const { width, height, data } = colours;
  const n = width * height;
  const right = new Float32Array(n);
  const down = new Float32Array(n);
  const downRight = new Float32Array(n);
  const downLeft = new Float32Array(n);
  // Squared differences first (kept in the weight arrays), then their mean gives β.
  let sum = 0;
  let pairs = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const p = 3 * i;
      if (x + 1 < width) {
        right[i] = distance2(data, p, p + 3);
        sum += right[i];
        pairs++;
      }
      if (y + 1 < height) {
        const below = p + 3 * width;
        down[i] = distance2(data, p, below);
        sum += down[i];
        pairs++;
        if (x + 1 < width) {
          downRight[i] = distance2(data, p, below + 3);
          sum += downRight[i];
          pairs++;
        }
        if (x > 0) {
          downLeft[i] = distance2(data, p, below - 3);
          sum += downLeft[i];
          pairs++;
        }
      }
    }
  }
  const mean = pairs > 0 ? sum / pairs : 0;
  // A perfectly flat image has no edges to follow: any β works, use one that keeps weights at γ.
  const beta = mean > 0 ? 1 / (2 * mean) : 0;
  const diagonal = gamma / Math.SQRT2;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      right[i] = x + 1 < width ? gamma * Math.exp(-beta * right[i]) : 0;
      if (y + 1 < height) {
        down[i] = gamma * Math.exp(-beta * down[i]);
        downRight[i] = x + 1 < width ? diagonal * Math.exp(-beta * downRight[i]) : 0;
        downLeft[i] = x > 0 ? diagonal * Math.exp(-beta * downLeft[i]) : 0;
      }
    }
  }
  return { width, height, right, down, downRight, downLeft, beta };
}
