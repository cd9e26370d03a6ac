import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cropInterleaved, cropPlane, cropTrimap, expandRect, type Rect } from '../../src/core/rect.ts';
import { mulberry32, randomF32 } from './random.ts';

const W = 23;
const H = 17;
const random = mulberry32(5);
const image = { data: randomF32(random, W * H * 3), width: W, height: H, channels: 3 };
const plane = { data: randomF32(random, W * H), width: W, height: H };
const trimap = {
  data: Uint8Array.from({ length: W * H }, () => Math.floor(random() * 256)),
  width: W,
  height: H,
};

/** Brute force: pixel (x, y) of the crop is pixel (x0 + x, y0 + y) of the source. */
function expected(data: ArrayLike<number>, channels: number, rect: Rect): number[] {
  const out: number[] = [];
  for (let y = rect.y0; y < rect.y1; y++)
    for (let x = rect.x0; x < rect.x1; x++)
      for (let c = 0; c < channels; c++) out.push(data[(y * W + x) * channels + c]);
  return out;
}

test('crops copy the rectangle, row by row, for images, planes and trimaps', () => {
  const rect = { x0: 3, y0: 2, x1: 20, y1: 11 };
  const crop = cropInterleaved(image, rect);
  assert.deepEqual([crop.width, crop.height, crop.channels], [17, 9, 3]);
  assert.deepEqual([...crop.data], expected(image.data, 3, rect));
  assert.deepEqual([...cropPlane(plane, rect).data], expected(plane.data, 1, rect));
  assert.deepEqual([...cropTrimap(trimap, rect).data], expected(trimap.data, 1, rect));
});

test('a crop into a reused buffer is a view of its start when the buffer is long enough', () => {
  const into = new Float32Array(W * H * 3).fill(-1);
  const bytes = new Uint8Array(W * H);
  // Two different crops one after the other into the same memory, as a worker does tile after tile.
  for (const rect of [
    { x0: 0, y0: 0, x1: 10, y1: 12 },
    { x0: 5, y0: 4, x1: 23, y1: 17 },
  ]) {
    const crop = cropInterleaved(image, rect, into);
    assert.equal(crop.data.buffer, into.buffer);
    assert.equal(crop.data.length, (rect.x1 - rect.x0) * (rect.y1 - rect.y0) * 3);
    assert.deepEqual([...crop.data], expected(image.data, 3, rect));
    const t = cropTrimap(trimap, rect, bytes);
    assert.equal(t.data.buffer, bytes.buffer);
    assert.deepEqual([...t.data], expected(trimap.data, 1, rect));
  }
  // Too short: a new array, the buffer untouched.
  const small = new Float32Array(4).fill(-1);
  const rect = { x0: 1, y0: 1, x1: 4, y1: 4 };
  const crop = cropPlane(plane, rect, small);
  assert.notEqual(crop.data.buffer, small.buffer);
  assert.deepEqual([...crop.data], expected(plane.data, 1, rect));
  assert.deepEqual([...small], [-1, -1, -1, -1]);
});

test('expandRect grows on every side and clips to the image', () => {
  assert.deepEqual(expandRect({ x0: 2, y0: 5, x1: 10, y1: 8 }, 3, W, H), { x0: 0, y0: 2, x1: 13, y1: 11 });
  assert.deepEqual(expandRect({ x0: 0, y0: 0, x1: W, y1: H }, 4, W, H), { x0: 0, y0: 0, x1: W, y1: H });
});
