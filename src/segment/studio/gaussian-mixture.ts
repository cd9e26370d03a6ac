/**
 * Gaussian mixture models of 3-D colours (full covariance), the colour models of GrabCut (Rother,
 * Kolmogorov, Blake 2004). Fitted by k-means++ seeding and a few EM rounds on at most `maxSamples`
 * samples: a studio background or a subject is described well by a few thousand pixels, and the fit then
 * costs the same at any image size.
 *
 * The cost of a colour under a model is its negative log-likelihood under the best component, capped so
 * a colour far from every component still has a finite cost (graph-cut capacities must be finite).
 */

export interface GaussianMixture {
  count: number;
  /** Per component: mean (3), inverse covariance (9, row-major), log(weight) − ½·log det Σ − 1.5·log 2π. */
  means: Float64Array;
  inverses: Float64Array;
  logNorms: Float64Array;
  weights: Float64Array;
  /** Covariances (9 per component), kept for diagnostics and spread measures. */
  covariances: Float64Array;
}

export interface FitOptions {
  /** Number of components; fewer are used when there are fewer distinct samples. Default 5. */
  components?: number;
  /** Added to each covariance's diagonal: the smallest spread a colour cluster may have. Default 1. */
  varianceFloor?: number;
  /** Samples drawn from `indices` (evenly) for the fit. Default 6000. */
  maxSamples?: number;
  /** EM rounds after k-means. Default 3. */
  iterations?: number;
}

/** Cap of the negative log-likelihood: about 7 standard deviations from the nearest component. */
export const MAX_COST = 30;
const LOG_2PI_3_2 = 1.5 * Math.log(2 * Math.PI);

/**
 * Fits a mixture to the colours `colours[3i..3i+2]` of the pixels listed in `indices` (every pixel when
 * omitted). Deterministic: samples are taken at an even stride, seeds by a fixed pseudo-random sequence.
 */
export function fitGaussianMixture(
  colours: Float32Array,
  indices: Int32Array | null,
  options: FitOptions = {},
): GaussianMixture {
  const wanted = options.components ?? 5;
  const floor = options.varianceFloor ?? 1;
  const maxSamples = options.maxSamples ?? 6000;
  const rounds = options.iterations ?? 3;
  const total = indices ? indices.length : colours.length / 3;
  if (total === 0) throw new RangeError('fitGaussianMixture: no samples');

  const m = Math.min(total, maxSamples);
  const samples = new Float64Array(3 * m);
  const stride = total / m;
  for (let s = 0; s < m; s++) {
    const k = Math.floor(s * stride);
    const i = indices ? indices[k] : k;
    samples[3 * s] = colours[3 * i];
    samples[3 * s + 1] = colours[3 * i + 1];
    samples[3 * s + 2] = colours[3 * i + 2];
  }

  const centres = seedCentres(samples, m, wanted);
  // k-means gives hard responsibilities to start EM from; clusters it left empty are dropped.
  const label = kMeans(samples, m, centres, centres.length / 3, 6);
  const members = new Int32Array(centres.length / 3);
  for (let s = 0; s < m; s++) members[label[s]]++;
  const slot = new Int32Array(members.length);
  let count = 0;
  for (let k = 0; k < members.length; k++) slot[k] = members[k] > 0 ? count++ : -1;
  const resp = new Float64Array(m * count);
  for (let s = 0; s < m; s++) resp[s * count + slot[label[s]]] = 1;
  let model = estimate(samples, m, resp, count, floor);
  for (let round = 0; round < rounds; round++) {
    expectation(model, samples, m, resp);
    model = estimate(samples, m, resp, count, floor);
  }
  return model;
}

/**
 * Cost of one colour: the negative log-likelihood under its best component (GrabCut's hard assignment;
 * within log(count) of the mixture's, and no exponentials), capped at MAX_COST.
 */
export function mixtureCost(model: GaussianMixture, c0: number, c1: number, c2: number): number {
  const { count, means, inverses: inv, logNorms } = model;
  let best = MAX_COST;
  for (let k = 0; k < count; k++) {
    const d0 = c0 - means[3 * k];
    const d1 = c1 - means[3 * k + 1];
    const d2 = c2 - means[3 * k + 2];
    const q = 9 * k;
    // The inverse is symmetric: three squares and three cross terms.
    const m2 =
      inv[q] * d0 * d0 +
      inv[q + 4] * d1 * d1 +
      inv[q + 8] * d2 * d2 +
      2 * (inv[q + 1] * d0 * d1 + inv[q + 2] * d0 * d2 + inv[q + 5] * d1 * d2);
    const cost = 0.5 * m2 - logNorms[k];
    if (cost < best) best = cost;
  }
  return best;
}

/** Costs of every pixel of an interleaved 3-channel image. */
export function mixtureCosts(
  model: GaussianMixture,
  colours: Float32Array,
  out = new Float32Array(colours.length / 3),
): Float32Array {
  const { count, means, inverses: inv, logNorms } = model;
  // Per component: mean, the six distinct inverse entries (cross terms doubled), and the norm, packed.
  const packed = new Float64Array(10 * count);
  for (let k = 0; k < count; k++) {
    const q = 9 * k;
    packed.set(
      [
        means[3 * k],
        means[3 * k + 1],
        means[3 * k + 2],
        0.5 * inv[q],
        0.5 * inv[q + 4],
        0.5 * inv[q + 8],
        inv[q + 1],
        inv[q + 2],
        inv[q + 5],
        -logNorms[k],
      ],
      10 * k,
    );
  }
  const end = 10 * count;
  for (let i = 0, p = 0; i < out.length; i++, p += 3) {
    const c0 = colours[p];
    const c1 = colours[p + 1];
    const c2 = colours[p + 2];
    let best = MAX_COST;
    for (let k = 0; k < end; k += 10) {
      const d0 = c0 - packed[k];
      const d1 = c1 - packed[k + 1];
      const d2 = c2 - packed[k + 2];
      const cost =
        packed[k + 3] * d0 * d0 +
        packed[k + 4] * d1 * d1 +
        packed[k + 5] * d2 * d2 +
        packed[k + 6] * d0 * d1 +
        packed[k + 7] * d0 * d2 +
        packed[k + 8] * d1 * d2 +
        packed[k + 9];
      if (cost < best) best = cost;
    }
    out[i] = best;
  }
  return out;
}

/** k-means++ seeding with a fixed pseudo-random sequence; stops early when all samples coincide. */
function seedCentres(samples: Float64Array, m: number, wanted: number): Float64Array {
  let state = 0x9e3779b9;
  const random = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const chosen: number[] = [Math.floor(random() * m)];
  const d2 = new Float64Array(m).fill(Number.POSITIVE_INFINITY);
  while (chosen.length < wanted) {
    const c = chosen[chosen.length - 1];
    let total = 0;
    for (let s = 0; s < m; s++) {
      const a = samples[3 * s] - samples[3 * c];
      const b = samples[3 * s + 1] - samples[3 * c + 1];
      const e = samples[3 * s + 2] - samples[3 * c + 2];
      const d = a * a + b * b + e * e;
      if (d < d2[s]) d2[s] = d;
      total += d2[s];
    }
    // Remaining samples within a hundredth of a Lab unit of a centre: no more distinct clusters.
    if (total <= 1e-4 * m) break;
    let target = random() * total;
    let pick = m - 1;
    for (let s = 0; s < m; s++) {
      target -= d2[s];
      if (target <= 0) {
        pick = s;
        break;
      }
    }
    chosen.push(pick);
  }
  const centres = new Float64Array(3 * chosen.length);
  chosen.forEach((s, k) => {
    centres[3 * k] = samples[3 * s];
    centres[3 * k + 1] = samples[3 * s + 1];
    centres[3 * k + 2] = samples[3 * s + 2];
  });
  return centres;
}

function kMeans(
  samples: Float64Array,
  m: number,
  centres: Float64Array,
  count: number,
  rounds: number,
): Int32Array {
  const label = new Int32Array(m);
  const sums = new Float64Array(4 * count);
  for (let round = 0; round < rounds; round++) {
    sums.fill(0);
    for (let s = 0; s < m; s++) {
      let best = 0;
      let bestD = Number.POSITIVE_INFINITY;
      for (let k = 0; k < count; k++) {
        const a = samples[3 * s] - centres[3 * k];
        const b = samples[3 * s + 1] - centres[3 * k + 1];
        const e = samples[3 * s + 2] - centres[3 * k + 2];
        const d = a * a + b * b + e * e;
        if (d < bestD) {
          bestD = d;
          best = k;
        }
      }
      label[s] = best;
      sums[4 * best] += samples[3 * s];
      sums[4 * best + 1] += samples[3 * s + 1];
      sums[4 * best + 2] += samples[3 * s + 2];
      sums[4 * best + 3] += 1;
    }
    for (let k = 0; k < count; k++) {
      const c = sums[4 * k + 3];
      if (c === 0) continue;
      centres[3 * k] = sums[4 * k] / c;
      centres[3 * k + 1] = sums[4 * k + 1] / c;
      centres[3 * k + 2] = sums[4 * k + 2] / c;
    }
  }
  return label;
}

/** Weighted means and covariances from responsibilities; empty components get a tiny weight. */
function estimate(
  samples: Float64Array,
  m: number,
  resp: Float64Array,
  count: number,
  floor: number,
): GaussianMixture {
  const means = new Float64Array(3 * count);
  const covariances = new Float64Array(9 * count);
  const inverses = new Float64Array(9 * count);
  const logNorms = new Float64Array(count);
  const weights = new Float64Array(count);
  const mass = new Float64Array(count);
  for (let s = 0; s < m; s++) {
    for (let k = 0; k < count; k++) {
      const r = resp[s * count + k];
      if (r === 0) continue;
      mass[k] += r;
      means[3 * k] += r * samples[3 * s];
      means[3 * k + 1] += r * samples[3 * s + 1];
      means[3 * k + 2] += r * samples[3 * s + 2];
    }
  }
  for (let k = 0; k < count; k++) {
    const w = mass[k] > 0 ? mass[k] : 1;
    means[3 * k] /= w;
    means[3 * k + 1] /= w;
    means[3 * k + 2] /= w;
  }
  for (let s = 0; s < m; s++) {
    for (let k = 0; k < count; k++) {
      const r = resp[s * count + k];
      if (r === 0) continue;
      const d0 = samples[3 * s] - means[3 * k];
      const d1 = samples[3 * s + 1] - means[3 * k + 1];
      const d2 = samples[3 * s + 2] - means[3 * k + 2];
      const q = 9 * k;
      covariances[q] += r * d0 * d0;
      covariances[q + 1] += r * d0 * d1;
      covariances[q + 2] += r * d0 * d2;
      covariances[q + 4] += r * d1 * d1;
      covariances[q + 5] += r * d1 * d2;
      covariances[q + 8] += r * d2 * d2;
    }
  }
  for (let k = 0; k < count; k++) {
    const q = 9 * k;
    const w = mass[k] > 0 ? mass[k] : 1;
    for (const j of [0, 1, 2, 4, 5, 8]) covariances[q + j] /= w;
    covariances[q] += floor;
    covariances[q + 4] += floor;
    covariances[q + 8] += floor;
    covariances[q + 3] = covariances[q + 1];
    covariances[q + 6] = covariances[q + 2];
    covariances[q + 7] = covariances[q + 5];
    const det = invert3(covariances, q, inverses);
    weights[k] = Math.max(mass[k] / m, 1e-6);
    logNorms[k] = Math.log(weights[k]) - 0.5 * Math.log(det) - LOG_2PI_3_2;
  }
  return { count, means, inverses, logNorms, weights, covariances };
}

function expectation(model: GaussianMixture, samples: Float64Array, m: number, resp: Float64Array): void {
  const { count, means, inverses: inv, logNorms } = model;
  const l = new Float64Array(count);
  for (let s = 0; s < m; s++) {
    let best = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < count; k++) {
      const d0 = samples[3 * s] - means[3 * k];
      const d1 = samples[3 * s + 1] - means[3 * k + 1];
      const d2 = samples[3 * s + 2] - means[3 * k + 2];
      const q = 9 * k;
      const m2 =
        d0 * (inv[q] * d0 + inv[q + 1] * d1 + inv[q + 2] * d2) +
        d1 * (inv[q + 3] * d0 + inv[q + 4] * d1 + inv[q + 5] * d2) +
        d2 * (inv[q + 6] * d0 + inv[q + 7] * d1 + inv[q + 8] * d2);
      l[k] = logNorms[k] - 0.5 * m2;
      if (l[k] > best) best = l[k];
    }
    let sum = 0;
    for (let k = 0; k < count; k++) {
      l[k] = Math.exp(l[k] - best);
      sum += l[k];
    }
    for (let k = 0; k < count; k++) resp[s * count + k] = l[k] / sum;
  }
}

/** Inverts the symmetric positive-definite 3×3 matrix at a[q..q+8] into out[q..]; returns its determinant. */
function invert3(a: Float64Array, q: number, out: Float64Array): number {
  const a00 = a[q];
  const a01 = a[q + 1];
  const a02 = a[q + 2];
  const a11 = a[q + 4];
  const a12 = a[q + 5];
  const a22 = a[q + 8];
  const c00 = a11 * a22 - a12 * a12;
  const c01 = a02 * a12 - a01 * a22;
  const c02 = a01 * a12 - a02 * a11;
  const det = a00 * c00 + a01 * c01 + a02 * c02;
  const inv = 1 / det;
  out[q] = c00 * inv;
  out[q + 1] = c01 * inv;
  out[q + 2] = c02 * inv;
  out[q + 3] = c01 * inv;
  out[q + 4] = (a00 * a22 - a02 * a02) * inv;
  out[q + 5] = (a01 * a02 - a00 * a12) * inv;
  out[q + 6] = c02 * inv;
  out[q + 7] = (a01 * a02 - a00 * a12) * inv;
  out[q + 8] = (a00 * a11 - a01 * a01) * inv;
  return det;
}
