/**
 * The algorithm folders are pure (DESIGN.md, "Layers"): typed arrays in, typed arrays out, so they run
 * unchanged in a browser worker. This test fails when one of them reaches for the platform.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../fixtures.ts';

const PURE_FOLDERS = ['core', 'synth', 'metrics', 'segment', 'trimap', 'matting', 'foreground', 'compose'];
const PURE_FILES = ['errors.ts'];

const FORBIDDEN: [RegExp, string][] = [
  [
    /from\s+['"](node:[^'"]+|fs|fs\/promises|path|os|child_process|worker_threads|stream|crypto)['"]/,
    'a Node module',
  ],
  [/import\(\s*['"](node:|fs|path|os)/, 'a Node module (dynamic import)'],
  [/from\s+['"]sharp['"]|import\(\s*['"]sharp['"]/, 'sharp'],
  [/['"]onnxruntime-[a-z]+['"]/, 'onnxruntime'],
  [/\bBuffer\b/, 'Buffer'],
  [/\brequire\s*\(/, 'require()'],
  [/\bprocess\.(env|argv|exit|cwd|stdout|stderr)/, 'process'],
];

function sourceFiles(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|js|mjs)$/.test(name) ? [path] : [];
  });
}

/** Comments may mention anything; only code counts. */
function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"\\])\/\/.*$/gm, '$1');
}

test('pure folders import nothing from the platform', () => {
  const src = join(repoRoot, 'src');
  const files = [
    ...PURE_FOLDERS.flatMap((folder) => sourceFiles(join(src, folder))),
    ...PURE_FILES.map((file) => join(src, file)),
  ];
  assert.ok(files.length > 5, 'the pure folders exist and were scanned');
  const problems: string[] = [];
  for (const file of files) {
    const code = stripComments(readFileSync(file, 'utf8'));
    for (const [pattern, what] of FORBIDDEN) {
      if (pattern.test(code)) problems.push(`${relative(repoRoot, file)} uses ${what}`);
    }
  }
  assert.deepEqual(problems, []);
});

test('the purity check catches a platform import', () => {
  const offending = "import { readFile } from 'node:fs/promises';\nconst b = Buffer.from('x');";
  const hits = FORBIDDEN.filter(([pattern]) => pattern.test(stripComments(offending))).map(
    ([, what]) => what,
  );
  assert.deepEqual(hits, ['a Node module', 'Buffer']);
  assert.equal(
    FORBIDDEN.filter(([p]) => p.test(stripComments('// Buffer and node:fs in a comment'))).length,
    0,
  );
});
