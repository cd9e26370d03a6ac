/**
 * The two real networks in ../shared/models on the six portraits of ../shared/data/photos/portraits, scored
 * against the reference alphas (IoU of the masks thresholded at 0.5). Also the experiment that fixed SINet's
 * input normalisation (recorded in its registry entry): the chosen constants must clearly beat the usual
 * alternatives. Skipped with a message when ../shared is absent.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { InterleavedF32, PlaneF32 } from '../../src/core/image.ts';
import { releaseSessions } from '../../src/inference/onnx-session.ts';
import { segment } from '../../src/inference/segment.ts';
import { decodeImage, decodeMatte } from '../../src/io/index.ts';
import { maskIou } from '../../src/metrics/mask-metrics.ts';
import { getRegistryEntry } from '../../src/models/registry.ts';
import type { InputSpec } from '../../src/segment/model-spec.ts';
import { sharedDir } from '../fixtures.ts';

const portraits = join(sharedDir, 'data', 'photos', 'portraits');
const models = join(sharedDir, 'models');
const files = {
  'mediapipe-selfie': join(models, 'selfie_segmentation.onnx'),
  sinet: join(models, 'SINet_Softmax_simple.onnx'),
};
const present = existsSync(join(portraits, 'image')) && Object.values(files).every(existsSync);
const skip = present ? false : `../shared is absent (looked in ${sharedDir}); real-network tests skipped`;

describe('real networks on real portraits', { skip }, () => {
  const photos: { name: string; colour: InterleavedF32; reference: PlaneF32 }[] = [];
  let home: string;
  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'cutout-real-models-'));
    process.env.CUTOUT_HOME = home;
    for (const file of readdirSync(join(portraits, 'image')).sort()) {
      const name = file.replace(/\.[a-z]+$/i, '');
      const { colour } = await decodeImage(join(portraits, 'image', file));
      const reference = await decodeMatte(join(portraits, 'reference-alpha', `${name}.png`));
      photos.push({ name, colour, reference });
    }
  });
  after(async () => {
    await releaseSessions();
    await rm(home, { recursive: true, force: true });
  });

  async function ious(model: 'mediapipe-selfie' | 'sinet', input?: Partial<InputSpec>): Promise<number[]> {
    const entry = getRegistryEntry(model);
    const options = input
      ? {
          modelSpec: { id: `${model}-variant`, input: { ...entry.input, ...input }, output: entry.output },
          modelPath: files[model],
        }
      : { model, modelPath: files[model] };
    const out: number[] = [];
    for (const photo of photos) {
      const result = await segment(photo.colour, options);
      const mask = result.toImage();
      assert.deepEqual([mask.width, mask.height], [photo.colour.width, photo.colour.height]);
      out.push(maskIou(mask, photo.reference));
    }
    return out;
  }

  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const table = (values: number[]) => photos.map((p, i) => `${p.name} ${values[i].toFixed(3)}`).join(', ');

  test('mediapipe-selfie: IoU ≥ 0.9 on at least 4 of the 6 portraits', async (t) => {
    assert.equal(photos.length, 6);
    const values = await ious('mediapipe-selfie');
    t.diagnostic(`mediapipe-selfie IoU: ${table(values)}; mean ${mean(values).toFixed(3)}`);
    assert.ok(values.filter((v) => v >= 0.9).length >= 4, table(values));
  });

  test('sinet (registry normalisation): IoU ≥ 0.9 on at least 4 of the 6 portraits', async (t) => {
    const values = await ious('sinet');
    t.diagnostic(`sinet IoU: ${table(values)}; mean ${mean(values).toFixed(3)}`);
    assert.ok(values.filter((v) => v >= 0.9).length >= 4, table(values));
    assert.ok(mean(values) >= 0.88, `mean ${mean(values)}`);
  });

  test('sinet normalisation experiment: the recorded constants beat the usual alternatives by far', async (t) => {
    const chosen = mean(await ious('sinet'));
    const alternatives: Record<string, Partial<InputSpec>> = {
      '÷255 only': { channelOrder: 'RGB', scaling: 'unit', mean: [0, 0, 0], std: [1, 1, 1] },
      'ImageNet mean/std': {
        channelOrder: 'RGB',
        scaling: 'unit',
        mean: [0.485, 0.456, 0.406],
        std: [0.229, 0.224, 0.225],
      },
      'mean/std in [0, 255] without ×255': { std: [62.93292, 62.82138, 66.355705] },
    };
    for (const [name, patch] of Object.entries(alternatives)) {
      const value = mean(await ious('sinet', patch));
      t.diagnostic(`sinet ${name}: mean IoU ${value.toFixed(3)} (recorded constants ${chosen.toFixed(3)})`);
      assert.ok(value < chosen - 0.5, `${name}: ${value} vs ${chosen}`);
    }
  });
});
