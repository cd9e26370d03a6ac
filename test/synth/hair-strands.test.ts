import assert from 'node:assert/strict';
import { test } from 'node:test';
import { growHair, type HairOptions, strandCoverage } from '../../src/synth/hair-strands.ts';
import { createLayerStack } from '../../src/synth/layer-stack.ts';
import { Random } from '../../src/synth/random.ts';
import { ellipse } from '../../src/synth/shapes.ts';

test('strand coverage across a row of pixels adds up to the strand width, wherever it falls', () => {
  for (const w of [0.3, 0.55, 0.9, 1.4]) {
    for (let phase = 0; phase < 1; phase += 0.0625) {
      let sum = 0;
      for (let k = -3; k <= 3; k++) sum += strandCoverage(Math.abs(k + phase), w);
      assert.ok(Math.abs(sum - w) < 1e-12, `w=${w}, phase=${phase}: ${sum}`);
    }
    // Peaks on the centre line, falls off with distance, never above 1.
    let previous = Infinity;
    for (let d = 0; d < 2; d += 0.05) {
      const c = strandCoverage(d, w);
      assert.ok(c <= previous + 1e-15 && c >= 0 && c <= 1);
      previous = c;
    }
  }
  assert.equal(strandCoverage(1.5, 0.9), 0);
  // Sub-pixel: a 0.3 px strand never makes a pixel more than about 0.3 opaque.
  assert.ok(strandCoverage(0, 0.3) < 0.3);
});

const body = ellipse(100, 100, 30, 30);
const base: HairOptions = {
  body,
  fromAngle: 0,
  toAngle: 2 * Math.PI,
  density: 2,
  minLength: 20,
  maxLength: 40,
  minWidth: 0.3,
  maxWidth: 0.9,
  rootDepth: 3,
  spread: 0.3,
  curl: 0.6,
  gravity: 0.5,
  flyaway: 0.05,
  colour: [0.5, 0.3, 0.1],
  colourJitter: 0.1,
};

test('one straight strand deposits its ribbon area (tapering to a fifth of its width) as alpha', () => {
  const stack = createLayerStack(200, 200);
  const length = 40;
  const width = 0.6;
  const count = growHair(stack, new Random(3), {
    ...base,
    fromAngle: 0.3,
    toAngle: 0.3 + 1e-3,
    density: 1 / (30 * 1e-3),
    minLength: length,
    maxLength: length,
    minWidth: width,
    maxWidth: width,
    spread: 0,
    curl: 0,
    gravity: 0,
    flyaway: 0,
  });
  assert.equal(count, 1);
  let sum = 0;
  for (const a of stack.alpha) sum += a;
  // ∫ w·(1 − 0.8 s²) ds over s in [0, 1]; square ends blurred along the strand keep the area.
  const ribbon = width * length * (1 - 0.8 / 3);
  assert.ok(Math.abs(sum - ribbon) < 0.01 * ribbon, `alpha sum ${sum} vs ribbon ${ribbon}`);
  // Thin: no pixel is near opaque.
  assert.ok(Math.max(...stack.alpha) < 0.6);
});

test('a head of strands: a wide band of partial alpha thinning outwards, nothing beyond the longest strand', () => {
  const stack = createLayerStack(200, 200);
  const count = growHair(stack, new Random(5), base);
  const perimeter = 2 * Math.PI * 30;
  assert.ok(Math.abs(count - Math.round(perimeter * 2)) <= 1);
  const rings = new Float64Array(12);
  const ringPixels = new Float64Array(12);
  let farThin = 0;
  for (let y = 0; y < 200; y++) {
    for (let x = 0; x < 200; x++) {
      const a = stack.alpha[y * 200 + x];
      assert.ok(a >= 0 && a <= 1);
      const out = Math.hypot(x + 0.5 - 100, y + 0.5 - 100) - 30;
      if (out > 40 * 2.2 + 2) assert.equal(a, 0);
      if (out > 0 && out < 60) {
        rings[Math.floor(out / 5)] += a;
        ringPixels[Math.floor(out / 5)]++;
      }
      if (out > 10 && a > 0 && a < 0.5) farThin++;
    }
  }
  const mean = Array.from(rings, (s, i) => s / ringPixels[i]);
  // Dense near the root, sparse far out.
  assert.ok(mean[0] > 0.3, `near ${mean[0]}`);
  assert.ok(mean[0] > mean[3] && mean[3] > mean[7], mean.join(', '));
  assert.ok(farThin > 1500, `${farThin} thin pixels far from the body`);
});

test('over-compositing strands: alpha is 1 − Π(1 − αᵢ) of the single strands', () => {
  const single = (seed: number, from: number) => {
    const stack = createLayerStack(200, 200);
    growHair(stack, new Random(seed), { ...base, fromAngle: from, toAngle: from + 1e-3, density: 1 / 0.03 });
    return stack.alpha;
  };
  const a = single(1, 0.2);
  const b = single(2, 0.25);
  const both = createLayerStack(200, 200);
  growHair(both, new Random(1), { ...base, fromAngle: 0.2, toAngle: 0.2 + 1e-3, density: 1 / 0.03 });
  growHair(both, new Random(2), { ...base, fromAngle: 0.25, toAngle: 0.25 + 1e-3, density: 1 / 0.03 });
  let overlap = 0;
  for (let i = 0; i < a.length; i++) {
    assert.ok(Math.abs(both.alpha[i] - (1 - (1 - a[i]) * (1 - b[i]))) < 1e-6);
    if (a[i] > 0 && b[i] > 0) overlap++;
  }
  assert.ok(overlap > 0, 'the two strands should share some pixels');
});
