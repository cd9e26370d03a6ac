import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  assertSolvableTrimap,
  parseTrimapThresholds,
  quantiseTrimap,
} from '../../src/trimap/quantise-trimap.ts';
import { trimapFromScribbles } from '../../src/trimap/trimap-from-scribbles.ts';

const plane = (values: number[]) => ({ data: new Uint8Array(values), width: values.length, height: 1 });

test('quantiseTrimap snaps resampled values with the two thresholds', () => {
  const t = quantiseTrimap(plane([0, 63, 64, 128, 192, 193, 255]), parseTrimapThresholds('64,192'));
  assert.deepEqual([...t.data], [0, 0, 128, 128, 128, 255, 255]);
  assert.throws(() => parseTrimapThresholds('64'), { code: 'CUTOUT_E_INVALID_OPTION' });
  assert.throws(() => quantiseTrimap(plane([0]), { low: 200, high: 100 }), {
    code: 'CUTOUT_E_INVALID_OPTION',
  });
});

test('a trimap without foreground or without background is refused, naming what is missing', () => {
  assert.throws(
    () => assertSolvableTrimap(plane([0, 128, 128]), 'x.png'),
    /x\.png: has no sure foreground \(255\)/,
  );
  assert.throws(() => assertSolvableTrimap(plane([255, 128])), /no sure background \(0\)/);
  assert.throws(() => assertSolvableTrimap(plane([128, 128])), /foreground \(255\) or background \(0\)/);
  assert.deepEqual(assertSolvableTrimap(plane([0, 128, 255, 255])), {
    background: 1,
    foreground: 2,
    unknown: 1,
  });
});

test('scribbles on a transparent layer: transparent = unknown, light stroke = fg, dark stroke = bg', () => {
  const colour = {
    data: new Float32Array([1, 1, 1, 0, 0, 0, 0.5, 0.5, 0.5, 0.9, 0.9, 0.9]),
    width: 4,
    height: 1,
    channels: 3,
  };
  const alpha = { data: new Float32Array([1, 1, 0, 0.2]), width: 4, height: 1 };
  assert.deepEqual([...trimapFromScribbles(colour, alpha).data], [255, 0, 128, 128]);
});

test('grey-coded scribbles (and an opaque alpha channel) read like a trimap', () => {
  const colour = { data: new Float32Array([1, 0, 128 / 255, 0.2]), width: 4, height: 1, channels: 1 };
  assert.deepEqual([...trimapFromScribbles(colour).data], [255, 0, 128, 128]);
  const opaque = { data: new Float32Array(4).fill(1), width: 4, height: 1 };
  assert.deepEqual([...trimapFromScribbles(colour, opaque).data], [255, 0, 128, 128]);
});
