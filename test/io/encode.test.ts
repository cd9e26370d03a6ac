import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import sharp from 'sharp';
import type { InterleavedF32, PlaneF32 } from '../../src/core/image.ts';
import {
  decodeImage,
  encodeImage,
  formatFromPath,
  OUTPUT_FORMATS,
  parseOutputFormat,
} from '../../src/io/index.ts';

/** A 16×8 RGB gradient with an alpha ramp 0 … 1 across x. */
function sample(): { colour: InterleavedF32; alpha: PlaneF32 } {
  const width = 16;
  const height = 8;
  const colour = new Float32Array(width * height * 3);
  const alpha = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      colour.set([x / (width - 1), y / (height - 1), 0.5], i * 3);
      alpha[i] = x / (width - 1);
    }
  }
  return { colour: { data: colour, width, height, channels: 3 }, alpha: { data: alpha, width, height } };
}

describe('encodeImage', () => {
  test('PNG 8-bit round-trips colour and straight alpha exactly at 8 bits', async () => {
    const input = sample();
    const png = await encodeImage(input, { format: 'png' });
    const back = await decodeImage(png);
    assert.equal(back.header.format, 'png');
    assert.ok(back.alpha);
    for (let i = 0; i < input.alpha.data.length; i++) {
      assert.equal(Math.round(back.alpha.data[i] * 255), Math.round(input.alpha.data[i] * 255));
    }
    // Straight alpha: colour is stored unscaled even where alpha is small.
    assert.equal(Math.round(back.colour.data[3 * 1] * 255), Math.round((1 / 15) * 255));
  });

  test('PNG 16-bit keeps 16-bit precision', async () => {
    const input = sample();
    const png = await encodeImage(input, { format: 'png', bitDepth: 16 });
    const meta = await sharp(png).metadata();
    assert.equal(meta.depth, 'ushort');
    const back = await decodeImage(png);
    assert.equal(back.header.bitDepth, 16);
    for (let i = 0; i < input.colour.data.length; i++) {
      assert.ok(Math.abs(back.colour.data[i] - input.colour.data[i]) <= 0.5 / 65535 + 1e-7);
    }
  });

  test('premultiplied output stores colour × alpha', async () => {
    const input = sample();
    const back = await decodeImage(await encodeImage(input, { format: 'png', premultiplied: true }));
    const i = 8 * 16 - 1; // last pixel: alpha 1
    const j = 16 * 3 + 5; // row 3, x = 5: alpha 1/3
    assert.equal(Math.round(back.colour.data[i * 3] * 255), 255);
    assert.equal(
      Math.round(back.colour.data[j * 3] * 255),
      Math.round(input.colour.data[j * 3] * input.alpha.data[j] * 255),
    );
  });

  test('a grey plane is written as a one-channel PNG', async () => {
    const { alpha } = sample();
    const png = await encodeImage({ colour: { ...alpha, channels: 1 } }, { format: 'png' });
    const meta = await sharp(png).metadata();
    assert.equal(meta.channels, 1);
    assert.equal(meta.width, 16);
  });

  test('every output format round-trips through a decoder', async () => {
    const input = sample();
    for (const format of OUTPUT_FORMATS) {
      const bytes = await encodeImage(input, {
        format,
        background: format === 'jpeg' ? [1, 1, 1] : undefined,
        lossless: format === 'webp' ? true : undefined,
      });
      const back = await decodeImage(bytes);
      assert.equal(back.header.format, format);
      assert.equal(back.colour.width, 16);
      assert.equal(back.alpha !== undefined, format !== 'jpeg', `${format} alpha`);
    }
  });

  test('lossless WebP keeps alpha exactly; lossy WebP stays close', async () => {
    const input = sample();
    const lossless = await decodeImage(await encodeImage(input, { format: 'webp', lossless: true }));
    const lossy = await decodeImage(await encodeImage(input, { format: 'webp', quality: 80 }));
    for (let i = 0; i < input.alpha.data.length; i++) {
      assert.equal(Math.round(lossless.alpha!.data[i] * 255), Math.round(input.alpha.data[i] * 255));
      assert.ok(Math.abs(lossy.alpha!.data[i] - input.alpha.data[i]) < 0.05);
    }
  });

  test('JPEG refuses transparency unless given a background, then flattens onto it', async () => {
    const input = sample();
    await assert.rejects(encodeImage(input, { format: 'jpeg' }), { code: 'CUTOUT_E_ENCODE_UNSUPPORTED' });
    const back = await decodeImage(
      await encodeImage(input, { format: 'jpeg', background: [0, 0, 1], quality: 100 }),
    );
    // x = 0 has alpha 0: pure background blue.
    assert.ok(back.colour.data[0] < 0.05 && back.colour.data[2] > 0.93);
    // An opaque image needs no background.
    const opaque = {
      colour: input.colour,
      alpha: { ...input.alpha, data: new Float32Array(16 * 8).fill(1) },
    };
    await encodeImage(opaque, { format: 'jpeg' });
  });

  test('16-bit is refused for formats that cannot hold it', async () => {
    await assert.rejects(encodeImage(sample(), { format: 'webp', bitDepth: 16 }), {
      code: 'CUTOUT_E_ENCODE_UNSUPPORTED',
    });
  });

  test('format names', () => {
    assert.equal(parseOutputFormat('JPG'), 'jpeg');
    assert.throws(() => parseOutputFormat('bmp'), { code: 'CUTOUT_E_INVALID_OPTION' });
    assert.equal(formatFromPath('a/b.cutout.WEBP'), 'webp');
    assert.equal(formatFromPath('a/b.tif'), 'tiff');
    assert.equal(formatFromPath('a/b'), undefined);
  });
});
