import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  ensureVerified,
  hashFile,
  hasValidStamp,
  installState,
  modelFilePath,
  modelsDirectory,
  parseHash,
  removeModelFiles,
  verifyFile,
} from '../../src/models/model-store.ts';

const bytes = Buffer.from('not really a model, but bytes with a known hash\n');
const md5 = `md5:${createHash('md5').update(bytes).digest('hex')}`;
const sha256 = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

describe('model store', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cutout-store-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('the folder: CUTOUT_HOME, then an absolute XDG_CACHE_HOME, then ~/.cache', () => {
    assert.equal(modelsDirectory({ CUTOUT_HOME: '/opt/cutout', XDG_CACHE_HOME: '/x' }), '/opt/cutout/models');
    assert.equal(modelsDirectory({ XDG_CACHE_HOME: '/var/cache/me' }), '/var/cache/me/cutout/models');
    assert.equal(
      modelsDirectory({ XDG_CACHE_HOME: 'relative' }),
      join(homedir(), '.cache', 'cutout', 'models'),
    );
    assert.equal(modelsDirectory({}), join(homedir(), '.cache', 'cutout', 'models'));
    assert.equal(modelFilePath('u2net', '/m'), '/m/u2net.onnx');
  });

  test('hash strings are parsed strictly', () => {
    assert.deepEqual(parseHash('MD5:60024C5C889BADC19C04AD937298A77B'), {
      algorithm: 'md5',
      hex: '60024c5c889badc19c04ad937298a77b',
    });
    for (const bad of [
      'md5:123',
      `sha1:${'a'.repeat(40)}`,
      `sha256:${'g'.repeat(64)}`,
      '60024c5c889badc19c04ad937298a77b',
    ]) {
      assert.throws(() => parseHash(bad), { code: 'CUTOUT_E_MODEL_INVALID' });
    }
  });

  test('md5 and sha256 of a file, streamed', async () => {
    const path = join(dir, 'h.onnx');
    await writeFile(path, bytes);
    assert.equal(await hashFile(path, 'md5'), md5);
    assert.equal(await hashFile(path, 'sha256'), sha256);
    assert.deepEqual(await verifyFile(path, { hash: md5, size: bytes.length }), {
      ok: true,
      actualHash: md5,
      actualSize: bytes.length,
    });
    const wrongSize = await verifyFile(path, { hash: md5, size: 3 });
    assert.equal(wrongSize.ok, false);
    assert.match(wrongSize.problem ?? '', new RegExp(`is ${bytes.length} bytes, expected 3`));
    const wrongHash = await verifyFile(path, { hash: `md5:${'0'.repeat(32)}`, size: null });
    assert.match(wrongHash.problem ?? '', new RegExp(`has ${md5}, expected md5:0{32}`));
  });

  test('verified before first use: hashed once, stamped, re-hashed when the file changes', async () => {
    const path = join(dir, 'placed.onnx');
    await writeFile(path, bytes);
    const expected = { hash: sha256, size: null };
    assert.equal(await installState(path, expected), 'unverified');
    const first = await ensureVerified('placed', path, expected);
    assert.equal(first?.actualHash, sha256);
    assert.equal(await installState(path, expected), 'verified');
    // Second use: the stamp answers, no hashing.
    assert.equal(await ensureVerified('placed', path, expected), undefined);
    // The stamp is for this hash only.
    assert.equal(await hasValidStamp(path, { hash: md5, size: null }), false);
    // A replaced file (new mtime) is hashed again — and a wrong one is refused but left in place.
    await writeFile(path, Buffer.from('tampered'));
    const later = new Date(Date.now() + 5000);
    await utimes(path, later, later);
    assert.equal(await installState(path, expected), 'unverified');
    await assert.rejects(ensureVerified('placed', path, expected), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'CUTOUT_E_HASH_MISMATCH');
      assert.match(
        error.message,
        /not the published placed.*cutout models rm placed.*cutout models pull placed/,
      );
      return true;
    });
    assert.ok((await stat(path)).isFile(), 'the user’s file is not deleted');
  });

  test('rm removes the model, its stamp and a partial download', async () => {
    const sub = await mkdtemp(join(dir, 'rm-'));
    const path = join(sub, 'm.onnx');
    await writeFile(path, bytes);
    await ensureVerified('m', path, { hash: md5, size: null });
    await writeFile(`${path}.part`, 'partial');
    assert.deepEqual((await readdir(sub)).sort(), ['m.onnx', 'm.onnx.part', 'm.onnx.verified.json']);
    assert.equal(await removeModelFiles(path), true);
    assert.deepEqual(await readdir(sub), []);
    assert.equal(await removeModelFiles(path), false);
    assert.equal(await installState(path, { hash: md5, size: null }), 'missing');
  });
});
