import type { Command } from 'commander';
import { CutoutError } from '../../src/errors.ts';
import { parseOutputFormat } from '../../src/io/encode.ts';
import { DEFAULT_MATTING_METHOD, MATTING_METHODS, mattingMethod } from '../../src/matting/estimate-alpha.ts';
import { type MatteFilesOptions, planMatteJobs, runMatteJob } from '../../src/pipeline/matte-files.ts';
import { MattingPool } from '../../src/pipeline/matting-pool.ts';
import { parseTrimapThresholds } from '../../src/trimap/quantise-trimap.ts';

interface MatteFlags {
  trimap?: string;
  scribbles?: string;
  method: string;
  output?: string;
  format?: string;
  alphaOnly?: boolean;
  trimapThresholds?: string;
  overwrite?: boolean;
  maxPixels?: string;
  json?: boolean;
}

export function registerMatte(program: Command): void {
  program
    .command('matte')
    .description(
      'alpha matting from a trimap or scribbles: writes an RGBA cutout with estimated foreground colours ' +
        '(or, with --alpha-only, the alpha as a grey PNG of the same size). Folders work like files: images ' +
        'are paired with trimaps by file name, extension ignored.',
    )
    .argument('<input>', 'an image file or a folder of images')
    .option(
      '--trimap <path>',
      'trimap file or folder: 0 background, 255 foreground, anything between unknown',
    )
    .option(
      '--scribbles <path>',
      'scribble file or folder: strokes on a transparent layer (light = fg, dark = bg), or grey coded like a trimap',
    )
    .option(
      '--method <id>',
      `matting method: ${Object.keys(MATTING_METHODS).join(', ')}`,
      DEFAULT_MATTING_METHOD,
    )
    .option(
      '-o, --output <path>',
      'output file (one image) or folder (a folder of images); default <name>.cutout.png beside the input',
    )
    .option('--format <format>', 'png, webp, avif, tiff or jpg (default: from -o, else png)')
    .option('--alpha-only', 'write the alpha matte alone, as a grey image')
    .option(
      '--trimap-thresholds <low,high>',
      'snap a resampled trimap: below low = background, above high = foreground, e.g. 64,192',
    )
    .option('--overwrite', 'replace existing outputs (inputs are never overwritten)')
    .option('--max-pixels <n>', 'refuse images with more pixels than this', '100000000')
    .option('--json', 'print one JSON line per image')
    .action(async (input: string, flags: MatteFlags) => {
      const options = toOptions(input, flags);
      const jobs = await planMatteJobs(options);
      const failures: CutoutError[] = [];
      options.pool = new MattingPool();
      try {
        for (const job of jobs) {
          const outcome = await runMatteJob(job, options);
          const seconds = (outcome.milliseconds / 1000).toFixed(2);
          if (outcome.error) failures.push(outcome.error);
          if (outcome.error && jobs.length === 1 && !flags.json) throw outcome.error;
          if (flags.json) {
            const fields = outcome.error
              ? { ok: false, code: outcome.error.code, error: outcome.error.message }
              : { ok: true, iterations: outcome.iterations, unknown: outcome.unknownCount };
            process.stdout.write(
              `${JSON.stringify({ input: job.image, output: job.output, seconds: Number(seconds), ...fields })}\n`,
            );
          } else if (outcome.error) {
            process.stderr.write(`✗ ${job.image}: ${outcome.error.message} [${outcome.error.code}]\n`);
          } else {
            process.stderr.write(`✓ ${job.image} → ${job.output} (${seconds} s)\n`);
          }
        }
      } finally {
        await options.pool.close();
      }
      if (jobs.length > 1)
        process.stderr.write(`${jobs.length - failures.length} of ${jobs.length} images matted\n`);
      if (failures.length > 0) {
        // The exit status is the first failure's; every failure was reported above.
        throw new CutoutError(failures[0].code, `${failures.length} of ${jobs.length} images failed`);
      }
    });
}

function toOptions(input: string, flags: MatteFlags): MatteFilesOptions {
  const maxPixels = Number(flags.maxPixels);
  if (!(maxPixels > 0))
    throw new CutoutError('CUTOUT_E_INVALID_OPTION', `--max-pixels must be a positive number`);
  mattingMethod(flags.method);
  return {
    input,
    trimap: flags.trimap,
    scribbles: flags.scribbles,
    output: flags.output,
    format: flags.format ? parseOutputFormat(flags.format) : undefined,
    alphaOnly: flags.alphaOnly,
    trimapThresholds: flags.trimapThresholds ? parseTrimapThresholds(flags.trimapThresholds) : undefined,
    overwrite: flags.overwrite,
    decode: { maxPixels },
    matting: { method: flags.method },
  };
}
