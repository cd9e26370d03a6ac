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
  assert.deepEqual(local(true), ['mask', 'modelPath', 'modelSpec']);
  // --bg is a colour, 'blur', or an image file: only the last form is local.
  assert.deepEqual(local('file'), ['bg']);
});
