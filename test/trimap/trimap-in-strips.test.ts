import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateScene } from '../../src/synth/index.ts';
import { trimapFromProbability } from '../../src/trimap/trimap-from-probability.ts';
import { planTrimapStrips, trimapInStrips } from '../../src/trimap/trimap-in-strips.ts';
import { networkLikeMask } from '../refine/network-like-mask.ts';

test('a trimap made in strips equals the whole-image one, pixel for pixel', async () => {
  const cases = [
    { width: 160, height: 120, seed: 1, subject: 'hair', options: {} },
    { width: 97, height: 203, seed: 2, subject: 'shapes', options: { band: 0.03 } },
    {
      width: 120,
      height: 90,
      seed: 3,
      subject: 'glass',
      options: { unsureGrowth: 0.02, sureForeground: 0.9 },
    },
    { width: 64, height: 7, seed: 4, subject: 'mixed', options: { minBandPixels: 5 } },
  ] as const;
  for (const c of cases) {
    const scene = generateScene({ width: c.width, height: c.height, seed: c.seed, subject: c.subject });
    const probability = networkLikeMask(scene.alpha);
    probability.data[3] = Number.NaN;
    const whole = trimapFromProbability(probability, c.options);
    for (const count of [1, 2, 3, 5, 9]) {
      const strips = planTrimapStrips(c.width, c.height, count, c.options);
      assert.equal(strips[0].y0, 0);
      assert.equal(strips.at(-1)!.y1, c.height);
      const made = await trimapInStrips(probability, c.options, count);
      assert.deepEqual(made.data, whole.data, `${c.subject} ${c.width}×${c.height} in ${count} strips`);
    }
  }
});
