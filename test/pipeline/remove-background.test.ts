/**
 * removeBackground() as a library: the result object, every output format decoded again, and the compose
 * options. The coarse mask is given (a network-like mask made from the scene's true α), so the checks are
 * about the cascade and the outputs, not about a segmenter.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import type { InterleavedF32, PlaneF32 } from '../../src/core/image.ts';
import { decodeImage, encodeImage } from '../../src/io/index.ts';
import { sadError } from '../../src/metrics/index.ts';
import { encodeCutout } from '../../src/pipeline/encode-cutout.ts';
import { RefinePool } from '../../src/pipeline/refine-pool.ts';
import { RemoveContext, removeBackground } from '../../src/pipeline/remove-background.ts';
import { refineMask } from '../../src/refine/refine-mask.ts';
import { generateScene } from '../../src/synth/index.ts';
import { readZip } from '../helpers/zip-reader.ts';
import { networkLikeMask } from '../refine/network-like-mask.ts';

const W = 240;
const H = 180;
const scene = generateScene({ width: W, height: H, seed: 8, subject: 'hair', background: 'gradient' });
const mask = networkLikeMask(scene.alpha);
let photo: Buffer;

async function raw(bytes: Uint8Array) {
  const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
  return { data, info };
}

describe('removeBackground()', () => {
  const pool = new RefinePool(2);
  before(async () => {
    photo = await encodeImage({ colour: scene.image }, { format: 'png' });
  });
  after(() => pool.close());

  test('the result object: alpha, foreground, encoded PNG, engine, model and per-stage timings', async () => {
    const result = await removeBackground(photo, { maskSource: mask, name: 'scene.png' });
    assert.equal(result.engine, 'mask');
    assert.equal(result.model, 'mask');
    assert.equal(result.refine, 'matting');
    assert.deepEqual(
      [result.width, result.height, result.alpha.width, result.foreground.channels],
      [W, H, W, 3],
    );
    assert.ok(result.unknownPixels > 0);
    assert.ok(sadError(result.alpha, scene.alpha) < 0.8 * sadError(mask, scene.alpha));
    for (const stage of [
      'decode',
      'segment',
      'trimap',
      'matting',
      'foreground',
      'compose',
      'encode',
      'total',
    ] as const) {
      assert.ok(result.timings[stage] >= 0, stage);
    }
    assert.ok(result.timings.total >= result.timings.matting + result.timings.encode);
    const { data, info } = await raw(result.encoded!.bytes);
    assert.deepEqual(
      [result.encoded!.format, result.encoded!.mimeType, info.width, info.height, info.channels],
      ['png', 'image/png', W, H, 4],
    );
    // 8-bit PNG: alpha exact to the rounding; colour is the estimated foreground.
    for (let i = 0; i < W * H; i++) {
      assert.equal(data[i * 4 + 3], Math.round(result.alpha.data[i] * 255), `alpha at ${i}`);
      if (result.alpha.data[i] > 0)
        assert.equal(data[i * 4], Math.round(result.foreground.data[i * 3] * 255));
    }
  });

  test('every output format decodes again to the same picture', async () => {
    const ctx = (format: string, extra: Record<string, unknown> = {}) =>
      new RemoveContext({ format: format as 'png', ...extra }, { pool });
    const reference = await removeBackground(photo, { maskSource: mask }, ctx('png'));
    const alpha = reference.alpha.data;
    // Budgets in 8-bit levels: worst pixel and mean (AVIF at its default quality 60 is lossy on alpha too).
    for (const [format, worstBudget, meanBudget] of [
      ['webp', 4, 0.5],
      ['avif', 32, 1.5],
      ['tiff', 0, 0],
    ] as const) {
      const result = await removeBackground(photo, { maskSource: mask }, ctx(format));
      const { data, info } = await raw(result.encoded!.bytes);
      assert.equal(info.channels, 4, format);
      let worst = 0;
      let sum = 0;
      for (let i = 0; i < W * H; i++) {
        const d = Math.abs(data[i * 4 + 3] - Math.round(alpha[i] * 255));
        worst = Math.max(worst, d);
        sum += d;
      }
      assert.ok(worst <= worstBudget, `${format}: alpha off by ${worst}`);
      assert.ok(sum / (W * H) <= meanBudget, `${format}: alpha off by ${sum / (W * H)} on average`);
    }
    // JPEG cannot hold alpha: flattened on white unless a background is given.
    const jpeg = await removeBackground(photo, { maskSource: mask }, ctx('jpg'));
    assert.equal(jpeg.encoded!.extension, 'jpg');
    const flat = await raw(jpeg.encoded!.bytes);
    assert.equal(flat.info.channels, 3);
    let error = 0;
    for (let i = 0; i < W * H; i++) {
      const expected = 255 * (alpha[i] * reference.foreground.data[i * 3] + (1 - alpha[i]));
      error += Math.abs(flat.data[i * 3] - expected);
    }
    assert.ok(error / (W * H) < 3, `mean JPEG error ${error / (W * H)}`);
    // zip: color.jpg (the colour, unflattened) + alpha.png (the matte, exact).
    const zip = await removeBackground(photo, { maskSource: mask }, ctx('zip'));
    assert.equal(zip.encoded!.mimeType, 'application/zip');
    const entries = readZip(zip.encoded!.bytes);
    assert.deepEqual(
      entries.map((e) => e.name),
      ['color.jpg', 'alpha.png'],
    );
    const colour = await sharp(entries[0].data).metadata();
    assert.deepEqual([colour.format, colour.width, colour.height], ['jpeg', W, H]);
    assert.equal((await sharp(entries[1].data).metadata()).channels, 1);
    const matte = await sharp(entries[1].data).extractChannel(0).raw().toBuffer();
    for (let i = 0; i < W * H; i++) assert.equal(matte[i], Math.round(alpha[i] * 255));
  });

  test('premultiplied, mask only, crop with margin, max size', async () => {
    const pre = await removeBackground(photo, { maskSource: mask, premultiplied: true });
    const { data } = await raw(pre.encoded!.bytes);
    for (let i = 0; i < W * H; i += 7) {
      const expected = Math.round(pre.foreground.data[i * 3] * pre.alpha.data[i] * 255);
      assert.ok(Math.abs(data[i * 4] - expected) <= 1, `premultiplied red at ${i}`);
    }
    const matte = await removeBackground(photo, { maskSource: mask, maskOnly: true, format: 'webp' });
    const decoded = await decodeImage(matte.encoded!.bytes);
    assert.equal(decoded.alpha, undefined);
    const cropped = await removeBackground(photo, { maskSource: mask, crop: true, margin: '4px' });
    const box = cropped.crop!;
    assert.ok(box.x0 > 0 || box.y0 > 0 || box.x1 < W || box.y1 < H, 'the subject does not fill the frame');
    const meta = await sharp(cropped.encoded!.bytes).metadata();
    assert.deepEqual([meta.width, meta.height], [box.x1 - box.x0, box.y1 - box.y0]);
    const small = await removeBackground(photo, { maskSource: mask, maxSize: 120 });
    assert.deepEqual([small.width, small.height], [120, 90]);
    assert.deepEqual([(await sharp(small.encoded!.bytes).metadata()).width], [120]);
  });

  test('--bg: a colour, an image fitted to cover, and blur give opaque images', async () => {
    const red = await removeBackground(photo, { maskSource: mask, bg: '#ff0000' });
    const { data, info } = await raw(red.encoded!.bytes);
    assert.equal(info.channels, 3);
    const corner = 0; // background there: α = 0 → pure red
    assert.equal(red.alpha.data[corner], 0);
    assert.deepEqual([data[0], data[1], data[2]], [255, 0, 0]);
    const translucent = await removeBackground(photo, { maskSource: mask, bg: 'rgba(0,0,255,0.5)' });
    assert.equal((await raw(translucent.encoded!.bytes)).info.channels, 4);
    const blurred = await removeBackground(photo, { maskSource: mask, bg: 'blur' });
    assert.equal((await raw(blurred.encoded!.bytes)).info.channels, 3);
    await assert.rejects(removeBackground(photo, { maskSource: mask, bg: 'no/such/file.jpg' }), {
      code: 'CUTOUT_E_INVALID_OPTION',
      message: /--bg 'no\/such\/file.jpg' is neither a colour/,
    });
  });

  test('tiles on worker threads give the same matte as tiles on this thread', async () => {
    const here = await removeBackground(
      photo,
      { maskSource: mask, encode: false },
      new RemoveContext({}, { pool: false }),
    );
    const there = await removeBackground(
      photo,
      { maskSource: mask, encode: false },
      new RemoveContext({}, { pool }),
    );
    assert.equal(here.encoded, undefined);
    assert.deepEqual(there.alpha.data, here.alpha.data);
  });

  test('many tiles of different sizes on two workers (shared planes, crop buffers reused) = on this thread', async () => {
    const tiles = { tileSize: 64 };
    const here = await refineMask(scene.image, mask, { tiles });
    const imageBefore = scene.image.data.slice();
    const there = await refineMask(scene.image, mask, { tiles, solveTile: pool.solveTile });
    assert.ok(there.unknownCount > 0);
    assert.deepEqual(there.alpha.data, here.alpha.data);
    assert.deepEqual(there.foreground?.data, here.foreground?.data);
    // The caller's arrays are shared with the workers, not handed over: still whole and unchanged.
    assert.deepEqual(scene.image.data, imageBefore);
    assert.equal(mask.data.length, W * H);
  });

  test('a mask file is read alongside the photo: its error names it, and a bad photo is reported first', async () => {
    const badMask = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    await assert.rejects(removeBackground(photo, { maskSource: badMask, name: 'scene.png' }), {
      code: 'CUTOUT_E_INPUT_UNSUPPORTED',
    });
    const photoFirst = removeBackground(new Uint8Array([1, 2, 3]), {
      maskSource: badMask,
      name: 'upload.png',
    });
    await assert.rejects(photoFirst, { code: 'CUTOUT_E_INPUT_UNSUPPORTED', message: /^upload\.png: / });
  });

  test('a bad input is a coded error that names it', async () => {
    await assert.rejects(
      removeBackground(new Uint8Array([1, 2, 3]), { maskSource: mask, name: 'upload.png' }),
      {
        code: 'CUTOUT_E_INPUT_UNSUPPORTED',
        message: /^upload\.png: /,
      },
    );
    const wrong: PlaneF32 = { data: new Float32Array(10 * 20), width: 10, height: 20 };
    const stretched = await removeBackground(photo, { maskSource: wrong, refine: 'none', encode: false });
    assert.match(stretched.warnings[0], /stretched to fit/);
  });

  test('PNG output: 8-bit samples clamped and rounded half up; premultiplied, grey, opaque drops alpha', async () => {
    const colour = scene.image;
    // Out-of-range, NaN and exact-half values exercise the clamp and the rounding.
    const alphaData = Float32Array.from(scene.alpha.data);
    alphaData[0] = Number.NaN;
    alphaData[1] = 1.5;
    alphaData[2] = 0.5 / 255;
    const alpha: PlaneF32 = { data: alphaData, width: W, height: H };
    const grey = { data: Float32Array.from(scene.alpha.data), width: W, height: H, channels: 1 };
    const opaque: PlaneF32 = { data: new Float32Array(W * H).fill(1), width: W, height: H };
    const cases = [
      { composed: { colour, alpha }, premultiplied: false, channels: 4 },
      { composed: { colour, alpha }, premultiplied: true, channels: 4 },
      { composed: { colour: grey }, premultiplied: false, channels: 1 },
      { composed: { colour: grey, alpha }, premultiplied: false, channels: 2 },
      { composed: { colour, alpha: opaque }, premultiplied: false, channels: 3 },
    ];
    // The expected 8-bit samples, computed here: clamp to [0, 1], round half up, NaN → 0; colour scaled by
    // alpha when premultiplied, 0 where alpha rounds to 0; an all-opaque alpha is dropped. sharp's raw decoding expands grey to RGB, so the
    // expectation does too.
    const byte = (v: number) => (Number.isNaN(v) || v <= 0 ? 0 : v >= 1 ? 255 : Math.floor(v * 255 + 0.5));
    const expected = (
      c: { colour: InterleavedF32; alpha?: PlaneF32 },
      premultiplied: boolean,
      hasAlpha: boolean,
    ) => {
      const k = c.colour.channels;
      const out = hasAlpha ? 4 : 3;
      const bytes = new Uint8Array(W * H * out);
      for (let i = 0; i < W * H; i++) {
        const w = c.alpha ? c.alpha.data[i] : 1;
        if (hasAlpha) bytes[i * out + 3] = byte(w);
        // A fully transparent pixel is transparent black: its colour was the old background's.
        if (hasAlpha && byte(w) === 0) continue;
        for (let j = 0; j < 3; j++) {
          bytes[i * out + j] = byte(c.colour.data[i * k + (k === 1 ? 0 : j)] * (premultiplied ? w : 1));
        }
      }
      return bytes;
    };
    for (const { composed, premultiplied, channels } of cases) {
      const ours = await encodeCutout(composed, { format: 'png', premultiplied });
      assert.equal((await sharp(ours.bytes).metadata()).channels, channels);
      const decoded = await sharp(ours.bytes).raw().toBuffer();
      const want = expected(composed, premultiplied, channels === 2 || channels === 4);
      assert.equal(decoded.length, want.length);
      let worst = 0;
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(decoded[i] - want[i]));
      assert.equal(worst, 0, `samples differ (${channels} channels, premultiplied ${premultiplied})`);
    }
  });
});
