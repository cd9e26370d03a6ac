import assert from 'node:assert/strict';
import { test } from 'node:test';
import { flatColour } from '../../src/synth/colour-field.ts';
import { createMask } from '../../src/synth/coverage.ts';
import { createLayerStack, paintMask, paintPixel, resolveForeground } from '../../src/synth/layer-stack.ts';

test('layers composite front over back: α = 1 − Π(1 − cᵢ), F = the premultiplied mix / α', () => {
  const stack = createLayerStack(2, 1);
  const layers: Array<[number, [number, number, number]]> = [
    [0.5, [1, 0, 0]],
    [0.25, [0, 1, 0]],
    [0.4, [0, 0, 1]],
  ];
  for (const [c, rgb] of layers) paintPixel(stack, 0, c, ...rgb);
  const { alpha, foreground } = resolveForeground(stack);
  const expectedAlpha = 1 - 0.5 * 0.75 * 0.6;
  assert.ok(Math.abs(alpha.data[0] - expectedAlpha) < 1e-6);
  // Hand-computed: blue 0.4, green 0.25·0.6, red 0.5·0.75·0.6.
  const premult = [0.5 * 0.75 * 0.6, 0.25 * 0.6, 0.4];
  for (let k = 0; k < 3; k++) assert.ok(Math.abs(foreground.data[k] - premult[k] / expectedAlpha) < 1e-6);
  // Over any background the layers and the resolved (α, F) give the same picture.
  const b = [0.2, 0.7, 0.9];
  for (let k = 0; k < 3; k++) {
    let direct = b[k];
    for (const [c, rgb] of layers) direct = c * rgb[k] + (1 - c) * direct;
    const viaMatte = alpha.data[0] * foreground.data[k] + (1 - alpha.data[0]) * b[k];
    assert.ok(Math.abs(direct - viaMatte) < 1e-6);
  }
});

test('where nothing covers, F is the first layer colour extended; α stays 0', () => {
  const stack = createLayerStack(4, 3);
  const mask = createMask({ x0: 1, y0: 1, x1: 3, y1: 2 });
  mask.data.set([1, 0.5]);
  paintMask(stack, mask, flatColour([0.1, 0.2, 0.3]));
  const later = createMask({ x0: 0, y0: 0, x1: 1, y1: 1 });
  later.data[0] = 1;
  paintMask(stack, later, flatColour([0.9, 0.9, 0.9]));
  assert.deepEqual(stack.painted, { x0: 0, y0: 0, x1: 3, y1: 2 });
  const { alpha, foreground } = resolveForeground(stack);
  assert.deepEqual([...alpha.data], [1, 0, 0, 0, 0, 1, 0.5, 0, 0, 0, 0, 0]);
  for (const i of [1, 2, 3, 4, 7, 11]) {
    assert.deepEqual([...foreground.data.subarray(3 * i, 3 * i + 3)], [...new Float32Array([0.1, 0.2, 0.3])]);
  }
  assert.deepEqual([...foreground.data.subarray(0, 3)], [...new Float32Array([0.9, 0.9, 0.9])]);
});

test('masks partly outside the image are clipped', () => {
  const stack = createLayerStack(3, 3);
  const mask = createMask({ x0: -2, y0: 2, x1: 2, y1: 5 });
  mask.data.fill(1);
  paintMask(stack, mask, flatColour([1, 1, 1]));
  assert.deepEqual([...stack.alpha], [0, 0, 0, 0, 0, 0, 1, 1, 0]);
});
