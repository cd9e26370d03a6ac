/**
 * The refine pool solves tiles exactly as this thread does, image after image: its workers keep their crop
 * buffers and factor storage from tile to tile and let go of them when the pool has nothing more for them,
 * and none of that may leak from one tile or image into the next.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { RefinePool } from '../../src/pipeline/refine-pool.ts';
import { refineAlphaTiled } from '../../src/refine/refine-tiled.ts';
import { generateScene } from '../../src/synth/index.ts';
import { trimapFromProbability } from '../../src/trimap/trimap-from-probability.ts';
import { networkLikeMask } from '../refine/network-like-mask.ts';

const pool = new RefinePool(2);
after(() => pool.close());

test('tiles solved on the pool equal tiles solved here, across images of different sizes', async () => {
  const scenes = [
    generateScene({ width: 260, height: 190, seed: 3, subject: 'hair', background: 'busy' }),
    generateScene({ width: 150, height: 120, seed: 4, subject: 'shapes', background: 'texture' }),
  ];
  // Twice over: the second round runs on workers that already solved (and released) larger tiles.
  for (const round of [0, 1]) {
    for (const scene of scenes) {
      const probability = networkLikeMask(scene.alpha);
      const trimap = trimapFromProbability(probability);
      const options = { tiles: { tileSize: 64, margin: 16 } };
      const here = await refineAlphaTiled(scene.image, trimap, probability, options);
      const pooled = await refineAlphaTiled(scene.image, trimap, probability, {
        ...options,
        solveTile: pool.solveTile,
      });
      const label = `round ${round}, ${scene.image.width}×${scene.image.height}`;
      assert.ok(here.tiles.length >= 6, `${label}: ${here.tiles.length} tiles`);
      assert.deepEqual(pooled.alpha.data, here.alpha.data, `${label}: alpha`);
      assert.deepEqual(pooled.foreground?.data, here.foreground?.data, `${label}: foreground`);
    }
  }
});

test('the trimap made in strips on the pool equals the one made here, and lands in shared memory', async () => {
  const scene = generateScene({ width: 230, height: 170, seed: 6, subject: 'glass', background: 'texture' });
  const probability = networkLikeMask(scene.alpha);
  for (const options of [{}, { band: 0.03, unsureGrowth: 0.01 }]) {
    const here = trimapFromProbability(probability, options);
    const pooled = await pool.trimap(probability, options);
    assert.deepEqual(pooled.data, here.data, JSON.stringify(options));
    assert.ok(pooled.data.buffer instanceof SharedArrayBuffer);
  }
});
