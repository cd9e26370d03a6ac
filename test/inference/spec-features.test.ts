/**
 * Every spec feature through the real runtime, on tiny graphs whose function is known, checked exactly:
 * layout, channel order, scaling, mean/std, activation, channel pick, min–max, letterbox and the way back.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { InterleavedF32, PlaneF32 } from '../../src/core/image.ts';
import { resizeInterleaved, resizePlane } from '../../src/core/resize-plane.ts';
import { releaseSessions } from '../../src/inference/onnx-session.ts';
import { segment } from '../../src/inference/segment.ts';
import type { InputSpec, ModelSpec, OutputSpec } from '../../src/segment/model-spec.ts';
import { affine, halfResolution, identity, writeModel } from './tiny-onnx.ts';

/** value(x, y, k) = (1 + x + w·y + 5k) / (w·h + 11): distinct per sample, all in (0, 1). */
function ramp(width: number, height: number): InterleavedF32 {
  const data = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let k = 0; k < 3; k++)
        data[(y * width + x) * 3 + k] = (1 + x + width * y + 5 * k) / (width * height + 11);
  return { data, width, height, channels: 3 };
}

function channelOf(image: InterleavedF32, k: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < image.width * image.height; i++) out.push(image.data[i * 3 + k]);
  return out;
}

function spec(input: Partial<InputSpec>, output: Partial<OutputSpec> = {}): ModelSpec {
  return {
    id: 'tiny',
    input: {
      size: { kind: 'fixed', width: 5, height: 4 },
      layout: 'NCHW',
      channelOrder: 'RGB',
      scaling: 'unit',
      mean: [0, 0, 0],
      std: [1, 1, 1],
      resize: 'auto',
      fit: 'squash',
      ...input,
    },
    output: { channel: 0, activation: 'none', minMax: false, ...output },
  };
}

function assertAllClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: number,
  what: string,
) {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(
      Math.abs(actual[i] - expected[i]) <= tolerance,
      `${what}[${i}]: ${actual[i]} vs ${expected[i]}`,
    );
  }
}

describe('spec features through onnxruntime (tiny graphs)', () => {
  let home: string;
  before(async () => {
    // Every model here is a local file; the store is still pointed away from the user's cache.
    home = await mkdtemp(join(tmpdir(), 'cutout-spec-features-'));
    process.env.CUTOUT_HOME = home;
  });
  after(async () => {
    await releaseSessions();
    await rm(home, { recursive: true, force: true });
  });
  const image = ramp(5, 4);

  test('NCHW, RGB: channel c of the output is channel c of the image', async () => {
    const path = await writeModel('identity-nchw', identity([1, 3, 4, 5]));
    for (let c = 0; c < 3; c++) {
      const result = await segment(image, { modelSpec: spec({}, { channel: c }), modelPath: path });
      assert.deepEqual([...result.probability.data], channelOf(image, c), `channel ${c}`);
      assert.deepEqual([result.probability.width, result.probability.height], [5, 4]);
    }
  });

  test('BGR: tensor channel 0 holds blue', async () => {
    const path = await writeModel('identity-nchw', identity([1, 3, 4, 5]));
    const result = await segment(image, {
      modelSpec: spec({ channelOrder: 'BGR' }, { channel: 0 }),
      modelPath: path,
    });
    assert.deepEqual([...result.probability.data], channelOf(image, 2));
  });

  test('NHWC in and out (MediaPipe-style), with named tensors', async () => {
    const path = await writeModel(
      'identity-nhwc',
      identity([1, 4, 5, 3], { input: 'input_1:0', output: 'activation_10' }),
    );
    const s = spec({ layout: 'NHWC', name: 'input_1:0' }, { name: 'activation_10', channel: 1 });
    const result = await segment(image, { modelSpec: s, modelPath: path });
    assert.deepEqual([...result.probability.data], channelOf(image, 1));
  });

  test('mean/std: a graph that undoes (x − mean) / std returns the image exactly', async () => {
    // Tensor = (p − 0.5) / 0.25; the graph computes 0.25·t + 0.5 = p.
    const path = await writeModel('undo-mean-std', affine([1, 3, 4, 5], 0.25, 0.5));
    const s = spec({ mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] }, { channel: 2 });
    const result = await segment(image, { modelSpec: s, modelPath: path });
    assertAllClose(result.probability.data, channelOf(image, 2), 1e-7, 'p');
  });

  test('byte scaling: a graph dividing by 255 returns the image', async () => {
    const path = await writeModel('div255', affine([1, 3, 4, 5], 1 / 255, 0));
    const result = await segment(image, { modelSpec: spec({ scaling: 'byte' }), modelPath: path });
    assertAllClose(result.probability.data, channelOf(image, 0), 1e-7, 'p');
  });

  test('max scaling: the brightest sample becomes 1', async () => {
    const path = await writeModel('identity-nchw', identity([1, 3, 4, 5]));
    const max = Math.max(...image.data);
    const result = await segment(image, {
      modelSpec: spec({ scaling: 'max' }, { channel: 2 }),
      modelPath: path,
    });
    assertAllClose(
      result.probability.data,
      channelOf(image, 2).map((v) => v / max),
      1e-7,
      'p / max',
    );
    assert.equal(Math.max(...result.probability.data), 1);
  });

  test('activation: logits get the sigmoid under auto and sigmoid; none clamps them', async () => {
    const path = await writeModel('logits', affine([1, 3, 4, 5], 10, -5));
    const p = channelOf(image, 0);
    const logits = p.map((v) => Math.fround(Math.fround(10 * v) - 5));
    const sigmoid = logits.map((v) => 1 / (1 + Math.exp(-v)));
    for (const activation of ['auto', 'sigmoid'] as const) {
      const result = await segment(image, { modelSpec: spec({}, { activation }), modelPath: path });
      assertAllClose(result.probability.data, sigmoid, 1e-6, activation);
    }
    const none = await segment(image, { modelSpec: spec({}, { activation: 'none' }), modelPath: path });
    assertAllClose(
      none.probability.data,
      logits.map((v) => Math.min(1, Math.max(0, v))),
      1e-6,
      'clamped',
    );
    // And auto leaves probabilities alone.
    const identityPath = await writeModel('identity-nchw', identity([1, 3, 4, 5]));
    const auto = await segment(image, {
      modelSpec: spec({}, { activation: 'auto' }),
      modelPath: identityPath,
    });
    assert.deepEqual([...auto.probability.data], p);
  });

  test('min–max stretches the output to exactly [0, 1]', async () => {
    const path = await writeModel('squeeze', affine([1, 3, 4, 5], 0.5, 0.25));
    const p = channelOf(image, 1);
    const lo = Math.min(...p);
    const hi = Math.max(...p);
    const result = await segment(image, {
      modelSpec: spec({}, { channel: 1, minMax: true }),
      modelPath: path,
    });
    assertAllClose(
      result.probability.data,
      p.map((v) => (v - lo) / (hi - lo)),
      1e-6,
      'min–max',
    );
    assert.equal(Math.min(...result.probability.data), 0);
    assert.equal(Math.max(...result.probability.data), 1);
  });

  test('letterbox and the way back: padding never reaches the image; content maps back exactly', async () => {
    const path = await writeModel('identity-8', identity([1, 3, 8, 8]));
    const wide = ramp(16, 8);
    const s = spec({ size: { kind: 'fixed', width: 8, height: 8 }, fit: 'letterbox', padValue: 1 });
    const result = await segment(wide, { modelSpec: s, modelPath: path });
    // 16×8 → 8×4 at y = 2; rows 0–1 and 6–7 are padding (value 1).
    assert.deepEqual(result.transform.content, { x: 0, y: 2, width: 8, height: 4 });
    const prob = result.probability;
    for (const y of [0, 1, 6, 7]) for (let x = 0; x < 8; x++) assert.equal(prob.data[y * 8 + x], 1);
    const shrunk = resizeInterleaved(wide, 8, 4, 'area');
    const content: PlaneF32 = { data: Float32Array.from(channelOf(shrunk, 0)), width: 8, height: 4 };
    assert.deepEqual([...prob.data.subarray(16, 48)], [...content.data]);
    const back = result.toImage();
    assert.deepEqual([back.width, back.height], [16, 8]);
    assert.deepEqual([...back.data], [...resizePlane(content, 16, 8, 'bilinear').data]);
    assert.ok(Math.max(...back.data) < 1, 'the padding value 1 never reaches the image');
  });

  test('an output at half the input resolution maps back to the image size', async () => {
    const path = await writeModel('half', halfResolution(3, 8, 8));
    const flat: InterleavedF32 = {
      data: new Float32Array(12 * 10 * 3).fill(0.25),
      width: 12,
      height: 10,
      channels: 3,
    };
    const result = await segment(flat, {
      modelSpec: spec({ size: { kind: 'fixed', width: 8, height: 8 } }),
      modelPath: path,
    });
    assert.deepEqual([result.probability.width, result.probability.height], [4, 4]);
    const back = result.toImage();
    assert.deepEqual([back.width, back.height], [12, 10]);
    assert.ok(back.data.every((v) => v === 0.25));
  });

  test('dynamic input size: the tensor follows the image (short edge, multiple)', async () => {
    const path = await writeModel('identity-dynamic', identity([1, 3, 'height', 'width']));
    const s = spec({ size: { kind: 'dynamic', shortEdge: 8, multiple: 4 } });
    const result = await segment(ramp(12, 6), { modelSpec: s, modelPath: path });
    assert.deepEqual([result.transform.modelWidth, result.transform.modelHeight], [16, 8]);
    assert.deepEqual([result.probability.width, result.probability.height], [16, 8]);
    const back = result.toImage();
    assert.deepEqual([back.width, back.height], [12, 6]);
    assert.equal(result.model, 'tiny');
    assert.equal(result.device, 'cpu');
    assert.ok(result.timings.inferenceMs >= 0 && result.timings.loadMs >= 0);
  });
});
