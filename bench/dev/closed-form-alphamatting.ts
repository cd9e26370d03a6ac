/**
 * Dev benchmark: closed-form matting on the alphamatting.com training images (trimap1 by default).
 *
 *   npx tsx bench/dev/closed-form-alphamatting.ts [--trimap trimap2] [--tolerance 1e-5]
 *       [--preconditioner ichol|jacobi|none] [--threshold 5e-4] [--epsilon 1e-7] [--warmup 3] [GT01 …]
 *
 * Prints per image: size, unknown pixels, time (build / factor / solve, wall and CPU), CG iterations, the
 * final relative residual, SAD over the unknown region (Σ|p − g| / 1000 with p, g in [0, 1]), the
 * factor's size and rewinds, and the means. Unset options take the library's defaults. Images are
 * decoded before timing; the process is warmed up first (the first image solved `warmup` times,
 * untimed), so the figures are those of a warm process like the pymatting reference; then every image
 * is solved and timed once.
 *
 * Runner: under `npx tsx` (tsx's CommonJS require hook active) every hot loop runs about 25 % slower
 * once sharp and its CommonJS dependencies are loaded through that hook — measured on a bare sparse
 * matrix-vector product, 6.5 ms → 9.2 ms. The cutout CLI registers tsx's ESM loader only
 * (bin/cutout.js), where this does not happen. So that the figures are the product's, the script
 * re-runs itself under `node --import tsx/esm` (set CUTOUT_BENCH_SAME_PROCESS=1 to measure in place).
 */

import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InterleavedF32, Trimap } from '../../src/core/image.ts';
import { estimateAlphaClosedForm } from '../../src/matting/estimate-alpha-cf.ts';

if (!process.env.CUTOUT_BENCH_SAME_PROCESS) {
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx/esm', fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    { stdio: 'inherit', env: { ...process.env, CUTOUT_BENCH_SAME_PROCESS: 'esm-loader' } },
  );
  process.exit(child.status ?? 1);
}
const { ALPHAMATTING_ROOT, readGrey, readRgb } = await import('./read-alphamatting.ts');

const root = ALPHAMATTING_ROOT;

const args = process.argv.slice(2);
function option(name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = args[i + 1];
  args.splice(i, 2);
  return value;
}
const trimapFolder = option('trimap', 'trimap1');
// Unset options fall through to the library's defaults.
const numberOption = (name: string): number | undefined => {
  const value = option(name, '');
  return value === '' ? undefined : Number(value);
};
const tolerance = numberOption('tolerance');
const epsilon = numberOption('epsilon');
const warmup = numberOption('warmup') ?? 3;
const icholThreshold = numberOption('threshold');
const order = option('order', 'rcm') as 'rcm' | 'scan';
const preconditioner = option('preconditioner', 'ichol') as 'ichol' | 'jacobi' | 'none';
const names = args.length > 0 ? args : readdirSync(path.join(root, 'input')).map((f) => path.parse(f).name);

console.log(
  `command: npx tsx bench/dev/closed-form-alphamatting.ts ${process.argv.slice(2).join(' ')}`.trim(),
);
console.log(
  `machine: ${os.cpus()[0]?.model ?? 'unknown CPU'} × ${os.cpus().length}, node ${process.version}, ` +
    `runner ${process.env.CUTOUT_BENCH_SAME_PROCESS === 'esm-loader' ? 'node --import tsx/esm' : 'as invoked'}, ` +
    `${new Date().toISOString()}, load average ${os.loadavg()[0].toFixed(2)}`,
);
console.log(
  `closed-form on ${root} (${trimapFolder}), epsilon ${epsilon ?? 'default'}, tolerance ${tolerance ?? 'default'}, ` +
    `preconditioner ${preconditioner} (threshold ${icholThreshold ?? 'default'}), order ${order}`,
);
console.log(
  'image  size      unknown  build  factor  solve  total ms  cpu ms  iters  rel.res   SAD     factor (entries, rewinds/shift)',
);
let sumTime = 0;
let sumCpu = 0;
let sumSad = 0;
let sumIterations = 0;
interface Loaded {
  name: string;
  image: InterleavedF32;
  trimap: Trimap;
  gt: Uint8Array;
}
const loaded: Loaded[] = [];
for (const name of names) {
  const image = await readRgb(path.join(root, 'input', `${name}.png`));
  const trimap: Trimap = {
    data: await readGrey(path.join(root, trimapFolder, `${name}.png`)),
    width: image.width,
    height: image.height,
  };
  loaded.push({ name, image, trimap, gt: await readGrey(path.join(root, 'gt', `${name}.png`)) });
}
const solveOptions = { epsilon, tolerance, preconditioner, icholThreshold, order };
for (let r = 0; r < warmup; r++) estimateAlphaClosedForm(loaded[0].image, loaded[0].trimap, solveOptions);

for (const { name, image, trimap, gt } of loaded) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = estimateAlphaClosedForm(image, trimap, solveOptions);
  const time = performance.now() - t0;
  const cpuUsed = process.cpuUsage(cpu0);
  const cpu = (cpuUsed.user + cpuUsed.system) / 1000;
  sumCpu += cpu;

  let sad = 0;
  for (let p = 0; p < gt.length; p++) {
    const t = trimap.data[p];
    if (t > 0 && t < 255) sad += Math.abs(result.alpha.data[p] - gt[p] / 255);
  }
  sad /= 1000;
  sumTime += time;
  sumSad += sad;
  sumIterations += result.iterations;
  const { build, factor, solve } = result.timings;
  const columns = [
    name.padEnd(5),
    `${image.width}×${image.height}`.padEnd(9),
    String(result.unknownCount).padStart(7),
    build.toFixed(0).padStart(5),
    factor.toFixed(0).padStart(6),
    solve.toFixed(0).padStart(5),
    time.toFixed(0).padStart(8),
    cpu.toFixed(0).padStart(6),
    String(result.iterations).padStart(5),
    result.relativeResidual.toExponential(1).padStart(8),
    sad.toFixed(3).padStart(7),
    `    ${(result.factor.entries / 1e6).toFixed(2)}M, ${result.factor.rewinds}/${result.factor.maxShift.toPrecision(2)}`,
  ];
  console.log(columns.join('  ').replace(/^(\S+)\s\s/, '$1 '));
}
const k = names.length;
console.log(
  `mean   time ${(sumTime / k).toFixed(0)} ms (cpu ${(sumCpu / k).toFixed(0)} ms)  iterations ${(sumIterations / k).toFixed(1)}  ` +
    `SAD ${(sumSad / k).toFixed(3)}  load average ${os.loadavg()[0].toFixed(2)}`,
);
