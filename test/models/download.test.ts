/**
 * Downloads against a real HTTP server on 127.0.0.1: success, corruption, interruption and resume,
 * servers that ignore Range, 404, stalls, redirects, and offline mode (which must not open a socket).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type DownloadProgress, downloadFile } from '../../src/models/download.ts';
import { type Pullable, pullModel } from '../../src/models/pull-model.ts';

// 200 kB of deterministic, non-repeating bytes.
const payload = Buffer.alloc(200_000);
for (let i = 0, s = 12345; i < payload.length; i++) {
  s = (s * 1103515245 + 12345) >>> 0;
  payload[i] = s >>> 24;
}
const sha256 = `sha256:${createHash('sha256').update(payload).digest('hex')}`;
const md5 = `md5:${createHash('md5').update(payload).digest('hex')}`;
const half = payload.length / 2;

interface Server {
  url: string;
  connections: number;
  close(): Promise<void>;
}

/** Serves `payload` in several misbehaving ways, chosen by the path's first segment. */
async function startServer(): Promise<Server> {
  const seen = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const mode = (req.url ?? '').split('/')[1];
    const n = (seen.get(req.url ?? '') ?? 0) + 1;
    seen.set(req.url ?? '', n);
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const sendFrom = (start: number) => {
      if (start >= payload.length) {
        res.writeHead(416, { 'content-range': `bytes */${payload.length}` });
        res.end();
        return;
      }
      res.writeHead(start > 0 ? 206 : 200, {
        'content-length': payload.length - start,
        ...(start > 0 ? { 'content-range': `bytes ${start}-${payload.length - 1}/${payload.length}` } : {}),
      });
      res.end(payload.subarray(start));
    };
    switch (mode) {
      case 'ok':
        return sendFrom(range ? Number(range[1]) : 0);
      case 'corrupt': {
        const evil = Buffer.from(payload);
        evil[1234] ^= 0xff;
        res.writeHead(200, { 'content-length': evil.length });
        return res.end(evil);
      }
      case 'cut':
        // First answer: the full length announced, half sent, then the connection dies.
        if (n === 1) {
          res.writeHead(200, { 'content-length': payload.length });
          res.write(payload.subarray(0, half), () => setTimeout(() => res.socket?.destroy(), 20));
          return;
        }
        return sendFrom(range ? Number(range[1]) : 0);
      case 'stall-body':
        // First answer: half the body, then silence (the client's idle timeout must fire and resume).
        if (n === 1) {
          res.writeHead(200, { 'content-length': payload.length });
          res.write(payload.subarray(0, half));
          return;
        }
        return sendFrom(range ? Number(range[1]) : 0);
      case 'norange':
        res.writeHead(200, { 'content-length': payload.length });
        return res.end(payload);
      case 'redirect':
        res.writeHead(302, { location: '/ok/model.onnx' });
        return res.end();
      case 'stall':
        return; // never answers
      default:
        res.writeHead(404, { 'content-type': 'text/plain' });
        return res.end('not here');
    }
  });
  const state = { connections: 0 };
  server.on('connection', () => state.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get connections() {
      return state.connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('downloadFile (loopback server)', () => {
  let server: Server;
  let dir: string;
  let n = 0;
  const target = () => join(dir, `m${++n}.onnx`);
  before(async () => {
    server = await startServer();
    dir = await mkdtemp(join(tmpdir(), 'cutout-download-'));
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('success: the verified file is placed, no .part remains, progress reaches the total', async () => {
    const path = target();
    const progress: DownloadProgress[] = [];
    const result = await downloadFile(`${server.url}/ok/model.onnx`, path, {
      expected: { hash: md5, size: payload.length },
      onProgress: (p) => progress.push({ ...p }),
    });
    assert.deepEqual(await readFile(path), payload);
    assert.equal(result.bytes, payload.length);
    assert.equal(result.verification.actualHash, md5);
    assert.deepEqual(await readdir(dir), [`m${n}.onnx`]);
    assert.ok(progress.every((p, i) => i === 0 || p.received >= progress[i - 1].received));
    assert.deepEqual(progress.at(-1), { received: payload.length, total: payload.length, resumedFrom: 0 });
  });

  test('hash mismatch: the file is rejected and removed, nothing is placed', async () => {
    const path = target();
    await assert.rejects(
      downloadFile(`${server.url}/corrupt/model.onnx`, path, {
        expected: { hash: sha256, size: payload.length },
      }),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'CUTOUT_E_HASH_MISMATCH');
        assert.match(
          error.message,
          /downloaded file has sha256:[0-9a-f]{64}, expected sha256:.*it was deleted/,
        );
        return true;
      },
    );
    await assert.rejects(stat(path));
    await assert.rejects(stat(`${path}.part`));
  });

  test('a wrong size is rejected before hashing', async () => {
    const path = target();
    await assert.rejects(
      downloadFile(`${server.url}/ok/model.onnx`, path, {
        expected: { hash: sha256, size: payload.length + 1 },
      }),
      { code: 'CUTOUT_E_HASH_MISMATCH', message: /is 200000 bytes, expected 200001/ },
    );
    await assert.rejects(stat(`${path}.part`));
  });

  test('an interrupted transfer is resumed with a Range request', async () => {
    const path = target();
    const result = await downloadFile(`${server.url}/cut/model.onnx`, path, {
      expected: { hash: sha256, size: null },
    });
    assert.deepEqual(await readFile(path), payload);
    assert.equal(result.requests.length, 2);
    assert.equal(result.requests[0].range, undefined);
    assert.equal(result.requests[1].range, `bytes=${half}-`);
    assert.equal(result.requests[1].status, 206);
  });

  test('a transfer that stalls mid-body times out and is resumed', async () => {
    const path = target();
    const result = await downloadFile(`${server.url}/stall-body/model.onnx`, path, {
      expected: { hash: sha256, size: null },
      idleTimeoutMs: 300,
    });
    assert.deepEqual(await readFile(path), payload);
    assert.equal(result.requests[1].range, `bytes=${half}-`);
  });

  test('a .part left by an earlier run is continued, not restarted', async () => {
    const path = target();
    await writeFile(`${path}.part`, payload.subarray(0, 1000));
    const result = await downloadFile(`${server.url}/ok/model.onnx`, path, {
      expected: { hash: sha256, size: null },
    });
    assert.deepEqual(await readFile(path), payload);
    assert.deepEqual(result.requests, [
      { url: `${server.url}/ok/model.onnx`, range: 'bytes=1000-', status: 206 },
    ]);
  });

  test('a complete .part (416 on resume) is verified and placed', async () => {
    const path = target();
    await writeFile(`${path}.part`, payload);
    const result = await downloadFile(`${server.url}/ok/model.onnx`, path, {
      expected: { hash: sha256, size: null },
    });
    assert.deepEqual(await readFile(path), payload);
    assert.equal(result.requests[0].status, 416);
  });

  test('a server that ignores Range sends the whole file again: it replaces the stale .part', async () => {
    const path = target();
    await writeFile(`${path}.part`, Buffer.from('stale junk from an older upload'));
    const result = await downloadFile(`${server.url}/norange/model.onnx`, path, {
      expected: { hash: sha256, size: null },
    });
    assert.deepEqual(await readFile(path), payload);
    assert.equal(result.requests[0].status, 200);
  });

  test('redirects are followed', async () => {
    const path = target();
    const result = await downloadFile(`${server.url}/redirect/model.onnx`, path, {
      expected: { hash: sha256, size: null },
    });
    assert.deepEqual(await readFile(path), payload);
    assert.deepEqual(
      result.requests.map((r) => r.status),
      [302, 200],
    );
  });

  test('404 is a clear error naming the URL', async () => {
    await assert.rejects(
      downloadFile(`${server.url}/nothing/model.onnx`, target(), { expected: { hash: sha256, size: null } }),
      {
        code: 'CUTOUT_E_DOWNLOAD_FAILED',
        message: new RegExp(`HTTP 404 Not Found from ${server.url}/nothing/model.onnx`),
      },
    );
  });

  test('a server that never answers times out with a clear error', async () => {
    const started = Date.now();
    await assert.rejects(
      downloadFile(`${server.url}/stall/model.onnx`, target(), {
        expected: { hash: sha256, size: null },
        idleTimeoutMs: 250,
      }),
      { code: 'CUTOUT_E_DOWNLOAD_FAILED', message: /no data for 0\.25 s from 127\.0\.0\.1/ },
    );
    assert.ok(Date.now() - started < 3000, 'gave up promptly instead of retrying a dead server');
  });

  test('a refused connection is a clear error', async () => {
    const closed = await startServer();
    const url = `${closed.url}/ok/model.onnx`;
    await closed.close();
    await assert.rejects(downloadFile(url, target(), { expected: { hash: sha256, size: null } }), {
      code: 'CUTOUT_E_DOWNLOAD_FAILED',
      message: /cannot connect to 127\.0\.0\.1:\d+: ECONNREFUSED/,
    });
  });

  test('offline never opens a socket', async () => {
    const before = server.connections;
    await assert.rejects(
      downloadFile(`${server.url}/ok/model.onnx`, target(), {
        expected: { hash: sha256, size: null },
        offline: true,
      }),
      {
        code: 'CUTOUT_E_DOWNLOAD_FAILED',
        message: /offline/,
      },
    );
    assert.equal(server.connections, before);
  });
});

describe('pullModel (loopback server)', () => {
  let server: Server;
  let dir: string;
  const entry = (id: string, patch: Partial<Pullable> = {}): Pullable => ({
    id,
    license: 'MIT',
    licenseUrl: 'https://example.org/licence',
    commercial: true,
    download: { url: `${server.url}/ok/${id}.onnx`, hash: md5, size: payload.length },
    ...patch,
  });
  before(async () => {
    server = await startServer();
    dir = await mkdtemp(join(tmpdir(), 'cutout-pull-'));
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('offline: a missing model is a clear error naming `cutout models pull`, and no socket is opened', async () => {
    const before = server.connections;
    await assert.rejects(pullModel(entry('absent'), { modelsDir: dir, offline: true }), {
      code: 'CUTOUT_E_MODEL_MISSING',
      message:
        /'absent' is not installed and --offline forbids downloading it; run `cutout models pull absent`/,
    });
    assert.equal(server.connections, before);
  });

  test('pulled once, then found installed and verified without the network', async () => {
    const first = await pullModel(entry('fresh'), { modelsDir: dir });
    assert.equal(first.status, 'downloaded');
    assert.deepEqual(await readFile(join(dir, 'fresh.onnx')), payload);
    const before = server.connections;
    const second = await pullModel(entry('fresh'), { modelsDir: dir, offline: true });
    assert.deepEqual([second.status, second.bytes], ['installed', payload.length]);
    assert.equal(server.connections, before);
  });

  test('a non-commercial model is refused before any connection unless its licence is accepted', async () => {
    const gated = entry('gated', { commercial: false, license: 'CC-BY-NC-4.0' });
    const before = server.connections;
    await assert.rejects(pullModel(gated, { modelsDir: dir }), { code: 'CUTOUT_E_LICENSE_REQUIRED' });
    assert.equal(server.connections, before);
    const pulled = await pullModel(gated, { modelsDir: dir, acceptLicense: ['gated'] });
    assert.equal(pulled.status, 'downloaded');
  });

  test('CUTOUT_MODEL_MIRROR fetches <mirror>/<id>.onnx, still verified', async () => {
    const mirrored = entry('mirrored', {
      download: { url: 'https://upstream.invalid/x.onnx', hash: md5, size: null },
    });
    const pulled = await pullModel(mirrored, {
      modelsDir: dir,
      env: { CUTOUT_MODEL_MIRROR: `${server.url}/ok/` },
    });
    assert.equal(pulled.url, `${server.url}/ok/mirrored.onnx`);
    assert.deepEqual(await readFile(pulled.path), payload);
  });
});
