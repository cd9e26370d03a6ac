/**
 * An interrupted batch: the process is killed (SIGKILL, no chance to clean up) while it works; every output
 * that exists must be a whole image (writes are atomic), and running the same command again skips those and
 * finishes the rest.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { encodeImage } from '../../src/io/index.ts';
import { generateScene } from '../../src/synth/index.ts';
import { runCutout } from './remove-helpers.ts';

const COUNT = 8;
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cutout-cli-resume-'));
  await mkdir(join(dir, 'in'));
  for (let i = 0; i < COUNT; i++) {
    const scene = generateScene({
      width: 200,
      height: 150,
      seed: 40 + i,
      subject: 'shapes',
      background: 'plain',
    });
    await writeFile(
      join(dir, 'in', `img${i}.png`),
      await encodeImage({ colour: scene.image }, { format: 'png' }),
    );
  }
});
after(() => rm(dir, { recursive: true, force: true }));

test('killed mid-batch: no half-written output; the rerun skips what exists and completes the rest', async () => {
  const args = [join(dir, 'in'), '-o', join(dir, 'out'), '--engine', 'studio', '--json'];
  const killed = await runCutout(args, {
    onSpawn: (child) => {
      let seen = '';
      child.stdout!.on('data', (chunk) => {
        seen += chunk;
        // Kill as soon as the first image is done, while the second is being made.
        if (seen.includes('"status":"done"')) child.kill('SIGKILL');
      });
    },
  });
  assert.equal(killed.signal, 'SIGKILL', `the run ended by itself: ${killed.stderr}`);
  const visible = async () => (await readdir(join(dir, 'out'))).filter((n) => !n.startsWith('.')).sort();
  const written = await visible();
  assert.ok(written.length >= 1 && written.length < COUNT, `written before the kill: ${written}`);
  for (const name of written) {
    // A whole PNG: every pixel decodes (a truncated file fails here).
    const { info } = await sharp(join(dir, 'out', name))
      .raw()
      .toBuffer({ resolveWithObject: true });
    assert.deepEqual([info.width, info.height, info.channels], [200, 150, 4], name);
  }

  const resumed = await runCutout(args);
  assert.equal(resumed.status, 0, resumed.stderr);
  const lines = resumed.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(lines.filter((l) => l.status === 'skipped').length, written.length);
  assert.equal(lines.filter((l) => l.status === 'done').length, COUNT - written.length);
  assert.deepEqual(
    await visible(),
    Array.from({ length: COUNT }, (_, i) => `img${i}.png`),
  );
});
