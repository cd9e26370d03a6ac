import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { resolveModel } from '../../src/models/resolve-model.ts';
import { sharedDir } from '../fixtures.ts';

const selfie = join(sharedDir, 'models', 'selfie_segmentation.onnx');
const sinet = join(sharedDir, 'models', 'SINet_Softmax_simple.onnx');
const haveShared = existsSync(selfie) && existsSync(sinet);
const skipShared = haveShared
  ? false
  : `../shared/models is absent (${sharedDir}); real-model checks skipped`;

describe('resolveModel', () => {
  let dir: string;
  let junk: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cutout-resolve-'));
    // Never the user's cache, even for calls that should not reach the store.
    process.env.CUTOUT_HOME = join(dir, 'home');
    junk = join(dir, 'junk.onnx');
    await writeFile(junk, 'not a model');
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const store = () => join(dir, 'store');

  test('offline with the model not installed: a clear error naming the pull command', async () => {
    await assert.rejects(resolveModel({ model: 'u2net', offline: true, modelsDir: store() }), {
      code: 'CUTOUT_E_MODEL_MISSING',
      message: /'u2net' is not installed .*`cutout models pull u2net`/,
    });
  });

  test('unknown id', async () => {
    await assert.rejects(resolveModel({ model: 'u3net', offline: true, modelsDir: store() }), {
      code: 'CUTOUT_E_MODEL_UNKNOWN',
    });
  });

  test('--model with --model-path: the entry’s processing, the user’s file, no hash unless asked', async () => {
    const resolved = await resolveModel({ model: 'isnet-general-use', modelPath: junk, modelsDir: store() });
    assert.equal(resolved.path, junk);
    assert.equal(resolved.source, 'path');
    assert.deepEqual(resolved.spec.input.size, { kind: 'fixed', width: 1024, height: 1024 });
    await assert.rejects(resolveModel({ model: 'isnet-general-use', modelPath: junk, verify: true }), {
      code: 'CUTOUT_E_HASH_MISMATCH',
      message: /junk\.onnx: file has md5:[0-9a-f]{32}, expected md5:fc16ebd8b0c10d971d3513d564d01e29/,
    });
    await assert.rejects(resolveModel({ model: 'u2net', modelPath: join(dir, 'nope.onnx') }), {
      code: 'CUTOUT_E_MODEL_MISSING',
      message: /nope\.onnx: no such model file/,
    });
  });

  test('the licence gate applies to a user’s copy of a non-commercial model too', async () => {
    await assert.rejects(resolveModel({ model: 'bria-rmbg-2.0', modelPath: junk }), {
      code: 'CUTOUT_E_LICENSE_REQUIRED',
    });
    const ok = await resolveModel({
      model: 'bria-rmbg-2.0',
      modelPath: junk,
      acceptLicense: ['bria-rmbg-2.0'],
    });
    assert.equal(ok.id, 'bria-rmbg-2.0');
  });

  test('a custom spec: from an object or a JSON file, id defaulting to the file name', async () => {
    const object = await resolveModel({ modelSpec: { input: { size: [8, 8] } } as never, modelPath: junk });
    assert.equal(object.id, 'junk');
    const specPath = join(dir, 'spec.json');
    await writeFile(
      specPath,
      JSON.stringify({ id: 'custom', input: { size: [16, 8], layout: 'NHWC' }, output: { channel: 0 } }),
    );
    const file = await resolveModel({ modelSpec: specPath, modelPath: junk });
    assert.deepEqual([file.id, file.spec.input.layout, file.source], ['custom', 'NHWC', 'path']);
  });

  test('custom spec mistakes are clear', async () => {
    await assert.rejects(resolveModel({ modelSpec: join(dir, 'spec.json') }), {
      code: 'CUTOUT_E_INVALID_OPTION',
      message: /--model-path/,
    });
    await assert.rejects(
      resolveModel({ modelSpec: join(dir, 'spec.json'), model: 'u2net', modelPath: junk }),
      {
        code: 'CUTOUT_E_INVALID_OPTION',
        message: /not both/,
      },
    );
    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{ "input": ');
    await assert.rejects(resolveModel({ modelSpec: broken, modelPath: junk }), {
      code: 'CUTOUT_E_MODEL_INVALID',
      message: /broken\.json: model spec is not valid JSON/,
    });
    await assert.rejects(resolveModel({ modelSpec: join(dir, 'absent.json'), modelPath: junk }), {
      code: 'CUTOUT_E_INPUT_NOT_FOUND',
    });
  });

  test('a model file placed by hand is verified before first use, then used offline', {
    skip: skipShared,
  }, async () => {
    const models = join(dir, 'hand');
    await mkdir(models, { recursive: true });
    await copyFile(selfie, join(models, 'mediapipe-selfie.onnx'));
    const resolved = await resolveModel({ model: 'mediapipe-selfie', offline: true, modelsDir: models });
    assert.deepEqual([resolved.source, resolved.path], ['store', join(models, 'mediapipe-selfie.onnx')]);
    assert.deepEqual((await readdir(models)).sort(), [
      'mediapipe-selfie.onnx',
      'mediapipe-selfie.onnx.verified.json',
    ]);
    // The wrong network under the right name is refused (its size and mtime no longer match the stamp).
    await copyFile(sinet, join(models, 'mediapipe-selfie.onnx'));
    await assert.rejects(resolveModel({ model: 'mediapipe-selfie', offline: true, modelsDir: models }), {
      code: 'CUTOUT_E_HASH_MISMATCH',
      message: /is 395434 bytes, expected 447596/,
    });
  });
});
