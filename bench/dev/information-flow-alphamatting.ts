/**
 * Dev benchmark: information-flow matting on the alphamatting.com training images (trimap1 by default).
 *
 *   npx tsx bench/dev/information-flow-alphamatting.ts [--trimap trimap2] [--tolerance 2e-3]
 *       [--preconditioner jacobi|ichol|none] [--approximation 0.5] [--mixture-neighbours 10]
 *       [--known-weight 0.05] [--unknown-weight 0.01] [--local-weight 1] [--no-trim]
 *       [--trim-steps 4] [--trim-upper 0.0625] [--warmup 2] [GT01 …]
 *
 * Prints per image: size, unknown pixels and how many the edge trimming made known, time (trimming, then
 * the build by stage: k-d trees, local Laplacian, colour mixture, K-to-U, intra-U, assembly; then the
 * solve), wall and CPU time, CG iterations, SAD over the trimap's unknown region (Σ|p − g| / 1000, p and g
 * in [0, 1]); then the means. Unset options take the library's defaults. Images are decoded before timing;
 * the process is warmed up on the first image (`warmup` untimed runs), then every image runs once. The
 * machine is shared: compare CPU time as well as wall time, and note the load average printed.
 *
 * Reference on this machine (the matting issue, trimap1): OpenCV's information-flow matting, mean SAD
 * 4.11 at 9.4 s/image; pymatting's closed-form 1.64 s/image.
 *
 * Runner: as in closed-form-alphamatting.ts, the script re-runs itself under `node --import tsx/esm`
 * (tsx's CommonJS hook slows hot loops once sharp is loaded through it); set CUTOUT_BENCH_SAME_PROCESS=1
 * to measure in place.
 */

import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InterleavedF32, Trimap } from '../../src/core/image.ts';
import {
  estimateAlphaInformationFlow,
  type InformationFlowMattingOptions,
} from '../../src/matting/estimate-alpha-ifm.ts';

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
function option(name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const value = args[i + 1];
  args.splice(i, 2);
  return value;
}
function flag(name: string): boolean {
  const i = args.indexOf(`--${name}`);
  if (i >= 0) args.splice(i, 1);
  return i >= 0;
}
const numberOption = (name: string): number | undefined => {
  const value = option(name);
  return value === undefined ? undefined : Number(value);
};
const trimapFolder = option('trimap') ?? 'trimap1';
const warmup = numberOption('warmup') ?? 2;
const trimSteps = numberOption('trim-steps');
const trimUpper = numberOption('trim-upper');
const solveOptions: InformationFlowMattingOptions = {
  tolerance: numberOption('tolerance'),
  preconditioner: option('preconditioner') as InformationFlowMattingOptions['preconditioner'],
  neighbourApproximation: numberOption('approximation'),
  mixtureNeighbours: numberOption('mixture-neighbours'),
  knownWeight: numberOption('known-weight'),
  unknownWeight: numberOption('unknown-weight'),
  localWeight: numberOption('local-weight'),
  trimming: flag('no-trim') ? false : { steps: trimSteps, upperThreshold: trimUpper },
};
const names = args.length > 0 ? args : readdirSync(path.join(root, 'input')).map((f) => path.parse(f).name);

console.log(
  `command: npx tsx bench/dev/information-flow-alphamatting.ts ${process.argv.slice(2).join(' ')}`.trim(),
);
console.log(
  `machine: ${os.cpus()[0]?.model ?? 'unknown CPU'} × ${os.cpus().length}, node ${process.version}, ` +
    `runner ${process.env.CUTOUT_BENCH_SAME_PROCESS === 'esm-loader' ? 'node --import tsx/esm' : 'as invoked'}, ` +
    `${new Date().toISOString()}, load average ${os.loadavg()[0].toFixed(2)}`,
);
console.log(`information flow on ${root} (${trimapFolder}), options ${JSON.stringify(solveOptions)}`);
console.log(
  'image  size      unknown  trimmed  trim  trees  local  mixture  k→u  intra-u  asm  solve  total ms  cpu ms  iters  SAD',
);

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
for (let r = 0; r < warmup; r++)
  estimateAlphaInformationFlow(loaded[0].image, loaded[0].trimap, solveOptions);

const sums = { time: 0, cpu: 0, sad: 0, iterations: 0 };
for (const { name, image, trimap, gt } of loaded) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = estimateAlphaInformationFlow(image, trimap, solveOptions);
  const time = performance.now() - t0;
  const cpuUsed = process.cpuUsage(cpu0);
  const cpu = (cpuUsed.user + cpuUsed.system) / 1000;

  let sad = 0;
  for (let p = 0; p < gt.length; p++) {
    const t = trimap.data[p];
    if (t > 0 && t < 255) sad += Math.abs(result.alpha.data[p] - gt[p] / 255);
  }
  sad /= 1000;
  sums.time += time;
  sums.cpu += cpu;
  sums.sad += sad;
  sums.iterations += result.iterations;
  const b = result.buildTimings;
  const columns = [
    name.padEnd(5),
    `${image.width}×${image.height}`.padEnd(9),
    String(result.unknownCount).padStart(7),
    String(result.trimmedCount).padStart(7),
    result.timings.trim.toFixed(0).padStart(4),
    b.trees.toFixed(0).padStart(5),
    b.local.toFixed(0).padStart(5),
    b.mixture.toFixed(0).padStart(7),
    b.knownToUnknown.toFixed(0).padStart(4),
    b.intraUnknown.toFixed(0).padStart(7),
    b.assemble.toFixed(0).padStart(3),
    (result.timings.factor + result.timings.solve).toFixed(0).padStart(5),
    time.toFixed(0).padStart(8),
    cpu.toFixed(0).padStart(6),
    String(result.iterations).padStart(5),
    sad.toFixed(3).padStart(6),
  ];
  console.log(columns.join('  ').replace(/^(\S+)\s\s/, '$1 '));
}
const k = names.length;
console.log(
  `mean   time ${(sums.time / k).toFixed(0)} ms (cpu ${(sums.cpu / k).toFixed(0)} ms)  ` +
    `iterations ${(sums.iterations / k).toFixed(1)}  SAD ${(sums.sad / k).toFixed(3)}  ` +
    `load average ${os.loadavg()[0].toFixed(2)}`,
);
