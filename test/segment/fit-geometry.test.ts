import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  computeModelTransform,
  modelInputSize,
  resolveResizeMethod,
} from '../../src/segment/fit-geometry.ts';
import type { InputSpec } from '../../src/segment/model-spec.ts';

const base: InputSpec = {
  size: { kind: 'fixed', width: 320, height: 320 },
  layout: 'NCHW',
  channelOrder: 'RGB',
  scaling: 'unit',
  mean: [0, 0, 0],
  std: [1, 1, 1],
  resize: 'auto',
  fit: 'squash',
};

test('dynamic size: short edge to the target, long edge in proportion, both down to the multiple', () => {
  const modnet = { kind: 'dynamic', shortEdge: 512, multiple: 32 } as const;
  // 1920×1080: scale 512/1080, long edge round(910.2) = 910 → 896; short edge exactly 512.
  assert.deepEqual(modelInputSize(1920, 1080, modnet), [896, 512]);
  assert.deepEqual(modelInputSize(1080, 1920, modnet), [512, 896]);
  // A small image is enlarged: 100×50 → 1024×512.
  assert.deepEqual(modelInputSize(100, 50, modnet), [1024, 512]);
  // Never below one multiple.
  assert.deepEqual(modelInputSize(1000, 10, { kind: 'dynamic', shortEdge: 4, multiple: 8 }), [400, 8]);
  assert.deepEqual(modelInputSize(5, 7, { kind: 'fixed', width: 3, height: 2 }), [3, 2]);
});

test('squash: the image fills the whole tensor', () => {
  const t = computeModelTransform(1920, 1080, base);
  assert.deepEqual(t, {
    imageWidth: 1920,
    imageHeight: 1080,
    modelWidth: 320,
    modelHeight: 320,
    content: { x: 0, y: 0, width: 320, height: 320 },
  });
});

test('letterbox: aspect kept, centred, by hand-worked values', () => {
  const letterbox = { ...base, fit: 'letterbox' as const };
  // 1920×1080 into 320²: scale 1/6 → 320×180, top = floor(140/2) = 70.
  assert.deepEqual(computeModelTransform(1920, 1080, letterbox).content, {
    x: 0,
    y: 70,
    width: 320,
    height: 180,
  });
  // Portrait 1080×1344 into 320²: scale 320/1344 → width round(257.14) = 257, left = floor(63/2) = 31.
  assert.deepEqual(computeModelTransform(1080, 1344, letterbox).content, {
    x: 31,
    y: 0,
    width: 257,
    height: 320,
  });
  // A 5×2 image into 4×4: scale 0.8 → 4 × round(1.6) = 4×2 at y = 1.
  const small = { ...letterbox, size: { kind: 'fixed' as const, width: 4, height: 4 } };
  assert.deepEqual(computeModelTransform(5, 2, small).content, { x: 0, y: 1, width: 4, height: 2 });
  // A 1000×1 line keeps at least one row.
  assert.deepEqual(computeModelTransform(1000, 1, small).content, { x: 0, y: 1, width: 4, height: 1 });
});

test('invalid image sizes are refused', () => {
  assert.throws(() => computeModelTransform(0, 10, base), /image is 0×10/);
  assert.throws(() => computeModelTransform(2.5, 10, base), /image is 2.5×10/);
});

test('auto kernel: area when the picture shrinks, bilinear when it grows or keeps its size', () => {
  assert.equal(resolveResizeMethod('auto', 100, 100, 50, 50), 'area');
  assert.equal(resolveResizeMethod('auto', 50, 50, 100, 100), 'bilinear');
  assert.equal(resolveResizeMethod('auto', 50, 50, 50, 50), 'bilinear');
  assert.equal(resolveResizeMethod('bilinear', 100, 100, 50, 50), 'bilinear');
  assert.equal(resolveResizeMethod('area', 50, 50, 100, 100), 'area');
});
