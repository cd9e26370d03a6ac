/**
 * The weight-free engines and the prompts from the command line, in a subprocess: --engine studio and chroma
 * on generated scenes (IoU of the written matte against the scene's true α), --box and --strokes, the
 * automatic choice with no model installed, and the usage errors of the new flags. CUTOUT_HOME is an empty
 * temporary folder and every run is --offline, so no network is tried.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { labelConnectedComponents } from '../../src/core/connected-components.ts';
import type { PlaneF32 } from '../../src/core/image.ts';
import { decodeMatte, encodeImage } from '../../src/io/index.ts';
import { maskIou } from '../../src/metrics/index.ts';
import { generateChromaScene } from '../../src/synth/chroma-scenes.ts';
import type { Scene } from '../../src/synth/index.ts';
import { generateStudioScene } from '../../src/synth/studio-scenes.ts';
import { runCutout } from './remove-helpers.ts';

const W = 320;
const H = 240;

// Concurrent: most of each test is a subprocess starting up, and they share nothing but the temporary folder.
describe('cutout with the weight-free engines and prompts (subprocess)', { concurrency: 3 }, () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cutout-cli-engines-'));
    env = { CUTOUT_HOME: join(dir, 'home') };
  });
  after(() => rm(dir, { recursive: true, force: true }));

  async function write(name: string, scene: Scene): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, await encodeImage({ colour: scene.image }, { format: 'png' }));
    return path;
  }

  /** Runs cutout --offline --mask-only on `input` and returns the written matte and the run. */
  async function matte(input: string, name: string, flags: string[]) {
    const out = join(dir, `${name}.mask.png`);
    const run = await runCutout([input, '--offline', '--mask-only', '--json', '-o', out, ...flags], { env });
    assert.equal(run.status, 0, run.stderr);
    const line = JSON.parse(run.stdout.trim().split('\n').at(-1)!);
    return { alpha: await decodeMatte(out), line, run };
  }

  test('--engine studio on a studio scene: the matte’s IoU against the true α', async () => {
    const scene = generateStudioScene({
      width: W,
      height: H,
      seed: 4,
      layout: 'mug',
      background: 'gradient',
    });
    const input = await write('studio.png', scene);
    const { alpha, line } = await matte(input, 'studio', ['--engine', 'studio']);
    assert.deepEqual([line.engine, line.model], ['studio', 'studio']);
    const iou = maskIou(alpha, scene.alpha);
    assert.ok(iou >= 0.98, `IoU ${iou.toFixed(4)}`);
  });

  test('--engine chroma on a green screen, with --tolerance and --softness', async () => {
    const scene = generateChromaScene({ width: W, height: H, seed: 3, subject: 'shapes' });
    const input = await write('green.png', scene);
    const { alpha, line } = await matte(input, 'green', ['--engine', 'chroma', '--tolerance', '0.05']);
    assert.deepEqual([line.engine, line.model], ['chroma', 'chroma-green']);
    const iou = maskIou(alpha, scene.alpha);
    assert.ok(iou >= 0.98, `IoU ${iou.toFixed(4)}`);
  });

  test('no model installed: one line names the fallback and how to get a network model', async () => {
    const scene = generateChromaScene({ width: W, height: H, seed: 5, subject: 'shapes' });
    const input = await write('auto-green.png', scene);
    const { line, run } = await matte(input, 'auto-green', []);
    assert.equal(line.engine, 'chroma');
    const notices = run.stderr.split('\n').filter((l) => l.startsWith('cutout: '));
    assert.equal(notices.length, 1, run.stderr);
    assert.match(
      notices[0],
      /using the studio segmenter \(the chroma key on green or blue screens\) instead/,
    );
    assert.match(notices[0], /`cutout models pull birefnet-general-lite` while online/);
  });

  /** Three objects on a plain backdrop, their true components (8-connected, α ≥ 0.5). */
  function severalObjects() {
    const scene = generateStudioScene({
      width: W,
      height: H,
      seed: 2,
      layout: 'several',
      background: 'plain',
    });
    const truth = Uint8Array.from(scene.alpha.data, (a) => (a >= 0.5 ? 1 : 0));
    const components = labelConnectedComponents(truth, W, H, 8);
    assert.equal(components.count, 3);
    const boxes = Array.from({ length: 3 }, () => ({ x0: W, y0: H, x1: -1, y1: -1 }));
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const r = components.labels[y * W + x];
        if (r === 0) continue;
        const b = boxes[r - 1];
        b.x0 = Math.min(b.x0, x);
        b.y0 = Math.min(b.y0, y);
        b.x1 = Math.max(b.x1, x);
        b.y1 = Math.max(b.y1, y);
      }
    }
    return { scene, labels: components.labels, boxes };
  }

  /** Mean of the matte over one true component (an object's share kept). */
  function kept(alpha: PlaneF32, labels: ArrayLike<number>, region: number): number {
    let sum = 0;
    let n = 0;
    for (let i = 0; i < labels.length; i++) {
      if (labels[i] !== region) continue;
      sum += alpha.data[i];
      n++;
    }
    return sum / n;
  }

  test('--box restricts the cut to one of three objects', async () => {
    const { scene, labels, boxes } = severalObjects();
    const input = await write('several.png', scene);
    const b = boxes[0];
    const m = 6;
    const box = [b.x0 - m, b.y0 - m, b.x1 - b.x0 + 1 + 2 * m, b.y1 - b.y0 + 1 + 2 * m].map((v) =>
      Math.max(0, v),
    );
    const { alpha, line } = await matte(input, 'boxed', ['--box', box.join(',')]);
    assert.equal(line.engine, 'studio', 'a box with auto picks the studio segmenter');
    assert.ok(kept(alpha, labels, 1) > 0.97, `the boxed object stays (${kept(alpha, labels, 1)})`);
    for (const r of [2, 3]) assert.ok(kept(alpha, labels, r) < 0.01, `object ${r} outside the box goes`);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const outside = x < box[0] || x >= box[0] + box[2] || y < box[1] || y >= box[1] + box[3];
        if (outside) assert.equal(alpha.data[y * W + x], 0, `(${x}, ${y}) outside the box`);
      }
    }
  });

  test('--strokes: a black stroke removes an object, the others stay', async () => {
    const { scene, labels, boxes } = severalObjects();
    const input = await write('several-strokes.png', scene);
    // Mid-grey canvas (unmarked) with a short black stroke across the middle of object 2.
    const canvas = new Float32Array(W * H * 3).fill(0.5);
    const b = boxes[1];
    const cy = Math.round((b.y0 + b.y1) / 2);
    const cx = Math.round((b.x0 + b.x1) / 2);
    for (let y = cy - 2; y <= cy + 2; y++) {
      for (let x = cx - 8; x <= cx + 8; x++) canvas.fill(0, 3 * (y * W + x), 3 * (y * W + x) + 3);
    }
    const strokes = join(dir, 'strokes.png');
    await writeFile(
      strokes,
      await encodeImage({ colour: { data: canvas, width: W, height: H, channels: 3 } }, { format: 'png' }),
    );
    const { alpha, line } = await matte(input, 'stroked', ['--engine', 'studio', '--strokes', strokes]);
    assert.equal(line.engine, 'studio');
    assert.ok(kept(alpha, labels, 2) < 0.02, `the stroked object goes (${kept(alpha, labels, 2)})`);
    for (const r of [1, 3]) assert.ok(kept(alpha, labels, r) > 0.97, `object ${r} stays`);
  });

  test('bad --box, a box off the image, a missing --strokes file: clear errors and their exit statuses', async () => {
    const input = await write(
      'errors.png',
      generateStudioScene({ width: 64, height: 48, seed: 1, layout: 'mug' }),
    );
    const missing = join(dir, 'no-strokes.png');
    const [malformed, off, run, shadows] = await Promise.all([
      runCutout([input, '--offline', '--box', '10,10,0,5'], { env }),
      runCutout([input, '--offline', '--box', '100,0,5,5', '-o', join(dir, 'off.png')], { env }),
      runCutout([input, '--offline', '--strokes', missing, '-o', join(dir, 'm.png')], { env }),
      runCutout([input, '--engine', 'chroma', '--shadows', 'keep'], { env }),
    ]);
    assert.equal(malformed.status, 64, malformed.stderr);
    assert.match(malformed.stderr, /box "10,10,0,5": width and height must be at least 1/);
    assert.equal(off.status, 64, off.stderr);
    assert.match(off.stderr, /box 100,0,5,5 lies outside the 64×48 image/);
    assert.equal(run.status, 66, run.stderr);
    assert.match(run.stderr, new RegExp(`--strokes ${missing.replaceAll('.', '\\.')}: no such file`));
    assert.equal(shadows.status, 64, shadows.stderr);
    assert.match(shadows.stderr, /--shadows is for the studio segmenter/);
  });
});
