import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { globToRegExp, planRemoveJobs } from '../../src/pipeline/remove-files.ts';

describe('planRemoveJobs', () => {
  let dir: string;
  const files = [
    'in/a.jpg',
    'in/b.png',
    'in/sub/c.webp',
    'in/sub/deeper/d.png',
    'in/a.cutout.png', // a previous run's output: never an input
    'in/.hidden.png',
    'in/notes.txt',
    'masks/a.png',
    'masks/sub/c.png',
    'masks/d.png',
  ];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cutout-plan-'));
    for (const f of files) {
      await mkdir(join(dir, f, '..'), { recursive: true });
      await writeFile(join(dir, f), 'x');
    }
  });
  after(() => rm(dir, { recursive: true, force: true }));
  const at = (p: string) => join(dir, p);

  test('a folder is walked recursively; results go beside the inputs as <name>.cutout.<ext>', async () => {
    const jobs = await planRemoveJobs([at('in')], { format: 'png' });
    assert.deepEqual(
      jobs.map((j) => [j.input, j.output]),
      [
        [at('in/a.jpg'), at('in/a.cutout.png')],
        [at('in/b.png'), at('in/b.cutout.png')],
        [at('in/sub/c.webp'), at('in/sub/c.cutout.png')],
        [at('in/sub/deeper/d.png'), at('in/sub/deeper/d.cutout.png')],
      ],
    );
  });

  test('an output folder keeps the relative structure; masks match by relative path, then by name', async () => {
    const jobs = await planRemoveJobs([at('in')], { format: 'webp', output: at('out'), mask: at('masks') });
    assert.deepEqual(
      jobs.map((j) => [j.output, j.mask, j.error?.code]),
      [
        [at('out/a.webp'), at('masks/a.png'), undefined],
        [at('out/b.webp'), undefined, 'CUTOUT_E_NO_MATCH'],
        [at('out/sub/c.webp'), at('masks/sub/c.png'), undefined],
        [at('out/sub/deeper/d.webp'), at('masks/d.png'), undefined],
      ],
    );
  });

  test('globs match relative to their fixed prefix; a missing input fails alone', async () => {
    const jobs = await planRemoveJobs([`${at('in')}/**/*.png`, at('nope.jpg')], {
      format: 'png',
      output: at('out/'),
    });
    assert.deepEqual(
      jobs.map((j) => [j.input, j.output, j.error?.code]),
      [
        [at('in/b.png'), at('out/b.png'), undefined],
        [at('in/sub/deeper/d.png'), at('out/sub/deeper/d.png'), undefined],
        [at('nope.jpg'), '', 'CUTOUT_E_INPUT_NOT_FOUND'],
      ],
    );
    assert.ok(globToRegExp('*.jp[e]g').test('x.jpeg'));
    assert.ok(!globToRegExp('*.png').test('sub/x.png'));
    assert.ok(globToRegExp('**/x?.png').test('x1.png'));
  });

  test('two inputs that would write one file: the second fails alone', async () => {
    await writeFile(at('in/b.jpg'), 'x');
    try {
      const jobs = await planRemoveJobs([at('in/b.jpg'), at('in/b.png')], {
        format: 'png',
        output: at('out/'),
      });
      assert.equal(jobs[0].error, undefined);
      assert.equal(jobs[1].error?.code, 'CUTOUT_E_INVALID_OPTION');
      assert.match(jobs[1].error!.message, /would write .*b\.png, as .*b\.jpg does already/);
    } finally {
      await rm(at('in/b.jpg'));
    }
  });

  test('one file: -o names the file; - is stdin and stdout; several inputs need a folder', async () => {
    assert.deepEqual(
      (await planRemoveJobs([at('in/a.jpg')], { format: 'png', output: at('x.png') })).map((j) => j.output),
      [at('x.png')],
    );
    assert.deepEqual(
      (await planRemoveJobs(['-'], { format: 'png' })).map((j) => [j.input, j.output]),
      [['-', '-']],
    );
    assert.deepEqual(
      (await planRemoveJobs(['-'], { format: 'png', output: at('y.png') })).map((j) => j.output),
      [at('y.png')],
    );
    await assert.rejects(planRemoveJobs([at('in')], { format: 'png', output: '-' }), /exactly one input/);
    await assert.rejects(
      planRemoveJobs([at('in/a.jpg'), at('in/b.png')], { format: 'png', output: at('one.png') }),
      {
        message: /with 2 inputs, -o must be a folder/,
      },
    );
    await assert.rejects(planRemoveJobs([at('in/a.jpg')], { format: 'png', output: at('noext') }), {
      message: /give a file name with an extension/,
    });
  });
});
