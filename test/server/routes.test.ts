/** The service's own routes through `inject`: /v1/remove in its shapes, option checks, system routes, keys, CORS. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { alphaBox, multipart, rawPixels, scenePng, testApp } from './server-helpers.ts';

describe('cutout service routes', () => {
  let app: FastifyInstance;
  let png: Buffer;
  before(async () => {
    app = await testApp({ concurrency: 1, apiKeys: [], cors: undefined });
    png = await scenePng();
  });
  after(() => app.close());

  test('healthz and readyz report the engine decided at start-up (studio: no model installed)', async () => {
    assert.equal((await app.inject('/healthz')).statusCode, 200);
    const ready = await app.inject('/readyz');
    assert.equal(ready.statusCode, 200);
    assert.deepEqual(ready.json(), { ready: true, engine: 'studio', model: 'studio' });
  });

  test('raw image body → PNG cutout with a real matte, engine named in the headers', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/v1/remove',
      payload: png,
      headers: { 'content-type': 'image/png' },
    });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.headers['content-type'], 'image/png');
    assert.equal(r.headers['x-cutout-engine'], 'studio');
    const { data, info } = await rawPixels(r.rawPayload);
    assert.deepEqual([info.width, info.height, info.channels], [160, 120, 4]);
    let transparent = 0;
    let opaque = 0;
    for (let i = 3; i < data.length; i += 4) {
      if (data[i] === 0) transparent++;
      else if (data[i] === 255) opaque++;
    }
    assert.ok(transparent > 1000 && opaque > 500, `transparent ${transparent}, opaque ${opaque}`);
  });

  test('multipart with options as fields; JSON answer with base64 when asked', async () => {
    const form = multipart([
      { name: 'image', value: png, filename: 'a.png', type: 'image/png' },
      { name: 'format', value: 'jpg' },
      { name: 'crop', value: 'true' },
      { name: 'margin', value: '4px' },
    ]);
    const r = await app.inject({
      method: 'POST',
      url: '/v1/remove',
      payload: form.payload,
      headers: { ...form.headers, accept: 'application/json' },
    });
    assert.equal(r.statusCode, 200, r.body);
    const body = r.json();
    assert.equal(body.mimeType, 'image/jpeg');
    assert.equal(body.engine, 'studio');
    const { info } = await rawPixels(Buffer.from(body.image, 'base64'));
    assert.equal(info.width, body.width);
    assert.ok(body.width < 160 || body.height < 120, 'cropped to the subject');
  });

  test('mask-only with max-size (kebab-case query) gives a grey matte of the reduced size', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/v1/remove?maskOnly=true&max-size=80',
      payload: png,
      headers: { 'content-type': 'image/png' },
    });
    assert.equal(r.statusCode, 200, r.body);
    const { info, data } = await rawPixels(r.rawPayload);
    assert.deepEqual([info.width, info.height], [80, 60]);
    // Grey: one channel, or three equal ones; opaque.
    const c = info.channels;
    const grey = new Uint8Array(80 * 60);
    for (let i = 0; i < grey.length; i++) {
      grey[i] = data[i * c];
      if (c >= 3) assert.ok(data[i * c + 1] === grey[i] && data[i * c + 2] === grey[i]);
      if (c === 2 || c === 4) assert.equal(data[i * c + c - 1], 255);
    }
    assert.ok(alphaBox(grey, 80, 60, 128), 'some subject in the matte');
  });

  test('an uploaded background image replaces the backdrop (opaque result)', async () => {
    const bg = await scenePng(64, 64, 9);
    const form = multipart([
      { name: 'image', value: png, filename: 'a.png', type: 'image/png' },
      { name: 'bg_image', value: bg, filename: 'b.png', type: 'image/png' },
    ]);
    const r = await app.inject({ method: 'POST', url: '/v1/remove', ...form });
    assert.equal(r.statusCode, 200, r.body);
    const { data, info } = await rawPixels(r.rawPayload);
    if (info.channels === 4) for (let i = 3; i < data.length; i += 4) assert.equal(data[i], 255);
  });

  test('local paths, operator options and unoffered models are refused with 400 naming the option', async () => {
    const cases: [string, RegExp][] = [
      ['mask=/etc/passwd', /mask.*file on the server/],
      ['modelPath=/tmp/x.onnx', /modelPath.*file on the server/],
      ['model-spec=/tmp/spec.json', /model-spec.*file on the server/],
      ['bg=/etc/hosts', /bg must be a colour or 'blur'/],
      ['offline=false', /operator/],
      ['acceptLicense=x', /operator/],
      ['threads=64', /operator/],
      ['model=u2net', /not offered by this server/],
      ['maxPixels=999999999999', /server's limit/],
      ['format=bmp', /format must be one of/],
      ['quality=0', /quality must be a whole number from 1 to 100/],
      ['nonsense=1', /unknown option 'nonsense'/],
    ];
    for (const [query, pattern] of cases) {
      const r = await app.inject({
        method: 'POST',
        url: `/v1/remove?${query}`,
        payload: png,
        headers: { 'content-type': 'image/png' },
      });
      assert.equal(r.statusCode, 400, `${query}: ${r.body}`);
      assert.equal(r.json().error.code, 'CUTOUT_E_INVALID_OPTION', query);
      assert.match(r.json().error.message, pattern, query);
    }
  });

  test('no image → 400; GET /v1/models lists the registry with nothing allowed here', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/v1/remove',
      payload: Buffer.alloc(0),
      headers: { 'content-type': 'image/png' },
    });
    assert.equal(r.statusCode, 400, r.body);
    const models = (await app.inject('/v1/models')).json();
    assert.equal(models.engine, 'studio');
    assert.deepEqual(models.models, []);
    assert.ok(
      models.registry.length > 3 && models.registry.every((m: { installed: boolean }) => !m.installed),
    );
  });

  test('metrics: requests by route and status, latency histogram, queue depth, megapixels', async () => {
    const text = (await app.inject('/metrics')).body;
    assert.match(text, /cutout_http_requests_total\{route="\/v1\/remove",status="200"\} [1-9]/);
    assert.match(text, /cutout_http_requests_total\{route="\/v1\/remove",status="400"\} [1-9]/);
    assert.match(
      text,
      /cutout_http_request_duration_seconds_bucket\{route="\/v1\/remove",le="\+Inf"\} [1-9]/,
    );
    assert.match(text, /^cutout_queue_depth 0$/m);
    const mp = Number(/^cutout_megapixels_processed_total (\S+)$/m.exec(text)?.[1]);
    // Every successful /v1/remove above was the 160×120 photo.
    const images = Number(/^cutout_images_processed_total (\S+)$/m.exec(text)?.[1]);
    assert.ok(images >= 4);
    assert.ok(Math.abs(mp - images * 0.0192) < 1e-9, `${mp} MP for ${images} images`);
  });

  test('OpenAPI docs at /docs, with its own assets (offline)', async () => {
    const page = await app.inject('/docs');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /swagger/i);
    const spec = (await app.inject('/docs/json')).json();
    assert.ok(spec.paths['/v1/remove'] && spec.paths['/v1.0/removebg']);
    const asset = await app.inject('/docs/static/swagger-ui-bundle.js');
    assert.equal(asset.statusCode, 200);
  });

  test('CORS is off unless configured', async () => {
    const r = await app.inject({ url: '/healthz', headers: { origin: 'https://example.com' } });
    assert.equal(r.headers['access-control-allow-origin'], undefined);
  });
});

describe('API keys and CORS when configured', () => {
  let app: FastifyInstance;
  before(async () => {
    app = await testApp({ apiKeys: ['k-one', 'k-two'], cors: ['https://shop.example'] });
  });
  after(() => app.close());

  test('without a key 401 (/v1) or 403 auth_failed (/v1.0); with one, accepted; /healthz open', async () => {
    const png = await scenePng(64, 48);
    const headers = { 'content-type': 'image/png' };
    assert.equal(
      (await app.inject({ method: 'POST', url: '/v1/remove', payload: png, headers })).statusCode,
      401,
    );
    const wrong = await app.inject({
      method: 'POST',
      url: '/v1.0/removebg',
      payload: png,
      headers: { ...headers, 'x-api-key': 'nope' },
    });
    assert.equal(wrong.statusCode, 403);
    assert.equal(wrong.json().errors[0].code, 'auth_failed');
    const ok = await app.inject({
      method: 'POST',
      url: '/v1/remove',
      payload: png,
      headers: { ...headers, 'x-api-key': 'k-two' },
    });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal((await app.inject('/healthz')).statusCode, 200);
  });

  test('the configured origin gets CORS headers, another does not', async () => {
    const yes = await app.inject({ url: '/healthz', headers: { origin: 'https://shop.example' } });
    assert.equal(yes.headers['access-control-allow-origin'], 'https://shop.example');
    const no = await app.inject({ url: '/healthz', headers: { origin: 'https://evil.example' } });
    assert.notEqual(no.headers['access-control-allow-origin'], 'https://evil.example');
  });
});
