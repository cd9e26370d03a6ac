import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { writeFileAtomic } from '../../src/io/index.ts';

describe('writeFileAtomic', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cutout-write-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('writes the bytes, creates folders and leaves no temporary file', async () => {
    const target = join(dir, 'a', 'b', 'out.png');
    await writeFileAtomic(target, new Uint8Array([1, 2, 3]));
    assert.deepEqual([...(await readFile(target))], [1, 2, 3]);
    assert.deepEqual(await readdir(join(dir, 'a', 'b')), ['out.png']);
  });

  test('refuses to overwrite an existing file unless asked', async () => {
    const target = join(dir, 'exists.png');
    await writeFile(target, 'old');
    await assert.rejects(writeFileAtomic(target, new Uint8Array([9])), { code: 'CUTOUT_E_OUTPUT_EXISTS' });
    assert.equal(await readFile(target, 'utf8'), 'old');
    await writeFileAtomic(target, new Uint8Array([9]), { overwrite: true });
    assert.deepEqual([...(await readFile(target))], [9]);
  });

  test('never overwrites an input, even with overwrite and even through another spelling or a link', async () => {
    const input = join(dir, 'input.jpg');
    await writeFile(input, 'precious');
    const link = join(dir, 'link.jpg');
    await symlink(input, link);
    for (const target of [input, join(dir, '.', 'input.jpg'), link]) {
      await assert.rejects(
        writeFileAtomic(target, new Uint8Array([0]), { inputs: [input], overwrite: true }),
        {
          code: 'CUTOUT_E_OUTPUT_IS_INPUT',
        },
      );
    }
    assert.equal(await readFile(input, 'utf8'), 'precious');
  });

  test('a folder as target is a clear error', async () => {
    await assert.rejects(writeFileAtomic(dir, new Uint8Array([0]), { overwrite: true }), {
      code: 'CUTOUT_E_OUTPUT_FAILED',
    });
  });
});
