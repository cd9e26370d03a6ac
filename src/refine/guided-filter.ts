/**
 * Colour-guided filter (He, Sun, Tang, "Guided Image Filtering", PAMI 2013), run at reduced resolution as in
 * the fast guided filter (He & Sun 2015): `cutout --refine fast`. It snaps a coarse mask's soft edge to the
 * photo's colour edges in O(N), with no trimap and no linear solve.
 *
 * In every window ω_k the output is an affine function of the guide colour, q = a_kᵀ I + b_k, fitted to the
 * input p by ridge regression:
 *
 *   a_k = (Σ_k + ε·I₃)⁻¹ (mean_k(I p) − μ_k p̄_k),   b_k = p̄_k − a_kᵀ μ_k,
 *
 * and each pixel averages the (a, b) of the windows that hold it. With subsampling s the statistics, a and b
 * are computed on the image shrunk by s (area), and a, b are brought back with bilinear resizing before
 * q = āᵀ I + b̄ is evaluated on the full-resolution guide, which keeps the edges sharp.
 *
 * Every window mean is one pass of the O(1) box filter over a 13-channel interleaved array (I, p, I·p, and
 * the six distinct products of I), then once more over a, b (4 channels). Windows are clipped at the image
 * border and normalised by their true size (core/box-filter.ts), so edge pixels are fitted from real pixels.
 *
 * Pure.
 */
import { boxFilter } from '../core/box-filter.ts';
import type { InterleavedF32, PlaneF32 } from '../core/image.ts';
import { resizeInterleaved } from '../core/resize-plane.ts';

export interface GuidedFilterOptions {
  /** Window radius at full resolution, in pixels. */
  radius: number;
  /** Ridge regularisation ε; larger smooths more where the guide is flat. Default 1e-4. */
  epsilon?: number;
  /** Subsampling factor s ≥ 1 for the statistics. Default 1 (the exact guided filter). */
  subsample?: number;
}

export function guidedFilter(guide: InterleavedF32, input: PlaneF32, options: GuidedFilterOptions): PlaneF32 {
  const { width, height } = guide;
  if (guide.channels !== 3)
    throw new RangeError(`guidedFilter: the guide must be RGB, got ${guide.channels}`);
  if (input.width !== width || input.height !== height) {
    throw new RangeError(`guidedFilter: input is ${input.width}×${input.height}, guide ${width}×${height}`);
  }
  if (!(options.radius >= 1)) throw new RangeError(`guidedFilter: radius must be ≥ 1, got ${options.radius}`);
  const epsilon = options.epsilon ?? 1e-4;
  const s = Math.max(1, Math.floor(options.subsample ?? 1));
  const w = Math.max(1, Math.round(width / s));
  const h = Math.max(1, Math.round(height / s));
  const r = Math.max(1, Math.round(options.radius / s));
  const small = w === width && h === height;
  const g = small ? guide : resizeInterleaved(guide, w, h, 'area');
  const p = small ? input.data : resizeInterleaved({ ...input, channels: 1 }, w, h, 'area').data;

  const n = w * h;
  const stats = new Float32Array(n * 13);
  const gd = g.data;
  for (let i = 0; i < n; i++) {
    const R = gd[i * 3];
    const G = gd[i * 3 + 1];
    const B = gd[i * 3 + 2];
    const P = p[i];
    const o = i * 13;
    stats[o] = R;
    stats[o + 1] = G;
    stats[o + 2] = B;
    stats[o + 3] = P;
    stats[o + 4] = R * P;
    stats[o + 5] = G * P;
    stats[o + 6] = B * P;
    stats[o + 7] = R * R;
    stats[o + 8] = R * G;
    stats[o + 9] = R * B;
    stats[o + 10] = G * G;
    stats[o + 11] = G * B;
    stats[o + 12] = B * B;
  }
  const mean = boxFilter(stats, w, h, 13, r);

  const ab = new Float32Array(n * 4);
  for (let i = 0; i < n; i++) {
    const o = i * 13;
    const mr = mean[o];
    const mg = mean[o + 1];
    const mb = mean[o + 2];
    const mp = mean[o + 3];
    // Covariance of p with I, and of I (upper triangle), plus ε on the diagonal.
    const cr = mean[o + 4] - mr * mp;
    const cg = mean[o + 5] - mg * mp;
    const cb = mean[o + 6] - mb * mp;
    const rr = mean[o + 7] - mr * mr + epsilon;
    const rg = mean[o + 8] - mr * mg;
    const rb = mean[o + 9] - mr * mb;
    const gg = mean[o + 10] - mg * mg + epsilon;
    const gb = mean[o + 11] - mg * mb;
    const bb = mean[o + 12] - mb * mb + epsilon;
    // a = Σ⁻¹ c by the adjugate of the symmetric 3×3 matrix.
    const i00 = gg * bb - gb * gb;
    const i01 = rb * gb - rg * bb;
    const i02 = rg * gb - rb * gg;
    const i11 = rr * bb - rb * rb;
    const i12 = rb * rg - rr * gb;
    const i22 = rr * gg - rg * rg;
    const det = rr * i00 + rg * i01 + rb * i02;
    const inv = 1 / det;
    const ar = (i00 * cr + i01 * cg + i02 * cb) * inv;
    const ag = (i01 * cr + i11 * cg + i12 * cb) * inv;
    const abl = (i02 * cr + i12 * cg + i22 * cb) * inv;
    ab[i * 4] = ar;
    ab[i * 4 + 1] = ag;
    ab[i * 4 + 2] = abl;
    ab[i * 4 + 3] = mp - ar * mr - ag * mg - abl * mb;
  }
  const meanAb: InterleavedF32 = { data: boxFilter(ab, w, h, 4, r), width: w, height: h, channels: 4 };
  const full = small ? meanAb : resizeInterleaved(meanAb, width, height, 'bilinear');
  const fd = full.data;
  const id = guide.data;
  const out = new Float32Array(width * height);
  for (let i = 0; i < out.length; i++) {
    const q =
      fd[i * 4] * id[i * 3] + fd[i * 4 + 1] * id[i * 3 + 1] + fd[i * 4 + 2] * id[i * 3 + 2] + fd[i * 4 + 3];
    out[i] = q < 0 ? 0 : q > 1 ? 1 : q;
  }
  return { data: out, width, height };
}
