import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InterleavedF32, Trimap } from '../../src/core/image.ts';
import { colourMixtureWeights } from '../../src/matting/colour-mixture-weights.ts';
import { estimateAlphaInformationFlow } from '../../src/matting/estimate-alpha-ifm.ts';
import {
  applyInformationFlow,
  buildInformationFlowSystem,
  type InformationFlowOptions,
  type InformationFlowSystem,
} from '../../src/matting/information-flow-laplacian.ts';
import { trimTrimapFromEdges } from '../../src/matting/trimap-edge-trimming.ts';
import { generateScene, Random } from '../../src/synth/index.ts';
import { trimapFromAlpha } from '../../src/trimap/trimap-from-alpha.ts';
import { assertMattingContract, assertSadBudgets } from '../helpers/matting-contract.ts';

/** A soft disc over a smooth background with a little noise (so no two distances tie). */
function testImage(width: number, height: number, seed: number): { image: InterleavedF32; trimap: Trimap } {
  const random = new Random(seed, 1);
  const data = new Float32Array(width * height * 3);
  const tri = new Uint8Array(width * height);
  const cx = width * 0.45;
  const cy = height * 0.55;
  const r = Math.min(width, height) * 0.35;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      const d = Math.hypot(x - cx, y - cy) - r;
      const a = Math.min(1, Math.max(0, 0.5 - d / 3));
      const bg = [0.2 + (0.5 * x) / width, 0.6, 0.3 + (0.4 * y) / height];
      const fg = [0.9, 0.5 + 0.2 * Math.sin(x / 2), 0.1];
      for (let c = 0; c < 3; c++) data[p * 3 + c] = a * fg[c] + (1 - a) * bg[c] + 0.05 * random.next();
      tri[p] = d < -1.5 ? 255 : d > 1.5 ? 0 : 128;
    }
  }
  return { image: { data, width, height, channels: 3 }, trimap: { data: tri, width, height } };
}

/** The k pixels of `candidates` nearest to p (p excluded) in (r, g, b, s·x/W, s·y/H). */
function nearest(image: InterleavedF32, p: number, candidates: number[], k: number, s: number): number[] {
  const { width, height, data } = image;
  const feature = (q: number) => {
    const x = q % width;
    return [data[q * 3], data[q * 3 + 1], data[q * 3 + 2], (s * x) / width, (s * (q - x)) / width / height];
  };
  const fp = feature(p);
  return candidates
    .filter((q) => q !== p)
    .map((q) => ({ q, d2: feature(q).reduce((sum, v, d) => sum + (v - fp[d]) ** 2, 0) }))
    .sort((a, b) => a.d2 - b.d2)
    .slice(0, k)
    .map((e) => e.q);
}

function weightsOf(image: InterleavedF32, p: number, neighbours: number[]): Float64Array {
  const w = new Float64Array(neighbours.length);
  colourMixtureWeights(
    image.data,
    p * 3,
    Int32Array.from(neighbours, (q) => q * 3),
    neighbours.length,
    1e-5,
    w,
  );
  return w;
}

/**
 * The information-flow energy of a full alpha, straight from the paper's definitions: brute-force
 * neighbour lists, 3×3 windows for the local term.
 */
function bruteForceEnergy(
  image: InterleavedF32,
  trimap: Trimap,
  sigma: { mixture: number; known: number; unknown: number; local: number },
): (alpha: Float64Array) => number {
  const { width, height, data } = image;
  const npix = width * height;
  const all = Array.from({ length: npix }, (_, p) => p);
  const unknown = all.filter((p) => trimap.data[p] > 0 && trimap.data[p] < 255);
  const foreground = all.filter((p) => trimap.data[p] === 255);
  const background = all.filter((p) => trimap.data[p] === 0);
  const terms: ((alpha: Float64Array) => number)[] = [];

  for (const p of unknown) {
    const cm = nearest(image, p, all, MIXTURE_NEIGHBOURS, 1);
    const w = weightsOf(image, p, cm);
    terms.push((alpha) => sigma.mixture * (alpha[p] - cm.reduce((s, q, j) => s + w[j] * alpha[q], 0)) ** 2);

    const known = [...nearest(image, p, foreground, 7, 10), ...nearest(image, p, background, 7, 10)];
    const wk = weightsOf(image, p, known);
    let estimate = 0;
    const difference = [0, 0, 0];
    known.forEach((q, j) => {
      const sign = j < 7 ? 1 : -1;
      if (j < 7) estimate += wk[j];
      for (let c = 0; c < 3; c++) difference[c] += sign * wk[j] * data[q * 3 + c];
    });
    const confidence = difference.reduce((s, v) => s + v * v, 0) / 3;
    terms.push((alpha) => sigma.known * confidence * (alpha[p] - estimate) ** 2);

    for (const q of nearest(image, p, unknown, 5, 0.05)) {
      const x = p % width;
      const qx = q % width;
      let l1 =
        Math.abs(0.05 * (x - qx)) / width + (0.05 * Math.abs((p - x) / width - (q - qx) / width)) / height;
      for (let c = 0; c < 3; c++) l1 += Math.abs(data[p * 3 + c] - data[q * 3 + c]);
      const affinity = Math.max(0, 1 - l1 / 5);
      // αᵀ(D − W)α with W = (A + Aᵀ)/2 is ½ Σ_p Σ_q A_pq (α_p − α_q)².
      terms.push((alpha) => 0.5 * sigma.unknown * affinity * (alpha[p] - alpha[q]) ** 2);
    }
  }

  // Closed-form windows (wholly inside the image), ε = 1e-6.
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const window: number[] = [];
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) window.push((y + dy) * width + x + dx);
      if (!window.some((p) => unknown.includes(p))) continue;
      const mean = [0, 1, 2].map((c) => window.reduce((s, p) => s + data[p * 3 + c], 0) / 9);
      const centred = window.map((p) => [0, 1, 2].map((c) => data[p * 3 + c] - mean[c]));
      const cov = [0, 1, 2].map((i) =>
        [0, 1, 2].map((j) => centred.reduce((s, v) => s + v[i] * v[j], 0) / 9 + (i === j ? 1e-6 / 9 : 0)),
      );
      const inv = invert3(cov);
      terms.push((alpha) => {
        let e = 0;
        for (let i = 0; i < 9; i++) {
          for (let j = 0; j < 9; j++) {
            let q = 0;
            for (let a = 0; a < 3; a++)
              for (let b = 0; b < 3; b++) q += centred[i][a] * inv[a][b] * centred[j][b];
            e += alpha[window[i]] * alpha[window[j]] * ((i === j ? 1 : 0) - (1 + q) / 9);
          }
        }
        return sigma.local * e;
      });
    }
  }
  return (alpha) => terms.reduce((s, term) => s + term(alpha), 0);
}

function invert3(m: number[][]): number[][] {
  const [[a, b, c], [d, e, f], [g, h, i]] = m;
  const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  return [
    [(e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det],
    [(f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det],
    [(d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det],
  ];
}

/** Dense A from the operator, column by column. */
function denseOperator(system: InformationFlowSystem): Float64Array[] {
  const n = system.n;
  return Array.from({ length: n }, (_, j) => {
    const e = new Float64Array(n);
    e[j] = 1;
    const column = new Float64Array(n);
    applyInformationFlow(system, e, column);
    return column;
  });
}

const MIXTURE_NEIGHBOURS = 12;
const exact: InformationFlowOptions = {
  neighbourApproximation: 0,
  order: 'scan',
  mixtureNeighbours: MIXTURE_NEIGHBOURS,
};

test('the system is the paper’s energy, flow by flow: αᵀAα − 2bᵀα matches it up to a constant', () => {
  const { image, trimap } = testImage(24, 18, 1);
  const random = new Random(3, 1);
  const quadratic = (system: InformationFlowSystem, x: Float64Array) => {
    const ax = new Float64Array(system.n);
    applyInformationFlow(system, x, ax);
    let q = 0;
    for (let u = 0; u < system.n; u++) q += x[u] * ax[u] - 2 * system.rhs[u] * x[u];
    return q;
  };
  const off = { knownWeight: 0, unknownWeight: 0, localWeight: 0 };
  const mixtureOnly = buildInformationFlowSystem(image, trimap, { ...exact, ...off });
  const n = mixtureOnly.n;
  assert.ok(n > 30, `${n} unknowns`);
  const full = (x: Float64Array) => {
    const alpha = Float64Array.from(trimap.data, (t) => (t === 255 ? 1 : 0));
    for (let u = 0; u < n; u++) alpha[mixtureOnly.pixels[u]] = x[u];
    return alpha;
  };
  const points = Array.from({ length: 4 }, () => Float64Array.from({ length: n }, () => random.next()));
  // Each flow's share of the quadratic is what its system adds to the colour-mixture one.
  const flows = [
    { options: {}, sigma: { mixture: 1, known: 0, unknown: 0, local: 0 } },
    { options: { knownWeight: 0.05 }, sigma: { mixture: 0, known: 0.05, unknown: 0, local: 0 } },
    { options: { unknownWeight: 0.01 }, sigma: { mixture: 0, known: 0, unknown: 0.01, local: 0 } },
    { options: { localWeight: 1 }, sigma: { mixture: 0, known: 0, unknown: 0, local: 1 } },
  ];
  for (const { options, sigma } of flows) {
    const system = buildInformationFlowSystem(image, trimap, { ...exact, ...off, ...options });
    const share = (x: Float64Array) => quadratic(system, x) - (sigma.mixture ? 0 : quadratic(mixtureOnly, x));
    const energy = bruteForceEnergy(image, trimap, sigma);
    const [base, ...others] = points;
    for (const x of others) {
      const expected = energy(full(x)) - energy(full(base));
      const got = share(x) - share(base);
      assert.ok(
        Math.abs(got - expected) <= 1e-5 * (Math.abs(energy(full(x))) + Math.abs(energy(full(base)))),
        `${JSON.stringify(sigma)}: ΔE ${got} vs ${expected}`,
      );
    }
  }
});

test('the operator is symmetric and positive definite', () => {
  const { image, trimap } = testImage(14, 11, 2);
  const system = buildInformationFlowSystem(image, trimap, exact);
  const a = denseOperator(system);
  const n = system.n;
  let largest = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) largest = Math.max(largest, Math.abs(a[j][i]));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) assert.ok(Math.abs(a[j][i] - a[i][j]) <= 1e-6 * largest, `A[${i}][${j}]`);
  }
  // Dense Cholesky: every pivot positive.
  const l = a.map((column) => Float64Array.from(column));
  for (let j = 0; j < n; j++) {
    let d = l[j][j];
    for (let k = 0; k < j; k++) d -= l[k][j] ** 2;
    assert.ok(d > 0, `pivot ${j}: ${d}`);
    const root = Math.sqrt(d);
    l[j][j] = root;
    for (let i = j + 1; i < n; i++) {
      let s = l[j][i];
      for (let k = 0; k < j; k++) s -= l[k][i] * l[k][j];
      l[j][i] = s / root;
    }
  }
});

test('edge trimming matches a plain label expansion and only labels close colour matches', () => {
  const { image, trimap } = testImage(40, 30, 4);
  const { trimap: trimmed, trimmed: count } = trimTrimapFromEdges(image, trimap, {
    steps: 3,
    upperThreshold: 0.3,
  });
  // Reference: every step scans every pixel's whole window, nearest known match first.
  let current = Uint8Array.from(trimap.data);
  const { width, height } = trimap;
  for (let step = 1; step <= 3; step++) {
    const limit = 0.3 - (step * (0.3 - 1 / 256)) / 3;
    const next = Uint8Array.from(current);
    for (let p = 0; p < current.length; p++) {
      if (current[p] === 0 || current[p] === 255) continue;
      const x = p % width;
      const y = (p - x) / width;
      let best = Number.POSITIVE_INFINITY;
      for (let dy = -step; dy <= step; dy++) {
        for (let dx = -step; dx <= step; dx++) {
          const qx = x + dx;
          const qy = y + dy;
          if (qx < 0 || qy < 0 || qx >= width || qy >= height) continue;
          const q = qy * width + qx;
          if (current[q] !== 0 && current[q] !== 255) continue;
          const colour = Math.hypot(...[0, 1, 2].map((c) => image.data[q * 3 + c] - image.data[p * 3 + c]));
          if (colour >= limit) continue;
          const d = dx * dx + dy * dy;
          if (d < best || (d === best && next[p] !== current[q])) {
            assert.ok(d !== best, 'tie between labels at equal distance: pick another seed');
            best = d;
            next[p] = current[q];
          }
        }
      }
    }
    current = next;
  }
  assert.deepEqual(Array.from(trimmed.data), Array.from(current));
  let changed = 0;
  for (let p = 0; p < current.length; p++) if (current[p] !== trimap.data[p]) changed++;
  assert.equal(count, changed);
  assert.ok(count > 20, `${count} trimmed`);
  // Known pixels stay as they were.
  for (let p = 0; p < current.length; p++) {
    if (trimap.data[p] === 0 || trimap.data[p] === 255) assert.equal(trimmed.data[p], trimap.data[p]);
  }
});

test('converges in a pinned number of iterations', () => {
  const scene = generateScene({ width: 96, height: 72, seed: 7, subject: 'shapes', background: 'gradient' });
  const trimap = trimapFromAlpha(scene.alpha, 3);
  const result = estimateAlphaInformationFlow(scene.image, trimap, { tolerance: 1e-6, trimming: false });
  assert.ok(result.converged);
  assert.ok(result.relativeResidual <= 1e-6);
  assert.ok(result.iterations <= 74, `${result.iterations} iterations`); // measured 62
  // The defaults: trimmed trimap, tolerance 2e-3, from the K-to-U estimate.
  const quick = estimateAlphaInformationFlow(scene.image, trimap);
  assert.ok(quick.converged);
  assert.ok(quick.iterations <= 11, `${quick.iterations} iterations`); // measured 9
});

test('stays within its SAD budget on synthetic scenes', () => {
  // Budgets about 20 % above the SAD measured when this test was written.
  const cases = [
    { subject: 'shapes', background: 'gradient', budget: 0.015 }, // measured 0.012 (KNN 0.070)
    { subject: 'shapes', background: 'texture', budget: 0.017 }, // measured 0.014 (KNN 0.093)
    { subject: 'hair', background: 'gradient', budget: 0.027 }, // measured 0.022 (KNN 0.183)
    { subject: 'hair', background: 'texture', budget: 0.022 }, // measured 0.018 (KNN 0.199)
    { subject: 'motion-blur', background: 'texture', budget: 0.0075 }, // measured 0.006 (KNN 0.044)
    { subject: 'mixed', background: 'busy', budget: 0.203 }, // measured 0.169 (KNN 0.438)
  ] as const;
  assertSadBudgets(estimateAlphaInformationFlow, cases);
});

test('keeps known pixels, clips to [0, 1], reports progress, honours an abort signal, checks input', () => {
  const { scene, trimap, result } = assertMattingContract(estimateAlphaInformationFlow);
  assert.ok(result.trimmedCount > 0 && result.trimmedCount < result.unknownCount);
  assert.throws(
    () => estimateAlphaInformationFlow(scene.image, trimap, { mixtureNeighbours: 0 }),
    RangeError,
  );

  // With nothing unknown there is nothing to solve.
  const sure = Uint8Array.from(scene.alpha.data, (a) => (a >= 0.5 ? 255 : 0));
  const none = estimateAlphaInformationFlow(scene.image, { data: sure, width: 64, height: 48 });
  assert.equal(none.unknownCount, 0);
  assert.equal(none.iterations, 0);
  assert.deepEqual(
    Array.from(none.alpha.data),
    Array.from(sure, (v) => v / 255),
  );
});

test('the system is the same in any numbering of the unknowns (scan and RCM order)', () => {
  const { image, trimap } = testImage(30, 22, 5);
  const scan = buildInformationFlowSystem(image, trimap, { ...exact, order: 'scan' });
  const rcm = buildInformationFlowSystem(image, trimap, { ...exact, order: 'rcm' });
  const n = scan.n;
  assert.equal(rcm.n, n);
  assert.notDeepEqual(Array.from(rcm.pixels), Array.from(scan.pixels), 'RCM should renumber this band');
  // u in scan numbering ↔ v in RCM numbering through the pixel they stand for.
  const scanIndex = new Map(Array.from(scan.pixels, (p, u) => [p, u]));
  const toScan = Int32Array.from(rcm.pixels, (p) => scanIndex.get(p)!);
  const random = new Random(9, 1);
  const x = Float64Array.from({ length: n }, () => random.next());
  const xr = Float64Array.from(toScan, (u) => x[u]);
  const y = new Float64Array(n);
  const yr = new Float64Array(n);
  applyInformationFlow(scan, x, y);
  applyInformationFlow(rcm, xr, yr);
  let largest = 0;
  for (let u = 0; u < n; u++) largest = Math.max(largest, Math.abs(y[u]));
  for (let v = 0; v < n; v++) {
    assert.ok(Math.abs(yr[v] - y[toScan[v]]) <= 1e-5 * largest, `A x at ${v}: ${yr[v]} vs ${y[toScan[v]]}`);
    assert.ok(Math.abs(rcm.rhs[v] - scan.rhs[toScan[v]]) <= 1e-9, `b at ${v}`);
  }
});
