/**
 * The pixels a matting metric is evaluated on: the unknown band of the trimap (0 < t < 255), as in the
 * Deep Image Matting evaluation, or the whole image when there is no trimap.
 */

import type { PlaneF32, Trimap } from '../core/image.ts';
import { assertSameSize } from '../core/image.ts';

/**
 * A 0/1 mask of the trimap's unknown pixels, or undefined (meaning "every pixel") without a trimap.
 * Metrics take `undefined` as the whole image so the common no-trimap case allocates nothing.
 */
export function unknownRegion(trimap: Trimap | undefined): Uint8Array | undefined {
  if (trimap === undefined) return undefined;
  assertPlaneLength(trimap, 'trimap');
  const t = trimap.data;
  const region = new Uint8Array(t.length);
  for (let p = 0; p < t.length; p++) region[p] = t[p] > 0 && t[p] < 255 ? 1 : 0;
  return region;
}

/** Throws a RangeError naming both sizes when prediction, truth (and region) disagree. */
export function assertComparable(
  pred: PlaneF32,
  truth: PlaneF32,
  region: Uint8Array | undefined,
  what: string,
): void {
  assertSameSize(pred, truth, `${what}: prediction vs truth`);
  assertPlaneLength(pred, `${what}: prediction`);
  assertPlaneLength(truth, `${what}: truth`);
  if (region !== undefined && region.length !== pred.data.length) {
    throw new RangeError(
      `${what}: region has ${region.length} pixels, image is ${pred.width}×${pred.height} (${pred.data.length})`,
    );
  }
}

function assertPlaneLength(plane: { data: ArrayLike<number>; width: number; height: number }, what: string) {
  if (plane.data.length !== plane.width * plane.height) {
    throw new RangeError(
      `${what}: data has ${plane.data.length} values, expected ${plane.width}×${plane.height} = ${plane.width * plane.height}`,
    );
  }
}
