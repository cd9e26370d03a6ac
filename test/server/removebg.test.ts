/**
 * POST /v1.0/removebg against remove.bg's contract: each parameter, the X-* headers (checked against the
 * returned image itself) and each error code.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { badDir } from '../fixtures.ts';
import { readZip } from '../helpers/zip-reader.ts';
import { alphaBox, multipart, rawPixels, scenePng, testApp } from './server-helpers.ts';

describe('remove.bg compatibility', () => {
  let app: FastifyInstance;
  let png: Buffer;
  const post = (
    fields: Record<string, string>,
    files: Record<string, Uint8Array> = { image_file: png },
    accept?: string,
  ) => {
    const form = multipart([
      ...Object.entries(files).map(([name, value]) => ({
        name,
        value,
        filename: `${name}.png`,
        type: 'image/png',
      })),
      ...Object.entries(fields).map(([name, value]) => ({ name, value })),
    ]);
    return app.inject({
      method: 'POST',
      url: '/v1.0/removebg',
      payload: form.payload,
      headers: { ...form.headers, ...(accept ? { accept } : {}) },
    });
  };
  /** Status and the remove.bg error code. */
  const failure = async (fields: Record<string, string>, files?: Record<string, Uint8Array>) => {
    const r = await post(fields, files);
    const body = r.json();
    assert.ok(Array.isArray(body.errors) && body.errors[0].title, r.body);
    return [r.statusCode, body.errors[0].code];
  };

  before(async () => {
    app = await testApp({ maxBody: 2_000_000, maxPixels: 4_000_000 });
    png = await scenePng(160, 120);
  });
  after(() => app.close());

  test('defaults: transparent PNG (format auto), X-Width/Height and X-Foreground-* match the image', async () => {
    const r = await post({ size: 'full' });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.headers['content-type'], 'image/png');
    assert.equal(r.headers['x-type'], 'other');
    const typed = await post({ size: 'preview', type: 'product' });
    assert.equal(typed.statusCode, 200, typed.body);
    assert.equal(typed.headers['x-type'], 'product', 'a client-named type is accepted and echoed');
    const { data, info } = await rawPixels(r.rawPayload);
    assert.equal(String(info.width), r.headers['x-width']);
    assert.equal(String(info.height), r.headers['x-height']);
    const alpha = new Float32Array(info.width * info.height);
    for (let i = 0; i < alpha.length; i++) alpha[i] = data[i * 4 + 3] / 255;
    const box = alphaBox(alpha, info.width, info.height, 0.05)!;
    const h = r.headers;
    const got = [
      h['x-foreground-left'],
      h['x-foreground-top'],
      h['x-foreground-width'],
      h['x-foreground-height'],
    ].map(Number);
    // The server boxes the float matte, this test its 8-bit rounding: one pixel of slack at each side.
    for (const [i, v] of [box.left, box.top, box.width, box.height].entries()) {
      assert.ok(Math.abs(v - got[i]) <= 1, `${got} vs ${JSON.stringify(box)}`);
    }
  });

  test('size: preview shrinks to 0.25 MP, medium keeps a small image whole', async () => {
    const big = await scenePng(800, 600, 5);
    const r = await post({ size: 'preview' }, { image_file: big });
    assert.equal(r.statusCode, 200, r.body);
    const [w, h] = [Number(r.headers['x-width']), Number(r.headers['x-height'])];
    assert.ok(w * h <= 250_000 && w * h > 240_000, `${w}×${h}`);
    assert.equal(w, 577);
    const m = await post({ size: 'medium' });
    assert.deepEqual([m.headers['x-width'], m.headers['x-height']], ['160', '120']);
  });

  test('format jpg and zip (color.jpg + alpha.png); auto gives jpg when the result is opaque', async () => {
    const jpg = await post({ size: 'full', format: 'jpg' });
    assert.equal(jpg.headers['content-type'], 'image/jpeg');
    const zip = await post({ size: 'full', format: 'zip' });
    assert.equal(zip.headers['content-type'], 'application/zip');
    assert.deepEqual(
      readZip(zip.rawPayload).map((e) => e.name),
      ['color.jpg', 'alpha.png'],
    );
    const opaque = await post({ size: 'full', bg_color: '81d4fa' });
    assert.equal(opaque.headers['content-type'], 'image/jpeg');
    const { data } = await rawPixels(opaque.rawPayload);
    // A corner is backdrop: now the requested colour (JPEG-close).
    assert.ok(
      Math.abs(data[0] - 0x81) < 8 && Math.abs(data[1] - 0xd4) < 8 && Math.abs(data[2] - 0xfa) < 8,
      `${data.subarray(0, 3)}`,
    );
  });

  test('channels alpha: the matte as a grey image', async () => {
    const r = await post({ size: 'full', channels: 'alpha', format: 'png' });
    assert.equal(r.statusCode, 200, r.body);
    const { data, info } = await rawPixels(r.rawPayload);
    assert.ok(info.channels <= 3);
    let min = 255;
    let max = 0;
    for (let i = 0; i < info.width * info.height; i++) {
      min = Math.min(min, data[i * info.channels]);
      max = Math.max(max, data[i * info.channels]);
    }
    assert.deepEqual([min, max], [0, 255]);
  });

  test('crop, crop_margin (px, capped by the frame of the subject), roi, scale and position', async () => {
    const full = await post({ size: 'full' });
    const fw = Number(full.headers['x-foreground-width']);
    const fh = Number(full.headers['x-foreground-height']);
    const cropped = await post({ size: 'full', crop: 'true' });
    assert.deepEqual(
      ['x-width', 'x-height', 'x-foreground-left', 'x-foreground-top'].map((k) => Number(cropped.headers[k])),
      [fw, fh, 0, 0],
    );
    const margin = await post({ size: 'full', crop: 'true', crop_margin: '5px' });
    assert.deepEqual(
      [Number(margin.headers['x-width']), Number(margin.headers['x-height'])],
      [fw + 10, fh + 10],
    );
    assert.equal(margin.headers['x-foreground-left'], '5');
    const right = await post({ size: 'full', roi: '50% 0% 100% 100%' });
    assert.ok(Number(right.headers['x-foreground-left']) >= 79, right.headers['x-foreground-left'] as string);
    const scaled = await post({ size: 'full', scale: '50%' });
    const sw = Number(scaled.headers['x-foreground-width']);
    const sh = Number(scaled.headers['x-foreground-height']);
    // The subject's box fills 50 % of the canvas in its limiting direction, centred.
    assert.ok(Math.abs(Math.max(sw / 160, sh / 120) - 0.5) < 0.02, `${sw}×${sh}`);
    assert.ok(Math.abs(Number(scaled.headers['x-foreground-left']) - (160 - sw) / 2) <= 1);
    const corner = await post({ size: 'full', scale: '50%', position: '0% 0%' });
    assert.deepEqual([corner.headers['x-foreground-left'], corner.headers['x-foreground-top']], ['0', '0']);
  });

  test('bg_image_file is fitted behind the subject (opaque); JSON answer has result_b64 and the foreground box', async () => {
    const bg = await scenePng(50, 50, 11);
    const r = await post({ size: 'full', format: 'png' }, { image_file: png, bg_image_file: bg });
    assert.equal(r.statusCode, 200, r.body);
    const { data, info } = await rawPixels(r.rawPayload);
    if (info.channels === 4) for (let i = 3; i < data.length; i += 4) assert.equal(data[i], 255);
    const j = await post({ size: 'full' }, { image_file: png }, 'application/json');
    const body = j.json().data;
    assert.ok(body.result_b64.length > 100);
    assert.equal(String(body.foreground_width), j.headers['x-foreground-width']);
  });

  test('image_file_b64 as JSON and urlencoded bodies', async () => {
    const b64 = png.toString('base64');
    const json = await app.inject({
      method: 'POST',
      url: '/v1.0/removebg',
      payload: { image_file_b64: b64, size: 'full' },
    });
    assert.equal(json.statusCode, 200, json.body);
    const form = await app.inject({
      method: 'POST',
      url: '/v1.0/removebg',
      payload: new URLSearchParams({ image_file_b64: b64, crop: 'true' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(form.statusCode, 200, form.body);
  });

  test('error codes in remove.bg’s format', async () => {
    assert.deepEqual(await failure({ size: 'full' }, {}), [400, 'missing_source']);
    assert.deepEqual(await failure({ image_file_b64: png.toString('base64') }), [400, 'multiple_sources']);
    assert.deepEqual(await failure({ bg_color: 'fff' }, { image_file: png, bg_image_file: png }), [
      400,
      'multiple_backgrounds',
    ]);
    assert.deepEqual(await failure({}, { image_file: readFileSync(join(badDir, 'text.png')) }), [
      400,
      'invalid_file_type',
    ]);
    assert.deepEqual(await failure({}, { image_file: readFileSync(join(badDir, 'truncated.png')) }), [
      400,
      'invalid_image',
    ]);
    assert.deepEqual(await failure({}, { image_file: readFileSync(join(badDir, 'pixel-bomb.png')) }), [
      400,
      'resolution_too_high',
    ]);
    assert.deepEqual(await failure({}, { image_file: new Uint8Array(2_100_000) }), [400, 'file_too_large']);
    assert.deepEqual(await failure({ image_url: 'https://example.com/a.png' }, {}), [400, 'url_not_allowed']);
    assert.deepEqual(await failure({ type: 'spaceship' }), [400, 'invalid_parameter']);
    assert.deepEqual(await failure({ add_shadow: 'true' }), [400, 'unsupported_parameter']);
    assert.deepEqual(await failure({ size: 'huge' }), [400, 'invalid_parameter']);
    assert.deepEqual(await failure({ format: 'gif' }), [400, 'invalid_parameter']);
    assert.deepEqual(await failure({ roi: '10 10 5 5' }), [400, 'invalid_parameter']);
    assert.deepEqual(await failure({ scale: '5%' }), [400, 'invalid_parameter']);
    assert.deepEqual(await failure({ position: 'left' }), [400, 'invalid_parameter']);
    assert.deepEqual(await failure({ channels: 'rgb' }), [400, 'invalid_parameter']);
    assert.deepEqual(await failure({ bg_color: 'notacolour' }), [400, 'invalid_parameter']);
    assert.deepEqual(await failure({ crop_margin: '10px' }), [400, 'invalid_parameter']);
    assert.deepEqual(await failure({ bogus: '1' }), [400, 'invalid_parameter']);
    assert.deepEqual(await failure({ size: 'full', roi: '0px 0px 3px 3px' }), [400, 'unknown_foreground']);
  });
});
