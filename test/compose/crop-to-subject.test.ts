import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addMargin, cropRectangle, parseMargin, subjectBounds } from '../../src/compose/crop-to-subject.ts';
import type { PlaneF32 } from '../../src/core/image.ts';
import { cropInterleaved, cropPlane } from '../../src/core/rect.ts';

function alpha(width: number, height: number, set: [number, number, number][]): PlaneF32 {
  const data = new Float32Array(width * height);
  for (const [x, y, v] of set) data[y * width + x] = v;
  return { data, width, height };
}

test('the bounding box holds every pixel above the threshold and nothing of the faint haze', () => {
  const a = alpha(20, 10, [
    [3, 2, 1],
    [12, 7, 0.5],
    [15, 9, 0.04], // haze: at or below 0.05, not subject
  ]);
  assert.deepEqual(subjectBounds(a), { x0: 3, y0: 2, x1: 13, y1: 8 });
  assert.equal(subjectBounds(alpha(4, 4, [])), undefined);
});

test('margins in pixels and in % of the larger side, clipped to the image', () => {
  const bounds = { x0: 10, y0: 20, x1: 30, y1: 60 }; // 20 × 40
  assert.deepEqual(addMargin(bounds, { pixels: 5 }, 100, 100), { x0: 5, y0: 15, x1: 35, y1: 65 });
  assert.deepEqual(addMargin(bounds, { fraction: 0.1 }, 100, 100), { x0: 6, y0: 16, x1: 34, y1: 64 });
  assert.deepEqual(addMargin(bounds, { pixels: 50 }, 100, 70), { x0: 0, y0: 0, x1: 80, y1: 70 });
  assert.deepEqual(parseMargin('20px'), { pixels: 20 });
  assert.deepEqual(parseMargin('20'), { pixels: 20 });
  assert.deepEqual(parseMargin('5%'), { fraction: 0.05 });
  assert.throws(() => parseMargin('5em'), { code: 'CUTOUT_E_INVALID_OPTION' });
});

test('crops planes and images to the rectangle; no subject keeps the whole image', () => {
  const a = alpha(6, 5, [
    [2, 1, 1],
    [3, 3, 0.7],
  ]);
  const rect = cropRectangle(a);
  const plane = cropPlane(a, rect);
  assert.deepEqual([plane.width, plane.height, [...plane.data]], [2, 3, [1, 0, 0, 0, 0, a.data[3 * 6 + 3]]]);
  const image = {
    data: Float32Array.from({ length: 6 * 5 * 3 }, (_, i) => i),
    width: 6,
    height: 5,
    channels: 3,
  };
  const cut = cropInterleaved(image, rect);
  assert.deepEqual(
    [...cut.data.subarray(0, 6)],
    [(1 * 6 + 2) * 3, (1 * 6 + 2) * 3 + 1, (1 * 6 + 2) * 3 + 2, 27, 28, 29],
  );
  assert.deepEqual(cropRectangle(alpha(4, 3, [])), { x0: 0, y0: 0, x1: 4, y1: 3 });
});
