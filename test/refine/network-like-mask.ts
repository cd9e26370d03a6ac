/**
 * A network-like coarse mask from a true alpha, as the refinement issue describes and bench/refine.ts uses:
 * shrunk to 320×320 (area; or the given network size), blurred (Gaussian σ = 2.2 at 320), squashed towards 0/1 (logistic of slope 10
 * around 0.5, rescaled to keep 0 and 1), resized back (bilinear).
 */
import { gaussianBlurPlane } from '../../src/core/gaussian-blur.ts';
import type { PlaneF32 } from '../../src/core/image.ts';
import { resizePlane } from '../../src/core/resize-plane.ts';

export const MASK_SIZE = 320;
export const MASK_SIGMA = 2.2;
export const MASK_STEEPNESS = 10;

/** `size`: the network's input side (320 for U²-Net, 1024 for BiRefNet, the default model). */
export function networkLikeMask(alpha: PlaneF32, size = MASK_SIZE): PlaneF32 {
  const small = gaussianBlurPlane(resizePlane(alpha, size, size, 'area'), MASK_SIGMA);
  const squash = (v: number) => 1 / (1 + Math.exp(-MASK_STEEPNESS * (v - 0.5)));
  const s0 = squash(0);
  const s1 = squash(1);
  for (let i = 0; i < small.data.length; i++) small.data[i] = (squash(small.data[i]) - s0) / (s1 - s0);
  return resizePlane(small, alpha.width, alpha.height, 'bilinear');
}
