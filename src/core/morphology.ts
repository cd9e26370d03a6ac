/**
 * Binary erosion and dilation by a disc of any radius in O(N), whatever the radius, by thresholding the
 * exact squared distance transform instead of sliding a structuring element.
 *
 * The disc of radius r is every offset (dx, dy) with dx² + dy² ≤ r²; r need not be an integer and r = 0
 * is the single pixel (identity).
 *
 * Masks are Uint8 planes: non-zero = set. Results hold 0 and 255 (MASK_SET), which is also the trimap's
 * foreground value.
 *
 * Border rule for erosion: pixels outside the image do NOT count as background. A subject that touches
 * the frame (a portrait cut off at the bottom edge) is not eaten away from the edge, and a full mask stays
 * full. Only unset pixels inside the image erode.
 */

import { squaredDistanceTransform } from './distance-transform.ts';
import type { PlaneF32, PlaneU8 } from './image.ts';

export const MASK_SET = 255;

/** Set wherever some set pixel lies within distance `radius`. */
export function dilate(mask: PlaneU8, radius: number): PlaneU8 {
  checkRadius(radius);
  const d2 = squaredDistanceTransform(mask, 'set', radius).data;
  const r2 = radius * radius;
  const out = new Uint8Array(d2.length);
  for (let i = 0; i < d2.length; i++) out[i] = d2[i] <= r2 ? MASK_SET : 0;
  return { width: mask.width, height: mask.height, data: out };
}

/** Set wherever no unset pixel (inside the image) lies within distance `radius`. */
export function erode(mask: PlaneU8, radius: number): PlaneU8 {
  checkRadius(radius);
  const d2 = squaredDistanceTransform(mask, 'unset', radius).data;
  const r2 = radius * radius;
  const out = new Uint8Array(d2.length);
  for (let i = 0; i < d2.length; i++) out[i] = d2[i] > r2 ? MASK_SET : 0;
  return { width: mask.width, height: mask.height, data: out };
}

/** Binary mask of the pixels whose value is strictly above `threshold` (NaN is never above). */
export function maskFromThreshold(plane: PlaneF32, threshold = 0.5): PlaneU8 {
  const src = plane.data;
  const out = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = src[i] > threshold ? MASK_SET : 0;
  return { width: plane.width, height: plane.height, data: out };
}

function checkRadius(radius: number): void {
  if (!(radius >= 0) || !Number.isFinite(radius)) {
    throw new RangeError(`morphology: radius must be finite and ≥ 0, got ${radius}`);
  }
}
