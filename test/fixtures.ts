/** Named fixtures shared by every test file (in the manner of sharp's test/fixtures module). */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '..');
export const fixturesDir = join(repoRoot, 'test', 'fixtures');
export const badDir = join(fixturesDir, 'bad');
export const edgeDir = join(fixturesDir, 'edge');

export interface BadFixture {
  code: string;
  what: string;
}

/** The decoder's bad-input corpus: file name → expected error code. */
export const badFixtures: Record<string, BadFixture> = JSON.parse(
  readFileSync(join(badDir, 'index.json'), 'utf8'),
);

// biome-ignore lint/suspicious/noExplicitAny: the index holds per-file expectations of varying shape
export const edgeFixtures: Record<string, any> = JSON.parse(
  readFileSync(join(edgeDir, 'index.json'), 'utf8'),
);

/** ../shared beside the repository: real ground truth, present on developer machines and CI only. */
export const sharedDir = resolve(repoRoot, '..', 'shared');
