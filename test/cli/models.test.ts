/**
 * `cutout models …` as a user runs it (subprocess), with CUTOUT_HOME in a temporary folder and downloads
 * served from loopback through CUTOUT_MODEL_MIRROR. Never touches the real cache or the internet.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REGISTRY } from '../../src/models/registry.ts';
import { sharedDir } from '../fixtures.ts';
import { runCli } from '../helpers/run-cli.ts';

const selfie = join(sharedDir, 'models', 'selfie_segmentation.onnx');
const skipShared = existsSync(selfie)
  ? false
  : `../shared/models is absent (${sharedDir}); the pull round trip is skipped`;

describe('cutout models (subprocess)', () => {
  let home: string;
  let server: http.Server;
  let connections = 0;
  let files: Record<string, Buffer> = {};
  const saved = { home: process.env.CUTOUT_HOME, mirror: process.env.CUTOUT_MODEL_MIRROR };

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'cutout-cli-models-'));
    process.env.CUTOUT_HOME = home;
    server = http.createServer((req, res) => {
      const body = files[(req.url ?? '').slice(1)];
      if (!body) {
        res.writeHead(404);
        res.end();
        return;
      }
      res.writeHead(200, { 'content-length': body.length });
      res.end(body);
    });
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    process.env.CUTOUT_MODEL_MIRROR = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    process.env.CUTOUT_HOME = saved.home;
    process.env.CUTOUT_MODEL_MIRROR = saved.mirror;
    if (saved.home === undefined) delete process.env.CUTOUT_HOME;
    if (saved.mirror === undefined) delete process.env.CUTOUT_MODEL_MIRROR;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rm(home, { recursive: true, force: true });
  });

  test('list shows every entry with its licence and whether commercial use is allowed', async () => {
    const result = await runCli(['models', 'list']);
    assert.equal(result.status, 0, result.stderr);
    for (const entry of REGISTRY) {
      const line = result.stdout.split('\n').find((l) => l.startsWith(`${entry.id} `));
      assert.ok(line, `a row for ${entry.id}`);
      assert.ok(line.includes(entry.license), `${entry.id} shows ${entry.license}`);
    }
    assert.match(
      result.stdout,
      /^bria-rmbg-2\.0\s+segmentation\s+CC-BY-NC-4\.0\s+no \(needs --accept-license\)/m,
    );
    assert.match(result.stdout, new RegExp(`store: ${join(home, 'models')}`));
  });

  test('list --json: an array with id, license, commercial, size, installed', async () => {
    const result = await runCli(['models', 'list', '--json']);
    assert.equal(result.status, 0, result.stderr);
    const rows = JSON.parse(result.stdout) as Record<string, unknown>[];
    assert.deepEqual(
      rows.map((r) => r.id),
      REGISTRY.map((e) => e.id),
    );
    for (const row of rows) {
      for (const key of ['id', 'license', 'commercial', 'size', 'installed'])
        assert.ok(key in row, `${row.id} has ${key}`);
      assert.equal(row.installed, false);
    }
    assert.equal(rows.find((r) => r.id === 'sinet')?.size, 395434);
    assert.equal(rows.find((r) => r.id === 'bria-rmbg-2.0')?.commercial, false);
  });

  test('info: processing, licence and sources; unknown ids are usage errors', async () => {
    const info = await runCli(['models', 'info', 'bria-rmbg-2.0']);
    assert.equal(info.status, 0, info.stderr);
    assert.match(
      info.stdout,
      /licence\s+CC-BY-NC-4\.0 — non-commercial: needs --accept-license bria-rmbg-2\.0/,
    );
    assert.match(info.stdout, /input\s+\(first input\) NCHW 1024×1024, RGB, scaling max/);
    const json = JSON.parse((await runCli(['models', 'info', 'sinet', '--json'])).stdout);
    assert.deepEqual(
      [json.id, json.input.channelOrder, json.output.channel, json.installed],
      ['sinet', 'BGR', 1, false],
    );
    const unknown = await runCli(['models', 'info', 'u2']);
    assert.equal(unknown.status, 64);
    assert.match(unknown.stderr, /unknown model 'u2'.*\[CUTOUT_E_MODEL_UNKNOWN\]/);
  });

  test('pull --offline of a missing model fails clearly and opens no socket', async () => {
    const before = connections;
    const result = await runCli(['models', 'pull', 'u2net', '--offline']);
    assert.equal(result.status, 69);
    assert.match(
      result.stderr,
      /'u2net' is not installed and --offline forbids downloading it; run `cutout models pull u2net`/,
    );
    assert.equal(connections, before);
  });

  test('a non-commercial model is refused without --accept-license, before any download', async () => {
    const before = connections;
    const result = await runCli(['models', 'pull', 'sinet', 'bria-rmbg-2.0']);
    assert.equal(result.status, 77);
    assert.match(result.stderr, /--accept-license bria-rmbg-2\.0 \[CUTOUT_E_LICENSE_REQUIRED\]/);
    assert.equal(connections, before, 'not even the commercial model listed first was fetched');
  });

  test('a download that does not match the published hash is refused and nothing is installed', async () => {
    files = { 'sinet.onnx': Buffer.alloc(395434, 7) };
    const result = await runCli(['models', 'pull', 'sinet']);
    assert.equal(result.status, 65, result.stderr);
    assert.match(
      result.stderr,
      /downloaded file has sha256:[0-9a-f]{64}, expected sha256:17a75acc.*it was deleted/,
    );
    assert.equal(existsSync(join(home, 'models', 'sinet.onnx')), false);
    assert.equal(existsSync(join(home, 'models', 'sinet.onnx.part')), false);
    const missing = await runCli(['models', 'pull', 'u2net']);
    assert.equal(missing.status, 69);
    assert.match(missing.stderr, /HTTP 404 Not Found from http:\/\/127\.0\.0\.1:\d+\/u2net\.onnx/);
  });

  test('pull → verify → pull --offline → tamper → verify fails → rm', { skip: skipShared }, async () => {
    files = { 'mediapipe-selfie.onnx': await readFile(selfie) };
    const pulled = await runCli(['models', 'pull', 'mediapipe-selfie']);
    assert.equal(pulled.status, 0, pulled.stderr);
    assert.match(pulled.stdout, /mediapipe-selfie: downloaded and verified \(447\.6 kB\)/);
    assert.match(pulled.stderr, /downloading mediapipe-selfie from http:\/\/127\.0\.0\.1/);
    const rows = JSON.parse((await runCli(['models', 'list', '--json'])).stdout) as {
      id: string;
      installed: boolean;
      state: string;
    }[];
    const row = rows.find((r) => r.id === 'mediapipe-selfie');
    assert.deepEqual([row?.installed, row?.state], [true, 'verified']);

    const before = connections;
    const again = await runCli(['models', 'pull', 'mediapipe-selfie', '--offline']);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /already installed, verified/);
    assert.equal(connections, before);

    const verified = await runCli(['models', 'verify']);
    assert.equal(verified.status, 0, verified.stderr);
    assert.match(verified.stdout, /^mediapipe-selfie: ok \(sha256:1511ab55/m);

    await writeFile(join(home, 'models', 'mediapipe-selfie.onnx'), Buffer.alloc(447596, 1));
    const tampered = await runCli(['models', 'verify', 'mediapipe-selfie']);
    assert.equal(tampered.status, 65);
    assert.match(tampered.stdout, /mediapipe-selfie: MISMATCH/);

    const removed = await runCli(['models', 'rm', 'mediapipe-selfie']);
    assert.equal(removed.status, 0, removed.stderr);
    assert.equal(existsSync(join(home, 'models', 'mediapipe-selfie.onnx')), false);
    const twice = await runCli(['models', 'rm', 'mediapipe-selfie']);
    assert.equal(twice.status, 69);
    assert.match(twice.stderr, /'mediapipe-selfie' is not installed/);
  });
});
