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

test('foreground colours on the pool equal the ones estimated here, tile by tile around the fractional pixels', async () => {
  const big = generateScene({ width: 300, height: 220, seed: 9, subject: 'hair', background: 'texture' });
  const bigTrimap = trimapFromAlpha(big.alpha, 4);
  const local = await matteImage(big.image, bigTrimap, { method: 'cf', coarseToFine: false });
  const pooled = await matteImage(big.image, bigTrimap, {
    method: 'cf',
    coarseToFine: false,
    ...pool.solvers('cf'),
  });
  assert.deepEqual(pooled.alpha.data, local.alpha.data);
  assert.deepEqual(pooled.foreground!.data, local.foreground!.data);
  // Where α is 0 or 1 the colour is the photo's own; the fractional pixels took an estimate.
  let estimated = 0;
  for (let i = 0; i < local.alpha.data.length; i++) {
    const a = local.alpha.data[i];
    if (a > 0 && a < 1) estimated += local.foreground!.data[3 * i] !== big.image.data[3 * i] ? 1 : 0;
    else assert.equal(local.foreground!.data[3 * i], big.image.data[3 * i]);
  }
  assert.ok(estimated > 100, `${estimated} fractional pixels took an estimated colour`);
  // A crop sent on its own is handed over, and a bad one fails with a clear error.
  const f = await pool.foreground(
    { ...big.image, data: big.image.data.slice() },
    { ...big.alpha, data: big.alpha.data.slice() },
  );
  assert.equal(f.width, big.image.width);
  await assert.rejects(
    pool.foreground(
      { ...big.image, data: new Float32Array(30) },
      { data: new Float32Array(5), width: 5, height: 1 },
    ),
    /alpha is 5×1/,
  );
});
