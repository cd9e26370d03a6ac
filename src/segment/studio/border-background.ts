/**
 * Which parts of the image's frame are background. A product standing on the bottom edge, or a plant
 * cropped at the sides, puts subject pixels on the frame; those must not seed the background model nor be
 * forced to background.
 *
 * The frame is read as one closed loop of pixels. Sharp colour steps along it (a subject entering the
 * frame has an edge; a studio sweep or a soft shadow has none) cut it into segments. The longest segment is
 * taken as background; another segment is background too when its colours fit the longest one's colour
 * model (the floor between a chair's legs), or when it is a long stretch in a lighter or darker shade of
 * the same colour lying between two subject segments (the floor of a sweep, cut off from the wall where a
 * wide subject crosses both sides of the frame). Steps and short segments stay undecided.
 */
import type { InterleavedF32 } from '../../core/image.ts';
import { fitGaussianMixture, type GaussianMixture, mixtureCost } from './gaussian-mixture.ts';

export interface BorderBackground {
  /** Pixel index of each frame position, in loop order (top, right, bottom, left). */
  ring: Int32Array;
  /** 1 where the frame position is background. */
  background: Uint8Array;
  /** Pixels near the frame at background positions: samples for the background colour model. */
  samples: Int32Array;
  /** Share of the frame that is background, in [0, 1]. */
  fraction: number;
  /** Number of segments the frame falls into (1 for an unbroken backdrop). */
  segments: number;
  /** Colour model of the background's frame samples. */
  model: GaussianMixture;
}

export interface BorderOptions {
  /** Depth of the strip sampled for the colour model, in pixels. Default 2% of the short side (≥ 2). */
  depth?: number;
  /** A step of at least this ΔE (Lab) between positions two apart cuts the frame. Default 8. */
  minStep?: number;
}

/** The frame's pixel indices as a loop: along the top, down the right, back along the bottom, up the left. */
export function frameLoop(width: number, height: number): Int32Array {
  if (width === 1 || height === 1) {
    const out = new Int32Array(width * height);
    for (let i = 0; i < out.length; i++) out[i] = i;
    return out;
  }
  const out = new Int32Array(2 * width + 2 * height - 4);
  let k = 0;
  for (let x = 0; x < width; x++) out[k++] = x;
  for (let y = 1; y < height; y++) out[k++] = y * width + width - 1;
  for (let x = width - 2; x >= 0; x--) out[k++] = (height - 1) * width + x;
  for (let y = height - 2; y >= 1; y--) out[k++] = y * width;
  return out;
}

/** Mean Lab colour of the 3×3 neighbourhood (clipped to the image) of each loop position. */
function loopProfile(lab: InterleavedF32, ring: Int32Array): Float64Array {
  const { width, height, data } = lab;
  const out = new Float64Array(3 * ring.length);
  for (let k = 0; k < ring.length; k++) {
    const i = ring[k];
    const y = Math.floor(i / width);
    const x = i - y * width;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let count = 0;
    for (let yy = Math.max(0, y - 1); yy <= Math.min(height - 1, y + 1); yy++) {
      for (let xx = Math.max(0, x - 1); xx <= Math.min(width - 1, x + 1); xx++) {
        const p = 3 * (yy * width + xx);
        s0 += data[p];
        s1 += data[p + 1];
        s2 += data[p + 2];
        count++;
      }
    }
    out[3 * k] = s0 / count;
    out[3 * k + 1] = s1 / count;
    out[3 * k + 2] = s2 / count;
  }
  return out;
}

interface Segment {
  start: number;
  length: number;
}

/** Runs of non-step positions around the loop (a run may wrap past position 0). */
function segmentsOf(step: Uint8Array): Segment[] {
  const m = step.length;
  const first = step.indexOf(1);
  if (first < 0) return [{ start: 0, length: m }];
  const segments: Segment[] = [];
  let start = -1;
  for (let t = 1; t <= m; t++) {
    const k = (first + t) % m;
    if (step[k] === 0) {
      if (start < 0) start = k;
    } else if (start >= 0) {
      segments.push({ start, length: (k - start + m) % m });
      start = -1;
    }
  }
  return segments;
}

function quantile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Mean chromaticity (r, g over r + g + b) and brightness (r + g + b) of a segment's RGB profile. */
function shade(rgbProfile: Float64Array, s: Segment, m: number): [number, number, number] {
  let r = 0;
  let g = 0;
  let b = 0;
  for (let t = 0; t < s.length; t++) {
    const k = 3 * ((s.start + t) % m);
    r += rgbProfile[k];
    g += rgbProfile[k + 1];
    b += rgbProfile[k + 2];
  }
  const sum = Math.max(1e-6, r + g + b);
  return [r / sum, g / sum, sum / s.length];
}

/** `lab` and `rgb` are the same image in Lab and in RGB ([0, 1]). */
export function findBorderBackground(
  lab: InterleavedF32,
  rgb: InterleavedF32,
  options: BorderOptions = {},
): BorderBackground {
  const { width, height, data } = lab;
  const ring = frameLoop(width, height);
  const m = ring.length;
  const profile = loopProfile(lab, ring);
  const minStep = options.minStep ?? 8;

  // Steps: ΔE between the positions either side (two apart), so a one-pixel anti-aliased edge counts fully.
  const step = new Uint8Array(m);
  for (let k = 0; k < m; k++) {
    const a = 3 * ((k + m - 1) % m);
    const b = 3 * ((k + 1) % m);
    const d = Math.hypot(
      profile[a] - profile[b],
      profile[a + 1] - profile[b + 1],
      profile[a + 2] - profile[b + 2],
    );
    if (d >= minStep) step[k] = 1;
  }
  const segments = segmentsOf(step);
  const minLength = Math.max(3, Math.round(0.005 * m));
  const longest = segments.reduce(
    (best, s) => (s.length > best.length ? s : best),
    segments[0] ?? { start: 0, length: 0 },
  );

  const background = new Uint8Array(m);
  const mark = (s: Segment) => {
    for (let t = 0; t < s.length; t++) background[(s.start + t) % m] = 1;
  };
  const colourOf = (s: Segment) => {
    const out = new Float32Array(3 * s.length);
    for (let t = 0; t < s.length; t++)
      out.set(profile.subarray(3 * ((s.start + t) % m), 3 * ((s.start + t) % m) + 3), 3 * t);
    return out;
  };

  let model: GaussianMixture;
  if (longest.length === 0) {
    // Every position is a step: nothing is trustworthy; model the whole frame so callers can still score it.
    model = fitGaussianMixture(colourOf({ start: 0, length: m }), null, { components: 3 });
  } else {
    mark(longest);
    const main = colourOf(longest);
    model = fitGaussianMixture(main, null, { components: 3 });
    const ownCosts: number[] = [];
    for (let t = 0; t < longest.length; t++) {
      ownCosts.push(mixtureCost(model, main[3 * t], main[3 * t + 1], main[3 * t + 2]));
    }
    const limit = quantile(ownCosts, 0.99) + 2;
    for (const s of segments) {
      if (s === longest || s.length < minLength) continue;
      const colours = colourOf(s);
      const costs: number[] = [];
      for (let t = 0; t < s.length; t++) {
        costs.push(mixtureCost(model, colours[3 * t], colours[3 * t + 1], colours[3 * t + 2]));
      }
      if (quantile(costs, 0.5) <= limit) mark(s);
    }
    // The other shade of a sweep: a long segment in the backdrop's colour, lighter or darker, that two
    // subject segments separate from the rest of the backdrop (a subject standing in front of a backdrop
    // is flanked by backdrop instead).
    const rgbProfile = loopProfile(rgb, ring);
    const [r0, g0, brightness0] = shade(rgbProfile, longest, m);
    const isBackground = (s: Segment) => background[s.start] === 1;
    segments.forEach((s, k) => {
      if (isBackground(s) || s.length < 0.08 * m || segments.length < 3) return;
      const previous = segments[(k + segments.length - 1) % segments.length];
      const next = segments[(k + 1) % segments.length];
      const flanked = (t: Segment) => !isBackground(t) && t.length >= minLength;
      if (!flanked(previous) || !flanked(next)) return;
      const [r, g, brightness] = shade(rgbProfile, s, m);
      const ratio = brightness / Math.max(1e-6, brightness0);
      if (Math.hypot(r - r0, g - g0) <= 0.02 && ratio >= 0.25 && ratio <= 4) mark(s);
    });
  }

  // Strip samples: pixels within `depth` of the frame whose nearest frame position is background and whose
  // colour is that position's (a subject close to, but not touching, the frame lies in the strip too).
  const depth = Math.max(2, Math.round(options.depth ?? 0.02 * Math.min(width, height)));
  const positionOf = ringPosition(width, height);
  const samples: number[] = [];
  const near2 = minStep * minStep;
  for (let y = 0; y < height; y++) {
    const rowEdge = Math.min(y, height - 1 - y);
    for (let x = 0; x < width; x++) {
      if (Math.min(rowEdge, x, width - 1 - x) >= depth) {
        x = Math.max(x, width - 1 - depth);
        continue;
      }
      const k = positionOf(x, y);
      if (background[k] === 0) continue;
      const i = y * width + x;
      const d0 = data[3 * i] - profile[3 * k];
      const d1 = data[3 * i + 1] - profile[3 * k + 1];
      const d2 = data[3 * i + 2] - profile[3 * k + 2];
      if (d0 * d0 + d1 * d1 + d2 * d2 <= near2) samples.push(i);
    }
  }
  let count = 0;
  for (let k = 0; k < m; k++) count += background[k];
  // The strip model: like the loop's, but from the pixels themselves (the sweep's full range of colours).
  const sampleIndices = Int32Array.from(samples);
  if (sampleIndices.length > 0) model = fitGaussianMixture(data, sampleIndices, { components: 5 });
  return {
    ring,
    background,
    samples: sampleIndices,
    fraction: m > 0 ? count / m : 0,
    segments: segments.length,
    model,
  };
}

/** Maps a pixel to the loop position of the nearest frame pixel (ties: top, right, bottom, left). */
function ringPosition(width: number, height: number): (x: number, y: number) => number {
  if (width === 1 || height === 1) return (x, y) => y * width + x;
  const rightStart = width - 1;
  const bottomStart = width + height - 2;
  const leftStart = 2 * width + height - 3;
  return (x, y) => {
    const top = y;
    const right = width - 1 - x;
    const bottom = height - 1 - y;
    const left = x;
    const nearest = Math.min(top, right, bottom, left);
    if (nearest === top) return x;
    if (nearest === right) return rightStart + y;
    if (nearest === bottom) return bottomStart + (width - 1 - x);
    // Left column runs upwards from the bottom; (0, 0) belongs to the top row.
    return y === 0 ? 0 : leftStart + (height - 1 - y);
  };
}
