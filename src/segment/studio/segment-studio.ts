/**
 * The studio segmenter: a foreground probability map for photos on a studio backdrop (white, grey or
 * coloured sweeps, gradients, soft shadows), with no network weights.
 *
 * GrabCut (Rother, Kolmogorov, Blake 2004) on a working grid of about 0.3 MP (blocks of f × f pixels),
 * seeded from the frame instead of a user's rectangle:
 *  1. the frame's background segments (border-background.ts) give the backdrop's colour model and hard
 *     background pixels; frame pixels that do not fit it (a subject leaving the frame) stay free;
 *  2. pixels the backdrop model cannot explain start as subject; soft shadows (shadow-region.ts) are
 *     backdrop, or with shadows: 'keep' their core is fixed as subject;
 *  3. rounds of: fit both colour models (Gaussian mixtures in Lab) → one minimum cut with
 *     contrast-sensitive smoothness → backdrop seen through the subject (enclosed-background.ts) fixed as
 *     background for the next round; specks dropped, every sizeable object kept;
 *  4. the labels become a soft map (soft-probability.ts): unmixed near the outline against the background
 *     plate (backdrop-plate.ts, from backdrop clear of the subject, so strands do not tint it) and the
 *     subject colour (from the image pixels of each block that are most subject, subject-colour-samples.ts),
 *     unsure on faint subjects; brought to the image's size and unmixed again there along the outline
 *     (refine-full-resolution.ts).
 * A box prompt replaces step 1 by "outside the box is background" (GrabCut proper); strokes fix their pixels,
 * and a background stroke also takes out the colours it was drawn over. A photo
 * that is not a studio shot gets a low confidence and a warning (studio-confidence.ts), so a caller can
 * turn to another engine rather than trust a wrong cut.
 */
import { boxFilterInterleaved } from '../../core/box-filter.ts';
import { labelConnectedComponents } from '../../core/connected-components.ts';
import { squaredDistanceTransform } from '../../core/distance-transform.ts';
import {
  type InterleavedF32,
  type PlaneF32,
  TRIMAP_BACKGROUND,
  TRIMAP_FOREGROUND,
  type Trimap,
} from '../../core/image.ts';
import { CutoutError } from '../../errors.ts';
import { applyPrompts, type Box, checkStrokes, clipBox } from '../prompts.ts';
import { backdropPlate } from './backdrop-plate.ts';
import { findBorderBackground } from './border-background.ts';
import { boxDownsample } from './box-downsample.ts';
import { contrastWeights } from './contrast-weights.ts';
import { findEnclosedBackground } from './enclosed-background.ts';
import { fitGaussianMixture, type GaussianMixture, mixtureCosts } from './gaussian-mixture.ts';
import { cutGrid, FREE, SURE_BACKGROUND, SURE_FOREGROUND } from './grid-cut.ts';
import { MaxFlowGraph } from './max-flow.ts';
import { pullPushFill } from './pull-push-fill.ts';
import { refineAtFullResolution } from './refine-full-resolution.ts';
import { findShadowRegion } from './shadow-region.ts';
import { softProbability } from './soft-probability.ts';
import { srgbToLab } from './srgb-to-lab.ts';
import { type StudioEvidence, studioConfidence } from './studio-confidence.ts';
import { subjectColourSamples } from './subject-colour-samples.ts';
import { upsampleProbability } from './upsample-probability.ts';

export interface StudioOptions {
  /** Pixels of the working resolution the cut runs at. Default 300 000. */
  workingPixels?: number;
  /** GrabCut rounds (model fit + cut) at most; fewer when the labels settle. Default 2. */
  iterations?: number;
  /** Smoothness weight γ of GrabCut. Default 50. */
  smoothness?: number;
  /** Gaussians per colour model. Default 5. */
  components?: number;
  /** 'remove' (default): a soft shadow on the backdrop is background; 'keep': it stays with the subject. */
  shadows?: 'remove' | 'keep';
  /** A rectangle around the subject, in image pixels: everything outside it is background. */
  box?: Box;
  /** Strokes at the image's size: 255 = foreground, 0 = background, anything else unmarked. */
  strokes?: Trimap;
}

export interface StudioResult {
  /** Foreground probability at the image's size: near 0/1 where confident, about 0.5 where unsure. */
  probability: PlaneF32;
  /** How much the result can be trusted, in [0, 1]; low for a photo that is not a studio shot. */
  confidence: number;
  warnings: string[];
  /** Size the cut ran at. */
  workingSize: { width: number; height: number };
  /** What the confidence was judged from. */
  evidence: StudioEvidence;
  /** Milliseconds per stage. */
  timings: Record<string, number>;
}

export const DEFAULT_WORKING_PIXELS = 300_000;

/** Working pixels between the subject and the backdrop pixels the background plate is filled from. */
const PLATE_CLEARANCE = 8;

/** With shadows: 'keep', a shadow darkening the backdrop to this factor or below is surely subject. */
const KEPT_SHADOW = 0.9;

export function segmentStudio(image: InterleavedF32, options: StudioOptions = {}): StudioResult {
  const { width, height } = image;
  if (!(width > 0 && height > 0) || image.channels < 3) {
    throw new CutoutError(
      'CUTOUT_E_INPUT_INVALID_SIZE',
      `the studio segmenter needs an RGB image, got ${width}×${height}×${image.channels}`,
    );
  }
  const workingPixels = options.workingPixels ?? DEFAULT_WORKING_PIXELS;
  const iterations = options.iterations ?? 2;
  const gamma = options.smoothness ?? 50;
  const components = options.components ?? 5;
  const shadows = options.shadows ?? 'remove';
  if (shadows !== 'remove' && shadows !== 'keep') {
    throw new CutoutError('CUTOUT_E_INVALID_OPTION', `shadows must be 'remove' or 'keep', got '${shadows}'`);
  }
  if (!(workingPixels >= 1000) || !(iterations >= 1) || !(gamma >= 0) || !(components >= 1)) {
    throw new CutoutError(
      'CUTOUT_E_INVALID_OPTION',
      'studio segmenter: workingPixels must be ≥ 1000, iterations ≥ 1, smoothness ≥ 0, components ≥ 1',
    );
  }
  const box = options.box ? clipBox(options.box, width, height) : undefined;
  if (options.strokes) checkStrokes(options.strokes, width, height);

  const timings: Record<string, number> = {};
  let clock = performance.now();
  const lap = (stage: string) => {
    const now = performance.now();
    timings[stage] = (timings[stage] ?? 0) + (now - clock);
    clock = now;
  };

  // 1. Working grid: blocks of factor × factor pixels.
  const factor = Math.max(1, Math.round(Math.sqrt((width * height) / workingPixels)));
  const small = factor > 1 ? boxDownsample(image, factor) : rgbOnly(image);
  const { width: w, height: h } = small;
  const n = w * h;
  const lab = srgbToLab(small);
  lap('resize');

  // 2. Hard constraints and the backdrop's colour model: from the box or from the frame.
  const constraints = new Uint8Array(n);
  const strokes = options.strokes ? strokesAtWorkingSize(options.strokes, factor, w, constraints) : undefined;
  // Background fixed by the frame or the box (as opposed to strokes).
  const frameOrBox = new Uint8Array(n);
  let backdrop: { model: GaussianMixture; samples: Int32Array };
  let frameFraction = 1;
  let frameSegments = 1;
  const boxRect = box ? workingRect(box, factor, w, h) : undefined;
  const outsideBox = boxRect ? (w * h - (boxRect.x1 - boxRect.x0) * (boxRect.y1 - boxRect.y0)) / n : 0;
  // A box leaving (almost) nothing outside says nothing about the backdrop: the frame still decides.
  const boxed = boxRect !== undefined && outsideBox >= 0.01;
  if (boxRect && boxed) {
    const samples: number[] = [];
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        if (x >= boxRect.x0 && x < boxRect.x1 && y >= boxRect.y0 && y < boxRect.y1) continue;
        const i = y * w + x;
        if (constraints[i] !== SURE_FOREGROUND) constraints[i] = SURE_BACKGROUND;
        frameOrBox[i] = 1;
        samples.push(i);
      }
    }
    const indices = Int32Array.from(samples);
    backdrop = { model: fitGaussianMixture(lab.data, indices, { components }), samples: indices };
  } else {
    const border = findBorderBackground(lab, small);
    for (let k = 0; k < border.ring.length; k++) {
      const i = border.ring[k];
      if (border.background[k] === 1 && constraints[i] === FREE) {
        constraints[i] = SURE_BACKGROUND;
        frameOrBox[i] = 1;
      }
    }
    backdrop = { model: border.model, samples: border.samples };
    frameFraction = border.fraction;
    frameSegments = border.segments;
  }
  if (strokes && strokes.background > 0) {
    // Background strokes show more of the backdrop: the model learns them too.
    const extra = indicesOf(constraints, SURE_BACKGROUND);
    const merged = new Int32Array(backdrop.samples.length + extra.length);
    merged.set(backdrop.samples);
    merged.set(extra, backdrop.samples.length);
    backdrop = { model: fitGaussianMixture(lab.data, merged, { components }), samples: merged };
  }
  if (backdrop.samples.length === 0) {
    // A one-pixel image or a frame that is all steps: everything is unknown.
    return finish(new Float32Array(n).fill(0.5), 'the frame shows no backdrop to learn from');
  }
  const frameCost = mixtureCosts(backdrop.model, lab.data);
  const sampleCosts = Float32Array.from(backdrop.samples, (i) => frameCost[i]).sort();
  const threshold = sampleCosts[Math.floor(0.99 * (sampleCosts.length - 1))] + 2;
  const typicalCost = sampleCosts[Math.floor(0.5 * (sampleCosts.length - 1))];
  lap('backdrop');

  // 3. Start: what the backdrop model cannot explain is subject.
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = constraints[i];
    labels[i] = c === SURE_FOREGROUND || (c === FREE && frameCost[i] > threshold) ? 1 : 0;
  }
  // Shadows on the backdrop, found against a first background plate.
  const plate0 = pullPushFill(small, invert(labels));
  const shadow = findShadowRegion(small, plate0, invert(labels));
  for (let i = 0; i < n; i++) {
    if (shadow.mask[i] === 0 || constraints[i] !== FREE) continue;
    if (shadows === 'remove') {
      labels[i] = 0;
    } else if (shadow.factor[i] < KEPT_SHADOW) {
      // A kept shadow is part of the cutout: fixed, so the cut cannot trade it for a shorter outline.
      labels[i] = 1;
      constraints[i] = SURE_FOREGROUND;
    }
  }
  // Fits the backdrop as well as the frame does, by the first model (the hole test's criterion).
  const backgroundLike = new Uint8Array(n);
  // What background strokes took out (drawn over and around): background however close to the subject.
  const strokeTaken = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    backgroundLike[i] = frameCost[i] <= threshold || (shadows === 'remove' && shadow.mask[i] === 1) ? 1 : 0;
  }
  if (strokes && strokes.background > 0) {
    // What a background stroke was drawn over goes, in every colour the stroke showed: the whole region
    // around the stroke in those colours (an object, a patch of floor), not just the stroked pixels. The
    // hole test then takes out whatever of it a cut still keeps.
    const stroked = indicesOf(constraints, SURE_BACKGROUND).filter((i) => !frameOrBox[i]);
    if (stroked.length > 0) {
      const strokeModel = fitGaussianMixture(lab.data, stroked, { components: 3 });
      const strokeCost = mixtureCosts(strokeModel, lab.data);
      const own = Float32Array.from(stroked, (i) => strokeCost[i]).sort();
      const limit = own[Math.floor(0.99 * (own.length - 1))] + 2;
      const like = new Uint8Array(n);
      for (let i = 0; i < n; i++)
        like[i] = strokeCost[i] <= limit && constraints[i] !== SURE_FOREGROUND ? 1 : 0;
      for (const i of stroked) like[i] = 1;
      const { labels: region, count: regions } = labelConnectedComponents(like, w, h, 8);
      const touched = new Uint8Array(regions + 1);
      for (const i of stroked) touched[region[i]] = 1;
      for (let i = 0; i < n; i++) {
        if (region[i] === 0 || touched[region[i]] === 0) continue;
        backgroundLike[i] = 1;
        strokeTaken[i] = 1;
        labels[i] = 0;
      }
    }
  }
  lap('start');
  if (count(labels, 1) === 0)
    return finish(new Float32Array(n), 'no subject found: the whole image matches the backdrop');

  // 4. GrabCut rounds.
  const minArea = Math.max(4, Math.round(1e-4 * n));
  const weights = contrastWeights(lab, gamma);
  const graph = new MaxFlowGraph(n, 4 * n);
  const foregroundCost = new Float32Array(n);
  const backgroundCost = new Float32Array(n);
  lap('weights');
  for (let round = 0; round < iterations; round++) {
    const fgIndices = indicesOf(labels, 1);
    if (fgIndices.length === 0) break;
    const foregroundModel = fitGaussianMixture(lab.data, fgIndices, { components });
    const bgIndices = indicesOf(labels, 0);
    const backgroundModel =
      bgIndices.length > 0 ? fitGaussianMixture(lab.data, bgIndices, { components }) : backdrop.model;
    mixtureCosts(foregroundModel, lab.data, foregroundCost);
    mixtureCosts(backgroundModel, lab.data, backgroundCost);
    if (shadows === 'remove') {
      for (let i = 0; i < n; i++) {
        if (shadow.mask[i] === 1 && backgroundCost[i] > typicalCost) backgroundCost[i] = typicalCost;
      }
    }
    lap('models');
    const before = labels.slice();
    cutGrid(foregroundCost, backgroundCost, constraints, weights, labels, graph);
    let changed = 0;
    for (let i = 0; i < n; i++) if (labels[i] !== before[i]) changed++;
    lap('cut');
    // Backdrop seen through the subject: fixed as background, and cut once more if this was the last round.
    const holes = findEnclosedBackground(labels, backgroundLike, w, h, minArea);
    let found = 0;
    for (let i = 0; i < n; i++) {
      if (holes[i] === 1 && constraints[i] === FREE) {
        constraints[i] = SURE_BACKGROUND;
        labels[i] = 0;
        found++;
      }
    }
    const last = round === iterations - 1 || (found === 0 && changed < 5e-4 * n);
    if (found > 0 && last) cutGrid(foregroundCost, backgroundCost, constraints, weights, labels, graph);
    lap('holes');
    // Settled: another round would fit the same models and find the same cut.
    if (last) break;
  }
  removeSpecks(labels, constraints, w, h, minArea);
  return finish(undefined, undefined);

  /** Soft map, full resolution, prompts, confidence. `fixed`: a working map to use as it is. */
  function finish(fixed: Float32Array | undefined, problem: string | undefined): StudioResult {
    let soft: Float32Array;
    let unmix: Uint8Array | undefined;
    let plate: InterleavedF32 | undefined;
    let subject: InterleavedF32 | undefined;
    if (fixed) {
      soft = fixed;
    } else {
      plate = backdropPlate(small, cleanBackdrop());
      ({
        probability: soft,
        unmix,
        subjectColour: subject,
      } = softProbability(small, labels, plate, {
        depth: Math.max(3, Math.round(0.025 * Math.min(w, h))),
        subjectSamples: factor > 1 ? subjectColourSamples(image, small, plate, labels, factor) : undefined,
        vouched: strokes && strokes.foreground > 0 ? strokedRegions(labels, constraints, w, h) : undefined,
      }));
      if (shadows === 'keep') {
        // A kept shadow fades out with its penumbra, from sure where it darkens the backdrop by a tenth.
        for (let i = 0; i < n; i++) {
          if (shadow.mask[i] === 0 || labels[i] === 0) continue;
          const kept = Math.min(1, (1 - shadow.factor[i]) / (1 - KEPT_SHADOW));
          soft[i] = Math.max(soft[i], kept);
          unmix[i] = 0;
        }
      }
    }
    lap('soft');
    const probability = upsampleProbability({ width: w, height: h, data: soft }, width, height, factor);
    lap('upsample');
    if (unmix && plate && subject && factor > 1) {
      // Flyaway strands reach past the working grid's shell: look this far around the subject too.
      const toSubject = squaredDistanceTransform({ width: w, height: h, data: labels }, 'set').data;
      const reach = (0.05 * Math.min(w, h)) ** 2;
      const near = new Uint8Array(n);
      for (let i = 0; i < n; i++) near[i] = toSubject[i] <= reach ? 1 : 0;
      refineAtFullResolution(image, probability, unmix, plate, subject, factor, near);
    }
    applyPrompts(probability, box, options.strokes);
    lap('refine');
    const evidence: StudioEvidence = {
      frameFraction,
      frameSegments,
      boxed,
      ...(fixed ? { subjectShare: 0, backdropRoughness: 0, backdropLightness: 100 } : measure()),
    };
    const assessed = studioConfidence(evidence);
    lap('confidence');
    return {
      probability,
      confidence: problem ? 0 : assessed.confidence,
      warnings: problem ? [`studio segmenter: ${problem}`] : assessed.warnings,
      workingSize: { width: w, height: h },
      evidence,
      timings,
    };
  }

  /**
   * Backdrop pixels fit to show the background plate B: labelled background, a few pixels clear of the
   * subject (or taken out by a background stroke: known background, maybe an object right beside the
   * subject, whose own colour is its plate). The cut's outline runs through hair, so the
   * background pixels just outside it are tinted by strands; a plate filled from them is darker (or
   * lighter) by the strands' share, and every coverage unmixed against it is off by as much.
   */
  function cleanBackdrop(): Uint8Array {
    const toSubject = squaredDistanceTransform({ width: w, height: h, data: labels }, 'set').data;
    const clear = PLATE_CLEARANCE * PLATE_CLEARANCE;
    const keep = new Uint8Array(n);
    let kept = 0;
    for (let i = 0; i < n; i++) {
      if (labels[i] === 0 && (toSubject[i] > clear || strokeTaken[i] === 1)) {
        keep[i] = 1;
        kept++;
      }
    }
    // Nothing clean (a subject filling the frame): the labels are all there is.
    return kept > 0 ? keep : invert(labels);
  }

  /** Evidence for the confidence from the final labels. */
  function measure(): Pick<StudioEvidence, 'subjectShare' | 'backdropRoughness' | 'backdropLightness'> {
    let subjectCount = 0;
    for (let i = 0; i < n; i++) subjectCount += labels[i];
    // Roughness: mean ΔE between horizontal and vertical neighbours, both backdrop. Grain must not count:
    // the working grid's blocks average it away; an image used at its own size gets a 3 × 3 mean instead.
    let sum = 0;
    let pairs = 0;
    let lightness = 0;
    let backdrop = 0;
    const d = factor === 1 ? boxFilterInterleaved(lab, 1).data : lab.data;
    for (let y = 0; y + 1 < h; y++) {
      for (let x = 0; x + 1 < w; x++) {
        const i = y * w + x;
        if (labels[i] !== 0) continue;
        const p = 3 * i;
        lightness += lab.data[p];
        backdrop++;
        if (labels[i + 1] === 0) {
          const a = d[p] - d[p + 3];
          const b = d[p + 1] - d[p + 4];
          const c = d[p + 2] - d[p + 5];
          sum += Math.sqrt(a * a + b * b + c * c);
          pairs++;
        }
        if (labels[i + w] === 0) {
          const q = p + 3 * w;
          const a = d[p] - d[q];
          const b = d[p + 1] - d[q + 1];
          const c = d[p + 2] - d[q + 2];
          sum += Math.sqrt(a * a + b * b + c * c);
          pairs++;
        }
      }
    }
    return {
      subjectShare: subjectCount / n,
      backdropRoughness: pairs > 0 ? sum / pairs : 0,
      backdropLightness: backdrop > 0 ? lightness / backdrop : 100,
    };
  }
}

/** Drops an alpha (or any extra) channel: the segmenter reads colour only. */
function rgbOnly(image: InterleavedF32): InterleavedF32 {
  if (image.channels === 3) return image;
  const n = image.width * image.height;
  const out = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) {
    out[3 * i] = image.data[i * image.channels];
    out[3 * i + 1] = image.data[i * image.channels + 1];
    out[3 * i + 2] = image.data[i * image.channels + 2];
  }
  return { width: image.width, height: image.height, channels: 3, data: out };
}

/** The box on the working grid (ends exclusive): every working pixel the box touches. */
function workingRect(box: Box, factor: number, w: number, h: number) {
  return {
    x0: Math.floor(box.x / factor),
    y0: Math.floor(box.y / factor),
    x1: Math.min(w, Math.ceil((box.x + box.width) / factor)),
    y1: Math.min(h, Math.ceil((box.y + box.height) / factor)),
  };
}

/**
 * Marks working pixels touched by strokes: foreground where only foreground strokes fall, background where
 * only background strokes do (a working pixel crossed by both stays free). Returns the counts.
 */
function strokesAtWorkingSize(
  strokes: Trimap,
  factor: number,
  w: number,
  constraints: Uint8Array,
): { foreground: number; background: number } {
  const { width, height, data } = strokes;
  const seen = new Uint8Array(constraints.length);
  for (let y = 0; y < height; y++) {
    const row = Math.floor(y / factor) * w;
    for (let x = 0; x < width; x++) {
      const v = data[y * width + x];
      if (v === TRIMAP_FOREGROUND) seen[row + Math.floor(x / factor)] |= 2;
      else if (v === TRIMAP_BACKGROUND) seen[row + Math.floor(x / factor)] |= 1;
    }
  }
  let foreground = 0;
  let background = 0;
  for (let i = 0; i < seen.length; i++) {
    if (seen[i] === 2) {
      constraints[i] = SURE_FOREGROUND;
      foreground++;
    } else if (seen[i] === 1) {
      constraints[i] = SURE_BACKGROUND;
      background++;
    }
  }
  return { foreground, background };
}

function invert(labels: Uint8Array): Uint8Array {
  const out = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) out[i] = labels[i] === 0 ? 1 : 0;
  return out;
}

function count(values: Uint8Array, value: number): number {
  let c = 0;
  for (let i = 0; i < values.length; i++) if (values[i] === value) c++;
  return c;
}

function indicesOf(values: Uint8Array, value: number): Int32Array {
  const out = new Int32Array(count(values, value));
  for (let i = 0, k = 0; i < values.length; i++) if (values[i] === value) out[k++] = i;
  return out;
}

/** 1 on the subject regions (8-connected) that hold a foreground stroke. */
function strokedRegions(
  labels: Uint8Array,
  constraints: Uint8Array,
  width: number,
  height: number,
): Uint8Array {
  const { labels: region, count: regions } = labelConnectedComponents(labels, width, height, 8);
  const stroked = new Uint8Array(regions + 1);
  for (let i = 0; i < labels.length; i++) if (constraints[i] === SURE_FOREGROUND) stroked[region[i]] = 1;
  const out = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) out[i] = region[i] !== 0 && stroked[region[i]] === 1 ? 1 : 0;
  return out;
}

/** Subject components smaller than `minArea` go, unless a stroke marked them. */
function removeSpecks(
  labels: Uint8Array,
  constraints: Uint8Array,
  width: number,
  height: number,
  minArea: number,
): void {
  const { labels: region, count: regions, sizes } = labelConnectedComponents(labels, width, height, 8);
  if (regions === 0) return;
  const keep = new Uint8Array(regions + 1);
  for (let r = 1; r <= regions; r++) if (sizes[r] >= minArea) keep[r] = 1;
  for (let i = 0; i < labels.length; i++) {
    if (region[i] !== 0 && constraints[i] === SURE_FOREGROUND) keep[region[i]] = 1;
  }
  for (let i = 0; i < labels.length; i++) if (region[i] !== 0 && keep[region[i]] === 0) labels[i] = 0;
}
