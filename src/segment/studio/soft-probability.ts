/**
 * From the cut's hard labels to the soft map the cascade wants: near 0/1 where the segmenter is sure,
 * in between where it is not.
 *
 * Hair, fur and soft edges are mixes of the subject and the backdrop, and a cut puts their outline
 * wherever it is cheapest. So in a shell along the outline (and on background pixels whose colour has
 * moved off the backdrop's: a strand thinner than a pixel) the value is the pixel's coverage by colour
 * unmixing (unmix-coverage.ts) between the background plate B and the subject colour F, taken from deeper
 * inside the subject than the shell. Each working pixel averages several image pixels, so this is mean
 * coverage, and the 0.5 level then follows where coverage crosses one half. Background pixels are capped
 * at 0.5 (unsure at most) and count only above the backdrop's own noise.
 *
 * Deep inside, a subject is sure unless it barely differs from the backdrop behind it: glass, a veil, or
 * a faint object, which colour alone cannot tell apart. Those get just under 0.5: unsure, left to the
 * matting, and not counted as subject by a 0.5 threshold.
 */
import { squaredDistanceTransform } from '../../core/distance-transform.ts';
import type { InterleavedF32 } from '../../core/image.ts';
import { pullPushFill } from './pull-push-fill.ts';
import { unmixCoverage } from './unmix-coverage.ts';

export interface SoftProbabilityOptions {
  /** Depth of the shell inside the outline where unmixing replaces the label, in pixels. Default 12. */
  depth?: number;
  /** Width of the band outside the outline where coverage is not capped at 0.5, in pixels. Default 2. */
  band?: number;
  /** Inside pixels closer than this to the backdrop (‖I − B‖, RGB in [0, 1]) are unsure. Default 0.05. */
  faint?: number;
  /**
   * Colours to take the subject colour F from, at the working size (default: `image`). A working pixel
   * of dense hair averages strands with the gaps between them, so its mean is a mix; the caller can
   * give the most subject-like image pixel of each block instead.
   */
  subjectSamples?: InterleavedF32;
  /** 1 for subject pixels a user vouched for (a stroke on their region): never faint. */
  vouched?: Uint8Array;
}

export interface SoftProbability {
  probability: Float32Array;
  /**
   * 1 where the value came from unmixing, or where a subject pixel deep inside is a visible mix: where a
   * finer resolution can unmix again.
   */
  unmix: Uint8Array;
  /** The subject colour F used for unmixing, filled over the whole image. */
  subjectColour: InterleavedF32;
}

/** Unmixed coverage above this, on a subject pixel, is taken as 1. */
const OPAQUE = 0.9;

/** Value given to faint subject pixels: unsure, on the background side of 0.5. */
export const FAINT_PROBABILITY = 0.4;

export function softProbability(
  image: InterleavedF32,
  labels: Uint8Array,
  plate: InterleavedF32,
  options: SoftProbabilityOptions = {},
): SoftProbability {
  const { width, height, data } = image;
  const n = width * height;
  const depth2 = (options.depth ?? 12) ** 2;
  const band2 = (options.band ?? 2) ** 2;
  const faint2 = (options.faint ?? 0.05) ** 2;
  const b = plate.data;

  const toSubject = squaredDistanceTransform({ width, height, data: labels }, 'set').data;
  const toBackdrop = squaredDistanceTransform({ width, height, data: labels }, 'unset').data;
  // The subject's own colour F: from below the shell, or (a thin subject) from all of it.
  const core = new Uint8Array(n);
  let coreCount = 0;
  for (let i = 0; i < n; i++) {
    if (labels[i] === 1 && toBackdrop[i] > depth2) {
      core[i] = 1;
      coreCount++;
    }
  }
  const subjectColour = pullPushFill(options.subjectSamples ?? image, coreCount > 0 ? core : labels);
  const f = subjectColour.data;

  // Noise floor: how far coverage strays on background pixels well away from the subject.
  let sum = 0;
  let sum2 = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (labels[i] !== 0 || toSubject[i] <= 4 * depth2) continue;
    const a = unmixCoverage(data, 3 * i, b, f, 3 * i);
    if (Number.isNaN(a)) continue;
    sum += a;
    sum2 += a * a;
    count++;
  }
  const mean = count > 0 ? sum / count : 0;
  const floor = Math.max(0.1, mean + 3 * Math.sqrt(Math.max(0, count > 0 ? sum2 / count - mean * mean : 0)));

  const out = new Float32Array(n);
  const unmix = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const p = 3 * i;
    if (labels[i] === 1) {
      const a = toBackdrop[i] <= depth2 ? unmixCoverage(data, p, b, f, p) : Number.NaN;
      if (!Number.isNaN(a)) {
        // Near-opaque is opaque: the subject's own shading and texture stray a little off F.
        out[i] = a < 0 ? 0 : a > OPAQUE ? 1 : a;
        unmix[i] = 1;
        continue;
      }
      const e0 = data[p] - b[p];
      const e1 = data[p + 1] - b[p + 1];
      const e2 = data[p + 2] - b[p + 2];
      const faint = e0 * e0 + e1 * e1 + e2 * e2 < faint2 && options.vouched?.[i] !== 1;
      out[i] = faint ? FAINT_PROBABILITY : 1;
      // Deeper still, a block that is visibly a mix (gaps between strands inside a mass of hair) stays 1
      // here but is marked for unmixing pixel by pixel at full resolution.
      if (!faint) {
        const deep = unmixCoverage(data, p, b, f, p);
        if (!Number.isNaN(deep) && deep < OPAQUE) unmix[i] = 1;
      }
    } else {
      const a = unmixCoverage(data, p, b, f, p);
      if (Number.isNaN(a) || a < floor) continue;
      out[i] = toSubject[i] <= band2 ? Math.min(a, 1) : Math.min(a, 0.5);
      unmix[i] = 1;
    }
  }
  return { probability: out, unmix, subjectColour };
}
