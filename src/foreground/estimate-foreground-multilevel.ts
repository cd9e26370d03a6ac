/**
 * Multi-level foreground estimation (Germer, Uelwer, Conrad, Harmeling 2020, "Fast Multi-Level
 * Foreground Estimation"): given an image I and its alpha matte α, find the foreground F and background B
 * colours that explain I = αF + (1 − α)B and vary smoothly where α is smooth.
 *
 * Per pixel i the cost is
 *
 *   ‖α_i F_i + (1 − α_i) B_i − I_i‖² + Σ_{j ∈ N4(i)} (ε + ω|α_i − α_j|) (‖F_i − F_j‖² + ‖B_i − B_j‖²).
 *
 * Holding the neighbours fixed, setting the gradient to zero gives one 2×2 system per colour channel,
 *
 *   [α² + W     α(1 − α)  ] [F]   [α I + Σ w_j F_j      ]
 *   [α(1 − α)   (1 − α)² + W] [B] = [(1 − α) I + Σ w_j B_j],   w_j = ε + ω|α_i − α_j|, W = Σ w_j,
 *
 * which is solved pixel by pixel in place (Gauss–Seidel) and clipped to [0, 1]. Such sweeps only carry
 * colour a few pixels, so the problem is solved coarse to fine: level l has size
 * round(w^(l/L)) × round(h^(l/L)) with L = ⌈log₂ max(w, h)⌉ (from 1×1 up to full size), image and alpha
 * are resampled by nearest neighbour, and F, B start from the previous level's result. Small levels are
 * cheap and get many sweeps; the large ones need only a couple. Parameters default to the paper's (and
 * pymatting's): ε = 1e-5, ω = 1, 10 sweeps while both sides are ≤ 32, 2 sweeps above.
 *
 * On the image border a missing neighbour is replaced by the pixel itself (the index is clamped), as in
 * pymatting: it adds ε·(F_i − F_i)², i.e. a little inertia towards the current estimate, and keeps the
 * 2×2 system regular even on the 1×1 level, where the data term alone cannot separate F from B.
 */

import type { InterleavedF32, PlaneF32 } from '../core/image.ts';

export interface ForegroundOptions {
  /** ε: weight of the smoothness term where alpha is flat. Default 1e-5. */
  regularization?: number;
  /** ω: extra smoothness weight per unit of alpha difference between neighbours. Default 1. */
  gradientWeight?: number;
  /** Sweeps on levels whose width and height are both ≤ smallSize. Default 10. */
  smallIterations?: number;
  /** Sweeps on larger levels. Default 2. */
  bigIterations?: number;
  /** Default 32. */
  smallSize?: number;
}

export interface ForegroundResult {
  /** F, same size and channels as the image, in [0, 1]. */
  foreground: InterleavedF32;
  /** B, likewise. */
  background: InterleavedF32;
}

export function estimateForeground(
  image: InterleavedF32,
  alpha: PlaneF32,
  options: ForegroundOptions = {},
): ForegroundResult {
  const epsilon = options.regularization ?? 1e-5;
  const omega = options.gradientWeight ?? 1;
  const smallIterations = options.smallIterations ?? 10;
  const bigIterations = options.bigIterations ?? 2;
  const smallSize = options.smallSize ?? 32;
  const { width, height, channels } = image;
  if (alpha.width !== width || alpha.height !== height) {
    throw new RangeError(`image is ${width}×${height} but alpha is ${alpha.width}×${alpha.height}`);
  }
  if (width < 1 || height < 1) throw new RangeError(`image is ${width}×${height}`);
  const src = image.data;
  const srcAlpha = alpha.data;

  // Start from the mean colour of the sure foreground and of the sure background.
  const { meanF, meanB } = sureMeans(src, srcAlpha, channels);

  let prevW = 1;
  let prevH = 1;
  let prevF: Float32Array = Float32Array.from(meanF);
  let prevB: Float32Array = Float32Array.from(meanB);

  const levels = Math.max(1, Math.ceil(Math.log2(Math.max(width, height))));
  for (let level = 0; level <= levels; level++) {
    const w = level === levels ? width : Math.max(1, Math.round(width ** (level / levels)));
    const h = level === levels ? height : Math.max(1, Math.round(height ** (level / levels)));
    const full = w === width && h === height;

    const colour = full ? src : resizeNearest(src, width, height, channels, w, h);
    const a = full ? srcAlpha : resizeNearest(srcAlpha, width, height, 1, w, h);
    const fg = resizeNearest(prevF, prevW, prevH, channels, w, h);
    const bg = resizeNearest(prevB, prevW, prevH, channels, w, h);

    const sweeps = w <= smallSize && h <= smallSize ? smallIterations : bigIterations;
    for (let s = 0; s < sweeps; s++) {
      if (channels === 3) sweepRgb(colour, a, fg, bg, w, h, epsilon, omega);
      else sweep(colour, a, fg, bg, w, h, channels, epsilon, omega);
    }

    prevF = fg;
    prevB = bg;
    prevW = w;
    prevH = h;
  }

  return {
    foreground: { data: prevF, width, height, channels },
    background: { data: prevB, width, height, channels },
  };
}

/** One Gauss–Seidel sweep in scan order over every pixel, updating F and B in place. */
function sweep(
  colour: Float32Array,
  alpha: Float32Array,
  fg: Float32Array,
  bg: Float32Array,
  w: number,
  h: number,
  channels: number,
  epsilon: number,
  omega: number,
): void {
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      const a0 = alpha[p];
      const a1 = 1 - a0;
      // Neighbour pixels, clamped to the image (a missing neighbour is the pixel itself).
      const pl = x > 0 ? p - 1 : p;
      const pr = x < w - 1 ? p + 1 : p;
      const pu = y > 0 ? p - w : p;
      const pd = y < h - 1 ? p + w : p;
      const wl = epsilon + omega * Math.abs(a0 - alpha[pl]);
      const wr = epsilon + omega * Math.abs(a0 - alpha[pr]);
      const wu = epsilon + omega * Math.abs(a0 - alpha[pu]);
      const wd = epsilon + omega * Math.abs(a0 - alpha[pd]);
      const sum = wl + wr + wu + wd;
      const m00 = a0 * a0 + sum;
      const m01 = a0 * a1;
      const m11 = a1 * a1 + sum;
      const invDet = 1 / (m00 * m11 - m01 * m01);
      const q = p * channels;
      const ql = pl * channels;
      const qr = pr * channels;
      const qu = pu * channels;
      const qd = pd * channels;
      for (let c = 0; c < channels; c++) {
        const nF = wl * fg[ql + c] + wr * fg[qr + c] + wu * fg[qu + c] + wd * fg[qd + c];
        const nB = wl * bg[ql + c] + wr * bg[qr + c] + wu * bg[qu + c] + wd * bg[qd + c];
        const i = colour[q + c];
        const r0 = a0 * i + nF;
        const r1 = a1 * i + nB;
        const f = (m11 * r0 - m01 * r1) * invDet;
        const b = (m00 * r1 - m01 * r0) * invDet;
        fg[q + c] = clamp01(f);
        bg[q + c] = clamp01(b);
      }
    }
  }
}

/** `sweep` unrolled for three channels: the common case, about twice as fast. */
function sweepRgb(
  colour: Float32Array,
  alpha: Float32Array,
  fg: Float32Array,
  bg: Float32Array,
  w: number,
  h: number,
  epsilon: number,
  omega: number,
): void {
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      const a0 = alpha[p];
      const a1 = 1 - a0;
      const pl = x > 0 ? p - 1 : p;
      const pr = x < w - 1 ? p + 1 : p;
      const pu = y > 0 ? p - w : p;
      const pd = y < h - 1 ? p + w : p;
      const wl = epsilon + omega * Math.abs(a0 - alpha[pl]);
      const wr = epsilon + omega * Math.abs(a0 - alpha[pr]);
      const wu = epsilon + omega * Math.abs(a0 - alpha[pu]);
      const wd = epsilon + omega * Math.abs(a0 - alpha[pd]);
      const sum = wl + wr + wu + wd;
      const m00 = a0 * a0 + sum;
      const m01 = a0 * a1;
      const m11 = a1 * a1 + sum;
      const invDet = 1 / (m00 * m11 - m01 * m01);
      // With the inverse written out: F = (m11·r0 − m01·r1)/det, B = (m00·r1 − m01·r0)/det.
      const f0 = m11 * invDet;
      const f1 = -m01 * invDet;
      const b1 = m00 * invDet;
      const q = 3 * p;
      const ql = 3 * pl;
      const qr = 3 * pr;
      const qu = 3 * pu;
      const qd = 3 * pd;

      const ir = colour[q];
      const ig = colour[q + 1];
      const ib = colour[q + 2];
      const r0r = a0 * ir + wl * fg[ql] + wr * fg[qr] + wu * fg[qu] + wd * fg[qd];
      const r0g = a0 * ig + wl * fg[ql + 1] + wr * fg[qr + 1] + wu * fg[qu + 1] + wd * fg[qd + 1];
      const r0b = a0 * ib + wl * fg[ql + 2] + wr * fg[qr + 2] + wu * fg[qu + 2] + wd * fg[qd + 2];
      const r1r = a1 * ir + wl * bg[ql] + wr * bg[qr] + wu * bg[qu] + wd * bg[qd];
      const r1g = a1 * ig + wl * bg[ql + 1] + wr * bg[qr + 1] + wu * bg[qu + 1] + wd * bg[qd + 1];
      const r1b = a1 * ib + wl * bg[ql + 2] + wr * bg[qr + 2] + wu * bg[qu + 2] + wd * bg[qd + 2];
      fg[q] = clamp01(f0 * r0r + f1 * r1r);
      fg[q + 1] = clamp01(f0 * r0g + f1 * r1g);
      fg[q + 2] = clamp01(f0 * r0b + f1 * r1b);
      bg[q] = clamp01(b1 * r1r + f1 * r0r);
      bg[q + 1] = clamp01(b1 * r1g + f1 * r0g);
      bg[q + 2] = clamp01(b1 * r1b + f1 * r0b);
    }
  }
}

function clamp01(v: number): number {
  return Math.min(1, Math.max(0, v));
}

/**
 * Mean colour of the sure foreground (α > 0.9) and of the sure background (α < 0.1); 0.5 where there is none.
 * A function of its own so that V8 compiles this loop alone (see conjugate-gradient.ts on loops in functions).
 */
function sureMeans(
  src: Float32Array,
  srcAlpha: Float32Array,
  channels: number,
): { meanF: Float64Array; meanB: Float64Array } {
  const meanF = new Float64Array(channels);
  const meanB = new Float64Array(channels);
  let countF = 0;
  let countB = 0;
  for (let p = 0; p < srcAlpha.length; p++) {
    const a = srcAlpha[p];
    if (a > 0.9) {
      for (let c = 0; c < channels; c++) meanF[c] += src[p * channels + c];
      countF++;
    } else if (a < 0.1) {
      for (let c = 0; c < channels; c++) meanB[c] += src[p * channels + c];
      countB++;
    }
  }
  for (let c = 0; c < channels; c++) {
    meanF[c] = countF > 0 ? meanF[c] / countF : 0.5;
    meanB[c] = countB > 0 ? meanB[c] / countB : 0.5;
  }
  return { meanF, meanB };
}

/** Nearest-neighbour resampling: destination pixel x reads source pixel ⌊x·srcW / dstW⌋. */
function resizeNearest(
  src: Float32Array,
  srcW: number,
  srcH: number,
  channels: number,
  dstW: number,
  dstH: number,
): Float32Array {
  const dst = new Float32Array(dstW * dstH * channels);
  const xs = new Int32Array(dstW);
  for (let x = 0; x < dstW; x++) xs[x] = Math.min(srcW - 1, Math.floor((x * srcW) / dstW)) * channels;
  for (let y = 0; y < dstH; y++) {
    const sy = Math.min(srcH - 1, Math.floor((y * srcH) / dstH));
    const srcRow = sy * srcW * channels;
    let o = y * dstW * channels;
    for (let x = 0; x < dstW; x++) {
      const s = srcRow + xs[x];
      for (let c = 0; c < channels; c++) dst[o++] = src[s + c];
    }
  }
  return dst;
}
