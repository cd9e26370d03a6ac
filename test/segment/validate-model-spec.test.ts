import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateModelSpec } from '../../src/segment/validate-model-spec.ts';

test('a minimal spec gets the documented defaults', () => {
  const spec = validateModelSpec({ id: 'mine', input: { size: [320, 240] } });
  assert.deepEqual(spec, {
    id: 'mine',
    input: {
      size: { kind: 'fixed', width: 320, height: 240 },
      layout: 'NCHW',
      channelOrder: 'RGB',
      scaling: 'unit',
      mean: [0, 0, 0],
      std: [1, 1, 1],
      resize: 'auto',
      fit: 'squash',
    },
    output: { channel: 0, activation: 'auto', minMax: false },
  });
});

test('every field is read, and sizes come in three spellings', () => {
  const spec = validateModelSpec({
    id: 'full',
    input: {
      name: 'data',
      size: { shortEdge: 512, multiple: 32 },
      layout: 'NHWC',
      channelOrder: 'BGR',
      scaling: 'byte',
      mean: [1, 2, 3],
      std: 4,
      resize: 'bilinear',
      fit: 'letterbox',
      padValue: 0.5,
    },
    output: { name: 'prob', layout: 'NCHW', channel: 1, activation: 'sigmoid', minMax: true },
  });
  assert.deepEqual(spec.input, {
    name: 'data',
    size: { kind: 'dynamic', shortEdge: 512, multiple: 32 },
    layout: 'NHWC',
    channelOrder: 'BGR',
    scaling: 'byte',
    mean: [1, 2, 3],
    std: [4, 4, 4],
    resize: 'bilinear',
    fit: 'letterbox',
    padValue: 0.5,
  });
  assert.deepEqual(spec.output, {
    name: 'prob',
    layout: 'NCHW',
    channel: 1,
    activation: 'sigmoid',
    minMax: true,
  });
  assert.deepEqual(validateModelSpec({ id: 'a', input: { size: { width: 8, height: 6 } } }).input.size, {
    kind: 'fixed',
    width: 8,
    height: 6,
  });
});

test('the id can come from the file name', () => {
  assert.equal(validateModelSpec({ input: { size: [8, 8] } }, { defaultId: 'my-net' }).id, 'my-net');
});

test('mistakes name the field and what was expected', () => {
  const bad: [unknown, RegExp][] = [
    [null, /\(root\): must be an object/],
    [{ id: 'x' }, /input: must be an object/],
    [{ id: 'x', input: {} }, /input\.size: expected \[width, height\]/],
    [{ id: 'x', input: { size: [0, 8] } }, /input\.size\[0\]: expected a positive integer, got 0/],
    [
      { id: 'x', input: { size: [8, 8], layout: 'CHW' } },
      /input\.layout: expected one of NCHW, NHWC, got "CHW"/,
    ],
    [{ id: 'x', input: { size: [8, 8], std: [1, 0, 1] } }, /input\.std: must not contain 0/],
    [{ id: 'x', input: { size: [8, 8], mean: [1, 2] } }, /input\.mean: expected three finite numbers/],
    [
      { id: 'x', input: { size: [8, 8], scaling: 'max255' } },
      /input\.scaling: expected one of unit, max, byte/,
    ],
    [{ id: 'x', input: { size: [8, 8], chanelOrder: 'BGR' } }, /input\.chanelOrder: unknown field/],
    [
      { id: 'x', input: { size: [8, 8] }, output: { activation: 'softmax' } },
      /output\.activation: expected one of none, sigmoid, auto/,
    ],
    [
      { id: 'x', input: { size: [8, 8] }, output: { channel: -1 } },
      /output\.channel: expected an integer ≥ 0/,
    ],
    [
      { id: 'x', input: { size: [8, 8] }, output: { minMax: 'yes' } },
      /output\.minMax: expected true or false/,
    ],
    [{ id: 'a b', input: { size: [8, 8] } }, /id: expected a name made of letters/],
    [{ id: 'x', input: { size: [8, 8], padValue: 2 } }, /input\.padValue: expected a number in \[0, 1\]/],
  ];
  for (const [value, message] of bad) {
    assert.throws(
      () => validateModelSpec(value, { source: 'spec.json' }),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'CUTOUT_E_MODEL_INVALID');
        assert.match(error.message, /^spec\.json: model spec /);
        assert.match(error.message, message);
        return true;
      },
    );
  }
});
