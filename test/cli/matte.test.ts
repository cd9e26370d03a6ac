import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { planeU8ToF32 } from '../../src/core/convert-depth.ts';
import type { PlaneF32 } from '../../src/core/image.ts';
import { decodeImage, decodeMatte, encodeImage } from '../../src/io/index.ts';
import { evaluateMatte } from '../../src/metrics/index.ts';
import { generateScene } from '../../src/synth/index.ts';
import { trimapFromAlpha } from '../../src/trimap/trimap-from-alpha.ts';
import { badDir } from '../fixtures.ts';
import { runCli } from '../helpers/run-cli.ts';

const grey = (plane: PlaneF32) => ({ colour: { ...plane, channels: 1 } });

describe('cutout matte (subprocess)', () => {
  let dir: string;
  let truth: PlaneF32;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cutout-matte-'));
    for (const sub of ['images', 'trimaps', 'out']) await mkdir(join(dir, sub));
    const scene = generateScene({
      width: 160,
      height: 120,
      seed: 4,
      subject: 'shapes',
      background: 'gradient',
    });
    truth = scene.alpha;
    const trimap = trimapFromAlpha(scene.alpha, 4);
    await writeFile(join(dir, 'photo.png'), await encodeImage({ colour: scene.image }, { format: 'png' }));
    await writeFile(
      join(dir, 'photo.trimap.png'),
      await encodeImage(grey(planeU8ToF32(trimap)), { format: 'png' }),
    );
    // A folder: two good pairs (trimap names differ in extension) and one pair whose trimap is corrupt.
    const second = generateScene({ width: 120, height: 90, seed: 9, subject: 'hair', background: 'plain' });
    await copyFile(join(dir, 'photo.png'), join(dir, 'images', 'a.png'));
    await writeFile(
      join(dir, 'images', 'b.jpg'),
      await encodeImage({ colour: second.image }, { format: 'jpeg' }),
    );
    await writeFile(
      join(dir, 'images', 'c.png'),
      await encodeImage({ colour: second.image }, { format: 'png' }),
    );
    await copyFile(join(dir, 'photo.trimap.png'), join(dir, 'trimaps', 'a.png'));
    const secondTrimap = planeU8ToF32(trimapFromAlpha(second.alpha, 3));
    await writeFile(
      join(dir, 'trimaps', 'b.webp'),
      await encodeImage(grey(secondTrimap), { format: 'webp', lossless: true }),
    );
    await copyFile(join(badDir, 'truncated.png'), join(dir, 'trimaps', 'c.png'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('one image: an RGBA cutout of the input size whose alpha is close to the truth', async () => {
    const out = join(dir, 'photo.out.png');
    const result = await runCli([
      'matte',
      join(dir, 'photo.png'),
      '--trimap',
      join(dir, 'photo.trimap.png'),
      '-o',
      out,
    ]);
    assert.equal(result.status, 0, result.stderr);
    const decoded = await decodeImage(out);
    assert.equal(decoded.colour.width, 160);
    assert.equal(decoded.colour.height, 120);
    assert.ok(decoded.alpha, 'the cutout has an alpha channel');
    const trimap = await decodeMatte(join(dir, 'photo.trimap.png'));
    const scores = evaluateMatte(decoded.alpha, truth, {
      ...trimap,
      data: Uint8Array.from(trimap.data, (v) => Math.round(v * 255)),
    });
    assert.ok(scores.sad < 0.4, `SAD ${scores.sad}`);
  });

  test('--alpha-only writes a one-channel image of the input size; the default name sits beside the input', async () => {
    const result = await runCli([
      'matte',
      join(dir, 'photo.png'),
      '--trimap',
      join(dir, 'photo.trimap.png'),
      '--alpha-only',
    ]);
    assert.equal(result.status, 0, result.stderr);
    const meta = await sharp(join(dir, 'photo.alpha.png')).metadata();
    assert.equal(meta.channels, 1);
    assert.equal(meta.width, 160);
    assert.equal(meta.height, 120);
  });

  test('an existing output is kept unless --overwrite; the input is never overwritten', async () => {
    const out = join(dir, 'photo.out.png');
    const before = await readFile(out);
    const again = await runCli([
      'matte',
      join(dir, 'photo.png'),
      '--trimap',
      join(dir, 'photo.trimap.png'),
      '-o',
      out,
    ]);
    assert.equal(again.status, 73);
    assert.match(again.stderr, /exists; pass --overwrite/);
    assert.deepEqual(await readFile(out), before);
    const input = await readFile(join(dir, 'photo.png'));
    const self = await runCli([
      'matte',
      join(dir, 'photo.png'),
      '--trimap',
      join(dir, 'photo.trimap.png'),
      '-o',
      join(dir, 'photo.png'),
      '--overwrite',
    ]);
    assert.equal(self.status, 73);
    assert.match(self.stderr, /CUTOUT_E_OUTPUT_IS_INPUT/);
    assert.deepEqual(await readFile(join(dir, 'photo.png')), input);
  });

  test('a folder: pairs by name, a bad trimap fails alone, the rest are written, the exit status says so', async () => {
    const result = await runCli([
      'matte',
      join(dir, 'images'),
      '--trimap',
      join(dir, 'trimaps'),
      '-o',
      join(dir, 'out'),
      '--json',
    ]);
    assert.notEqual(result.status, 0);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    assert.equal(lines.length, 3);
    assert.deepEqual(
      lines.map((line) => [line.input.split('/').pop(), line.ok]),
      [
        ['a.png', true],
        ['b.jpg', true],
        ['c.png', false],
      ],
    );
    assert.equal(lines[2].code, 'CUTOUT_E_INPUT_CORRUPT');
    assert.deepEqual((await readdir(join(dir, 'out'))).sort(), ['a.png', 'b.png']);
  });

  test('bad trimaps: wrong size, no foreground, not an image', async () => {
    const small = join(dir, 'small.png');
    await sharp({ create: { width: 10, height: 10, channels: 3, background: '#808080' } })
      .toColourspace('b-w')
      .png()
      .toFile(small);
    const wrongSize = await runCli([
      'matte',
      join(dir, 'photo.png'),
      '--trimap',
      small,
      '-o',
      join(dir, 'x.png'),
    ]);
    assert.equal(wrongSize.status, 65);
    assert.match(wrongSize.stderr, /small\.png: is 10×10 but the image is 160×120/);

    const noForeground = join(dir, 'nofg.png');
    const data = Buffer.alloc(160 * 120, 0);
    data.fill(128, 0, 4000);
    await sharp(data, { raw: { width: 160, height: 120, channels: 1 } })
      .png()
      .toFile(noForeground);
    const noFg = await runCli([
      'matte',
      join(dir, 'photo.png'),
      '--trimap',
      noForeground,
      '-o',
      join(dir, 'x.png'),
    ]);
    assert.equal(noFg.status, 65);
    assert.match(noFg.stderr, /nofg\.png: has no sure foreground/);

    const text = await runCli([
      'matte',
      join(dir, 'photo.png'),
      '--trimap',
      join(badDir, 'text.png'),
      '-o',
      join(dir, 'x.png'),
    ]);
    assert.equal(text.status, 65);
    assert.match(text.stderr, /text\.png: not an image/);
    assert.deepEqual(
      (await readdir(dir)).filter((name) => name.startsWith('x.')),
      [],
    );

    const method = await runCli(['matte', join(dir, 'photo.png'), '--trimap', small, '--method', 'magic']);
    assert.equal(method.status, 64);
    assert.match(method.stderr, /unknown matting method 'magic'/);
  });

  test('scribbles: a few strokes on a transparent layer give a matte', async () => {
    // Strokes: a foreground blob at the subject's centre and background lines along the border.
    const rgba = Buffer.alloc(160 * 120 * 4, 0);
    const paint = (x: number, y: number, v: number) => rgba.set([v, v, v, 255], (y * 160 + x) * 4);
    for (let x = 0; x < 160; x++) for (const y of [0, 1, 118, 119]) paint(x, y, 0);
    for (let y = 0; y < 120; y++) for (const x of [0, 1, 158, 159]) paint(x, y, 0);
    let fg = 0;
    for (let i = 0; i < truth.data.length; i++) {
      if (truth.data[i] === 1 && fg < 400 && i % 7 === 0) {
        paint(i % 160, Math.floor(i / 160), 255);
        fg++;
      }
    }
    await sharp(rgba, { raw: { width: 160, height: 120, channels: 4 } })
      .png()
      .toFile(join(dir, 'strokes.png'));
    const out = join(dir, 'scribbled.png');
    const result = await runCli([
      'matte',
      join(dir, 'photo.png'),
      '--scribbles',
      join(dir, 'strokes.png'),
      '--alpha-only',
      '-o',
      out,
    ]);
    assert.equal(result.status, 0, result.stderr);
    const alpha = await decodeMatte(out);
    assert.equal(alpha.width, 160);
  });
});
