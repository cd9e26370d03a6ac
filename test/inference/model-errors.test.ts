/**
 * What goes wrong around a model is reported as such: corrupt or wrong files, shapes and names that do not
 * match the spec, unknown ids, unavailable devices. Also: one session per model, reused.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { InterleavedF32 } from '../../src/core/image.ts';
import { checkModelSignature } from '../../src/inference/check-model-signature.ts';
import { loadSession, releaseSessions } from '../../src/inference/onnx-session.ts';
import { segment } from '../../src/inference/segment.ts';
import type { ModelSpec } from '../../src/segment/model-spec.ts';
import { sharedDir } from '../fixtures.ts';
import { buildModel, identity, writeModel } from './tiny-onnx.ts';

const image: InterleavedF32 = {
  data: new Float32Array(16 * 16 * 3).fill(0.5),
  width: 16,
  height: 16,
  channels: 3,
};

function spec(
  width: number,
  height: number,
  patch: Partial<ModelSpec['input']> = {},
  output: Partial<ModelSpec['output']> = {},
): ModelSpec {
  return {
    id: 'tiny',
    input: {
      size: { kind: 'fixed', width, height },
      layout: 'NCHW',
      channelOrder: 'RGB',
      scaling: 'unit',
      mean: [0, 0, 0],
      std: [1, 1, 1],
      resize: 'auto',
      fit: 'squash',
      ...patch,
    },
    output: { channel: 0, activation: 'none', minMax: false, ...output },
  };
}

describe('model errors', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cutout-model-errors-'));
    process.env.CUTOUT_HOME = dir;
  });
  after(async () => {
    await releaseSessions();
    await rm(dir, { recursive: true, force: true });
  });

  test('a wrong input size: both shapes and the fix are in the message', async () => {
    const path = await writeModel('fixed-8', identity([1, 3, 8, 8]));
    await assert.rejects(
      segment(image, { modelSpec: spec(16, 16), modelPath: path }),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'CUTOUT_E_MODEL_INVALID');
        assert.match(
          error.message,
          /fixed-8\.onnx: model 'tiny': input 'x' has shape \[1, 3, 8, 8\] but the spec \(NCHW, 16×16\) gives \[1, 3, 16, 16\]; set the spec's input size to 8×8/,
        );
        return true;
      },
    );
  });

  test('a wrong layout is named as such', async () => {
    const path = await writeModel('nhwc-8', identity([1, 8, 8, 3]));
    await assert.rejects(segment(image, { modelSpec: spec(8, 8), modelPath: path }), {
      code: 'CUTOUT_E_MODEL_INVALID',
      message: /the model looks NHWC \(channels last\)/,
    });
  });

  test('wrong tensor names and output index', async () => {
    const path = await writeModel('fixed-8', identity([1, 3, 8, 8]));
    await assert.rejects(segment(image, { modelSpec: spec(8, 8, { name: 'data' }), modelPath: path }), {
      message: /has no input named 'data'; its inputs are 'x'/,
    });
    await assert.rejects(
      segment(image, { modelSpec: spec(8, 8, {}, { name: 'Softmax/1' }), modelPath: path }),
      {
        message: /has no output named 'Softmax\/1'; its outputs are 'y'/,
      },
    );
    await assert.rejects(segment(image, { modelSpec: spec(8, 8, {}, { index: 1 }), modelPath: path }), {
      message: /has 1 output\(s\) \('y'\); the spec asks for index 1/,
    });
    await assert.rejects(segment(image, { modelSpec: spec(8, 8, {}, { channel: 3 }), modelPath: path }), {
      message: /picks output channel 3 but the output has 3 channel/,
    });
  });

  test('a model with two inputs needs the image input named', async () => {
    const path = await writeModel('two-inputs', {
      inputs: [
        { name: 'a', dims: [1, 3, 8, 8] },
        { name: 'b', dims: [1, 3, 8, 8] },
      ],
      outputs: [{ name: 'y', dims: [1, 3, 8, 8] }],
      nodes: [{ op: 'Add', inputs: ['a', 'b'], outputs: ['y'] }],
    });
    await assert.rejects(segment(image, { modelSpec: spec(8, 8), modelPath: path }), {
      message: /has 2 inputs \('a', 'b'\); name the image input in the spec/,
    });
  });

  test('corrupt, empty and non-ONNX files are clear errors naming the file', async () => {
    const random = join(dir, 'random.onnx');
    const bytes = Buffer.alloc(4096);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
    await writeFile(random, bytes);
    const text = join(dir, 'readme.onnx');
    await writeFile(text, 'This is not a model.\n');
    const empty = join(dir, 'empty.onnx');
    await writeFile(empty, '');
    const truncated = join(dir, 'truncated.onnx');
    const real = join(sharedDir, 'models', 'selfie_segmentation.onnx');
    const whole = existsSync(real) ? await readFile(real) : Buffer.from(buildModel(identity([1, 3, 8, 8])));
    await writeFile(truncated, whole.subarray(0, Math.floor(whole.length / 2)));
    for (const path of [random, text, empty, truncated]) {
      await assert.rejects(
        segment(image, { modelSpec: spec(8, 8), modelPath: path }),
        (error: Error & { code?: string }) => {
          assert.equal(error.code, 'CUTOUT_E_MODEL_INVALID', `${path}: ${error.message}`);
          assert.ok(error.message.startsWith(`${path}: onnxruntime cannot load this model:`), error.message);
          return true;
        },
      );
    }
  });

  test('unknown model id, missing model file', async () => {
    await assert.rejects(segment(image, { model: 'rembg', offline: true }), {
      code: 'CUTOUT_E_MODEL_UNKNOWN',
    });
    await assert.rejects(segment(image, { model: 'u2net', offline: true }), {
      code: 'CUTOUT_E_MODEL_MISSING',
      message: /cutout models pull u2net/,
    });
    await assert.rejects(loadSession(join(dir, 'absent.onnx')), { code: 'CUTOUT_E_MODEL_MISSING' });
  });

  test('one session per model and settings, reused; a replaced file is loaded afresh', async () => {
    const path = join(dir, 'reuse.onnx');
    await writeFile(path, buildModel(identity([1, 3, 8, 8])));
    const a = await loadSession(path);
    const b = await loadSession(path);
    assert.equal(a.session, b.session);
    const threaded = await loadSession(path, { threads: 1 });
    assert.notEqual(threaded.session, a.session);
    const later = new Date(Date.now() + 10_000);
    await utimes(path, later, later);
    const c = await loadSession(path);
    assert.notEqual(c.session, a.session);
    await assert.rejects(loadSession(path, { threads: 0 }), { code: 'CUTOUT_E_INVALID_OPTION' });
  });

  test('an unavailable device falls back to the CPU, loudly, saying what was asked and what runs', async () => {
    const path = await writeModel('fixed-8', identity([1, 3, 8, 8]));
    const warnings: string[] = [];
    const loaded = await loadSession(path, { device: 'tensorrt', onWarning: (m) => warnings.push(m) });
    assert.deepEqual([loaded.requestedDevice, loaded.device], ['tensorrt', 'cpu']);
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0],
      /device 'tensorrt' was requested but is not available here \(.+\); running on cpu instead/,
    );
    await assert.rejects(loadSession(path, { device: 'tpu' }), {
      code: 'CUTOUT_E_INVALID_OPTION',
      message: /unknown device 'tpu'; expected one of cpu, cuda/,
    });
  });
});

describe('checkModelSignature (plain metadata)', () => {
  const s = (patch: Partial<ModelSpec['input']> = {}, output: Partial<ModelSpec['output']> = {}) =>
    spec(320, 320, patch, output);
  const sinetLike = {
    inputs: [{ name: 'data', type: 'float32', shape: [1, 3, 320, 320] }],
    outputs: [{ name: 'Softmax/1', type: 'float32', shape: [1, 2, 320, 320] }],
  };

  test('binds names; symbolic dimensions accept any size', () => {
    assert.deepEqual(checkModelSignature(sinetLike, s(), [1, 3, 320, 320]), {
      input: 'data',
      output: 'Softmax/1',
    });
    const dynamic = {
      inputs: [{ name: 'input', shape: ['batch', 3, 'h', 'w'] }],
      outputs: [{ name: 'output' }],
    };
    assert.deepEqual(checkModelSignature(dynamic, s(), [1, 3, 512, 896]), {
      input: 'input',
      output: 'output',
    });
    assert.deepEqual(
      checkModelSignature(
        { inputs: [{ name: 'i', shape: [-1, 3, 8, 8] }], outputs: [{ name: 'o' }] },
        s(),
        [1, 3, 8, 8],
      ),
      {
        input: 'i',
        output: 'o',
      },
    );
  });

  test('type, rank and layout problems', () => {
    assert.throws(
      () =>
        checkModelSignature(
          { ...sinetLike, inputs: [{ name: 'data', type: 'uint8', shape: [] }] },
          s(),
          [1, 3, 320, 320],
        ),
      /is uint8; cutout feeds float32/,
    );
    assert.throws(
      () =>
        checkModelSignature({ ...sinetLike, outputs: [{ name: 'o', type: 'int64' }] }, s(), [1, 3, 320, 320]),
      /output 'o' is int64/,
    );
    assert.throws(
      () => checkModelSignature(sinetLike, s({ layout: 'NHWC' }), [1, 320, 320, 3]),
      /the model looks NCHW \(channels first\)/,
    );
    assert.throws(
      () =>
        checkModelSignature(
          { ...sinetLike, inputs: [{ name: 'data', shape: [1, 3, 320] }] },
          s(),
          [1, 3, 320, 320],
        ),
      /has shape \[1, 3, 320\]/,
    );
  });
});
