/**
 * `cutout models list|pull|verify|rm|info`: the model registry and the local store, from the shell.
 * Nothing here opens a socket except `pull` (and only for a model that is not installed yet).
 */
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { CutoutError } from '../../src/errors.ts';
import type { DownloadProgress } from '../../src/models/download.ts';
import { assertLicenseAccepted, needsLicenseAcceptance } from '../../src/models/license-gate.ts';
import {
  type InstallState,
  installState,
  modelFilePath,
  modelsDirectory,
  removeModelFiles,
  verifyFile,
  writeStamp,
} from '../../src/models/model-store.ts';
import { downloadUrl, pullModel } from '../../src/models/pull-model.ts';
import { getRegistryEntry, REGISTRY, type RegistryEntry } from '../../src/models/registry.ts';

/** commander collector for options that may be given several times. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function registerModels(program: Command): void {
  const models = program
    .command('models')
    .description(`list, download, verify and remove segmentation models (stored in ${modelsDirectory()})`);

  models
    .command('list')
    .description('every model in the registry with its licence, size and whether it is installed')
    .option('--json', 'print a JSON array of {id, license, commercial, size, installed, …}')
    .action(async (options: { json?: boolean }) => {
      const rows = await Promise.all(REGISTRY.map(describe));
      process.stdout.write(options.json ? `${JSON.stringify(rows, null, 2)}\n` : formatList(rows));
    });

  models
    .command('pull')
    .description('download models into the store and verify their published hashes')
    .argument('<ids...>', 'registry ids (see `cutout models list`)')
    .option(
      '--accept-license <id>',
      'accept the non-commercial licence of this model (repeatable)',
      collect,
      [],
    )
    .option('--offline', 'never touch the network: succeed only for models already installed')
    .option('--force', 'download again even when a verified copy is installed')
    .action(
      async (ids: string[], options: { acceptLicense: string[]; offline?: boolean; force?: boolean }) => {
        const entries = ids.map(getRegistryEntry);
        // Refuse before fetching anything, so a gated model in the list does not leave half a pull behind.
        for (const entry of entries) assertLicenseAccepted(entry, options.acceptLicense);
        for (const entry of entries) {
          const reporter = downloadReporter();
          const result = await pullModel(entry, {
            offline: options.offline,
            force: options.force,
            acceptLicense: options.acceptLicense,
            onStart: reporter.onStart,
            onProgress: reporter.onProgress,
          }).finally(reporter.stop);
          const what =
            result.status === 'downloaded' ? 'downloaded and verified' : 'already installed, verified';
          process.stdout.write(`${entry.id}: ${what} (${formatBytes(result.bytes)}) ${result.path}\n`);
        }
      },
    );

  models
    .command('verify')
    .description(
      'hash installed models again and compare with the published hashes (default: every installed model)',
    )
    .argument('[ids...]', 'registry ids')
    .action(async (ids: string[]) => {
      const explicit = ids.length > 0;
      const entries = explicit ? ids.map(getRegistryEntry) : REGISTRY;
      const problems: string[] = [];
      let checked = 0;
      for (const entry of entries) {
        const path = modelFilePath(entry.id);
        if ((await installState(path, entry.download)) === 'missing') {
          if (explicit) problems.push(`${entry.id}: not installed`);
          continue;
        }
        checked++;
        const verification = await verifyFile(path, entry.download);
        if (verification.ok) {
          await writeStamp(path, entry.download, verification);
          process.stdout.write(`${entry.id}: ok (${verification.actualHash})\n`);
        } else {
          problems.push(`${entry.id}: MISMATCH — ${path} ${verification.problem}`);
          process.stdout.write(`${entry.id}: MISMATCH — file ${verification.problem}\n`);
        }
      }
      if (!explicit && checked === 0) process.stdout.write('no models installed\n');
      if (problems.length > 0) {
        const missing = problems.every((p) => p.endsWith('not installed'));
        throw new CutoutError(
          missing ? 'CUTOUT_E_MODEL_MISSING' : 'CUTOUT_E_HASH_MISMATCH',
          `${problems.join('; ')}${missing ? '' : ' (remove with `cutout models rm <id>` and pull again)'}`,
        );
      }
    });

  models
    .command('rm')
    .description('delete an installed model (and any partial download)')
    .argument('<ids...>', 'registry ids')
    .action(async (ids: string[]) => {
      for (const entry of ids.map(getRegistryEntry)) {
        const path = modelFilePath(entry.id);
        if (!(await removeModelFiles(path))) {
          throw new CutoutError('CUTOUT_E_MODEL_MISSING', `model '${entry.id}' is not installed (${path})`);
        }
        process.stdout.write(`${entry.id}: removed ${path}\n`);
      }
    });

  models
    .command('info')
    .description('everything about one model: purpose, licence, download, processing, sources')
    .argument('<id>', 'registry id')
    .option('--json', 'print the full registry entry and install state as JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      const entry = getRegistryEntry(id);
      const row = await describe(entry);
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ ...entry, ...row }, null, 2)}\n`);
        return;
      }
      process.stdout.write(formatInfo(entry, row));
    });
}

export interface ModelRow {
  id: string;
  title: string;
  kind: RegistryEntry['kind'];
  purpose: string;
  license: string;
  licenseUrl: string;
  commercial: boolean;
  /** Published size in bytes, null when upstream publishes none. */
  size: number | null;
  approxSize: string | null;
  installed: boolean;
  state: InstallState;
  path: string;
  url: string;
  hash: string | null;
}

async function describe(entry: RegistryEntry): Promise<ModelRow> {
  const path = modelFilePath(entry.id);
  const state = await installState(path, entry.download);
  return {
    id: entry.id,
    title: entry.title,
    kind: entry.kind,
    purpose: entry.purpose,
    license: entry.license,
    licenseUrl: entry.licenseUrl,
    commercial: entry.commercial,
    size: entry.download.size,
    approxSize: entry.download.approxSize ?? null,
    installed: state !== 'missing',
    state,
    path,
    url: downloadUrl(entry),
    hash: entry.download.hash,
  };
}

function formatList(rows: ModelRow[]): string {
  const table = [
    ['ID', 'KIND', 'LICENCE', 'COMMERCIAL', 'SIZE', 'INSTALLED'],
    ...rows.map((r) => [
      r.id,
      r.kind,
      r.license,
      r.commercial ? 'yes' : 'no (needs --accept-license)',
      r.size !== null ? formatBytes(r.size) : (r.approxSize ?? '?'),
      r.state === 'missing' ? 'no' : r.state === 'verified' ? 'yes' : 'yes (not yet verified)',
    ]),
  ];
  const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
  const lines = table.map((row) =>
    row
      .map((cell, c) => cell.padEnd(widths[c]))
      .join('  ')
      .trimEnd(),
  );
  return `${lines.join('\n')}\nstore: ${modelsDirectory()}\n`;
}

function formatInfo(entry: RegistryEntry, row: ModelRow): string {
  const { input, output } = entry;
  const size =
    input.size.kind === 'fixed'
      ? `${input.size.width}×${input.size.height}`
      : `short edge ${input.size.shortEdge}, multiple of ${input.size.multiple}`;
  const lines = [
    `${entry.id}: ${entry.title}`,
    `  purpose     ${entry.purpose} (${entry.kind})`,
    `  licence     ${entry.license}${entry.commercial ? '' : ` — non-commercial: needs --accept-license ${entry.id}`} (${entry.licenseUrl})`,
    `  download    ${row.url}`,
    `  hash        ${entry.download.hash ?? 'not published'}`,
    `  size        ${entry.download.size !== null ? `${entry.download.size} bytes` : `not published${entry.download.approxSize ? ` (about ${entry.download.approxSize})` : ''}`}`,
    `  installed   ${row.state === 'missing' ? 'no' : `${row.state} at ${row.path}`}`,
    `  input       ${input.name ?? '(first input)'} ${input.layout} ${size}, ${input.channelOrder}, scaling ${input.scaling}, ` +
      `mean [${input.mean.join(', ')}], std [${input.std.map((v) => +v.toPrecision(6)).join(', ')}], ${input.fit}, resize ${input.resize}`,
    `  output      ${output.name ?? `index ${output.index ?? 0}`}, channel ${output.channel}, activation ${output.activation}, min–max ${output.minMax ? 'on' : 'off'}`,
    `  citation    ${entry.citation}`,
    '  sources',
    ...entry.sources.map((s) => `    - ${s}`),
    ...(entry.notes?.length ? ['  notes', ...entry.notes.map((n) => `    - ${n}`)] : []),
  ];
  if (needsLicenseAcceptance(entry))
    lines.push(`  (commercial use requires an agreement with the rights holder)`);
  return `${lines.join('\n')}\n`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} kB`;
  if (bytes < 1e9) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${(bytes / 1e9).toFixed(2)} GB`;
}

/**
 * Download feedback on standard error: a progress bar on a terminal, one line at start and end otherwise
 * (logs and CI should not fill with redraws).
 */
export function downloadReporter(stream: NodeJS.WriteStream = process.stderr) {
  let bar: cliProgress.SingleBar | undefined;
  let label = '';
  let last: DownloadProgress | undefined;
  return {
    onStart(info: { id: string; url: string; path: string }) {
      label = info.id;
      stream.write(`cutout: downloading ${info.id} from ${info.url}\n`);
    },
    onProgress(progress: DownloadProgress) {
      last = progress;
      if (!stream.isTTY) return;
      const total = progress.total ?? 0;
      if (!bar) {
        bar = new cliProgress.SingleBar(
          {
            stream,
            format: `${label} [{bar}] {percentage}% {done}/{size}`,
            hideCursor: true,
            clearOnComplete: false,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total || 1, 0, { done: formatBytes(0), size: total ? formatBytes(total) : '?' });
      }
      bar.update(total ? progress.received : 0, {
        done: formatBytes(progress.received),
        size: total ? formatBytes(total) : '?',
      });
    },
    stop() {
      if (bar) {
        bar.stop();
        bar = undefined;
      } else if (last && !stream.isTTY) {
        stream.write(`cutout: ${label}: ${formatBytes(last.received)} received\n`);
      }
      last = undefined;
    },
  };
}
