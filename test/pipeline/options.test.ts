import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Command } from 'commander';
import { buildProgram } from '../../cli/main.ts';
import {
  BatchOptionsSchema,
  parseBatchOptions,
  parseRemoveOptions,
  RemoveOptionsSchema,
} from '../../src/pipeline/options.ts';
import { repoRoot } from '../fixtures.ts';

test('defaults, and strings converted as a command line or a query string gives them', () => {
  const options = parseRemoveOptions({
    maxSize: '1200',
    quality: '80',
    refine: 'fast',
    acceptLicense: ['x'],
  });
  assert.equal(options.maxSize, 1200);
  assert.equal(options.quality, 80);
  assert.equal(options.refine, 'fast');
  assert.equal(options.engine, 'auto');
  assert.equal(options.device, 'cpu');
  assert.equal(options.margin, '0px');
  assert.equal(options.maskOnly, false);
  assert.deepEqual(parseBatchOptions({ jobs: '4' }), {
    jobs: 4,
    overwrite: false,
    json: false,
    watch: false,
  });
});

test('a bad value is a coded error naming the flag and what it wants', () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ refine: 'slow' }, /^--refine must be one of matting, fast, none, got "slow"$/],
    [{ format: 'gif' }, /^--format must be one of png, webp, avif, jpg, jpeg, tiff, zip/],
    [{ maxSize: '0' }, /^--max-size must be a whole number ≥ 1, got 0$/],
    [{ quality: '101' }, /^--quality must be a whole number from 1 to 100, got 101$/],
    [{ threads: 'many' }, /^--threads must be a whole number ≥ 1/],
    [{ crop: true, margin: '5em' }, /^--margin must look like 20px or 5%/],
    [{ nonsense: 1 }, /^unknown option 'nonsense'$/],
    [{ shadows: 'soft' }, /^--shadows must be one of remove, keep, got "soft"$/],
    [{ tolerance: '0.5' }, /^--tolerance must be a number from 0 to 0.49, got 0.5$/],
    [{ softness: '0' }, /^--softness must be a number above 0, at most 1, got 0$/],
    [{ box: '1,2,3' }, /^box "1,2,3" has 3 value\(s\); expected --box x,y,width,height/],
    [{ box: '1,2,0,5' }, /^box "1,2,0,5": width and height must be at least 1/],
    [{ box: '1,-2,3,4' }, /^box "1,-2,3,4": y "-2" is not a whole number of pixels/],
  ];
  for (const [raw, message] of cases) {
    assert.throws(
      () => parseRemoveOptions(raw),
      { code: 'CUTOUT_E_INVALID_OPTION', message },
      JSON.stringify(raw),
    );
  }
  assert.throws(() => parseBatchOptions({ jobs: '0' }), {
    message: /^--jobs must be a whole number from 1 to 64/,
  });
});

test('combinations no single value rules out', () => {
  const invalid = (raw: Record<string, unknown>, message: RegExp) =>
    assert.throws(() => parseRemoveOptions(raw), { code: 'CUTOUT_E_INVALID_OPTION', message });
  invalid({ model: 'u2net', modelSpec: 's.json', modelPath: 'm.onnx' }, /either --model or --model-spec/);
  invalid({ modelSpec: 's.json' }, /--model-spec needs the model file/);
  invalid({ verify: true, model: 'u2net' }, /--verify checks a --model-path file/);
  invalid({ mask: 'm.png', model: 'u2net' }, /--mask replaces the segmentation/);
  invalid({ engine: 'studio', model: 'u2net' }, /--engine studio uses no model/);
  invalid({ maskOnly: true, bg: 'white' }, /--mask-only writes the matte alone/);
  invalid({ maskOnly: true, format: 'zip' }, /cannot be written as zip/);
  invalid({ margin: '5%' }, /--margin goes with --crop/);
  invalid({ premultiplied: true, format: 'jpg' }, /--premultiplied needs a format with alpha/);
  invalid({ shadows: 'keep', engine: 'chroma' }, /--shadows is for the studio segmenter/);
  invalid({ shadows: 'keep', model: 'u2net' }, /--shadows is for the studio segmenter/);
  invalid({ shadows: 'keep', mask: 'm.png' }, /--shadows is for the studio segmenter/);
  invalid({ tolerance: 0.1, engine: 'studio' }, /--tolerance and --softness are for the chroma key/);
  invalid({ softness: 0.5, engine: 'model' }, /--tolerance and --softness are for the chroma key/);
});

test('prompts and the classical engines’ options are parsed, and go together with their engines', () => {
  const options = parseRemoveOptions({
    box: '10,20,30,40',
    strokes: 's.png',
    shadows: 'keep',
    engine: 'studio',
  });
  assert.deepEqual([options.box, options.strokes, options.shadows], ['10,20,30,40', 's.png', 'keep']);
  const keyed = parseRemoveOptions({ engine: 'chroma', tolerance: '0.1', softness: '0.5' });
  assert.deepEqual([keyed.tolerance, keyed.softness], [0.1, 0.5]);
  // A box with a model or a mask is allowed: it is imposed on their map.
  assert.equal(parseRemoveOptions({ box: '0,0,5,5', model: 'u2net' }).box, '0,0,5,5');
  assert.equal(parseRemoveOptions({ strokes: 's.png', mask: 'm.png' }).mask, 'm.png');
});

test('the command line offers every option of the schema, with the schema’s description', () => {
  const remove = buildProgram().commands.find((c: Command) => c.name() === 'remove')!;
  const flags = new Map(remove.options.map((o) => [o.long, o.description]));
  for (const schema of [RemoveOptionsSchema, BatchOptionsSchema]) {
    for (const [key, property] of Object.entries(schema.properties)) {
      const cli = (property as { cli?: { flag: string }; description?: string }).cli;
      assert.ok(cli, `${key} has a command-line flag`);
      const long = cli.flag.match(/--[a-z-]+/)![0];
      assert.equal(flags.get(long), (property as { description?: string }).description, long);
    }
  }
});

test('docs/cli.md lists every flag of the schema', () => {
  const doc = readFileSync(join(repoRoot, 'docs', 'cli.md'), 'utf8');
  for (const schema of [RemoveOptionsSchema, BatchOptionsSchema]) {
    for (const property of Object.values(schema.properties)) {
      const flag = (property as unknown as { cli: { flag: string } }).cli.flag.replaceAll('|', '\\|');
      assert.ok(doc.includes(`| \`${flag}\` |`), `docs/cli.md lacks ${flag}`);
    }
  }
});

test('options that take local paths are marked, so a network service can refuse them', () => {
  const local = (kind: unknown) =>
    Object.entries(RemoveOptionsSchema.properties)
      .filter(([, p]) => (p as { local?: unknown }).local === kind)
      .map(([key]) => key)
      .sort();
  assert.deepEqual(local(true), ['mask', 'modelPath', 'modelSpec', 'strokes']);
  // --bg is a colour, 'blur', or an image file: only the last form is local.
  assert.deepEqual(local('file'), ['bg']);
});
