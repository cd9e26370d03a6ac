import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { OutputSpec } from '../../src/segment/model-spec.ts';
import { outputShape, tensorToProbability } from '../../src/segment/tensor-to-probability.ts';

const plain: OutputSpec = { channel: 0, activation: 'none', minMax: false };
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
const f32 = (values: number[]) => Float32Array.from(values);

describe('tensorToProbability', () => {
  test('channel pick in NCHW: channel 1 of a two-class softmax', () => {
    // [1, 2, 1, 3]: background plane then foreground plane.
    const out = tensorToProbability(
      { data: f32([0.9, 0.8, 0.1, 0.1, 0.2, 0.9]), dims: [1, 2, 1, 3] },
      { ...plain, channel: 1 },
      'NCHW',
    );
    assert.deepEqual([...out.data], [0.1, 0.2, 0.9].map(Math.fround));
    assert.equal(out.width, 3);
    assert.equal(out.height, 1);
  });

  test('channel pick in NHWC: channels interleaved', () => {
    const out = tensorToProbability(
      { data: f32([0.9, 0.1, 0.8, 0.2, 0.1, 0.9]), dims: [1, 1, 3, 2] },
      { ...plain, channel: 1 },
      'NHWC',
    );
    assert.deepEqual([...out.data], [0.1, 0.2, 0.9].map(Math.fround));
  });

  test('rank 2 and rank 3 outputs', () => {
    assert.deepEqual(outputShape([4, 5], 'NCHW'), { channels: 1, height: 4, width: 5 });
    assert.deepEqual(outputShape([2, 4, 5], 'NCHW'), { channels: 2, height: 4, width: 5 });
    assert.deepEqual(outputShape([4, 5, 2], 'NHWC'), { channels: 2, height: 4, width: 5 });
    const out = tensorToProbability({ data: f32([0.25, 0.5]), dims: [1, 2] }, plain, 'NCHW');
    assert.deepEqual([...out.data], [0.25, 0.5]);
  });

  test('sigmoid is applied exactly', () => {
    const logits = [-3, -0.5, 0, 2, 7];
    const out = tensorToProbability(
      { data: f32(logits), dims: [1, 1, 1, 5] },
      { ...plain, activation: 'sigmoid' },
      'NCHW',
    );
    for (const [i, v] of logits.entries()) assert.equal(out.data[i], Math.fround(sigmoid(Math.fround(v))));
  });

  test('auto: values inside [0, 1] are left alone; one value outside means logits, so all get the sigmoid', () => {
    const inside = tensorToProbability(
      { data: f32([0, 0.3, 1]), dims: [3, 1] },
      { ...plain, activation: 'auto' },
      'NCHW',
    );
    assert.deepEqual([...inside.data], [0, 0.3, 1].map(Math.fround));
    const logits = tensorToProbability(
      { data: f32([0, 0.3, 1.5]), dims: [3, 1] },
      { ...plain, activation: 'auto' },
      'NCHW',
    );
    assert.deepEqual(
      [...logits.data],
      [0, 0.3, 1.5].map((v) => Math.fround(sigmoid(Math.fround(v)))),
    );
    const negative = tensorToProbability(
      { data: f32([-0.01, 0.5]), dims: [2, 1] },
      { ...plain, activation: 'auto' },
      'NCHW',
    );
    assert.equal(negative.data[1], Math.fround(sigmoid(0.5)));
  });

  test('min–max stretches to [0, 1]; a constant map is kept, not turned into NaN', () => {
    const out = tensorToProbability(
      { data: f32([0.2, 0.4, 0.6]), dims: [3, 1] },
      { ...plain, minMax: true },
      'NCHW',
    );
    const [a, b, c] = out.data;
    assert.equal(a, 0);
    assert.ok(Math.abs(b - 0.5) < 1e-6);
    assert.equal(c, 1);
    const flat = tensorToProbability(
      { data: f32([0.7, 0.7]), dims: [2, 1] },
      { ...plain, minMax: true },
      'NCHW',
    );
    assert.deepEqual([...flat.data], [0.7, 0.7].map(Math.fround));
  });

  test('sigmoid then min–max (BiRefNet in rembg)', () => {
    const logits = [-2, 0, 2];
    const out = tensorToProbability(
      { data: f32(logits), dims: [3, 1] },
      { ...plain, activation: 'sigmoid', minMax: true },
      'NCHW',
    );
    const s = logits.map(sigmoid);
    const want = s.map((v) => (v - s[0]) / (s[2] - s[0]));
    for (const [i, v] of out.data.entries()) assert.ok(Math.abs(v - want[i]) < 1e-6, `${v} vs ${want[i]}`);
  });

  test('without activation, values outside [0, 1] are clamped', () => {
    const out = tensorToProbability({ data: f32([-0.2, 0.5, 1.3]), dims: [3, 1] }, plain, 'NCHW');
    assert.deepEqual([...out.data], [0, 0.5, 1]);
  });

  test('clear errors: channel out of range, batch > 1, NaN, data that does not match the dims', () => {
    const data = f32([0, 0, 0, 0]);
    assert.throws(() => tensorToProbability({ data, dims: [1, 2, 1, 2] }, { ...plain, channel: 2 }, 'NCHW'), {
      code: 'CUTOUT_E_MODEL_INVALID',
      message: /picks output channel 2 but the output has 2 channel/,
    });
    assert.throws(() => tensorToProbability({ data, dims: [2, 1, 1, 2] }, plain, 'NCHW'), /batch of 2/);
    assert.throws(
      () => tensorToProbability({ data: f32([0, Number.NaN]), dims: [2, 1] }, plain, 'NCHW'),
      /NaN/,
    );
    assert.throws(() => tensorToProbability({ data, dims: [1, 1, 3, 3] }, plain, 'NCHW'), /holds 4 values/);
    assert.throws(() => tensorToProbability({ data, dims: [4] }, plain, 'NCHW'), /1 dimensions/);
  });
});
