/**
 * `cutout <inputs...>` as a user runs it, in a subprocess: a folder batch with the bad-input corpus mixed in
 * (a bad file fails alone, the rest succeed, nothing is overwritten, the exit status says so), --json lines,
 * standard input and output, output names and formats, and the fallback when the default model is missing.
 * Images are generated studio scenes; the studio engine makes their masks (no network, no model files).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { encodeImage } from '../../src/io/index.ts';
import { generateScene } from '../../src/synth/index.ts';
import { badDir, badFixtures } from '../fixtures.ts';
import { runCutout as runCli } from './remove-helpers.ts';

const W = 160;
const H = 120;

async function sceneFile(path: string, seed: number, format: 'png' | 'jpeg' = 'png') {
  const scene = generateScene({ width: W, height: H, seed, subject: 'shapes', background: 'plain' });
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, await encodeImage({ colour: scene.image }, { format }));
}

const digest = async (path: string) =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');

describe('cutout <inputs...> (subprocess)', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cutout-cli-remove-'));
    env = { CUTOUT_HOME: join(dir, 'home') };
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('a folder batch with the bad-input corpus: bad files fail alone with their codes, the rest succeed', async () => {
    const input = join(dir, 'batch');
    await sceneFile(join(input, 'one.png'), 1);
    await sceneFile(join(input, 'sub', 'two.jpg'), 2, 'jpeg');
    await sceneFile(join(input, 'sub', 'three.png'), 3);
    // One folder per bad file: truncated.png and truncated.jpg would otherwise both write truncated.png.
    for (const name of Object.keys(badFixtures)) {
      await mkdir(join(input, 'bad', name), { recursive: true });
      await copyFile(join(badDir, name), join(input, 'bad', name, name));
    }
    const out = join(dir, 'batch-out');
    // An output that exists already is kept (skipped), as after an interrupted run.
    await mkdir(join(out, 'sub'), { recursive: true });
    await writeFile(join(out, 'sub', 'three.png'), 'earlier result');
    const before = new Map<string, string>();
    for (const f of ['one.png', 'sub/two.jpg', 'sub/three.png']) before.set(f, await digest(join(input, f)));

    const result = await runCli([input, '-o', out, '--engine', 'studio', '--json'], { env });
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const images = Object.keys(badFixtures).filter((n) => /\.(png|jpe?g|webp|avif|tiff?|gif)$/i.test(n));
    assert.equal(lines.length, 3 + images.length, result.stdout);
    const byName = new Map(lines.map((l) => [l.input.slice(input.length + 1), l]));
    assert.equal(byName.get('one.png').status, 'done');
    assert.equal(byName.get('one.png').engine, 'studio');
    assert.equal(byName.get('sub/two.jpg').status, 'done');
    assert.equal(byName.get('sub/three.png').status, 'skipped');
    for (const name of images) {
      const line = byName.get(`bad/${name}/${name}`);
      assert.equal(line.status, 'failed', name);
      assert.equal(line.code, badFixtures[name].code, name);
      assert.ok(line.error.includes(name), `the message names the file: ${line.error}`);
    }
    // Files that are not images by name (random.bin, text.txt, unsupported.svg/.bmp) are not taken from a folder.
    assert.equal(result.status, 65, result.stderr);
    assert.match(
      result.stderr,
      new RegExp(`2 done, 1 skipped, ${images.length} failed of ${3 + images.length}`),
    );
    for (const [name, hash] of before)
      assert.equal(await digest(join(input, name)), hash, `${name} untouched`);
    assert.equal(await readFile(join(out, 'sub', 'three.png'), 'utf8'), 'earlier result');
    for (const name of ['one.png', 'sub/two.png']) {
      const meta = await sharp(join(out, name)).metadata();
      assert.deepEqual([meta.format, meta.width, meta.height, meta.channels], ['png', W, H, 4], name);
    }
    for (const name of images) {
      assert.deepEqual(await readdir(join(out, 'bad', name)).catch(() => []), [], `no output for ${name}`);
    }
  });

  test('with no -o the cutout goes beside the input as <name>.cutout.png; a rerun skips it; an input is never overwritten', async () => {
    const photo = join(dir, 'beside', 'photo.png');
    await sceneFile(photo, 4);
    const first = await runCli([photo, '--engine', 'studio'], { env });
    assert.equal(first.status, 0, first.stderr);
    const out = join(dir, 'beside', 'photo.cutout.png');
    const made = (await stat(out)).mtimeMs;
    const again = await runCli([photo, '--engine', 'studio'], { env });
    assert.equal(again.status, 0);
    assert.match(again.stderr, /exists, skipped/);
    assert.equal((await stat(out)).mtimeMs, made);
    const hash = await digest(photo);
    for (const flags of [['--overwrite'], []]) {
      // With or without --overwrite: an output that is the input is an error, never "skipped".
      const onto = await runCli([photo, '--engine', 'studio', '-o', photo, ...flags], { env });
      assert.equal(onto.status, 73, flags.join(' '));
      assert.match(onto.stderr, /refusing to overwrite the input file .*\[CUTOUT_E_OUTPUT_IS_INPUT\]/);
      assert.equal(await digest(photo), hash);
    }
  });

  test('standard input to standard output; --json then goes to standard error', async () => {
    const photo = join(dir, 'stdio.png');
    await sceneFile(photo, 5);
    const piped = await runCli(['-', '--engine', 'studio', '--json'], { env, input: await readFile(photo) });
    assert.equal(piped.status, 0, piped.stderr);
    const meta = await sharp(piped.stdoutBytes!).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height, meta.channels], ['png', W, H, 4]);
    const line = JSON.parse(piped.stderr.trim().split('\n').at(-1)!);
    assert.deepEqual([line.input, line.output, line.status], ['-', '-', 'done']);
    // A file to standard output, as WebP.
    const out = await runCli([photo, '--engine', 'studio', '-o', '-', '-f', 'webp'], { env });
    assert.equal(out.status, 0, out.stderr);
    assert.equal((await sharp(out.stdoutBytes!).metadata()).format, 'webp');
  });

  test('formats from -o and --format: jpg on a background, zip, mask only', async () => {
    const photo = join(dir, 'formats.png');
    await sceneFile(photo, 6);
    const jpg = join(dir, 'formats-out', 'x.jpg');
    assert.equal(
      (await runCli([photo, '--engine', 'studio', '-o', jpg, '--bg', '#00ff00'], { env })).status,
      0,
    );
    const jpegMeta = await sharp(jpg).metadata();
    assert.deepEqual([jpegMeta.format, jpegMeta.channels], ['jpeg', 3]);
    const zip = join(dir, 'formats-out', 'x.zip');
    assert.equal((await runCli([photo, '--engine', 'studio', '-o', zip], { env })).status, 0);
    const bytes = await readFile(zip);
    assert.equal(bytes.readUInt32LE(0), 0x04034b50, 'a zip archive');
    const mask = join(dir, 'formats-out', 'm.png');
    const masked = await runCli(
      [photo, '--engine', 'studio', '--mask-only', '--crop', '--margin', '3px', '-o', mask],
      {
        env,
      },
    );
    assert.equal(masked.status, 0, masked.stderr);
    const maskMeta = await sharp(mask).metadata();
    assert.equal(maskMeta.channels, 1);
    assert.ok(maskMeta.width! < W || maskMeta.height! < H, 'cropped to the subject');
  });

  test('the default model is missing and --offline forbids the download: one line says so, the studio segmenter runs', async () => {
    const photo = join(dir, 'fallback.png');
    await sceneFile(photo, 7);
    const result = await runCli([photo, '--offline', '-o', join(dir, 'fallback-out.png')], { env });
    assert.equal(result.status, 0, result.stderr);
    const notices = result.stderr.split('\n').filter((l) => l.startsWith('cutout: model'));
    assert.equal(notices.length, 1, result.stderr);
    assert.match(
      notices[0],
      /'birefnet-general-lite' is not installed \(offline\); using the studio segmenter .*cutout models pull birefnet-general-lite/,
    );
  });

  test('usage errors exit 64 before any work', async () => {
    const bad = await runCli([join(dir, 'x.png'), '--refine', 'slow'], { env });
    assert.equal(bad.status, 64);
    assert.match(
      bad.stderr,
      /--refine must be one of matting, fast, none, got "slow" \[CUTOUT_E_INVALID_OPTION\]/,
    );
    const missing = await runCli([join(dir, 'no-such.png'), '--engine', 'studio'], { env });
    assert.equal(missing.status, 66);
    assert.match(
      missing.stderr,
      /no-such\.png: no such file, folder or matching image \[CUTOUT_E_INPUT_NOT_FOUND\]/,
    );
  });
});
