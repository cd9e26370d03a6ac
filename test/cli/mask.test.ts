/**
 * `cutout <image> --mask-only` as a user runs it: custom models built by the test, the real MediaPipe network
 * on a real portrait, and the errors. CUTOUT_HOME is a temporary folder; nothing is downloaded.
 *
 * Since the main command grew the cascade, `--mask-only` writes the refined matte; the network's own map,
 * resized to the input, is `--mask-only --refine none` (what these exact-value checks use).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { decodeMatte } from '../../src/io/index.ts';
import { maskIou } from '../../src/metrics/mask-metrics.ts';
import { sharedDir } from '../fixtures.ts';
import { runCli } from '../helpers/run-cli.ts';
import { identity, writeModel } from '../inference/tiny-onnx.ts';

const selfie = join(sharedDir, 'models', 'selfie_segmentation.onnx');
const portrait = join(sharedDir, 'data', 'photos', 'portraits', 'image', 'p_22fc0130.jpg');
const reference = join(sharedDir, 'data', 'photos', 'portraits', 'reference-alpha', 'p_22fc0130.png');
const skipShared =
  existsSync(selfie) && existsSync(portrait)
    ? false
    : `../shared is absent (${sharedDir}); real-photo checks skipped`;

const W = 20;
const H = 10;

describe('cutout <image> --mask-only (subprocess)', () => {
  let dir: string;
  let input: string;
  let model: string;
  let spec: string;
  const saved = process.env.CUTOUT_HOME;
  const red = (x: number, y: number) => (x * 12 + y * 7) % 256;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cutout-cli-mask-'));
    process.env.CUTOUT_HOME = join(dir, 'home');
    const rgb = Buffer.alloc(W * H * 3);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) rgb.set([red(x, y), 30, 200], (y * W + x) * 3);
    input = join(dir, 'in.png');
    await sharp(rgb, { raw: { width: W, height: H, channels: 3 } })
      .png()
      .toFile(input);
    // An identity network at the image's own size: the mask must be the red channel, exactly.
    model = await writeModel('identity-cli', identity([1, 3, H, W]));
    spec = join(dir, 'identity.json');
    await writeFile(
      spec,
      JSON.stringify({ id: 'identity', input: { size: [W, H] }, output: { channel: 0, activation: 'none' } }),
    );
  });
  after(async () => {
    if (saved === undefined) delete process.env.CUTOUT_HOME;
    else process.env.CUTOUT_HOME = saved;
    await rm(dir, { recursive: true, force: true });
  });

  test('a custom spec and file: the mask is a greyscale PNG of the input size holding the model output', async () => {
    const out = join(dir, 'mask.png');
    const result = await runCli([
      input,
      '--model-spec',
      spec,
      '--model-path',
      model,
      '--mask-only',
      '--refine',
      'none',
      '-o',
      out,
    ]);
    assert.equal(result.status, 0, result.stderr);
    const meta = await sharp(out).metadata();
    assert.deepEqual(
      [meta.format, meta.width, meta.height, meta.channels, meta.space],
      ['png', W, H, 1, 'b-w'],
    );
    const data = await sharp(out).extractChannel(0).raw().toBuffer();
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) assert.equal(data[y * W + x], red(x, y), `pixel ${x},${y}`);
  });

  test('the explicit subcommand name works too, and several inputs go into a folder', async () => {
    const second = join(dir, 'second.png');
    await copyFile(input, second);
    const folder = join(dir, 'masks/');
    const result = await runCli([
      'remove',
      input,
      second,
      '--model-spec',
      spec,
      '--model-path',
      model,
      '--mask-only',
      '-o',
      folder,
    ]);
    assert.equal(result.status, 0, result.stderr);
    // In an output folder the results keep the inputs' names.
    for (const name of ['in.png', 'second.png']) {
      const meta = await sharp(join(folder, name)).metadata();
      assert.deepEqual([meta.width, meta.height], [W, H]);
    }
    const clash = await runCli([
      input,
      second,
      '--model-spec',
      spec,
      '--model-path',
      model,
      '--mask-only',
      '-o',
      join(dir, 'one.png'),
    ]);
    assert.equal(clash.status, 64);
    assert.match(clash.stderr, /with 2 inputs, -o must be a folder \(end it with \/\)/);
  });

  test('an existing output is kept (skipped, so a batch resumes) unless --overwrite', async () => {
    const out = join(dir, 'exists.png');
    await writeFile(out, 'old');
    const args = [input, '--model-spec', spec, '--model-path', model, '--mask-only', '-o', out];
    const skipped = await runCli(args);
    assert.equal(skipped.status, 0, skipped.stderr);
    assert.match(skipped.stderr, /exists, skipped/);
    assert.equal(await readFile(out, 'utf8'), 'old');
    const replaced = await runCli([...args, '--overwrite']);
    assert.equal(replaced.status, 0, replaced.stderr);
    assert.equal((await sharp(out).metadata()).format, 'png');
  });

  test('without --mask-only: an RGBA cutout of the input size', async () => {
    const out = join(dir, 'cutout.png');
    const result = await runCli([input, '--model-spec', spec, '--model-path', model, '-o', out]);
    assert.equal(result.status, 0, result.stderr);
    const meta = await sharp(out).metadata();
    assert.deepEqual([meta.width, meta.height], [W, H]);
  });

  test('option mistakes, unknown and missing models', async () => {
    const both = await runCli([
      input,
      '--model',
      'u2net',
      '--model-spec',
      spec,
      '--model-path',
      model,
      '--mask-only',
    ]);
    assert.equal(both.status, 64);
    assert.match(both.stderr, /either --model or --model-spec/);
    const threads = await runCli([
      input,
      '--model-spec',
      spec,
      '--model-path',
      model,
      '--mask-only',
      '--threads',
      'many',
    ]);
    assert.equal(threads.status, 64);
    assert.match(threads.stderr, /--threads must be a whole number ≥ 1/);
    const unknown = await runCli([input, '--model', 'birefnet', '--mask-only']);
    assert.equal(unknown.status, 64);
    assert.match(unknown.stderr, /unknown model 'birefnet'\. Did you mean birefnet-general/);
    const offline = await runCli([input, '--model', 'isnet-general-use', '--mask-only', '--offline']);
    assert.equal(offline.status, 69);
    assert.match(offline.stderr, /run `cutout models pull isnet-general-use`/);
    const wrongShape = join(dir, 'wrong.json');
    await writeFile(wrongShape, JSON.stringify({ id: 'wrong', input: { size: [32, 32] } }));
    const shape = await runCli([
      input,
      '--model-spec',
      wrongShape,
      '--model-path',
      model,
      '--mask-only',
      '-o',
      join(dir, 'w.png'),
    ]);
    assert.equal(shape.status, 65);
    assert.match(
      shape.stderr,
      /has shape \[1, 3, 10, 20\] but the spec \(NCHW, 32×32\) gives \[1, 3, 32, 32\]/,
    );
  });

  test('--device: an unavailable device falls back to the CPU with a message saying so', async () => {
    const out = join(dir, 'device.png');
    const result = await runCli([
      input,
      '--model-spec',
      spec,
      '--model-path',
      model,
      '--mask-only',
      '--device',
      'tensorrt',
      '-o',
      out,
    ]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(
      result.stderr,
      /device 'tensorrt' was requested but is not available here .*; running on cpu instead/,
    );
    assert.ok(existsSync(out));
  });

  test('the real MediaPipe network on a real portrait: the mask matches the reference (IoU ≥ 0.9)', {
    skip: skipShared,
  }, async () => {
    const out = join(dir, 'portrait-mask.png');
    const result = await runCli([
      portrait,
      '--model',
      'mediapipe-selfie',
      '--model-path',
      selfie,
      '--verify',
      '--mask-only',
      '-o',
      out,
    ]);
    assert.equal(result.status, 0, result.stderr);
    const meta = await sharp(out).metadata();
    assert.deepEqual([meta.width, meta.height, meta.channels], [1080, 1344, 1]);
    const iou = maskIou(await decodeMatte(out), await decodeMatte(reference));
    assert.ok(iou >= 0.9, `IoU ${iou}`);
  });

  test('a registry model placed by hand in the store is verified and used offline', {
    skip: skipShared,
  }, async () => {
    const models = join(dir, 'home', 'models');
    await mkdir(models, { recursive: true });
    await copyFile(selfie, join(models, 'mediapipe-selfie.onnx'));
    const out = join(dir, 'offline-mask.png');
    const result = await runCli([
      portrait,
      '--model',
      'mediapipe-selfie',
      '--offline',
      '--mask-only',
      '-o',
      out,
    ]);
    assert.equal(result.status, 0, result.stderr);
    assert.ok(existsSync(join(models, 'mediapipe-selfie.onnx.verified.json')), 'verified before first use');
    const meta = await sharp(out).metadata();
    assert.deepEqual([meta.width, meta.height], [1080, 1344]);
  });
});
