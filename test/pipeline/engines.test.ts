/**
 * The engine choice: the default model, and what happens when it cannot be had (offline, or an unreachable
 * mirror): one notice, then the classical engines (chroma key on a green screen, studio segmenter otherwise).
 * A model the user names is never replaced. CUTOUT_HOME is an empty temporary folder: nothing is installed.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { InterleavedF32 } from '../../src/core/image.ts';
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
});
