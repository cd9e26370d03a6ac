/**
 * Chroma key on generated green- and blue-screen shots (src/synth/chroma-scenes.ts: exact α, an unevenly
 * lit screen, spill on the subject). SAD = Σ|α − α*| / 1000 over the whole image; budgets sit above the
 * values measured when the keyer was written (in brackets), at 640 × 480.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sadError } from '../../src/metrics/index.ts';
import { despill } from '../../src/segment/chroma-despill.ts';
import { chromaKey } from '../../src/segment/chroma-key.ts';
import { detectChromaBackground, estimateKeyColour, keyness } from '../../src/segment/chroma-screen.ts';
import { generateChromaScene } from '../../src/synth/chroma-scenes.ts';
import { generateScene } from '../../src/synth/index.ts';

const W = 640;
const H = 480;

test('α within SAD budgets on green and blue screens', () => {
  const cases = [
    ['green', 'shapes', 1, 0.15], // [0.064]
    ['green', 'hair', 2, 3], // [2.00]
    ['green', 'glass', 1, 6], // [4.19]
    ['blue', 'hair', 1, 3], // [2.12]
    ['blue', 'motion-blur', 1, 1], // [0.50]
  ] as const;
  for (const [screen, subject, seed, budget] of cases) {
    const scene = generateChromaScene({ width: W, height: H, seed, subject, screen });
    const result = chromaKey(scene.image);
    assert.equal(result.screen, screen);
    const sad = sadError(result.alpha, scene.alpha);
    assert.ok(sad <= budget, `${screen} ${subject}: SAD ${sad.toFixed(3)} > ${budget}`);
  }
});

test('local screen and subject plates beat one global key colour', () => {
  // The classic keyer, α = 1 − d(I)/d(K₀) with one key colour, against chromaKey over a few shots.
  let global = 0;
  let keyed = 0;
  for (const [screen, subject, seed] of [
    ['green', 'shapes', 1],
    ['green', 'hair', 1],
    ['blue', 'hair', 1],
    ['green', 'glass', 1],
  ] as const) {
    const scene = generateChromaScene({ width: W, height: H, seed, subject, screen });
    const k0 = keyness(screen, ...estimateKeyColour(scene.image, screen));
    const plain = new Float32Array(W * H);
    const d = scene.image.data;
    for (let i = 0; i < W * H; i++) {
      plain[i] = Math.min(1, Math.max(0, 1 - keyness(screen, d[3 * i], d[3 * i + 1], d[3 * i + 2]) / k0));
    }
    global += sadError({ width: W, height: H, data: plain }, scene.alpha);
    keyed += sadError(chromaKey(scene.image).alpha, scene.alpha);
  }
  assert.ok(keyed < 0.75 * global, `plates ${keyed.toFixed(2)} vs one key ${global.toFixed(2)}`); // [7.8 vs 14.4]
});

test('trimap and foreground agree with α; the foreground is despilled', () => {
  const scene = generateChromaScene({
    width: W,
    height: H,
    seed: 1,
    subject: 'mixed',
    screen: 'green',
    spill: 1,
  });
  const { alpha, trimap, foreground } = chromaKey(scene.image);
  let fractional = 0;
  for (let i = 0; i < W * H; i++) {
    const a = alpha.data[i];
    const t = trimap.data[i];
    if (a > 0 && a < 1) {
      fractional++;
      assert.equal(t, 128, `pixel ${i}: α ${a} but trimap ${t}`);
    } else {
      assert.ok(t === 128 || t === (a === 1 ? 255 : 0), `pixel ${i}: α ${a} but trimap ${t}`);
    }
    if (a > 0) {
      const [r, g, b] = foreground.data.subarray(3 * i, 3 * i + 3);
      assert.ok(g <= Math.max(r, b) + 1e-6, `pixel ${i}: spill left in ${r},${g},${b}`);
    }
  }
  assert.ok(fractional > 1000);
  assert.ok(trimap.data.includes(255) && trimap.data.includes(0));
});

test('the key colour is the screen, and a screen is recognised from the frame', () => {
  for (const screen of ['green', 'blue'] as const) {
    const scene = generateChromaScene({ width: 400, height: 300, seed: 5, subject: 'shapes', screen });
    assert.equal(detectChromaBackground(scene.image), screen);
    const key = chromaKey(scene.image).keyColour;
    // Within the screen's range of colours along the frame.
    const b = scene.background.data;
    const corner = [b[0], b[1], b[2]];
    for (let c = 0; c < 3; c++)
      assert.ok(Math.abs(key[c] - corner[c]) < 0.08, `${screen}: ${key} vs ${corner}`);
  }
  for (const background of ['plain', 'gradient', 'busy'] as const) {
    const scene = generateScene({ width: 400, height: 300, seed: 6, subject: 'shapes', background });
    assert.equal(detectChromaBackground(scene.image), undefined, background);
  }
});

test('tolerance and softness shape α', () => {
  const scene = generateChromaScene({ width: 400, height: 300, seed: 3, subject: 'hair', screen: 'green' });
  const count = (a: Float32Array, f: (v: number) => boolean) => a.filter(f).length;
  const base = chromaKey(scene.image).alpha.data;
  const tolerant = chromaKey(scene.image, { tolerance: 0.2 }).alpha.data;
  const hard = chromaKey(scene.image, { softness: 0.3 }).alpha.data;
  assert.ok(count(tolerant, (v) => v === 0) > count(base, (v) => v === 0));
  assert.ok(count(hard, (v) => v > 0 && v < 1) < 0.7 * count(base, (v) => v > 0 && v < 1));
});

test('despill limits the screen channel', () => {
  const image = {
    width: 3,
    height: 1,
    channels: 3,
    data: Float32Array.from([0.2, 0.9, 0.4, 0.8, 0.9, 0.1, 0.5, 0.2, 0.6]),
  };
  despill(image, 'green', 'max');
  assert.deepEqual(
    [...image.data].map((v) => +v.toFixed(4)),
    [0.2, 0.4, 0.4, 0.8, 0.8, 0.1, 0.5, 0.2, 0.6],
  );
  const blue = { width: 1, height: 1, channels: 3, data: Float32Array.from([0.2, 0.4, 0.9]) };
  despill(blue, 'blue', 'average');
  assert.ok(Math.abs(blue.data[2] - 0.3) < 1e-6);
});

test('bad options are refused', () => {
  const scene = generateChromaScene({ width: 64, height: 48, seed: 1, subject: 'shapes' });
  assert.throws(() => chromaKey(scene.image, { tolerance: 0.6 }), { code: 'CUTOUT_E_INVALID_OPTION' });
  assert.throws(() => chromaKey(scene.image, { softness: 0 }), { code: 'CUTOUT_E_INVALID_OPTION' });
  assert.throws(() => chromaKey(scene.image, { keyColour: [0.5, 0.5, 0.5] }), /not a green screen colour/);
});
