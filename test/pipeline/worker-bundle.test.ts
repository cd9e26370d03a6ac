/**
 * The worker bundles (src/pipeline/worker-bundle.ts) start from a data: URL, so they must not need anything
 * next to them: no package imports (there is no node_modules beside a data: URL) and no import.meta.url
 * (it would be the data: URL, not the source file). A new import in a worker's module tree that breaks this
 * fails here rather than in a user's batch.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { workerEntry } from '../../src/pipeline/worker-bundle.ts';

const entries = ['refine-worker', 'matting-worker'];

for (const name of entries) {
  test(`${name} bundles into self-contained code that imports only Node built-ins`, () => {
    const fallback = new URL(`../../src/pipeline/${name}-entry.mjs`, import.meta.url);
    const url = workerEntry(new URL(`../../src/pipeline/${name}.ts`, import.meta.url), fallback);
    assert.equal(url.protocol, 'data:', 'bundling failed: the worker would fall back to tsx');
    const code = decodeURIComponent(url.href.slice(url.href.indexOf(',') + 1));
    const imports = [...code.matchAll(/^\s*import\s[^'"]*["']([^"']+)["']/gm)].map((m) => m[1]);
    assert.ok(imports.length > 0);
    for (const specifier of imports) assert.match(specifier, /^node:/, `${name} imports ${specifier}`);
    assert.doesNotMatch(code, /import\.meta/);
  });
}

test('a module that cannot be bundled falls back to the given entry', () => {
  const fallback = new URL('file:///nowhere/entry.mjs');
  assert.equal(workerEntry(new URL('file:///nowhere/missing-worker.ts'), fallback), fallback);
});
