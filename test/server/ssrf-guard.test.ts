/**
 * The URL fetcher against addresses on this machine: every loopback/private form is refused before any
 * connection; with the test-only override a real local server is fetched, redirects are followed and
 * re-checked, and the size and redirect caps hold. And through the removebg route with --allow-urls.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { fetchPublicUrl, isPublicAddress, type UrlFetchError } from '../../src/server/ssrf-guard.ts';
import { scenePng, testApp } from './server-helpers.ts';

test('address classification: public unicast only', () => {
  const refused = [
    '127.0.0.1',
    '127.8.9.10',
    '10.0.0.1',
    '172.16.5.4',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '240.0.0.1',
    '255.255.255.255',
    '198.18.0.1',
    '192.0.2.1',
    '::1',
    '::',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '::ffff:7f00:1',
    '64:ff9b::7f00:1',
    '2002:7f00:1::',
    'fe80::1',
    'fc00::1',
    'fd12:3456::1',
    'ff02::1',
    '2001:db8::1',
    '2001::1',
    'not-an-ip',
  ];
  for (const ip of refused) assert.equal(isPublicAddress(ip), false, ip);
  for (const ip of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '::ffff:8.8.8.8']) {
    assert.equal(isPublicAddress(ip), true, ip);
  }
});

describe('fetching', () => {
  let server: Server;
  let port: number;
  let hits = 0;
  before(async () => {
    server = createServer((request, response) => {
      hits++;
      const url = new URL(request.url ?? '/', 'http://x');
      const hop = Number(url.searchParams.get('hop') ?? 0);
      if (url.pathname === '/loop') {
        response.writeHead(302, { location: `/loop?hop=${hop + 1}` }).end();
      } else if (url.pathname === '/redirect') {
        response.writeHead(301, { location: url.searchParams.get('to') ?? '/ok' }).end();
      } else if (url.pathname === '/big') {
        response.writeHead(200, { 'content-type': 'image/png' });
        response.end(Buffer.alloc(5000));
      } else if (url.pathname === '/chunked-big') {
        response.writeHead(200, { 'content-type': 'image/png' });
        response.write(Buffer.alloc(3000));
        response.end(Buffer.alloc(3000));
      } else if (url.pathname === '/slow') {
        response.writeHead(200);
        response.write('x');
      } else {
        response.writeHead(200, { 'content-type': 'text/plain' }).end('hello');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });
  const options = { maxBytes: 4000, timeoutMs: 2000 };

  test('loopback by address, by IPv6, by a name that resolves to it, and non-http schemes: refused, no connection', async () => {
    const before = hits;
    for (const url of [
      `http://127.0.0.1:${port}/ok`,
      `http://[::1]:${port}/ok`,
      `http://localhost:${port}/ok`,
      `http://[::ffff:127.0.0.1]:${port}/ok`,
      'http://0.0.0.0/',
      'http://169.254.169.254/latest/meta-data/',
    ]) {
      await assert.rejects(
        fetchPublicUrl(url, options),
        (e: UrlFetchError) => e.reason === 'not_allowed',
        url,
      );
    }
    for (const url of ['file:///etc/passwd', 'ftp://example.com/a.png', 'gopher://x/']) {
      await assert.rejects(
        fetchPublicUrl(url, options),
        (e: UrlFetchError) => e.reason === 'not_allowed',
        url,
      );
    }
    assert.equal(hits, before, 'no request reached the local server');
  });

  test('with the test-only override: a real fetch, redirects followed (and each re-checked), caps hold', async () => {
    const local = { ...options, allowPrivate: true };
    const ok = await fetchPublicUrl(`http://localhost:${port}/ok`, local);
    assert.equal(Buffer.from(ok.bytes).toString(), 'hello');
    const redirected = await fetchPublicUrl(`http://127.0.0.1:${port}/redirect?to=/ok`, local);
    assert.equal(Buffer.from(redirected.bytes).toString(), 'hello');
    assert.equal(redirected.urls.length, 2);
    await assert.rejects(fetchPublicUrl(`http://127.0.0.1:${port}/loop`, local), /more than 5 redirects/);
    await assert.rejects(
      fetchPublicUrl(`http://127.0.0.1:${port}/big`, local),
      (e: UrlFetchError) => e.reason === 'too_large',
    );
    await assert.rejects(
      fetchPublicUrl(`http://127.0.0.1:${port}/chunked-big`, local),
      (e: UrlFetchError) => e.reason === 'too_large',
    );
    await assert.rejects(
      fetchPublicUrl(`http://127.0.0.1:${port}/slow`, { ...local, timeoutMs: 300 }),
      /longer than 300 ms/,
    );
    await assert.rejects(
      fetchPublicUrl(`http://127.0.0.1:${port}/redirect?to=ftp://example.com/x`, local),
      (e: UrlFetchError) => e.reason === 'not_allowed',
    );
  });

  test('without the override, a redirect to loopback is refused even from an allowed first hop', async () => {
    // The first hop is checked like any other: here it is loopback itself, so nothing is fetched at all.
    const before = hits;
    await assert.rejects(
      fetchPublicUrl(`http://127.0.0.1:${port}/redirect?to=http://[::1]:${port}/ok`, options),
      (e: UrlFetchError) => e.reason === 'not_allowed',
    );
    assert.equal(hits, before);
  });

  test('removebg image_url: refused when off, refused for loopback when on, fetched with the override', async () => {
    const png = await scenePng(64, 48);
    const imageServer = createServer((_q, r) => r.writeHead(200, { 'content-type': 'image/png' }).end(png));
    await new Promise<void>((resolve) => imageServer.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(imageServer.address() as AddressInfo).port}/a.png`;
    const on = await testApp({ allowUrls: true });
    const unsafe = await testApp({ allowUrls: true, unsafeAllowPrivateUrls: true });
    try {
      const refused = await on.inject({ method: 'POST', url: '/v1.0/removebg', payload: { image_url: url } });
      assert.equal(refused.statusCode, 400);
      assert.equal(refused.json().errors[0].code, 'url_not_allowed');
      const fetched = await unsafe.inject({
        method: 'POST',
        url: '/v1.0/removebg',
        payload: { image_url: url, size: 'full' },
      });
      assert.equal(fetched.statusCode, 200, fetched.body);
      assert.equal(fetched.headers['x-width'], '64');
    } finally {
      await Promise.all([on.close(), unsafe.close()]);
      imageServer.close();
    }
  });
});
