import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { runCli } from '../helpers/run-cli.ts';

const W = 8;
const H = 4;

async function grey(path: string, values: (i: number) => number) {
  const data = Buffer.alloc(W * H);
  for (let i = 0; i < data.length; i++) data[i] = values(i);
  await sharp(data, { raw: { width: W, height: H, channels: 1 } })
    .toColourspace('b-w')
    .png()
    .toFile(path);
}

describe('cutout eval (subprocess)', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cutout-eval-'));
    for (const sub of ['pred', 'gt', 'trimap']) await mkdir(join(dir, sub));
    // a: prediction 0.5 (128/255… use 255 and 0 to stay exact) — see the worked values below.
    await grey(join(dir, 'gt', 'a.png'), () => 0);
    await grey(join(dir, 'pred', 'a.png'), () => 255);
    // Unknown region: the first 10 pixels (value 128); the rest is sure background.
    await grey(join(dir, 'trimap', 'a.png'), (i) => (i < 10 ? 128 : 0));
    // b: an RGBA prediction scored by its alpha (alpha 51 = 0.2), saved as WebP (extension ignored).
    await grey(join(dir, 'gt', 'b.png'), () => 0);
    const rgba = Buffer.alloc(W * H * 4);
    for (let i = 0; i < W * H; i++) rgba.set([255, 255, 255, 51], i * 4);
    await sharp(rgba, { raw: { width: W, height: H, channels: 4 } })
      .webp({ lossless: true })
      .toFile(join(dir, 'pred', 'b.webp'));
    await grey(join(dir, 'trimap', 'b.png'), (i) => (i < 10 ? 128 : 255));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('--json scores match hand-worked DESIGN.md values', async () => {
    const result = await runCli([
      'eval',
      '--pred',
      join(dir, 'pred'),
      '--gt',
      join(dir, 'gt'),
      '--trimap',
      join(dir, 'trimap'),
      '--json',
    ]);
    assert.equal(result.status, 0, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.deepEqual(
      report.images.map((row: { name: string }) => row.name),
      ['a', 'b'],
    );
    const [a, b] = report.images;
    // a: p = 1, g = 0 on 10 unknown pixels. SAD = 10·1/1000; MSE = 1·1000; flat images → Grad 0.
    // Conn: g ≥ t is empty for every t ≥ 0.1, so l = 0 everywhere; φ(p) = 1 − 1 = 0, φ(g) = 1 → 10·1/1000.
    assert.ok(Math.abs(a.sad - 0.01) < 1e-4);
    assert.ok(Math.abs(a.mse - 1000) < 1e-4);
    assert.ok(Math.abs(a.grad) < 1e-4);
    assert.ok(Math.abs(a.conn - 0.01) < 1e-4);
    // b: p = 0.2 from the alpha channel (the RGB is white and would give 1). SAD = 10·0.2/1000;
    // MSE = 0.04·1000; Conn: l = 0, d = 0.2 ≥ 0.15 so φ(p) = 0.8, φ(g) = 1 → 10·0.2/1000.
    assert.ok(Math.abs(b.sad - 0.002) < 1e-4);
    assert.ok(Math.abs(b.mse - 40) < 1e-3);
    assert.ok(Math.abs(b.conn - 0.002) < 1e-4);
    assert.ok(Math.abs(report.mean.sad - (a.sad + b.sad) / 2) < 1e-9);
  });

  test('without a trimap every pixel counts; the table has a row per image and the mean', async () => {
    const result = await runCli(['eval', '--pred', join(dir, 'pred'), '--gt', join(dir, 'gt')]);
    assert.equal(result.status, 0, result.stderr);
    const lines = result.stdout.trim().split('\n');
    assert.match(lines[0], /image\s+SAD\s+MSE\s+Grad\s+Conn/);
    assert.match(lines[1], /^a\s+0\.0320\s+1000\.0000/); // 32 pixels × 1 / 1000
    assert.match(lines[3], /^mean \(2\)/);
  });

  test('a missing prediction, a size mismatch and a bad file are clear errors', async () => {
    await grey(join(dir, 'gt', 'c.png'), () => 0);
    const missing = await runCli(['eval', '--pred', join(dir, 'pred'), '--gt', join(dir, 'gt')]);
    assert.notEqual(missing.status, 0);
    assert.match(missing.stderr, /no prediction .* for: c/);
    assert.match(missing.stderr, /CUTOUT_E_NO_MATCH/);

    await sharp({ create: { width: 3, height: 3, channels: 3, background: '#000' } })
      .png()
      .toFile(join(dir, 'pred', 'c.png'));
    const mismatch = await runCli(['eval', '--pred', join(dir, 'pred'), '--gt', join(dir, 'gt')]);
    assert.notEqual(mismatch.status, 0);
    assert.match(mismatch.stderr, /c\.png: is 3×3 but .*c\.png is 8×4/);

    const bad = await runCli([
      'eval',
      '--pred',
      join(dir, 'trimap', 'a.png'),
      '--gt',
      join(import.meta.dirname, '..', 'fixtures', 'bad', 'truncated.png'),
    ]);
    assert.equal(bad.status, 65);
    assert.match(bad.stderr, /truncated\.png: cannot decode image/);
    await rm(join(dir, 'gt', 'c.png'));
    await rm(join(dir, 'pred', 'c.png'));
  });
});
