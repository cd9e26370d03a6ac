/**
 * remove.bg's canvas parameters on a finished matte: `roi` (only this rectangle may be foreground), `crop` +
 * `crop_margin` (the canvas is the subject's box grown by a margin), `scale` (the subject's box fills this
 * fraction of the canvas) and `position` (where the subject sits in the free space).
 *
 * Every case is one affine map from canvas pixels back to image pixels — a uniform scale `f` and an offset —
 * sampled bilinearly, so a plain crop (f = 1, whole-pixel offset) copies pixels exactly and the margin shows
 * the photo's own surroundings rather than padding. Outside the image, α = 0.
 *
 * Pure.
 */

import { subjectBounds } from '../compose/crop-to-subject.ts';
import type { InterleavedF32, PlaneF32 } from '../core/image.ts';
import type { Rect } from '../core/rect.ts';

/** A length in pixels or as a fraction of a reference size. */
export type Length = { px: number } | { fraction: number };

export interface RemovebgLayout {
  /** x1 y1 x2 y2; fractions of the image's width/height or pixels. */
  roi?: [Length, Length, Length, Length];
  crop?: boolean;
  /** top, right, bottom, left; fractions are of the subject's height (top/bottom) and width (left/right). */
  cropMargin?: [Length, Length, Length, Length];
  /** Fraction of the canvas the subject's box fills (0.1–1); undefined = original size. */
  scale?: number;
  /** 'original', or where the subject sits in the free space: [0, 0] top left … [1, 1] bottom right. */
  position?: 'original' | [number, number];
}

export interface PlacedSubject {
  alpha: PlaneF32;
  foreground: InterleavedF32;
  /** The subject's box in the output (remove.bg's X-Foreground-*); undefined when there is no subject. */
  subject?: Rect;
}

/** remove.bg caps each side's margin at half the subject's size or 500 px. */
const MAX_MARGIN_PX = 500;

function pixels(length: Length, reference: number): number {
  return 'px' in length ? length.px : length.fraction * reference;
}

/** Zeroes α outside the region of interest (in place on a copy). */
export function applyRoi(alpha: PlaneF32, roi: RemovebgLayout['roi']): PlaneF32 {
  if (!roi) return alpha;
  const { width, height } = alpha;
  const x0 = clamp(Math.round(pixels(roi[0], width)), 0, width);
  const y0 = clamp(Math.round(pixels(roi[1], height)), 0, height);
  const x1 = clamp(Math.round(pixels(roi[2], width)), 0, width);
  const y1 = clamp(Math.round(pixels(roi[3], height)), 0, height);
  const out = new Float32Array(alpha.data.length);
  for (let y = y0; y < y1; y++) {
    const row = y * width;
    out.set(alpha.data.subarray(row + x0, row + Math.max(x0, x1)), row + x0);
  }
  return { data: out, width, height };
}

export function placeSubject(
  alpha: PlaneF32,
  foreground: InterleavedF32,
  layout: RemovebgLayout,
): PlacedSubject {
  const masked = applyRoi(alpha, layout.roi);
  const box = subjectBounds(masked);
  const { width, height } = masked;
  if (!box) return { alpha: masked, foreground };
  const bw = box.x1 - box.x0;
  const bh = box.y1 - box.y0;

  // The canvas, and where the image's origin lands on it at scale 1.
  let canvasW = width;
  let canvasH = height;
  let originX = 0;
  let originY = 0;
  if (layout.crop) {
    const m = layout.cropMargin ?? [{ px: 0 }, { px: 0 }, { px: 0 }, { px: 0 }];
    const cap = (v: number, side: number) => Math.round(Math.min(v, side / 2, MAX_MARGIN_PX));
    const top = cap(pixels(m[0], bh), bh);
    const right = cap(pixels(m[1], bw), bw);
    const bottom = cap(pixels(m[2], bh), bh);
    const left = cap(pixels(m[3], bw), bw);
    canvasW = bw + left + right;
    canvasH = bh + top + bottom;
    originX = left - box.x0;
    originY = top - box.y0;
  }

  let f = 1;
  let tx = originX;
  let ty = originY;
  const position = layout.position ?? (layout.scale !== undefined ? [0.5, 0.5] : 'original');
  if (layout.scale !== undefined) f = layout.scale * Math.min(canvasW / bw, canvasH / bh);
  if (position !== 'original') {
    const dw = bw * f;
    const dh = bh * f;
    tx = (canvasW - dw) * position[0] - box.x0 * f;
    ty = (canvasH - dh) * position[1] - box.y0 * f;
  } else if (f !== 1) {
    // Scaled about the subject's centre, which stays where it was.
    tx = originX + (box.x0 + bw / 2) * (1 - f);
    ty = originY + (box.y0 + bh / 2) * (1 - f);
  }
  if (f === 1) {
    tx = Math.round(tx);
    ty = Math.round(ty);
  }
  const placed = resample(masked, foreground, canvasW, canvasH, f, tx, ty);
  const subject = clipRect(
    {
      x0: Math.round(box.x0 * f + tx),
      y0: Math.round(box.y0 * f + ty),
      x1: Math.round(box.x1 * f + tx),
      y1: Math.round(box.y1 * f + ty),
    },
    canvasW,
    canvasH,
  );
  return { ...placed, subject };
}

/** Canvas pixel (x, y) shows image point ((x + ½ − tx)/f − ½, (y + ½ − ty)/f − ½), bilinearly. */
function resample(
  alpha: PlaneF32,
  foreground: InterleavedF32,
  canvasW: number,
  canvasH: number,
  f: number,
  tx: number,
  ty: number,
): { alpha: PlaneF32; foreground: InterleavedF32 } {
  const { width, height } = alpha;
  const a = alpha.data;
  const fg = foreground.data;
  const outA = new Float32Array(canvasW * canvasH);
  const outF = new Float32Array(canvasW * canvasH * 3);
  const inv = 1 / f;
  for (let y = 0; y < canvasH; y++) {
    const sy = (y + 0.5 - ty) * inv - 0.5;
    if (sy <= -1 || sy >= height) continue;
    const y0 = Math.floor(sy);
    const wy = sy - y0;
    for (let x = 0; x < canvasW; x++) {
      const sx = (x + 0.5 - tx) * inv - 0.5;
      if (sx <= -1 || sx >= width) continue;
      const x0 = Math.floor(sx);
      const wx = sx - x0;
      let sumA = 0;
      let r = 0;
      let g = 0;
      let b = 0;
      // Colour is weighted by α so that transparent neighbours do not bleed their colour into the edge.
      for (let k = 0; k < 4; k++) {
        const px = x0 + (k & 1);
        const py = y0 + (k >> 1);
        if (px < 0 || py < 0 || px >= width || py >= height) continue;
        const w = ((k & 1) === 1 ? wx : 1 - wx) * (k >> 1 === 1 ? wy : 1 - wy);
        if (w === 0) continue;
        const i = py * width + px;
        const wa = w * a[i];
        sumA += wa;
        r += wa * fg[i * 3];
        g += wa * fg[i * 3 + 1];
        b += wa * fg[i * 3 + 2];
      }
      const o = y * canvasW + x;
      outA[o] = sumA;
      if (sumA > 0) {
        const s = 1 / sumA;
        outF[o * 3] = r * s;
        outF[o * 3 + 1] = g * s;
        outF[o * 3 + 2] = b * s;
      }
    }
  }
  return {
    alpha: { data: outA, width: canvasW, height: canvasH },
    foreground: { data: outF, width: canvasW, height: canvasH, channels: 3 },
  };
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

function clipRect(r: Rect, width: number, height: number): Rect {
  return {
    x0: clamp(r.x0, 0, width),
    y0: clamp(r.y0, 0, height),
    x1: clamp(r.x1, 0, width),
    y1: clamp(r.y1, 0, height),
  };
}
