/**
 * MattingPool.solveShared and matteImage's solveWhole: a non-local method's whole image goes to the worker in
 * shared memory, not handed over, so the caller's arrays stay usable and the answer is the in-thread one.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { estimateAlpha } from '../../src/matting/estimate-alpha.ts';
import { matteImage } from '../../src/pipeline/matte-image.ts';
import { MattingPool } from '../../src/pipeline/matting-pool.ts';
import { generateScene } from '../../src/synth/index.ts';
import { trimapFromAlpha } from '../../src/trimap/trimap-from-alpha.ts';

const pool = new MattingPool(1);
after(() => pool.close());

const scene = generateScene({ width: 64, height: 48, seed: 5, subject: 'shapes', background: 'texture' });
const trimap = trimapFromAlpha(scene.alpha, 3);

test('solveShared leaves the caller’s arrays whole and gives the in-thread answer', async () => {
  const image = { ...scene.image, data: scene.image.data.slice() };
  const mask = { ...trimap, data: trimap.data.slice() };
  const solved = await pool.solveShared(image, mask, { method: 'ifm' });
  // Neither detached (a transfer would leave them empty) nor written.
  assert.deepEqual(image.data, scene.image.data);
  assert.deepEqual(mask.data, trimap.data);
  const here = estimateAlpha(scene.image, trimap, { method: 'ifm' });
  assert.equal(solved.iterations, here.iterations);
  assert.deepEqual(solved.alpha.data, here.alpha.data);
  // Again with the same arrays (their shared copies are reused) and with arrays already in shared memory.
  const again = await pool.solveShared(image, mask, { method: 'ifm' });
  assert.deepEqual(again.alpha.data, here.alpha.data);
  const sharedData = new Float32Array(new SharedArrayBuffer(image.data.byteLength));
  sharedData.set(image.data);
  const fromShared = await pool.solveShared({ ...image, data: sharedData }, mask, { method: 'ifm' });
  assert.deepEqual(fromShared.alpha.data, here.alpha.data);
});

test('matteImage hands a non-local method’s whole image to solveWhole, a local method’s tiles to solveTile', async () => {
  for (const method of ['ifm', 'cf']) {
    const calls = { whole: 0, tile: 0 };
    const result = await matteImage(scene.image, trimap, {
      method,
      alphaOnly: true,
      coarseToFine: false,
      solveTile: (image, tile) => {
        calls.tile++;
        return pool.solve(image, tile, { method });
      },
      solveWhole: (image, tile) => {
        calls.whole++;
        assert.equal(image, scene.image, 'the image itself, not a copy');
        return pool.solveShared(image, tile, { method });
      },
    });
    const here = await matteImage(scene.image, trimap, { method, alphaOnly: true, coarseToFine: false });
    assert.deepEqual(calls, method === 'ifm' ? { whole: 1, tile: 0 } : { whole: 0, tile: calls.tile });
    if (method === 'cf') assert.ok(calls.tile >= 1);
    assert.equal(result.iterations, here.iterations);
    assert.deepEqual(result.alpha.data, here.alpha.data);
  }
});
