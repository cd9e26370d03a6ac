import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  countUnknown,
  downsampleTrimap,
  narrowTrimap,
  solveCoarseToFine,
} from '../../src/matting/coarse-to-fine.ts';
import { estimateAlphaClosedForm } from '../../src/matting/estimate-alpha-cf.ts';
import { evaluateMatte } from '../../src/metrics/index.ts';
import { generateScene } from '../../src/synth/index.ts';
import { trimapFromAlpha } from '../../src/trimap/trimap-from-alpha.ts';

test('downsampleTrimap keeps a coarse pixel sure only when all four pixels agree', () => {
  const trimap = {
    data: new Uint8Array([0, 0, 255, 255, 0, 0, 255, 128, 0, 255, 255, 255, 0, 255, 255, 255]),
    width: 4,
    height: 4,
  };
  assert.deepEqual([...downsampleTrimap(trimap, 2, 2).data], [0, 128, 128, 255]);
});

test('narrowTrimap makes confident band pixels known and keeps the unsure ones and their surroundings', () => {
  const width = 20;
  const trimap = { data: new Uint8Array(width).fill(128), width, height: 1 };
  trimap.data[0] = 0;
  trimap.data[19] = 255;
  const alpha = new Float32Array(width);
  for (let x = 0; x < width; x++) alpha[x] = x < 9 ? 0 : x > 10 ? 1 : 0.5;
  const narrow = narrowTrimap(trimap, { data: alpha, width, height: 1 }, { keepRadius: 2 });
  assert.deepEqual(
    [...narrow.data],
    [0, 0, 0, 0, 0, 0, 0, 128, 128, 128, 128, 128, 128, 255, 255, 255, 255, 255, 255, 255],
  );
});

test('a wide band is solved coarse to fine: far fewer unknowns at full size, the same quality', async () => {
  const scene = generateScene({ width: 320, height: 240, seed: 8, subject: 'shapes', background: 'texture' });
  const trimap = trimapFromAlpha(scene.alpha, 20);
  const solve = async (image: typeof scene.image, t: typeof trimap) => estimateAlphaClosedForm(image, t);
  const direct = await solve(scene.image, trimap);
  const cascade = await solveCoarseToFine(scene.image, trimap, solve, { minUnknown: 5000 });
  assert.ok(cascade.levels >= 2);
  assert.ok(countUnknown(cascade.trimap) < 0.5 * countUnknown(trimap), 'the full-size band is narrowed');
  const directSad = evaluateMatte(direct.alpha, scene.alpha, trimap).sad;
  const cascadeSad = evaluateMatte(cascade.alpha, scene.alpha, trimap).sad;
  assert.ok(cascadeSad < 1.1 * directSad + 0.05, `coarse to fine ${cascadeSad} vs direct ${directSad}`);
});
