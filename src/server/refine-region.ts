/**
 * The web page's brush: re-mattes one region (the stroke's box plus a margin, cropped by the page) with
 * scribble matting, so a touch-up costs the size of the stroke, not of the photo.
 *
 * The scribble layer is RGBA: opaque white marks foreground, opaque black background, opaque mid grey
 * "erase" (forget what was there: those pixels become unknown and are solved from their surroundings);
 * transparent pixels are untouched. The trimap of the region:
 *  - marks as drawn (foreground 255, background 0, erase unknown);
 *  - a band around every mark unknown, so the edge can move to where the colours say it is;
 *  - elsewhere the current matte where it is sure (α ≥ 0.98 or ≤ 0.02), unknown where it is soft.
 * The solve is the closed-form matting of pipeline/matte-image.ts, foreground colours included.
 *
 * Pure.
 */
import {
  type InterleavedF32,
  type PlaneF32,
  type PlaneU8,
  TRIMAP_BACKGROUND,
  TRIMAP_FOREGROUND,
  TRIMAP_UNKNOWN,
  type Trimap,
} from '../core/image.ts';
import { dilate, MASK_SET } from '../core/morphology.ts';
import { estimateForeground } from '../foreground/estimate-foreground-multilevel.ts';
import { matteImage } from '../pipeline/matte-image.ts';
import { countTrimap } from '../trimap/quantise-trimap.ts';

/** Width of the unknown band around a mark, in pixels. */
export const MARK_BAND = 6;
const SURE = 0.98;

export type ScribbleMark = 'none' | 'foreground' | 'background' | 'erase';

/** What the scribble layer says at a pixel (colour 0–1, layer alpha 0–1). */
export function scribbleMark(level: number, opacity: number): ScribbleMark {
  if (opacity < 0.5) return 'none';
  if (level >= 0.75) return 'foreground';
  if (level <= 0.25) return 'background';
  return 'erase';
}

export function regionTrimap(
  alpha: PlaneF32,
  scribbles: InterleavedF32,
  scribbleAlpha: PlaneF32 | undefined,
  band = MARK_BAND,
): Trimap {
  const { width, height } = alpha;
  const n = width * height;
  const marks = new Uint8Array(n);
  const drawn: PlaneU8 = { data: new Uint8Array(n), width, height };
  const c = scribbles.data;
  const ch = scribbles.channels;
  for (let i = 0; i < n; i++) {
    let level = 0;
    for (let k = 0; k < Math.min(ch, 3); k++) level += c[i * ch + k];
    level /= Math.min(ch, 3);
    const mark = scribbleMark(level, scribbleAlpha ? scribbleAlpha.data[i] : 0);
    marks[i] = mark === 'foreground' ? 1 : mark === 'background' ? 2 : mark === 'erase' ? 3 : 0;
    if (mark === 'foreground' || mark === 'background') drawn.data[i] = MASK_SET;
  }
  const near = dilate(drawn, band).data;
  const out = new Uint8Array(n);
  const a = alpha.data;
  for (let i = 0; i < n; i++) {
    const m = marks[i];
    if (m === 1) out[i] = TRIMAP_FOREGROUND;
    else if (m === 2) out[i] = TRIMAP_BACKGROUND;
    else if (m === 3 || near[i] !== 0) out[i] = TRIMAP_UNKNOWN;
    else out[i] = a[i] >= SURE ? TRIMAP_FOREGROUND : a[i] <= 1 - SURE ? TRIMAP_BACKGROUND : TRIMAP_UNKNOWN;
  }
  return { data: out, width, height };
}

export interface RefinedRegion {
  alpha: PlaneF32;
  foreground: InterleavedF32;
}

export async function refineRegion(
  image: InterleavedF32,
  alpha: PlaneF32,
  scribbles: InterleavedF32,
  scribbleAlpha?: PlaneF32,
): Promise<RefinedRegion> {
  const trimap = regionTrimap(alpha, scribbles, scribbleAlpha);
  const { foreground: fg, background: bg, unknown } = countTrimap(trimap);
  if (unknown > 0 && fg > 0 && bg > 0) {
    const solved = await matteImage(image, trimap, { coarseToFine: false });
    return { alpha: solved.alpha, foreground: solved.foreground! };
  }
  // Nothing to solve, or only one side is known in the region: every unknown pixel takes that side.
  const fill = fg > 0 ? 1 : bg > 0 ? 0 : -1;
  const out = new Float32Array(trimap.data.length);
  for (let i = 0; i < out.length; i++) {
    const v = trimap.data[i];
    out[i] = v === TRIMAP_FOREGROUND ? 1 : v === TRIMAP_BACKGROUND ? 0 : fill >= 0 ? fill : alpha.data[i];
  }
  const solvedAlpha = { data: out, width: alpha.width, height: alpha.height };
  return { alpha: solvedAlpha, foreground: estimateForeground(image, solvedAlpha).foreground };
}
