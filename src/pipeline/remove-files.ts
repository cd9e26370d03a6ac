/**
 * The main command's files: which images the inputs name (files, folders walked recursively, globs, `-` for
 * standard input), where each result goes (beside the input, into an output folder keeping the inputs'
 * folder structure, to a named file, or to standard output), which mask goes with which image, and running
 * one image from file to file — skipping an existing output unless asked to overwrite it, never
 * overwriting an input, writing atomically so an interrupted batch leaves no half-written file.
 *
 * Planning problems that concern one image (its mask is missing, two images would write one file) fail that
 * image alone; the rest of the batch goes on.
 */
import { readdir, stat } from 'node:fs/promises';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { CutoutError, isCutoutError } from '../errors.ts';
import { isImagePath, nameKey } from '../io/list-images.ts';
import { readSource } from '../io/read-source.ts';
import { assertNotAnInput, writeFileAtomic } from '../io/write-file-atomic.ts';
import { extensionOf } from './encode-cutout.ts';
import type { RemoveFormat } from './options.ts';
import { type RemoveBackgroundResult, type RemoveContext, removeBackground } from './remove-background.ts';

export const STDIO = '-';

export interface RemoveJob {
  /** A path, or '-' for standard input. */
  input: string;
  /** A path, or '-' for standard output. */
  output: string;
  /** This image's mask (with --mask). */
  mask?: string;
  /** A problem found while planning: the job fails with it without running. */
  error?: CutoutError;
}

export interface PlanOptions {
  output?: string;
  format: RemoveFormat;
  maskOnly?: boolean;
  mask?: string;
}

/** An input as given: where its images are found and what their relative names are relative to. */
interface Source {
  kind: 'stdin' | 'file' | 'folder' | 'glob' | 'missing';
  spec: string;
  /** The folder relative names are taken from (folder and glob sources). */
  root?: string;
  /** Glob as a regular expression over the path relative to root (posix separators). */
  pattern?: RegExp;
}

interface FoundImage {
  path: string;
  source: Source;
  /** Path relative to the source's root (posix), for folder and glob sources. */
  relative?: string;
}

/** Outputs cutout writes beside its inputs: never taken as inputs when a folder is walked again. */
const OWN_OUTPUT = /\.(cutout|mask)\.[a-z0-9]+$/i;

export async function planRemoveJobs(inputs: readonly string[], options: PlanOptions): Promise<RemoveJob[]> {
  const sources = await Promise.all(inputs.map(classifyInput));
  const skip = options.output && options.output !== STDIO ? resolve(options.output) : undefined;
  const found: (FoundImage | { missing: Source })[] = [];
  for (const source of sources) {
    if (source.kind === 'missing') found.push({ missing: source });
    else found.push(...(await imagesOf(source, skip)));
  }
  return jobsFor(found, sources, options);
}

/** Images of the folder and glob inputs that are not in `seen` (for --watch). */
export async function findNewImages(
  inputs: readonly string[],
  seen: ReadonlySet<string>,
  skipFolder?: string,
): Promise<FoundImage[]> {
  const sources = await Promise.all(inputs.map(classifyInput));
  const out: FoundImage[] = [];
  for (const source of sources) {
    if (source.kind !== 'folder' && source.kind !== 'glob') continue;
    for (const image of await imagesOf(source, skipFolder))
      if (!seen.has(resolve(image.path))) out.push(image);
  }
  return out;
}

/** Jobs for images found later (--watch), planned like the first ones. */
export async function planFoundJobs(images: FoundImage[], options: PlanOptions): Promise<RemoveJob[]> {
  return jobsFor(images, [...new Set(images.map((i) => i.source))], options);
}

async function jobsFor(
  found: (FoundImage | { missing: Source })[],
  sources: Source[],
  options: PlanOptions,
): Promise<RemoveJob[]> {
  const extension = extensionOf(options.format);
  const suffix = options.maskOnly ? 'mask' : 'cutout';
  const images = found.filter((f): f is FoundImage => 'path' in f);
  const singleFile =
    found.length === 1 && sources.length === 1 && (sources[0].kind === 'file' || sources[0].kind === 'stdin');
  const output = options.output;
  const toStdout =
    output === STDIO || (output === undefined && sources.length === 1 && sources[0].kind === 'stdin');
  if (output === STDIO && !singleFile) {
    throw new CutoutError('CUTOUT_E_INVALID_OPTION', '-o - (standard output) takes exactly one input image');
  }
  const namedFolder =
    output !== undefined &&
    output !== STDIO &&
    (output.endsWith('/') || output.endsWith(sep) || (await isDirectory(output)));
  if (output !== undefined && output !== STDIO && !namedFolder && !singleFile && extname(output) !== '') {
    throw new CutoutError(
      'CUTOUT_E_INVALID_OPTION',
      `${found.length > 1 ? `with ${found.length} inputs` : 'for a folder or a glob'}, -o must be a folder ` +
        `(end it with /), not the file ${output}`,
    );
  }
  const outputIsFolder = namedFolder || (output !== undefined && output !== STDIO && !singleFile);
  if (output !== undefined && !outputIsFolder && output !== STDIO && extname(output) === '') {
    throw new CutoutError(
      'CUTOUT_E_INVALID_OPTION',
      `-o ${output}: give a file name with an extension (.png, .webp, …), or end it with / for a folder`,
    );
  }
  const masks = options.mask !== undefined ? await maskIndex(options.mask) : undefined;

  const jobs: RemoveJob[] = [];
  const claimed = new Map<string, string>();
  for (const item of found) {
    if ('missing' in item) {
      jobs.push({
        input: item.missing.spec,
        output: '',
        error: new CutoutError('CUTOUT_E_INPUT_NOT_FOUND', 'no such file, folder or matching image', {
          file: item.missing.spec,
        }),
      });
      continue;
    }
    const { path, source } = item;
    let target: string;
    if (toStdout) target = STDIO;
    else if (output !== undefined && !outputIsFolder) target = output;
    else {
      const name = source.kind === 'stdin' ? 'stdin' : nameKey(path);
      if (output === undefined) target = join(dirname(path), `${name}.${suffix}.${extension}`);
      else if (item.relative !== undefined)
        target = join(output, dirname(item.relative), `${name}.${extension}`);
      else target = join(output, `${name}.${extension}`);
    }
    const job: RemoveJob = { input: path, output: target };
    if (masks) {
      const mask = masks.find(item);
      if (mask) job.mask = mask;
      else {
        job.error = new CutoutError(
          'CUTOUT_E_NO_MATCH',
          `no mask for this image in ${options.mask} (masks are matched by file name, extension ignored)`,
          { file: path },
        );
      }
    }
    if (target !== STDIO) {
      const key = resolve(target);
      const first = claimed.get(key);
      if (first !== undefined && !job.error) {
        job.error = new CutoutError(
          'CUTOUT_E_INVALID_OPTION',
          `would write ${target}, as ${first} does already`,
          {
            file: path,
          },
        );
      } else claimed.set(key, path);
    }
    jobs.push(job);
  }
  if (images.length === 0 && jobs.length === 0) {
    throw new CutoutError('CUTOUT_E_NO_MATCH', `no images in ${sources.map((s) => s.spec).join(', ')}`);
  }
  return jobs;
}

async function classifyInput(spec: string): Promise<Source> {
  if (spec === STDIO) return { kind: 'stdin', spec };
  const info = await stat(spec).catch(() => undefined);
  if (info?.isDirectory()) return { kind: 'folder', spec, root: spec };
  if (info) return { kind: 'file', spec };
  if (/[*?[]/.test(spec)) {
    const parts = spec.split(/[\\/]/);
    const firstGlob = parts.findIndex((part) => /[*?[]/.test(part));
    const root = parts.slice(0, firstGlob).join('/') || '.';
    return { kind: 'glob', spec, root, pattern: globToRegExp(parts.slice(firstGlob).join('/')) };
  }
  return { kind: 'missing', spec };
}

async function imagesOf(source: Source, skipFolder?: string): Promise<FoundImage[]> {
  if (source.kind === 'stdin') return [{ path: STDIO, source }];
  if (source.kind === 'file') return [{ path: source.spec, source }];
  if (source.kind === 'missing') return [];
  const root = source.root!;
  const files = await walk(root, skipFolder);
  const out: FoundImage[] = [];
  for (const path of files) {
    const rel = relative(root, path).split(sep).join('/');
    if (source.pattern && !source.pattern.test(rel)) continue;
    out.push({ path, source, relative: rel });
  }
  return out;
}

/** Image files under a folder, recursively, sorted; hidden entries, cutout's own outputs and `skip` left out. */
async function walk(folder: string, skip?: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      if (skip && resolve(path) === skip) continue;
      out.push(...(await walk(path, skip)));
    } else if (entry.isFile() && isImagePath(entry.name) && !OWN_OUTPUT.test(entry.name)) {
      out.push(path);
    }
  }
  return out;
}

/** `*` any run within a name, `?` one character, `[…]` a class, `**` any number of folders. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const slash = glob[i + 2] === '/';
        re += slash ? '(?:[^/]+/)*' : '.*';
        i += slash ? 2 : 1;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        const body = glob
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\');
        re += `[${body}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Masks by relative path and by bare name; a single mask file serves every image. */
async function maskIndex(mask: string): Promise<{ find(image: FoundImage): string | undefined }> {
  const info = await stat(mask).catch(() => undefined);
  if (!info)
    throw new CutoutError('CUTOUT_E_INPUT_NOT_FOUND', '--mask: no such file or folder', { file: mask });
  if (!info.isDirectory()) return { find: () => mask };
  const byRelative = new Map<string, string>();
  const byName = new Map<string, string>();
  for (const path of await walk(mask)) {
    const rel = relative(mask, path).split(sep).join('/');
    byRelative.set(rel.slice(0, rel.length - extname(rel).length), path);
    if (!byName.has(nameKey(path))) byName.set(nameKey(path), path);
  }
  return {
    find(image) {
      if (image.relative !== undefined) {
        const key = image.relative.slice(0, image.relative.length - extname(image.relative).length);
        const hit = byRelative.get(key);
        if (hit) return hit;
      }
      return byName.get(image.source.kind === 'stdin' ? 'stdin' : nameKey(image.path));
    },
  };
}

export type JobStatus = 'done' | 'skipped' | 'failed';

export interface JobOutcome {
  job: RemoveJob;
  status: JobStatus;
  error?: CutoutError;
  result?: RemoveBackgroundResult;
  milliseconds: number;
}

export interface RunJobOptions {
  overwrite: boolean;
  /** Where '-' reads from and writes to. */
  stdin?: Readable;
  stdout?: NodeJS.WritableStream;
}

export async function runRemoveJob(
  job: RemoveJob,
  ctx: RemoveContext,
  options: RunJobOptions,
): Promise<JobOutcome> {
  const started = performance.now();
  const done = (status: JobStatus, extra: Partial<JobOutcome> = {}): JobOutcome => ({
    job,
    status,
    milliseconds: performance.now() - started,
    ...extra,
  });
  try {
    if (job.error) throw job.error;
    const inputs = [job.input, job.mask, ctx.options.bg].filter((p): p is string => !!p && p !== STDIO);
    if (job.output !== STDIO) {
      // An output that is one of the inputs is an error even when it exists: "skipped" would hide it.
      await assertNotAnInput(job.output, inputs);
      if (!options.overwrite && (await exists(job.output))) return done('skipped');
    }
    const input =
      job.input === STDIO ? await readSource(options.stdin ?? process.stdin, { name: '<stdin>' }) : job.input;
    const result = await removeBackground(
      input,
      { maskSource: job.mask, name: job.input === STDIO ? '<stdin>' : undefined },
      ctx,
    );
    const bytes = result.encoded!.bytes;
    if (job.output === STDIO) await writeAll(options.stdout ?? process.stdout, bytes);
    else {
      await writeFileAtomic(job.output, bytes, { inputs, overwrite: options.overwrite });
    }
    return done('done', { result });
  } catch (error) {
    const coded = isCutoutError(error)
      ? error
      : new CutoutError('CUTOUT_E_INTERNAL', (error as Error)?.message ?? String(error), {
          file: job.input,
          cause: error,
        });
    return done('failed', { error: coded });
  }
}

function writeAll(stream: NodeJS.WritableStream, bytes: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(bytes, (error) => (error ? reject(error) : resolve()));
  });
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() === true;
}
