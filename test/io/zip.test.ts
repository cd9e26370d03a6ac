import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createZip } from '../../src/io/zip.ts';
import { readZip } from '../helpers/zip-reader.ts';

test('stored entries round-trip, with CRC-32, UTF-8 names and an empty entry', () => {
  const a = new Uint8Array(1000).map((_, i) => (i * 31) & 255);
  const zip = createZip([
    { name: 'color.jpg', data: a },
    { name: 'dossier/ünïcode.txt', data: new TextEncoder().encode('héllo') },
    { name: 'empty', data: new Uint8Array(0) },
  ]);
  const entries = readZip(zip);
  assert.deepEqual(
    entries.map((e) => e.name),
    ['color.jpg', 'dossier/ünïcode.txt', 'empty'],
  );
  assert.deepEqual(entries[0].data, a);
  assert.equal(new TextDecoder().decode(entries[1].data), 'héllo');
  assert.equal(entries[2].data.length, 0);
  // Same input, same bytes: the default time stamp is fixed.
  assert.deepEqual(createZip([{ name: 'x', data: a }]), createZip([{ name: 'x', data: a }]));
});

test('another implementation reads it (Python’s zipfile, when python3 is installed)', async (t) => {
  const probe = spawnSync('python3', ['-c', 'import zipfile'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    t.skip('python3 is not installed');
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'cutout-zip-'));
  try {
    const path = join(dir, 'out.zip');
    await writeFile(
      path,
      createZip([
        { name: 'alpha.png', data: new Uint8Array([1, 2, 3]) },
        {
          name: 'color.jpg',
          data: new Uint8Array(70000).fill(7),
          modified: new Date(2024, 4, 17, 13, 45, 30),
        },
      ]),
    );
    const script =
      'import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\n' +
      'for i in z.infolist(): print(i.filename, i.file_size, i.compress_type, i.date_time)';
    const run = spawnSync('python3', ['-c', script, path], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(run.stdout.trim().split('\n'), [
      'alpha.png 3 0 (1980, 1, 1, 0, 0, 0)',
      'color.jpg 70000 0 (2024, 5, 17, 13, 45, 30)',
    ]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('refuses names a reader would misplace', () => {
  for (const name of ['', '/abs', 'back\\slash']) {
    assert.throws(() => createZip([{ name, data: new Uint8Array(1) }]), RangeError, name);
  }
});
