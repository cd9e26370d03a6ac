import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InterleavedF32, Trimap } from '../../src/core/image.ts';
import { sadError } from '../../src/metrics/index.ts';
import { refineMask } from '../../src/refine/refine-mask.ts';
import { generateScene } from '../../src/synth/index.ts';
import { trimapFromProbability } from '../../src/trimap/trimap-from-probability.ts';
import { growUnknownAlongStrands } from '../../src/trimap/unknown-along-strands.ts';
import { mulberry32 } from '../core/random.ts';
import { networkLikeMask } from '../refine/network-like-mask.ts';

const W = 160;
const H = 120;
const FOREGROUND: [number, number, number] = [0.45, 0.25, 0.1];

/**
 * A brown block on the left (sure foreground, x < 40) with a band beside it (40 ≤ x < 50), and a strand of
 * coverage 0.4 along row 60 from the band out to x = strandEnd over a background `background(x, y)`.
 */
function strandScene(
  background: (x: number, y: number) => [number, number, number],
  strandEnd: number,
): { image: InterleavedF32; trimap: Trimap } {
  const colour = new Float32Array(W * H * 3);
  const tri = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      const b = background(x, y);
      const a = x < 40 ? 1 : y === 60 && x < strandEnd ? 0.4 : 0;
      for (let c = 0; c < 3; c++) colour[i * 3 + c] = a * FOREGROUND[c] + (1 - a) * b[c];
      tri[i] = x < 40 ? 255 : x < 50 ? 128 : 0;
    }
  }
  return {
    image: { data: colour, width: W, height: H, channels: 3 },
    trimap: { data: tri, width: W, height: H },
  };
}

const smooth = (x: number, y: number): [number, number, number] => [0.8 - x / 800, 0.85 - y / 900, 0.9];

test('a strand running out of the band over a smooth background becomes unknown, the background stays sure', () => {
  const { image, trimap } = strandScene(smooth, 130);
  // Reach enough for 80 px (the default, 8 % of the diagonal, is 16 steps here).
  const added = growUnknownAlongStrands(image, trimap, { reach: 0.5 });
  for (let x = 50; x < 130; x++) assert.equal(trimap.data[60 * W + x], 128, `strand pixel x = ${x}`);
  // The strand and its 8 neighbours (context for the 3×3 windows), nothing else.
  assert.equal(added, 3 * (131 - 50));
  assert.equal(trimap.data[40 * W + 100], 0);
  assert.equal(trimap.data[60 * W + 140], 0);
});

test('growth stops after `reach` steps (a fraction of the diagonal)', () => {
  const { image, trimap } = strandScene(smooth, 150);
  const diagonal = Math.hypot(W, H);
  // 10 steps of up to 2 px each from the band's edge pixel at x = 49.
  growUnknownAlongStrands(image, trimap, { reach: 10 / diagonal });
  assert.equal(trimap.data[60 * W + 69], 128);
  assert.equal(trimap.data[60 * W + 75], 0);
});

test('a noisy or textured background with no strand gains almost nothing', () => {
  const random = mulberry32(5);
  const noise = new Float32Array(W * H * 3).map(() => (random() - 0.5) * 0.12);
  const noisy = (x: number, y: number): [number, number, number] => {
    const i = (y * W + x) * 3;
    const wave = 0.1 * Math.sin(x / 3) * Math.cos(y / 4);
    return [0.6 + wave + noise[i], 0.7 + noise[i + 1], 0.65 - wave + noise[i + 2]];
  };
  const { image, trimap } = strandScene(noisy, 0);
  const added = growUnknownAlongStrands(image, trimap);
  const background = W * H - 50 * H;
  assert.ok(added < 0.01 * background, `${added} of ${background} background pixels taken in`);
});

test('the strand is followed where it crosses a like-coloured pixel (steps of 2 px)', () => {
  const { image, trimap } = strandScene(smooth, 130);
  // Erase the strand at one pixel: with single-pixel steps the growth would end there.
  const i = (60 * W + 90) * 3;
  const b = smooth(90, 60);
  for (let c = 0; c < 3; c++) image.data[i + c] = b[c];
  const short = structuredClone(trimap);
  growUnknownAlongStrands(image, short, { step: 1, reach: 0.5 });
  assert.equal(short.data[60 * W + 89], 128);
  assert.equal(short.data[60 * W + 100], 0);
  growUnknownAlongStrands(image, trimap, { reach: 0.5 });
  assert.equal(trimap.data[60 * W + 100], 128);
});

test('rejects an image and trimap of different sizes, and non-RGB images', () => {
  const { image, trimap } = strandScene(smooth, 100);
  assert.throws(
    () => growUnknownAlongStrands(image, { data: new Uint8Array(4), width: 2, height: 2 }),
    /160×120 and trimap 2×2 differ/,
  );
  assert.throws(
    () => growUnknownAlongStrands({ ...image, channels: 1, data: new Float32Array(W * H) }, trimap),
    /need RGB/,
  );
});

test('the cascade recovers stray hairs the network-like mask lost: lower SAD than without the growth', async () => {
  const scene = generateScene({ width: 400, height: 300, seed: 4, subject: 'hair', background: 'gradient' });
  const mask = networkLikeMask(scene.alpha);
  const grown = await refineMask(scene.image, mask, { foreground: false });
  const plain = await refineMask(scene.image, mask, { foreground: false, strands: false });
  const before = trimapFromProbability(mask);
  let taken = 0;
  let truth = 0;
  for (let i = 0; i < before.data.length; i++) {
    if (before.data[i] === 0 && grown.trimap!.data[i] === 128) {
      taken++;
      truth += scene.alpha.data[i];
    }
  }
  assert.ok(taken > 0 && truth / taken > 0.05, `${taken} pixels taken in, mean true α ${truth / taken}`);
  const withGrowth = sadError(grown.alpha, scene.alpha);
  const without = sadError(plain.alpha, scene.alpha);
  assert.ok(
    withGrowth < 0.97 * without,
    `SAD ${withGrowth.toFixed(3)} with the growth vs ${without.toFixed(3)}`,
  );
});
