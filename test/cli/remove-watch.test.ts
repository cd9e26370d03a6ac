/**
 * `--watch`: the folder's images are processed, then new ones as they appear, until SIGINT ends the run
 * with a summary and a zero status. Bounded: the test stops it as soon as the new image is done.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { encodeImage } from '../../src/io/index.ts';
import { generateScene } from '../../src/synth/index.ts';
import { runCutout } from './remove-helpers.ts';

let dir: string;
const png = (seed: number) =>
  encodeImage(
    {
      colour: generateScene({ width: 160, height: 120, seed, subject: 'shapes', background: 'plain' }).image,
    },
    { format: 'png' },
  );

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cutout-cli-watch-'));
  await mkdir(join(dir, 'in'));
  await writeFile(join(dir, 'in', 'first.png'), await png(1));
});
after(() => rm(dir, { recursive: true, force: true }));

test('processes the existing image, then one that appears later, and stops cleanly on SIGINT', async () => {
  const outputs: string[] = [];
  const run = await runCutout(
    [join(dir, 'in'), '-o', join(dir, 'out'), '--engine', 'studio', '--watch', '--json'],
    {
      timeoutMs: 40_000,
      onSpawn: (child) => {
        let buffer = '';
        let added = false;
        child.stdout!.on('data', async (chunk) => {
          buffer += chunk;
          const lines = buffer.split('\n');
          buffer = lines.pop()!;
          for (const line of lines) {
            outputs.push(JSON.parse(line).output);
            if (!added) {
              added = true;
              // Write under a hidden name, then rename: the watcher never sees half a file.
              await writeFile(join(dir, 'in', '.second.png.part'), await png(2));
              await rename(join(dir, 'in', '.second.png.part'), join(dir, 'in', 'second.png'));
            } else child.kill('SIGINT');
          }
        });
      },
    },
  );
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(outputs, [join(dir, 'out', 'first.png'), join(dir, 'out', 'second.png')]);
  assert.match(run.stderr, /watching .* for new images/);
  assert.match(run.stderr, /2 done, 0 skipped, 0 failed of 2/);
  for (const name of ['first.png', 'second.png']) {
    assert.equal((await sharp(join(dir, 'out', name)).metadata()).width, 160);
  }
});
