/**
 * Faults on a real listening server (loopback): malformed multipart, truncated and pixel-bomb images, wrong
 * content types, a body that never finishes, oversized headers, a full queue and a request past its deadline
 * — each answered with its 4xx/5xx, and the server keeps serving afterwards.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { badDir } from '../fixtures.ts';
import { scenePng, testApp } from './server-helpers.ts';

describe('faults on a listening server', () => {
  let app: FastifyInstance;
  let base: string;
  let port: number;
  let png: Buffer;
  before(async () => {
    app = await testApp({ concurrency: 1, queue: 1, requestTimeout: 1500, timeout: 20_000 });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    port = Number(new URL(base).port);
    png = await scenePng(96, 72);
  });
  after(() => app.close());

  const stillServing = async () => {
    const r = await fetch(`${base}/v1/remove`, {
      method: 'POST',
      body: new Uint8Array(png),
      headers: { 'content-type': 'image/png' },
    });
    assert.equal(r.status, 200, await r.text());
  };

  test('bad images from the fixture corpus → 4xx with their codes', async () => {
    const expected: Record<string, [number, string]> = {
      'truncated.png': [400, 'CUTOUT_E_INPUT_CORRUPT'],
      'truncated.jpg': [400, 'CUTOUT_E_INPUT_CORRUPT'],
      'pixel-bomb.png': [413, 'CUTOUT_E_INPUT_TOO_LARGE'],
      'random.bin': [415, 'CUTOUT_E_INPUT_UNSUPPORTED'],
      'unsupported.svg': [415, 'CUTOUT_E_INPUT_UNSUPPORTED'],
      'zero-width.png': [400, 'CUTOUT_E_INPUT_INVALID_SIZE'],
    };
    for (const [name, [status, code]] of Object.entries(expected)) {
      const body = readFileSync(join(badDir, name));
      const started = performance.now();
      const r = await fetch(`${base}/v1/remove`, {
        method: 'POST',
        body: new Uint8Array(body),
        headers: { 'content-type': 'image/png' },
      });
      assert.equal(r.status, status, name);
      assert.equal((await r.json()).error.code, code, name);
      // The pixel bomb is refused from its header: no time spent decoding 900 MP.
      if (name === 'pixel-bomb.png') assert.ok(performance.now() - started < 1000);
    }
    await stillServing();
  });

  test('malformed multipart and wrong content types → 4xx', async () => {
    const broken = await fetch(`${base}/v1/remove`, {
      method: 'POST',
      body: '--xyz\r\nContent-Disposition: form-data; name="image"; filename="a.png"\r\n\r\nnot closed',
      headers: { 'content-type': 'multipart/form-data; boundary=xyz' },
    });
    assert.ok(broken.status >= 400 && broken.status < 500, `${broken.status}`);
    const noBoundary = await fetch(`${base}/v1/remove`, {
      method: 'POST',
      body: 'x',
      headers: { 'content-type': 'multipart/form-data' },
    });
    assert.ok(noBoundary.status >= 400 && noBoundary.status < 500, `${noBoundary.status}`);
    const xml = await fetch(`${base}/v1/remove`, {
      method: 'POST',
      body: '<a/>',
      headers: { 'content-type': 'application/xml' },
    });
    assert.equal(xml.status, 415);
    const badJson = await fetch(`${base}/v1.0/removebg`, {
      method: 'POST',
      body: '{',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(badJson.status, 400);
    assert.ok((await badJson.json()).errors[0].code);
    await stillServing();
  });

  test('a body that never finishes is cut off with 408; oversized headers get 431', async () => {
    const reply = await new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(
          'POST /v1/remove HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\nContent-Length: 100000\r\n\r\n' +
            'x'.repeat(10),
        );
      });
      let text = '';
      socket.on('data', (d) => {
        text += d.toString();
      });
      socket.on('close', () => resolve(text));
      socket.on('error', () => resolve(text));
    });
    assert.match(reply, /^HTTP\/1\.1 408/);
    const huge = await new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
      });
      let text = '';
      socket.on('data', (d) => {
        text += d.toString();
      });
      socket.on('close', () => resolve(text));
      socket.on('error', () => resolve(text));
    });
    assert.match(huge, /^HTTP\/1\.1 431/);
    await stillServing();
  });

  test('a full queue answers 503 with Retry-After; nothing else fails', async () => {
    const big = await scenePng(480, 360, 4);
    const responses = await Promise.all(
      Array.from({ length: 5 }, () =>
        fetch(`${base}/v1/remove`, {
          method: 'POST',
          body: new Uint8Array(big),
          headers: { 'content-type': 'image/png' },
        }),
      ),
    );
    const statuses = responses.map((r) => r.status).sort();
    // One runs, one waits, the other three are refused at once.
    assert.deepEqual(statuses, [200, 200, 503, 503, 503]);
    const refused = responses.find((r) => r.status === 503)!;
    assert.ok(Number(refused.headers.get('retry-after')) >= 1);
    assert.equal((await refused.json()).error.code, 'CUTOUT_E_BUSY');
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.match(metrics, /^cutout_rejected_busy_total 3$/m);
    await stillServing();
  });
});

describe('deadline', () => {
  test('a request past its deadline gets 504 and its worker is stopped; the next request is served', async () => {
    const app = await testApp({ concurrency: 1, timeout: 150 });
    try {
      const big = await scenePng(640, 480, 6);
      const r = await app.inject({
        method: 'POST',
        url: '/v1/remove',
        payload: big,
        headers: { 'content-type': 'image/png' },
      });
      assert.equal(r.statusCode, 504, r.body);
      assert.equal(r.json().error.code, 'CUTOUT_E_TIMEOUT');
      assert.match(r.json().error.message, /150 ms/);
      const rb = await app.inject({
        method: 'POST',
        url: '/v1.0/removebg',
        payload: big,
        headers: { 'content-type': 'image/png' },
      });
      assert.equal(rb.statusCode, 504);
      assert.equal(rb.json().errors[0].code, 'timeout');
      assert.equal((await app.inject('/healthz')).statusCode, 200);
    } finally {
      await app.close();
    }
  });
});
