/**
 * A trimap from a known alpha matte, the way matting benchmarks make them: every pixel within
 * `radius` of a fractional alpha value or of a 0/1 boundary is unknown; the rest keeps its sure label.
 * Used for the project's examples and tests, where the true alpha is known.
 */
import {
  type PlaneF32,
  TRIMAP_BACKGROUND,
  TRIMAP_FOREGROUND,
  TRIMAP_UNKNOWN,
  type Trimap,
} from '../core/image.ts';
import { dilate } from '../core/morphology.ts';

export function trimapFromAlpha(alpha: PlaneF32, radius: number): Trimap {
  const { width, height, data } = alpha;
  const n = width * height;
  // Seeds of the band: fractional pixels, and sure pixels with a neighbour of the other kind.
  const seeds = new Uint8Array(n);
  const sure = (v: number) => (v <= 0 ? 0 : v >= 1 ? 1 : -1);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const s = sure(data[i]);
      if (s < 0) seeds[i] = 1;
      else if (x + 1 < width && sure(data[i + 1]) !== s) seeds[i] = 1;
      else if (y + 1 < height && sure(data[i + width]) !== s) seeds[i] = 1;
    }
  }
  const band = dilate({ data: seeds, width, height }, radius).data;
  const trimap = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (band[i] !== 0) trimap[i] = TRIMAP_UNKNOWN;
    else trimap[i] = data[i] >= 0.5 ? TRIMAP_FOREGROUND : TRIMAP_BACKGROUND;
  }
  return { data: trimap, width, height };
}
