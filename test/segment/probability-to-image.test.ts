import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PlaneF32 } from '../../src/core/image.ts';
import { resizePlane } from '../../src/core/resize-plane.ts';
import type { ModelTransform } from '../../src/segment/model-spec.ts';
import { probabilityToImage } from '../../src/segment/probability-to-image.ts';

function plane(width: number, height: number, value: (x: number, y: number) => number): PlaneF32 {
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = value(x, y);
  return { data, width, height };
}

test('squash at the image size: a copy, not the same array', () => {
  const p = plane(3, 2, (x, y) => (x + 3 * y) / 10);
  const t: ModelTransform = {
    imageWidth: 3,
    imageHeight: 2,
    modelWidth: 3,
    modelHeight: 2,
    content: { x: 0, y: 0, width: 3, height: 2 },
  };
  const out = probabilityToImage(p, t);
  assert.deepEqual([...out.data], [...p.data]);
  assert.notEqual(out.data, p.data);
});

test('letterbox: padding is cropped away exactly, then the content is resized to the image', () => {
  // Model 6×6; content 6×2 at y = 2; padding rows hold a sentinel 1 that must never reach the image.
  const t: ModelTransform = {
    imageWidth: 12,
    imageHeight: 4,
    modelWidth: 6,
    modelHeight: 6,
    content: { x: 0, y: 2, width: 6, height: 2 },
  };
  const p = plane(6, 6, (x, y) => (y < 2 || y >= 4 ? 1 : (x + 6 * (y - 2)) / 20));
  const content = plane(6, 2, (x, y) => (x + 6 * y) / 20);
  const out = probabilityToImage(p, t);
  assert.equal(out.width, 12);
  assert.equal(out.height, 4);
  assert.deepEqual([...out.data], [...resizePlane(content, 12, 4, 'bilinear').data]);
  assert.ok(Math.max(...out.data) <= 11 / 20 + 1e-6, 'no padding leaked into the image');
});

test('letterbox with a horizontal offset', () => {
  const t: ModelTransform = {
    imageWidth: 2,
    imageHeight: 4,
    modelWidth: 4,
    modelHeight: 4,
    content: { x: 1, y: 0, width: 2, height: 4 },
  };
  const p = plane(4, 4, (x, y) => (x === 0 || x === 3 ? 1 : (x - 1 + 2 * y) / 10));
  const out = probabilityToImage(p, t);
  assert.deepEqual(
    [...out.data],
    [0, 1, 2, 3, 4, 5, 6, 7].map((v) => Math.fround(v / 10)),
  );
});

test('shrinking back uses area by default; a kernel can be forced', () => {
  const t: ModelTransform = {
    imageWidth: 3,
    imageHeight: 3,
    modelWidth: 9,
    modelHeight: 9,
    content: { x: 0, y: 0, width: 9, height: 9 },
  };
  const p = plane(9, 9, (x, y) => ((x * 7 + y * 3) % 10) / 10);
  assert.deepEqual([...probabilityToImage(p, t).data], [...resizePlane(p, 3, 3, 'area').data]);
  assert.deepEqual(
    [...probabilityToImage(p, t, 'bilinear').data],
    [...resizePlane(p, 3, 3, 'bilinear').data],
  );
});

test('an output at half the model resolution is first brought onto the model grid', () => {
  const t: ModelTransform = {
    imageWidth: 8,
    imageHeight: 8,
    modelWidth: 4,
    modelHeight: 4,
    content: { x: 0, y: 0, width: 4, height: 4 },
  };
  const half = plane(2, 2, (x, y) => (x + 2 * y) / 4);
  const onGrid = resizePlane(half, 4, 4, 'bilinear');
  const want = resizePlane(onGrid, 8, 8, 'bilinear');
  assert.deepEqual([...probabilityToImage(half, t).data], [...want.data]);
});

test('results stay inside [0, 1]', () => {
  const t: ModelTransform = {
    imageWidth: 17,
    imageHeight: 13,
    modelWidth: 5,
    modelHeight: 5,
    content: { x: 0, y: 0, width: 5, height: 5 },
  };
  const p = plane(5, 5, (x, y) => ((x + y) % 2 === 0 ? 1 : 0));
  const out = probabilityToImage(p, t);
  assert.ok(out.data.every((v) => v >= 0 && v <= 1));
});
