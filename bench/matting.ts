/**
 * Matting benchmark: every method on the alphamatting.com training images, with trimap1 and trimap2.
 *
 *   npm run bench:matting [-- --methods cf,lbdm --trimaps trimap1 --images GT01,GT03 --threads 2 --no-large]
 *
 * Per image: time (alpha, then foreground), peak RSS above the process's baseline, SAD, MSE, Grad, Conn
 * (DESIGN.md definitions, over the trimap's unknown region). Means per method and trimap. The process is
 * warmed up on one image first, so the figures are those of a warm process (like the pymatting reference in
 * the matting issue). Results go to bench/results/matting.md with the command, machine and date.
 *
 * Reads ../shared/data/alphamatting; exits with a message when it is absent.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import type { InterleavedF32, PlaneF32, Trimap } from '../src/core/image.ts';
import { decodeImage, decodeMatte, decodeTrimap } from '../src/io/decode.ts';
import { imagesByName } from '../src/io/list-images.ts';
import { MATTING_METHODS } from '../src/matting/estimate-alpha.ts';
import { evaluateMatte } from '../src/metrics/index.ts';
import { matteImage } from '../src/pipeline/matte-image.ts';
import { MattingPool } from '../src/pipeline/matting-pool.ts';
import { generateScene } from '../src/synth/index.ts';
import { countTrimap } from '../src/trimap/quantise-trimap.ts';
import { trimapFromAlpha } from '../src/trimap/trimap-from-alpha.ts';

// Restart with the memory-measurement settings (see withPeakRss) unless they are in force. `--default-malloc`
// keeps glibc's own allocator settings: the fixed mmap threshold makes every large typed array a fresh mapping
// (page faults on each), which costs the closed-form solve about 5 % of its time; times that users see are
// measured with --default-malloc (memory figures then under-count: freed memory is reused without showing).
const MMAP_THRESHOLD = '131072';
const defaultMalloc = process.argv.includes('--default-malloc');
if (
  typeof (globalThis as { gc?: unknown }).gc !== 'function' ||
  (!defaultMalloc && process.env.MALLOC_MMAP_THRESHOLD_ !== MMAP_THRESHOLD)
) {
  const env = { ...process.env };
  if (defaultMalloc) delete env.MALLOC_MMAP_THRESHOLD_;
  else env.MALLOC_MMAP_THRESHOLD_ = MMAP_THRESHOLD;
  const child = spawnSync(process.execPath, ['--expose-gc', ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env,
  });
  process.exit(child.status ?? 1);
}

const root = resolve(import.meta.dirname, '..');
const data = resolve(root, '..', 'shared', 'data', 'alphamatting');

const args = process.argv.slice(2);
function option(name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}
const methods = option('methods')?.split(',') ?? Object.keys(MATTING_METHODS);
const trimapSets = option('trimaps')?.split(',') ?? ['trimap1', 'trimap2'];
const only = option('images')?.split(',');
const threads = Number(option('threads') ?? cpus().length);
const tileSize = option('tile-size') ? Number(option('tile-size')) : undefined;
const output = option('out') ?? join(root, 'bench', 'results', 'matting.md');

interface Case {
  name: string;
  image: InterleavedF32;
  truth: PlaneF32;
  trimaps: Record<string, Trimap>;
}

interface Row {
  name: string;
  pixels: number;
  unknown: number;
  alphaSeconds: number;
  foregroundSeconds: number;
  peakRssMb: number;
  bytesPerPixel: number;
  iterations: number;
  sad: number;
  mse: number;
  grad: number;
  conn: number;
}

async function loadCases(): Promise<Case[]> {
  const inputs = await imagesByName(join(data, 'input'), 'input');
  const names = [...inputs.keys()].filter((name) => !only || only.includes(name)).sort();
  const cases: Case[] = [];
  for (const name of names) {
    const trimaps: Record<string, Trimap> = {};
    for (const set of trimapSets) trimaps[set] = await decodeTrimap(join(data, set, `${name}.png`));
    cases.push({
      name,
      image: (await decodeImage(inputs.get(name)!, { shared: true })).colour,
      truth: await decodeMatte(join(data, 'gt', `${name}.png`)),
      trimaps,
    });
  }
  return cases;
}

/**
 * Peak memory of one image, made independent of what ran before it. Three things make a plain RSS delta in a
 * long-lived process unreliable: garbage from earlier images that the GC has not yet collected (it may be
 * collected during the image, hiding the image's own growth, or not, inflating the baseline), freed memory
 * that glibc keeps in its heap and hands out again without the RSS growing, and peaks between two samples.
 * So the benchmark runs with --expose-gc and MALLOC_MMAP_THRESHOLD_=131072 (it restarts itself with both):
 * before each image every thread (main and matting workers) runs a full GC twice, 50 ms apart, which with a fixed mmap
 * threshold returns every freed typed array to the system at once; the baseline is the RSS after that;
 * the peak is the kernel's own high-water mark (VmHWM, reset through /proc/self/clear_refs), so nothing
 * between samples is missed. Worker threads live in the same process, so their memory is counted.
 * Where /proc is not writable (not Linux), RSS is sampled every 5 ms instead.
 */
const collect = (globalThis as { gc?: () => void }).gc;
const procPeak = (() => {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
})();

function statusBytes(field: 'VmHWM' | 'VmRSS'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

async function withPeakRss<T>(
  pool: MattingPool,
  run: () => Promise<T>,
): Promise<{ value: T; baseline: number; peak: number }> {
  // Twice, with a pause: V8 frees the backing stores of dead typed arrays on a background thread.
  for (let round = 0; round < 2; round++) {
    await pool.collectGarbage();
    collect?.();
    await new Promise((done) => setTimeout(done, 50));
  }
  if (procPeak) writeFileSync('/proc/self/clear_refs', '5');
  const baseline = procPeak ? statusBytes('VmRSS') : process.memoryUsage.rss();
  let peak = baseline;
  const timer = procPeak
    ? undefined
    : setInterval(() => {
        peak = Math.max(peak, process.memoryUsage.rss());
      }, 5);
  try {
    const value = await run();
    peak = procPeak ? statusBytes('VmHWM') : Math.max(peak, process.memoryUsage.rss());
    return { value, baseline, peak };
  } finally {
    clearInterval(timer);
  }
}

async function runCase(pool: MattingPool, method: string, item: Case, trimap: Trimap): Promise<Row> {
  const { value, baseline, peak } = await withPeakRss(pool, () =>
    matteImage(item.image, trimap, {
      method,
      tiles: { tileSize },
      ...pool.solvers(method),
    }),
  );
  const scores = evaluateMatte(value.alpha, item.truth, trimap);
  const pixels = item.image.width * item.image.height;
  return {
    name: item.name,
    pixels,
    unknown: value.unknownCount,
    alphaSeconds: value.timings.alpha / 1000,
    foregroundSeconds: value.timings.foreground / 1000,
    peakRssMb: peak / 2 ** 20,
    bytesPerPixel: (peak - baseline) / pixels,
    iterations: value.iterations,
    ...scores,
  };
}

function mean(rows: Row[], key: keyof Row): number {
  return rows.reduce((sum, row) => sum + (row[key] as number), 0) / rows.length;
}

function table(rows: Row[]): string {
  const head =
    '| image | unknown px | alpha s | fg s | peak RSS MB | Δ bytes/px | iters | SAD | MSE | Grad | Conn |\n' +
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n';
  const line = (r: Row) =>
    `| ${r.name} | ${r.unknown} | ${r.alphaSeconds.toFixed(3)} | ${r.foregroundSeconds.toFixed(3)} | ` +
    `${r.peakRssMb.toFixed(0)} | ${r.bytesPerPixel.toFixed(0)} | ${r.iterations} | ${r.sad.toFixed(2)} | ` +
    `${r.mse.toFixed(2)} | ${r.grad.toFixed(2)} | ${r.conn.toFixed(2)} |\n`;
  const means =
    `| **mean** | ${mean(rows, 'unknown').toFixed(0)} | **${mean(rows, 'alphaSeconds').toFixed(3)}** | ` +
    `${mean(rows, 'foregroundSeconds').toFixed(3)} | ${mean(rows, 'peakRssMb').toFixed(0)} | ` +
    `${mean(rows, 'bytesPerPixel').toFixed(0)} | ${mean(rows, 'iterations').toFixed(0)} | ` +
    `**${mean(rows, 'sad').toFixed(2)}** | ${mean(rows, 'mse').toFixed(2)} | ${mean(rows, 'grad').toFixed(2)} | ` +
    `${mean(rows, 'conn').toFixed(2)} |\n`;
  return head + rows.map(line).join('') + means;
}

if (!existsSync(data)) {
  console.log(
    `bench:matting: ${data} is absent (the shared data sits beside the repository); nothing to measure.`,
  );
  process.exit(0);
}

/**
 * The issue's scale case: a synthetic 12 MP scene whose trimap has an unknown band of about 5 % of the
 * pixels (the band radius is searched for), matted with the default method, foreground included.
 */
async function runLargeScene(pool: MattingPool): Promise<string> {
  const scene = generateScene({
    width: 4000,
    height: 3000,
    seed: 12,
    subject: 'shapes',
    background: 'texture',
  });
  let radius = 4;
  let trimap = trimapFromAlpha(scene.alpha, radius);
  while (countTrimap(trimap).unknown < 0.05 * trimap.data.length && radius < 200) {
    radius = Math.ceil(radius * 1.25);
    trimap = trimapFromAlpha(scene.alpha, radius);
  }
  const unknown = countTrimap(trimap).unknown;
  const { value, baseline, peak } = await withPeakRss(pool, () =>
    matteImage(scene.image, trimap, pool.solvers()),
  );
  const pixels = trimap.data.length;
  const scores = evaluateMatte(value.alpha, scene.alpha, trimap);
  const seconds = (value.timings.alpha + value.timings.foreground) / 1000;
  const line =
    `| 4000×3000 shapes/texture | ${unknown} (${((100 * unknown) / pixels).toFixed(1)} %, radius ${radius}) | ` +
    `${(value.timings.alpha / 1000).toFixed(2)} | ${(value.timings.foreground / 1000).toFixed(2)} | **${seconds.toFixed(2)}** | ` +
    `${(peak / 2 ** 20).toFixed(0)} | ${((peak - baseline) / pixels).toFixed(0)} | ${scores.sad.toFixed(1)} |`;
  console.log(line);
  return line;
}

const startLoad = loadavg()
  .map((v) => v.toFixed(2))
  .join(', ');
const cases = await loadCases();
const pool = new MattingPool(threads);
const sections: string[] = [];
const summary: string[] = [];
let large = '| (not run: --no-large) | | | | | | | |';
try {
  for (const method of methods) {
    // Warm-up: JIT and worker start-up, untimed.
    await runCase(pool, method, cases[0], cases[0].trimaps[trimapSets[0]]);
    for (const set of trimapSets) {
      const rows: Row[] = [];
      for (const item of cases) {
        const row = await runCase(pool, method, item, item.trimaps[set]);
        rows.push(row);
        console.log(
          `${method} ${set} ${row.name}: ${row.alphaSeconds.toFixed(3)} s, SAD ${row.sad.toFixed(2)}, ` +
            `${row.iterations} iterations`,
        );
      }
      sections.push(`### ${MATTING_METHODS[method].name} (\`${method}\`), ${set}\n\n${table(rows)}`);
      summary.push(
        `| ${method} | ${set} | ${mean(rows, 'alphaSeconds').toFixed(3)} | ${mean(rows, 'foregroundSeconds').toFixed(3)} | ` +
          `${mean(rows, 'sad').toFixed(2)} | ${mean(rows, 'mse').toFixed(2)} | ${mean(rows, 'grad').toFixed(2)} | ` +
          `${mean(rows, 'conn').toFixed(2)} | ${Math.max(...rows.map((r) => r.bytesPerPixel)).toFixed(0)} |`,
      );
    }
  }
  if (!args.includes('--no-large')) large = await runLargeScene(pool);
} finally {
  await pool.close();
}

const command = `npm run bench:matting${args.length ? ` -- ${args.join(' ')}` : ''}`;
const report = `# Matting benchmark

Generated by \`${command}\` on ${new Date().toISOString().slice(0, 10)}.
Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version};
matting tiles on ${threads} worker thread(s).

Data: \`../shared/data/alphamatting\` (${cases.length} images, about 800×600). Scores over the trimap's unknown region,
DESIGN.md definitions: SAD = Σ|p−g|/1000, MSE ×10³, Grad and Conn /1000. Times are of a warm process, decoding
excluded. "Δ bytes/px" is the peak resident memory (main thread and matting workers: one process) above the
baseline before the image, per image pixel. Measured so that earlier images do not leak into it: the process runs
with --expose-gc and ${defaultMalloc ? '(--default-malloc: NOT in this run, so times are those users see and memory under-counts) ' : ''}MALLOC_MMAP_THRESHOLD_=131072; before each image every thread runs a full GC twice (freed typed
arrays then go straight back to the system), the baseline is the RSS after that, and the peak is the kernel's
high-water mark VmHWM, reset through /proc/self/clear_refs before the image (${procPeak ? 'used in this run' : 'not available here: RSS sampled every 5 ms'}).${
  defaultMalloc
    ? ''
    : `
The fixed mmap threshold makes every large array fresh memory, so the times here run slower than a user's:
user-visible times come from a run with --default-malloc (bench/results/matting-cf-time.md for closed-form).`
}
Load average (1, 5, 15 min) at the start ${startLoad}, at the end ${loadavg()
  .map((v) => v.toFixed(2))
  .join(', ')}.

Reference (the matting issue, measured on this kind of machine, trimap1): pymatting 1.1.15 closed-form 1.64 s/image,
SAD 4.63, MSE 20.0, Grad 9.64, Conn 4.27; learning-based SAD 4.49 (9.0 s); KNN SAD 4.57 (9.6 s); OpenCV 4.6
information flow SAD 4.11, MSE 13.8, Grad 4.93, Conn 3.78 (9.4 s).

## Summary (means)

| method | trimap | alpha s | fg s | SAD | MSE | Grad | Conn | max Δ bytes/px |
| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${summary.join('\n')}

## Scale: a 12 MP synthetic scene with a 5 % unknown band (target: matte + foreground ≤ 6 s)

| scene | unknown px | alpha s | fg s | total s | peak RSS MB | Δ bytes/px | SAD |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${large}

## Per image

${sections.join('\n\n')}
`;
await writeFile(output, report);
console.log(`wrote ${output}`);
