/**
 * The default command, `cutout <inputs...>`: background removal of files, folders (recursive), globs and
 * standard input. Its flags are made from the options schema (src/pipeline/options.ts), so the command line,
 * the library and the HTTP service accept the same options with the same checks.
 *
 * Output: beside each input as `<name>.cutout.png` (or `.mask.png` with --mask-only), into an -o folder keeping
 * the inputs' folder structure, to an -o file, or to standard output for `-`. Existing outputs are skipped
 * unless --overwrite, so an interrupted batch resumes where it stopped. One failing image is reported and the
 * batch goes on; the exit status is that of the first failure. On a terminal a progress bar shows count, rate
 * and ETA; `--json` prints one line per image instead.
 */
import cliProgress from 'cli-progress';
import { type Command, Option } from 'commander';
import type { TSchema } from 'typebox';
import { CutoutError } from '../../src/errors.ts';
import { formatFromPath } from '../../src/io/encode.ts';
import {
  BatchOptionsSchema,
  type CliFlag,
  parseBatchOptions,
  parseRemoveOptions,
  type RemoveFormat,
  RemoveOptionsSchema,
  type ResolvedBatchOptions,
  type ResolvedRemoveOptions,
} from '../../src/pipeline/options.ts';
import { RemoveContext } from '../../src/pipeline/remove-background.ts';
import {
  findNewImages,
  type JobOutcome,
  planFoundJobs,
  planRemoveJobs,
  type RemoveJob,
  runRemoveJob,
  STDIO,
} from '../../src/pipeline/remove-files.ts';
import { collect, downloadReporter } from './models.ts';

/** How often --watch looks for new files, and how long a new file's size must hold still before it is read. */
const WATCH_INTERVAL_MS = 500;

export function registerRemove(program: Command): void {
  const command = program
    .command('remove', { isDefault: true })
    .description(
      'remove the background of images: files, folders (recursive), globs, or - for stdin/stdout. ' +
        'Writes <name>.cutout.png beside each input unless -o says otherwise; see docs/cli.md',
    )
    .argument('<inputs...>', 'image files, folders, globs (quoted), or - for standard input');
  addSchemaOptions(command, RemoveOptionsSchema);
  addSchemaOptions(command, BatchOptionsSchema);
  command.action(async (inputs: string[], raw: Record<string, unknown>) => {
    const { remove, batch } = parseFlags(raw);
    await runRemoveCommand(inputs, remove, batch);
  });
}

/** One commander option per schema property that has a `cli` flag. */
function addSchemaOptions(command: Command, schema: TSchema): void {
  const properties = (
    schema as { properties: Record<string, TSchema & { cli?: CliFlag; description?: string }> }
  ).properties;
  for (const property of Object.values(properties)) {
    if (!property.cli) continue;
    const option = new Option(property.cli.flag, property.description);
    if (property.cli.repeatable) option.argParser(collect);
    command.addOption(option);
  }
}

function parseFlags(raw: Record<string, unknown>): {
  remove: ResolvedRemoveOptions;
  batch: ResolvedBatchOptions;
} {
  const pick = (schema: TSchema) =>
    Object.fromEntries(
      Object.keys((schema as { properties: object }).properties)
        .filter((key) => raw[key] !== undefined)
        .map((key) => [key, raw[key]]),
    );
  return {
    remove: parseRemoveOptions(pick(RemoveOptionsSchema)),
    batch: parseBatchOptions(pick(BatchOptionsSchema)),
  };
}

/** The output format: --format, else an -o file's extension, else png. */
function outputFormat(
  inputs: string[],
  remove: ResolvedRemoveOptions,
  batch: ResolvedBatchOptions,
): RemoveFormat {
  if (remove.format) return remove.format;
  const out = batch.output;
  if (out && out !== STDIO && !out.endsWith('/') && inputs.length === 1) {
    if (/\.zip$/i.test(out)) return 'zip';
    const fromPath = formatFromPath(out);
    if (fromPath) return fromPath;
  }
  return 'png';
}

export async function runRemoveCommand(
  inputs: string[],
  remove: ResolvedRemoveOptions,
  batch: ResolvedBatchOptions,
): Promise<void> {
  if (batch.watch && inputs.includes(STDIO)) {
    throw new CutoutError(
      'CUTOUT_E_INVALID_OPTION',
      '--watch watches folders; it cannot take - (standard input)',
    );
  }
  const format = outputFormat(inputs, remove, batch);
  const plan = { output: batch.output, format, maskOnly: remove.maskOnly, mask: remove.mask };
  const jobs = await planRemoveJobs(inputs, plan);
  const toStdout = jobs.some((job) => job.output === STDIO);
  // Standard output carries the image when one goes there; everything else then goes to standard error.
  const lines = toStdout ? process.stderr : process.stdout;
  const reporter = downloadReporter();
  const ui = new BatchReporter(
    batch.json,
    lines,
    !batch.json && process.stderr.isTTY === true && jobs.length > 1,
  );
  const ctx = new RemoveContext(
    { ...remove, format },
    {
      onNotice: (line) => ui.notice(`cutout: ${line}`),
      onDownloadStart: reporter.onStart,
      onDownloadProgress: reporter.onProgress,
      onDownloadEnd: reporter.stop,
    },
  );
  const stopping = { requested: false };
  const stop = () => {
    stopping.requested = true;
  };
  if (batch.watch) {
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }
  const started = performance.now();
  const outcomes: JobOutcome[] = [];
  try {
    ui.start(jobs.length);
    await runJobs(jobs, batch.jobs, async (job) => {
      const outcome = await runRemoveJob(job, ctx, { overwrite: batch.overwrite });
      outcomes.push(outcome);
      ui.report(outcome);
    });
    if (batch.watch) await watch(inputs, jobs, plan, ctx, batch, ui, outcomes, stopping);
  } finally {
    ui.stop();
    await ctx.close();
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
  }
  const failures = outcomes.filter((o) => o.status === 'failed');
  if (outcomes.length === 1 && failures.length === 1 && !batch.json && !batch.watch) throw failures[0].error;
  if (outcomes.length > 1 || batch.watch) ui.summary(outcomes, performance.now() - started);
  if (failures.length > 0) {
    const first = failures[0].error!;
    throw new CutoutError(
      first.code,
      `${failures.length} of ${outcomes.length} images failed (first: ${first.message})`,
    );
  }
}

/** Runs `work` over the jobs with at most `limit` at once. */
async function runJobs(
  jobs: RemoveJob[],
  limit: number,
  work: (job: RemoveJob) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < jobs.length) await work(jobs[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, lane));
}

/** --watch: poll the input folders for new images until SIGINT/SIGTERM. A file is read once its size holds. */
async function watch(
  inputs: string[],
  initial: RemoveJob[],
  plan: Parameters<typeof planRemoveJobs>[1],
  ctx: RemoveContext,
  batch: ResolvedBatchOptions,
  ui: BatchReporter,
  outcomes: JobOutcome[],
  stopping: { requested: boolean },
): Promise<void> {
  const { resolve } = await import('node:path');
  const { stat } = await import('node:fs/promises');
  const seen = new Set(initial.map((job) => resolve(job.input)));
  const sizes = new Map<string, number>();
  const skip = batch.output && batch.output !== STDIO ? resolve(batch.output) : undefined;
  ui.notice(`cutout: watching ${inputs.join(', ')} for new images (Ctrl-C to stop)`);
  while (!stopping.requested) {
    await new Promise((r) => setTimeout(r, WATCH_INTERVAL_MS));
    if (stopping.requested) break;
    const found = await findNewImages(inputs, seen, skip);
    const ready = [];
    for (const image of found) {
      const size = (await stat(image.path).catch(() => undefined))?.size;
      const key = resolve(image.path);
      if (size !== undefined && size > 0 && sizes.get(key) === size) {
        ready.push(image);
        seen.add(key);
        sizes.delete(key);
      } else if (size !== undefined) sizes.set(key, size);
    }
    if (ready.length === 0) continue;
    const jobs = await planFoundJobs(ready, plan);
    ui.grow(jobs.length);
    await runJobs(jobs, batch.jobs, async (job) => {
      const outcome = await runRemoveJob(job, ctx, { overwrite: batch.overwrite });
      outcomes.push(outcome);
      ui.report(outcome);
    });
  }
}

/** Per-image lines, JSON lines, or a progress bar (on a terminal), and the final summary; all on stderr but JSON. */
class BatchReporter {
  private bars?: cliProgress.MultiBar;
  private bar?: cliProgress.SingleBar;
  private total = 0;
  private count = 0;
  private started = performance.now();

  constructor(
    private readonly json: boolean,
    private readonly jsonStream: NodeJS.WritableStream,
    private readonly progress: boolean,
  ) {}

  start(total: number): void {
    this.total = total;
    this.started = performance.now();
    if (!this.progress) return;
    this.bars = new cliProgress.MultiBar(
      {
        stream: process.stderr,
        format: '{bar} {value}/{total} | {rate} img/s | ETA {eta_formatted} | {name}',
        hideCursor: true,
        clearOnComplete: true,
        etaBuffer: 20,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar = this.bars.create(total, 0, { rate: '0.0', name: '' });
  }

  grow(more: number): void {
    this.total += more;
    this.bar?.setTotal(this.total);
  }

  notice(line: string): void {
    this.write(`${line}\n`);
  }

  report(outcome: JobOutcome): void {
    this.count++;
    const { job, result, error } = outcome;
    const seconds = Number((outcome.milliseconds / 1000).toFixed(3));
    if (this.json) {
      const record = {
        input: job.input,
        output: job.output,
        status: outcome.status,
        ok: outcome.status !== 'failed',
        seconds,
        ...(result && {
          engine: result.engine,
          model: result.model,
          refine: result.refine,
          width: result.width,
          height: result.height,
          unknownPixels: result.unknownPixels,
          timings: Object.fromEntries(Object.entries(result.timings).map(([k, v]) => [k, Math.round(v)])),
          warnings: result.warnings,
        }),
        ...(error && { code: error.code, error: error.message }),
      };
      this.jsonStream.write(`${JSON.stringify(record)}\n`);
    } else {
      const to = job.output === STDIO ? 'stdout' : job.output;
      if (outcome.status === 'failed') this.write(`✗ ${job.input}: ${error!.message} [${error!.code}]\n`);
      else if (outcome.status === 'skipped')
        this.write(`- ${job.input}: ${to} exists, skipped (--overwrite replaces it)\n`);
      else if (!this.progress)
        this.write(`✓ ${job.input} → ${to} (${seconds.toFixed(2)} s, ${result!.model})\n`);
      for (const warning of result?.warnings ?? []) this.write(`! ${job.input}: ${warning}\n`);
    }
    if (this.bar) {
      const elapsed = (performance.now() - this.started) / 1000;
      this.bar.increment(1, { rate: (this.count / Math.max(elapsed, 1e-3)).toFixed(1), name: job.input });
    }
  }

  summary(outcomes: JobOutcome[], milliseconds: number): void {
    const by = (status: string) => outcomes.filter((o) => o.status === status).length;
    const done = by('done');
    const seconds = milliseconds / 1000;
    const rate = done > 0 ? `, ${(done / seconds).toFixed(2)} img/s` : '';
    this.notice(
      `cutout: ${done} done, ${by('skipped')} skipped, ${by('failed')} failed of ${outcomes.length} in ${seconds.toFixed(1)} s${rate}`,
    );
  }

  stop(): void {
    this.bars?.stop();
    this.bars = undefined;
    this.bar = undefined;
  }

  private write(text: string): void {
    if (this.bars) this.bars.log(text);
    else process.stderr.write(text);
  }
}
