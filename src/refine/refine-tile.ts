/**
 * The matting step of the cascade for one piece of an image (a tile, or the whole image): alpha in the
 * trimap's unknown band from closed-form matting held by two soft priors, then the foreground colour.
 *
 * Priors (see closed-form-with-prior.ts), per unknown pixel:
 *  - the network's own value p, weighted by how confident it is: w = networkWeight · |2p − 1|⁶. Only near-sure
 *    values count (0.99 → 0.89·networkWeight, 0.9 → 0.26·, 0.7 → 0.004·): a band pixel the network was sure
 *    about stays near its label unless the colours say otherwise; a soft value carries no weight.
 *  - the colour-sample estimate α̂ (alpha-from-colour-samples.ts), weighted by sampleWeight · confidence.
 * Both are merged into one target and weight. Then α within `snap` of 0 or 1 is snapped: closed-form leaves
 * a faint haze of α ≈ 0.01 across backgrounds that costs more (and shows as a veil on a new background) than
 * the faintest true strands it would keep. 0.02 (2 % of the old background, 5 of 255 levels): the default was
 * 0.04 until the trimap grew along strands (trimap/unknown-along-strands.ts), which brings faint strands
 * into the band that 0.04 erased again; with it, 0.04 / 0.02 / 0.01 gave synthetic mean SAD 4.58 / 4.45 /
 * 4.42 and alphamatting.com 3.58 / 3.59 / 3.61 (glass over smooth backgrounds keeps its faint α too).
 *
 * Pure: typed arrays in, typed arrays out; runs in a worker thread or a browser worker as it is.
 */
import type { InterleavedF32, PlaneF32, Trimap } from '../core/image.ts';
import { cropInterleaved, cropPlane, cropTrimap, expandRect, type Rect } from '../core/rect.ts';
import { estimateForeground } from '../foreground/estimate-foreground-multilevel.ts';
import type { AbortLike } from '../matting/abort.ts';
import type { FactorStorage } from '../matting/incomplete-cholesky.ts';
import { alphaFromColourSamples } from './alpha-from-colour-samples.ts';
import { type AlphaPrior, estimateAlphaWithPrior } from './closed-form-with-prior.ts';

export interface RefineTileOptions {
  /** Weight of the network's confident values. Default 0.01. */
  networkWeight?: number;
  /** How sharply the network's weight falls off away from 0 and 1: w ∝ |2p − 1|^exponent. Default 6. */
  networkExponent?: number;
  /** Weight of the colour-sample estimate (times its confidence). Default 0.05. */
  sampleWeight?: number;
  /** Colour samples gathered per kind per cell (alpha-from-colour-samples.ts). Default 32. */
  sampleCandidates?: number;
  /** Radius in pixels within which colour samples are gathered. Default 32. */
  sampleRadius?: number;
  /** α below this becomes 0, above 1 − snap becomes 1. Default 0.02. */
  snap?: number;
  /** Drop threshold of the incomplete Cholesky factor (closed-form-with-prior.ts). Default 2e-2. */
  icholThreshold?: number;
  /** CG tolerance. Default 1e-3. */
  tolerance?: number;
  /**
   * The part of the given crop to solve (crop coordinates); the rest is context for the colour samples
   * only, so a tile's samples can come from farther than its solve margin. The results are of this
   * rectangle's size. Default: the whole crop.
   */
  solve?: Rect;
  /** Also estimate the foreground colour. Default true. */
  foreground?: boolean;
  /**
   * The part of the tile whose results are kept (its core, in the coordinates of `solve`). Foreground
   * colours are estimated only around the fractional α inside it; elsewhere F = I. Default: the whole tile.
   */
  keep?: Rect;
  /**
   * Arrays for the solve's preconditioner, kept by the thread from tile to tile (refine-tiled.ts
   * TileCropBuffers); never sent with a tile.
   */
  factorStorage?: FactorStorage;
  signal?: AbortLike;
}

/**
 * Foreground colours of a tile's fractional pixels (0 < α < 1) inside its kept part: every other pixel's F is
 * its own colour (opaque) or never seen (transparent), so only these travel back from a worker.
 */
export interface FractionalForeground {
  /** Pixel indices, row-major in the solved rectangle. */
  pixels: Int32Array;
  /** RGB per pixel, in the order of `pixels`. */
  colours: Float32Array;
}

export interface RefineTileResult {
  alpha: PlaneF32;
  /** Foreground colours of the fractional pixels inside `keep`, when asked for. */
  foreground?: FractionalForeground;
  unknownCount: number;
  iterations: number;
  converged: boolean;
}

export const REFINE_TILE_DEFAULTS = {
  networkWeight: 0.01,
  networkExponent: 6,
  sampleWeight: 0.05,
  sampleRadius: 32,
  snap: 0.02,
  tolerance: 1e-3,
  icholThreshold: 2e-2,
} as const;

export function refineTile(
  crop: InterleavedF32,
  cropTrimapIn: Trimap,
  cropProbability: PlaneF32,
  options: RefineTileOptions = {},
): RefineTileResult {
  const networkWeight = options.networkWeight ?? REFINE_TILE_DEFAULTS.networkWeight;
  const sampleWeight = options.sampleWeight ?? REFINE_TILE_DEFAULTS.sampleWeight;
  const snap = options.snap ?? REFINE_TILE_DEFAULTS.snap;
  const exponent = options.networkExponent ?? REFINE_TILE_DEFAULTS.networkExponent;
  const rect = options.solve;
  const context = alphaFromColourSamples(crop, cropTrimapIn, {
    radius: options.sampleRadius ?? REFINE_TILE_DEFAULTS.sampleRadius,
    candidates: options.sampleCandidates,
    region: rect,
  });
  // From here on, only the rectangle to solve.
  const image = rect ? cropInterleaved(crop, rect) : crop;
  const trimap = rect ? cropTrimap(cropTrimapIn, rect) : cropTrimapIn;
  const inside = (data: Float32Array) =>
    rect ? cropPlane({ data, width: crop.width, height: crop.height }, rect).data : data;
  const samples = { alpha: inside(context.alpha), confidence: inside(context.confidence) };
  const prior = mergePriors(
    trimap,
    inside(cropProbability.data),
    samples,
    networkWeight,
    exponent,
    sampleWeight,
  );
  const solved = estimateAlphaWithPrior(image, trimap, prior, {
    tolerance: options.tolerance ?? REFINE_TILE_DEFAULTS.tolerance,
    icholThreshold: options.icholThreshold ?? REFINE_TILE_DEFAULTS.icholThreshold,
    factorStorage: options.factorStorage,
    signal: options.signal,
  });
  if (snap > 0) snapAlpha(solved.alpha.data, snap);
  const foreground =
    options.foreground === false ? undefined : foregroundNearEdges(image, solved.alpha, options.keep);
  return {
    alpha: solved.alpha,
    foreground,
    unknownCount: solved.unknownCount,
    iterations: solved.iterations,
    converged: solved.converged,
  };
}

// The loops of refineTile and foregroundNearEdges are functions of their own (see closed-form-with-prior.ts).

/** The network's value and the colour-sample estimate merged into one target and weight per unknown pixel. */
function mergePriors(
  trimap: Trimap,
  p: Float32Array,
  samples: { alpha: Float32Array; confidence: Float32Array },
  networkWeight: number,
  exponent: number,
  sampleWeight: number,
): AlphaPrior {
  const tri = trimap.data;
  const n = tri.length;
  const target = new Float32Array(n);
  const weight = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    if (tri[i] === 0 || tri[i] === 255) continue;
    const v = Math.min(1, Math.max(0, p[i] || 0));
    const w1 = networkWeight * Math.abs(2 * v - 1) ** exponent;
    const w2 = sampleWeight * samples.confidence[i];
    const w = w1 + w2;
    weight[i] = w;
    target[i] = w > 0 ? (w1 * v + w2 * samples.alpha[i]) / w : v;
  }
  return { target, weight };
}

function snapAlpha(a: Float32Array, snap: number): void {
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (v < snap) a[i] = 0;
    else if (v > 1 - snap) a[i] = 1;
  }
}

/** Context the foreground estimate gets around the fractional pixels it must colour. */
const FOREGROUND_CONTEXT = 16;

/**
 * F where it matters: the multi-level estimate over the bounding box of the fractional α inside `keep`
 * (grown by a little context), kept at those fractional pixels only. The tile's margins, which can be wide,
 * are not estimated twice over, and a tile sends back a few colours instead of a full RGB crop.
 */
function foregroundNearEdges(image: InterleavedF32, alpha: PlaneF32, keep?: Rect): FractionalForeground {
  const { width, height } = image;
  const bounds = fractionalBounds(alpha, keep ?? { x0: 0, y0: 0, x1: width, y1: height });
  if (!bounds) return { pixels: new Int32Array(0), colours: new Float32Array(0) };
  const rect = expandRect(bounds, FOREGROUND_CONTEXT, width, height);
  const f = estimateForeground(cropInterleaved(image, rect), cropPlane(alpha, rect)).foreground;
  return fractionalColours(f, alpha, bounds, rect);
}

/** The bounding box of the pixels of `area` with 0 < α < 1, if any. */
function fractionalBounds(alpha: PlaneF32, area: Rect): Rect | undefined {
  const { width, height } = alpha;
  const a = alpha.data;
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = area.y0; y < area.y1; y++) {
    for (let x = area.x0; x < area.x1; x++) {
      const v = a[y * width + x];
      if (v > 0 && v < 1) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return x1 < 0 ? undefined : { x0, y0, x1: x1 + 1, y1: y1 + 1 };
}

/** The colours of `f` (the crop `rect` of the tile) at the fractional pixels inside `bounds`. */
function fractionalColours(
  f: InterleavedF32,
  alpha: PlaneF32,
  bounds: Rect,
  rect: Rect,
): FractionalForeground {
  const { width } = alpha;
  const a = alpha.data;
  const c = f.channels;
  let count = 0;
  for (let y = bounds.y0; y < bounds.y1; y++) {
    for (let i = y * width + bounds.x0, end = y * width + bounds.x1; i < end; i++) {
      if (a[i] > 0 && a[i] < 1) count++;
    }
  }
  const pixels = new Int32Array(count);
  const colours = new Float32Array(count * c);
  let k = 0;
  for (let y = bounds.y0; y < bounds.y1; y++) {
    for (let x = bounds.x0; x < bounds.x1; x++) {
      const i = y * width + x;
      if (!(a[i] > 0 && a[i] < 1)) continue;
      const from = ((y - rect.y0) * f.width + (x - rect.x0)) * c;
      pixels[k] = i;
      for (let ch = 0; ch < c; ch++) colours[k * c + ch] = f.data[from + ch];
      k++;
    }
  }
  return { pixels, colours };
}
