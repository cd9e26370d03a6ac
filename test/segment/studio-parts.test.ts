/** The studio segmenter's building blocks, each against a hand-computed value or a reference. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InterleavedF32 } from '../../src/core/image.ts';
import { resizeInterleaved, resizePlane } from '../../src/core/resize-plane.ts';
import { findBorderBackground, frameLoop } from '../../src/segment/studio/border-background.ts';
import { boxDownsample } from '../../src/segment/studio/box-downsample.ts';
import { contrastWeights } from '../../src/segment/studio/contrast-weights.ts';
import { findEnclosedBackground } from '../../src/segment/studio/enclosed-background.ts';
import {
  fitGaussianMixture,
  MAX_COST,
  mixtureCost,
  mixtureCosts,
} from '../../src/segment/studio/gaussian-mixture.ts';
import { cutGrid, FREE, SURE_BACKGROUND } from '../../src/segment/studio/grid-cut.ts';
import { pullPushFill } from '../../src/segment/studio/pull-push-fill.ts';
import { findShadowRegion } from '../../src/segment/studio/shadow-region.ts';
import { srgbToLab } from '../../src/segment/studio/srgb-to-lab.ts';
import { unmixCoverage } from '../../src/segment/studio/unmix-coverage.ts';
import { upsampleProbability } from '../../src/segment/studio/upsample-probability.ts';
import { maxAbsDiff, mulberry32, randomF32 } from '../core/random.ts';

function rgbImage(width: number, height: number, colour: (x: number, y: number) => [number, number, number]) {
  const data = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set(colour(x, y), 3 * (y * width + x));
  }
  return { width, height, channels: 3, data } satisfies InterleavedF32;
}

test('sRGB → Lab matches reference values (D65)', () => {
  // White, black, sRGB primaries and a mid grey, from the CIE formulas (e.g. Bruce Lindbloom's calculator).
  const cases: [number[], number[]][] = [
    [
      [1, 1, 1],
      [100, 0, 0],
    ],
    [
      [0, 0, 0],
      [0, 0, 0],
    ],
    [
      [1, 0, 0],
      [53.241, 80.092, 67.203],
    ],
    [
      [0, 1, 0],
      [87.735, -86.183, 83.179],
    ],
    [
      [0, 0, 1],
      [32.297, 79.188, -107.86],
    ],
    [
      [0.5, 0.5, 0.5],
      [53.389, 0, 0],
    ],
  ];
  const image = {
    width: cases.length,
    height: 1,
    channels: 3,
    data: Float32Array.from(cases.flatMap((c) => c[0])),
  };
  const lab = srgbToLab(image).data;
  cases.forEach(([, expected], k) => {
    for (let c = 0; c < 3; c++) {
      assert.ok(
        Math.abs(lab[3 * k + c] - expected[c]) < 0.02,
        `case ${k} channel ${c}: ${lab[3 * k + c]} vs ${expected[c]}`,
      );
    }
  });
});

test('a Gaussian mixture finds two well-separated clusters and prices colours by them', () => {
  const random = mulberry32(5);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const colours = new Float32Array(3 * 4000);
  for (let i = 0; i < 4000; i++) {
    const [m, s] = i < 3000 ? [[20, 0, 0], 1] : [[70, 40, -30], 3];
    for (let c = 0; c < 3; c++) colours[3 * i + c] = m[c] + s * normal();
  }
  const model = fitGaussianMixture(colours, null, { components: 2, varianceFloor: 0.01 });
  const order = model.means[0] < model.means[3] ? [0, 1] : [1, 0];
  const [a, b] = order;
  assert.ok(Math.abs(model.weights[a] - 0.75) < 0.02, `weight ${model.weights[a]}`);
  for (let c = 0; c < 3; c++) {
    assert.ok(Math.abs(model.means[3 * a + c] - [20, 0, 0][c]) < 0.15);
    assert.ok(Math.abs(model.means[3 * b + c] - [70, 40, -30][c]) < 0.4);
  }
  // Variance ≈ s² on the diagonal.
  assert.ok(
    Math.abs(model.covariances[9 * a] - 1) < 0.15 && Math.abs(model.covariances[9 * b + 4] - 9) < 1.2,
  );
  // At a cluster mean the cost is −log(weight · N(0)); far away it is capped.
  const expected =
    -Math.log(model.weights[a]) + 0.5 * Math.log(model.covariances[9 * a] ** 3) + 1.5 * Math.log(2 * Math.PI);
  assert.ok(Math.abs(mixtureCost(model, 20, 0, 0) - expected) < 0.3);
  assert.equal(mixtureCost(model, 200, 200, 200), MAX_COST);
  // The bulk version agrees with the single-colour one.
  const costs = mixtureCosts(model, colours.subarray(0, 300));
  for (let i = 0; i < 100; i++) {
    assert.ok(
      Math.abs(costs[i] - mixtureCost(model, colours[3 * i], colours[3 * i + 1], colours[3 * i + 2])) < 1e-4,
    );
  }
});

test('box downsampling equals area resizing for whole blocks and averages partial ones', () => {
  const random = mulberry32(9);
  const image = { width: 12, height: 9, channels: 3, data: randomF32(random, 12 * 9 * 3) };
  const small = boxDownsample(image, 3);
  assert.deepEqual([small.width, small.height], [4, 3]);
  assert.ok(maxAbsDiff(small.data, resizeInterleaved(image, 4, 3, 'area').data) < 1e-6);
  // 13 × 10 with factor 3: the last column and row of blocks hold 1 pixel across.
  const odd = { width: 13, height: 10, channels: 4, data: randomF32(random, 13 * 10 * 4) };
  const out = boxDownsample(odd, 3);
  assert.deepEqual([out.width, out.height, out.channels], [5, 4, 3]);
  const corner = (12 + 9 * 13) * 4;
  assert.ok(Math.abs(out.data[3 * (3 * 5 + 4)] - odd.data[corner]) < 1e-6);
});

test('probability upsampling is resizePlane bilinear on the working grid, also across flat cells', () => {
  const random = mulberry32(3);
  const w = 10;
  const h = 7;
  const data = new Float32Array(w * h);
  // Flat runs (exercising the copy path) and random values.
  for (let i = 0; i < data.length; i++) data[i] = random() < 0.6 ? (random() < 0.5 ? 0 : 1) : random();
  const plane = { width: w, height: h, data };
  for (const factor of [2, 3, 5]) {
    const up = upsampleProbability(plane, w * factor, h * factor, factor);
    const reference = resizePlane(plane, w * factor, h * factor, 'bilinear');
    assert.ok(maxAbsDiff(up.data, reference.data) < 1e-5, `factor ${factor}`);
  }
  // A partial last block: the image is not a whole number of blocks.
  const up = upsampleProbability(plane, w * 3 - 2, h * 3 - 1, 3);
  assert.equal(up.data.length, (w * 3 - 2) * (h * 3 - 1));
  assert.ok(up.data.every((v) => v >= 0 && v <= 1));
});

test('pull-push keeps the kept pixels and fills a smooth ramp closely', () => {
  const image = rgbImage(64, 48, (x, y) => [x / 63, y / 47, 0.5]);
  const keep = new Uint8Array(64 * 48).fill(1);
  // A hole in the middle and a missing right margin.
  for (let y = 10; y < 35; y++) for (let x = 15; x < 40; x++) keep[y * 64 + x] = 0;
  for (let y = 0; y < 48; y++) for (let x = 58; x < 64; x++) keep[y * 64 + x] = 0;
  const filled = pullPushFill(image, keep);
  let hole = 0;
  let margin = 0;
  for (let i = 0; i < 64 * 48; i++) {
    for (let c = 0; c < 3; c++) {
      const d = Math.abs(filled.data[3 * i + c] - image.data[3 * i + c]);
      if (keep[i]) assert.equal(filled.data[3 * i + c], image.data[3 * i + c]);
      else if (i % 64 >= 58) margin = Math.max(margin, d);
      else hole = Math.max(hole, d);
    }
  }
  // Pull-push is a smooth membrane, not linear interpolation: within 0.07 across a 25-pixel hole in a ramp
  // far steeper than a backdrop (the measured error is 0.059), flatter past an edge
  // (the ramp rises 0.095 over the 6 missing columns).
  assert.ok(hole < 0.07, `hole error ${hole}`);
  assert.ok(margin < 0.12, `margin error ${margin}`);
  assert.ok(pullPushFill(image, new Uint8Array(64 * 48), 0.25).data.every((v) => v === 0.25));
});

test('unmixing recovers the coverage of a mixed colour and refuses what is not a mix', () => {
  const b = [0.9, 0.9, 0.9];
  const f = [0.2, 0.3, 0.6];
  const mix = (a: number) => Float32Array.from([0, 1, 2].map((k) => a * f[k] + (1 - a) * b[k]));
  for (const a of [0, 0.25, 0.5, 0.9, 1]) assert.ok(Math.abs(unmixCoverage(mix(a), 0, b, f, 0) - a) < 1e-6);
  // A red far off the line from B to F.
  assert.ok(Number.isNaN(unmixCoverage(Float32Array.from([0.9, 0.1, 0.1]), 0, b, f, 0)));
  // B and F too alike.
  assert.ok(Number.isNaN(unmixCoverage(Float32Array.from([0.9, 0.9, 0.9]), 0, b, [0.88, 0.9, 0.92], 0)));
});

test('the frame loop visits every frame pixel once, in order around the image', () => {
  const loop = frameLoop(5, 4);
  assert.deepEqual([...loop], [0, 1, 2, 3, 4, 9, 14, 19, 18, 17, 16, 15, 10, 5]);
  assert.deepEqual([...frameLoop(3, 1)], [0, 1, 2]);
});

test('frame pixels of a subject that leaves the frame are not background', () => {
  // Grey backdrop; a red block standing on the bottom edge, x 30–49.
  const image = rgbImage(80, 60, (x, y) =>
    x >= 30 && x < 50 && y >= 25 ? [0.8, 0.1, 0.1] : [0.85, 0.85, 0.85],
  );
  const border = findBorderBackground(srgbToLab(image), image);
  for (let k = 0; k < border.ring.length; k++) {
    const i = border.ring[k];
    const x = i % 80;
    const y = Math.floor(i / 80);
    const subject = x >= 30 && x < 50 && y >= 25;
    if (subject) assert.equal(border.background[k], 0, `subject pixel ${x},${y} taken as background`);
    // Backdrop pixels well away from the subject's edges are background.
    if (!subject && (x < 27 || x > 52 || y < 22)) assert.equal(border.background[k], 1, `backdrop ${x},${y}`);
  }
  assert.equal(border.segments, 2);
  assert.ok(border.fraction > 0.8 && border.fraction < 0.95);
  // The model's samples are all backdrop.
  for (const i of border.samples) assert.ok(image.data[3 * i + 1] > 0.8);
});

test('one graph cut separates two noisy regions along their edge', () => {
  const random = mulberry32(4);
  const width = 40;
  const height = 30;
  const inside = (x: number, y: number) => (x - 20) ** 2 + (y - 15) ** 2 < 100;
  const image = rgbImage(width, height, (x, y) => {
    const v = inside(x, y) ? 0.2 : 0.8;
    return [v + 0.05 * random(), v + 0.05 * random(), v + 0.05 * random()];
  });
  const lab = srgbToLab(image);
  // Noisy data costs that get 15 % of pixels wrong; the smoothness must clean them up.
  const fg = new Float32Array(width * height);
  const bg = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const right = random() > 0.15 ? inside(x, y) : !inside(x, y);
      fg[i] = right ? 0 : 3;
      bg[i] = right ? 3 : 0;
    }
  }
  const constraints = new Uint8Array(width * height).fill(FREE);
  const labels = cutGrid(fg, bg, constraints, contrastWeights(lab, 50));
  let wrong = 0;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) wrong += labels[y * width + x] !== (inside(x, y) ? 1 : 0) ? 1 : 0;
  assert.ok(wrong <= 4, `${wrong} pixels wrong`);
  // A hard constraint wins over any data cost.
  constraints[15 * width + 20] = SURE_BACKGROUND;
  assert.equal(cutGrid(fg, bg, constraints, contrastWeights(lab, 50))[15 * width + 20], 0);
});

test('a soft shadow is found; a grey object with a sharp outline is not', () => {
  const width = 120;
  const height = 80;
  const plate = rgbImage(width, height, () => [0.9, 0.88, 0.85]);
  const grey = (x: number, y: number) => x >= 80 && x < 100 && y >= 20 && y < 40;
  const image = rgbImage(width, height, (x, y) => {
    // Shadow: a Gaussian darkening to 45 % centred at (40, 55); object: a sharp 55 % grey square.
    const k = grey(x, y) ? 0.55 : 1 - 0.55 * Math.exp(-(((x - 40) / 18) ** 2) - ((y - 55) / 12) ** 2);
    return [0.9 * k, 0.88 * k, 0.85 * k];
  });
  const seeds = new Uint8Array(width * height);
  for (let x = 0; x < width; x++) seeds[x] = 1;
  const region = findShadowRegion(image, plate, seeds);
  assert.equal(region.mask[55 * width + 40], 1, 'shadow core');
  assert.ok(region.factor[55 * width + 40] < 0.5);
  for (let y = 22; y < 38; y++)
    for (let x = 82; x < 98; x++) assert.equal(region.mask[y * width + x], 0, `grey ${x},${y}`);
  assert.ok(region.count > 500);
});

test('backdrop-coloured regions enclosed by the subject are found, small specks are not', () => {
  const width = 30;
  const height = 20;
  const labels = new Uint8Array(width * height);
  const backgroundLike = new Uint8Array(width * height);
  for (let y = 2; y < 18; y++) for (let x = 2; x < 28; x++) labels[y * width + x] = 1;
  // A 5 × 5 window of backdrop inside, and a 1-pixel highlight elsewhere.
  for (let y = 6; y < 11; y++) for (let x = 6; x < 11; x++) backgroundLike[y * width + x] = 1;
  backgroundLike[15 * width + 20] = 1;
  const holes = findEnclosedBackground(labels, backgroundLike, width, height, 4);
  assert.equal(
    holes.reduce((s, v) => s + v, 0),
    25,
  );
  assert.equal(holes[8 * width + 8], 1);
  assert.equal(holes[15 * width + 20], 0);
});
