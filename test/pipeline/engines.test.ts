/**
 * The engine choice: the default model, and what happens when it cannot be had (offline, or an unreachable
 * mirror): one notice, then the classical engines (chroma key on a green screen, studio segmenter otherwise).
 * A model the user names is never replaced. CUTOUT_HOME is an empty temporary folder: nothing is installed.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { InterleavedF32 } from '../../src/core/image.ts';
import { encodeImage } from '../../src/io/index.ts';
import { DEFAULT_REMOVE_MODEL, EngineSelector } from '../../src/pipeline/engines.ts';
import { parseRemoveOptions } from '../../src/pipeline/options.ts';
import { generateScene } from '../../src/synth/index.ts';

/** A red disc on a saturated green screen. */
function greenScreen(width = 160, height = 120): InterleavedF32 {
  const data = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inside = Math.hypot(x - width / 2, y - height / 2) < 30;
      data.set(inside ? [0.8, 0.2, 0.2] : [0.1, 0.75, 0.15], (y * width + x) * 3);
    }
  }
  return { data, width, height, channels: 3 };
}

describe('EngineSelector', () => {
  let home: string;
  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'cutout-engines-'));
  });
  after(() => rm(home, { recursive: true, force: true }));

  test('offline without the default model: one notice, then the studio segmenter or the chroma key', async () => {
    const notices: string[] = [];
    const selector = new EngineSelector(
      parseRemoveOptions({ offline: true }),
      { onNotice: (l) => notices.push(l) },
      {
        CUTOUT_HOME: home,
      },
    );
    const studio = generateScene({
      width: 160,
      height: 120,
      seed: 2,
      subject: 'shapes',
      background: 'plain',
    });
    const first = await selector.coarse(studio.image);
    const second = await selector.coarse(greenScreen());
    assert.equal(first.engine, 'studio');
    assert.deepEqual([second.engine, second.model], ['chroma', 'chroma-green']);
    assert.ok(second.trimap && second.foreground, 'the chroma key brings its own trimap and colours');
    assert.equal(notices.length, 1, 'the notice is given once per run');
    assert.match(
      notices[0],
      new RegExp(
        `model '${DEFAULT_REMOVE_MODEL}' is not installed \\(offline\\); using the studio segmenter`,
      ),
    );
    assert.match(notices[0], /cutout models pull birefnet-general-lite/);
    assert.equal(first.probability.width, 160);
  });

  test('online but the download fails (unreachable mirror): the same fallback, saying why', async () => {
    const notices: string[] = [];
    const selector = new EngineSelector(
      parseRemoveOptions({}),
      { onNotice: (l) => notices.push(l) },
      {
        CUTOUT_HOME: home,
        CUTOUT_MODEL_MIRROR: 'http://127.0.0.1:9',
      },
    );
    const mask = await selector.coarse(
      generateScene({ width: 120, height: 90, seed: 3, subject: 'shapes', background: 'plain' }).image,
    );
    assert.equal(mask.engine, 'studio');
    assert.match(
      notices[0],
      /is not installed and could not be downloaded \(.+\); using the studio segmenter/,
    );
  });

  test('a model the user names is not replaced: its absence is the error', async () => {
    const selector = new EngineSelector(
      parseRemoveOptions({ model: 'u2net', offline: true }),
      {},
      { CUTOUT_HOME: home },
    );
    await assert.rejects(selector.coarse(greenScreen()), { code: 'CUTOUT_E_MODEL_MISSING' });
  });

  test('--engine forces studio or chroma; a mask overrides the engine', async () => {
    const image = greenScreen();
    const chroma = new EngineSelector(parseRemoveOptions({ engine: 'chroma' }));
    assert.equal((await chroma.coarse(image)).engine, 'chroma');
    const studio = new EngineSelector(parseRemoveOptions({ engine: 'studio' }));
    assert.equal((await studio.coarse(image)).engine, 'studio');
    const plane = { data: new Float32Array(80 * 60).fill(1), width: 80, height: 60 };
    const masked = await studio.coarse(image, plane);
    assert.deepEqual(
      [masked.engine, masked.probability.width, masked.probability.height, masked.warnings],
      ['mask', 160, 120, []],
    );
  });

  test('auto with a box or a classical engine’s option: the studio segmenter, no model looked for', async () => {
    const notices: string[] = [];
    // Online with an unreachable mirror: looking for the default model would leave a notice.
    const env = { CUTOUT_HOME: home, CUTOUT_MODEL_MIRROR: 'http://127.0.0.1:9' };
    const scene = generateScene({ width: 160, height: 120, seed: 2, subject: 'shapes', background: 'plain' });
    const boxed = new EngineSelector(
      parseRemoveOptions({ box: '0,0,80,120' }),
      { onNotice: (l) => notices.push(l) },
      env,
    );
    const mask = await boxed.coarse(scene.image);
    assert.equal(mask.engine, 'studio');
    for (let y = 0; y < 120; y++) {
      for (let x = 80; x < 160; x++) assert.equal(mask.probability.data[y * 160 + x], 0, `(${x}, ${y})`);
    }
    const shadows = new EngineSelector(parseRemoveOptions({ shadows: 'keep' }), {}, env);
    assert.equal((await shadows.coarse(scene.image)).engine, 'studio');
    const keyed = new EngineSelector(parseRemoveOptions({ tolerance: 0.1 }), {}, env);
    assert.equal((await keyed.coarse(greenScreen())).engine, 'chroma');
    assert.deepEqual(notices, []);
  });

  test('a box and strokes are imposed on any other engine’s map (here a mask and the chroma key)', async () => {
    const strokesPath = join(home, 'strokes.png');
    // Grey canvas at twice the image size (as before --max-size): a white patch and a black patch.
    const W = 320;
    const H = 240;
    const grey = new Float32Array(W * H * 3).fill(0.5);
    const paint = (x0: number, y0: number, value: number) => {
      for (let y = y0; y < y0 + 20; y++)
        for (let x = x0; x < x0 + 20; x++) grey.fill(value, 3 * (y * W + x), 3 * (y * W + x) + 3);
    };
    paint(0, 0, 1); // subject, outside the box: the stroke wins
    paint(200, 100, 0); // background, on the disc
    await writeFile(
      strokesPath,
      await encodeImage({ colour: { data: grey, width: W, height: H, channels: 3 } }, { format: 'png' }),
    );
    const plane = { data: new Float32Array(160 * 120).fill(0.7), width: 160, height: 120 };
    const masked = await new EngineSelector(
      parseRemoveOptions({ box: '40,0,120,120', strokes: strokesPath }),
    ).coarse(greenScreen(), plane);
    const at = (x: number, y: number) => masked.probability.data[y * 160 + x];
    assert.deepEqual([at(5, 5), at(20, 60), at(60, 60), at(105, 55)], [1, 0, Math.fround(0.7), 0]);
    const chroma = await new EngineSelector(
      parseRemoveOptions({ engine: 'chroma', box: '40,0,120,120', strokes: strokesPath }),
    ).coarse(greenScreen());
    const t = (x: number, y: number) => chroma.trimap!.data[y * 160 + x];
    assert.deepEqual([t(5, 5), t(20, 60), t(105, 55)], [255, 0, 0]);
    assert.equal(chroma.probability.data[55 * 160 + 105], 0);
  });

  test('with --max-size the box, given in the input’s pixels, is scaled to the shrunk image', async () => {
    const plane = { data: new Float32Array(160 * 120).fill(0.7), width: 160, height: 120 };
    // The input was 640×480 (four times the image): its box 161,1,318,477 is 40.25…119.75 × 0.25…119.5 here,
    // grown outwards to whole pixels: columns 40…119, rows 0…119.
    const masked = await new EngineSelector(parseRemoveOptions({ box: '161,1,318,477' })).coarse(
      greenScreen(),
      plane,
      undefined,
      { width: 640, height: 480 },
    );
    const inside = (x: number, y: number) => masked.probability.data[y * 160 + x] > 0;
    assert.deepEqual(
      [inside(39, 60), inside(40, 60), inside(119, 60), inside(120, 60), inside(80, 0), inside(80, 119)],
      [false, true, true, false, true, true],
    );
    // A box past the input's edge is refused in the input's terms.
    await assert.rejects(
      new EngineSelector(parseRemoveOptions({ box: '700,0,10,10' })).coarse(greenScreen(), plane, undefined, {
        width: 640,
        height: 480,
      }),
      { code: 'CUTOUT_E_INVALID_OPTION', message: /lies outside the 640×480 image/ },
    );
  });

  test('a missing or misshapen stroke file is an error naming --strokes and the file', async () => {
    const missing = join(home, 'nope.png');
    await assert.rejects(new EngineSelector(parseRemoveOptions({ strokes: missing })).coarse(greenScreen()), {
      code: 'CUTOUT_E_INPUT_NOT_FOUND',
      message: `--strokes ${missing}: no such file`,
    });
    const square = join(home, 'square.png');
    const grey = new Float32Array(50 * 50 * 3).fill(0.5);
    await writeFile(
      square,
      await encodeImage({ colour: { data: grey, width: 50, height: 50, channels: 3 } }, { format: 'png' }),
    );
    await assert.rejects(new EngineSelector(parseRemoveOptions({ strokes: square })).coarse(greenScreen()), {
      code: 'CUTOUT_E_SIZE_MISMATCH',
      message: /square\.png: is 50×50 but the image is 160×120/,
    });
  });
});
