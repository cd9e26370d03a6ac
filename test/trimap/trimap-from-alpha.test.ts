import assert from 'node:assert/strict';
import { test } from 'node:test';
import { trimapFromAlpha } from '../../src/trimap/trimap-from-alpha.ts';

function alphaOf(width: number, height: number, value: (x: number, y: number) => number) {
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = value(x, y);
  return { data, width, height };
}

test('a hard vertical edge gives a band of 2r+1 columns (r each side of the step, plus the seed)', () => {
  const alpha = alphaOf(20, 3, (x) => (x < 10 ? 0 : 1));
  const trimap = trimapFromAlpha(alpha, 2);
  const row = [...trimap.data.subarray(0, 20)];
  // Seeds are x = 9 (its right neighbour differs); dilated by 2 → x = 7 … 11 unknown.
  assert.deepEqual(
    row,
    [0, 0, 0, 0, 0, 0, 0, 128, 128, 128, 128, 128, 255, 255, 255, 255, 255, 255, 255, 255],
  );
});

test('fractional pixels are always unknown, radius 0 keeps just them and the step', () => {
  const alpha = alphaOf(7, 1, (x) => [0, 0, 0.3, 0.7, 1, 1, 1][x]);
  assert.deepEqual([...trimapFromAlpha(alpha, 0).data], [0, 128, 128, 128, 255, 255, 255]);
});

test('all-background and all-foreground mattes have no unknown band', () => {
  assert.ok(
    trimapFromAlpha(
      alphaOf(5, 5, () => 0),
      3,
    ).data.every((v) => v === 0),
  );
  assert.ok(
    trimapFromAlpha(
      alphaOf(5, 5, () => 1),
      3,
    ).data.every((v) => v === 255),
  );
});
