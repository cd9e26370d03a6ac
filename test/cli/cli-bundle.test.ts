/**
 * bin/cli-bundle.js: the CLI bundle is rebuilt when a source changes and reused while none does; each
 * module keeps its own import.meta.url. (Every other CLI test runs through the bundle too.)
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
// @ts-expect-error: plain JavaScript module without types
import { bundledCli, bundledModule, isFresh } from '../../bin/cli-bundle.js';

const cacheDir = await mkdtemp(join(tmpdir(), 'cutout-cli-bundle-'));
after(() => rm(cacheDir, { recursive: true, force: true }));

test('builds once, then reuses the bundle while its inputs are unchanged', async () => {
  const url: URL = await bundledCli({ cacheDir });
  const built = await stat(fileURLToPath(url));
  const manifest = JSON.parse(await readFile(join(cacheDir, 'cli.json'), 'utf8'));
  const inputs = Object.keys(manifest.inputs);
  assert.ok(inputs.some((path) => path.endsWith('cli/main.ts')));
  assert.ok(inputs.some((path) => path.endsWith('src/pipeline/remove-background.ts')));
  assert.equal(isFresh(manifest), true);
  const again: URL = await bundledCli({ cacheDir });
  assert.equal(again.href, url.href);
  assert.equal((await stat(fileURLToPath(again))).mtimeMs, built.mtimeMs, 'rebuilt although nothing changed');
});

test('stale when an input changed size or time, is gone, or Node is another version', async () => {
  const manifest = JSON.parse(await readFile(join(cacheDir, 'cli.json'), 'utf8'));
  const [first] = Object.keys(manifest.inputs);
  const changed = (edit: (m: typeof manifest) => void) => {
    const copy = structuredClone(manifest);
    edit(copy);
    return isFresh(copy);
  };
  assert.equal(
    changed((m) => {
      m.inputs[first][0] += 1;
    }),
    false,
  );
  assert.equal(
    changed((m) => {
      m.inputs[first][1] -= 1000;
    }),
    false,
  );
  assert.equal(
    changed((m) => {
      m.inputs['/nowhere/gone.ts'] = [1, 1];
    }),
    false,
  );
  assert.equal(
    changed((m) => {
      m.node = 'v0.0.0';
    }),
    false,
  );
  assert.equal(isFresh(undefined), false);
});

test('in the bundle each module keeps its own import.meta.url', async () => {
  const url: URL = await bundledCli({ cacheDir });
  const code = await readFile(fileURLToPath(url), 'utf8');
  assert.doesNotMatch(code, /import\.meta/);
  // cli/main.ts reads ../package.json relative to itself; the worker pools find their sources.
  assert.match(code, /file:\/\/[^"]*\/cli\/main\.ts/);
  assert.match(code, /file:\/\/[^"]*\/src\/pipeline\/refine-pool\.ts/);
  // Packages stay outside (they resolve from node_modules next to the default cache), TypeBox inside.
  assert.match(code, /from "sharp"/);
  assert.doesNotMatch(code, /from "typebox/);
});

test('the server job worker bundles too, and runs from its bundle', async () => {
  const url: URL = await bundledModule({
    entry: new URL('../../src/server/job-worker.ts', import.meta.url),
    name: 'job-worker',
    cacheDir,
  });
  const manifest = JSON.parse(await readFile(join(cacheDir, 'job-worker.json'), 'utf8'));
  assert.ok(Object.keys(manifest.inputs).some((path) => path.endsWith('src/server/jobs.ts')));
  assert.doesNotMatch(await readFile(fileURLToPath(url), 'utf8'), /import\.meta|from "tsx/);
  // A bundle in a temporary folder cannot resolve sharp: the worker starts through its entry, as the
  // server's do, which builds and loads the package's own bundle.
  const worker = new Worker(new URL('../../src/server/job-worker-entry.mjs', import.meta.url));
  try {
    worker.postMessage({ id: 7, job: { kind: 'no-such-job' } });
    const reply = await new Promise<{ id: number; error?: { message: string } }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    assert.equal(reply.id, 7);
    assert.ok(reply.error, 'a job the worker cannot run comes back as an error, from a running worker');
  } finally {
    await worker.terminate();
  }
});
