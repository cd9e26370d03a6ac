/**
 * Segmentation without weights: the studio segmenter and the chroma key on generated scenes with exact α.
 *
 *   npm run bench:studio [-- --sizes 1,4,12 --seeds 1 --threads 2 --out bench/results/studio.md]
 *
 * Studio scenes: plain, gradient, shadowed and lightly textured backdrops × shapes, hair and glass subjects.
 * Green-screen scenes: shapes, hair and glass on a green screen (and one blue). Sizes in megapixels (4:3).
 *
 * Per scene:
 *  - IoU of the mask (probability or chroma α ≥ 0.5 against true α ≥ 0.5);
 *  - SAD after the cascade: trimapFromProbability (src/trimap/trimap-from-probability.ts, the production
 *    construction, defaults) from the segmenter's probability map, then closed-form matting in the unknown
 *    region (matteImage, method cf, tiles on worker threads). For the chroma key, its own trimap too;
 *  - the same cascade from the TRUE mask (true α thresholded at 0.5, same trimap construction), and the
 *    ratio of the two SADs (the issue's targets: ≤ 1.5 studio, ≤ 1.2 green screen);
 *  - segmentation time, warm (the process segments one small scene first).
 * SAD = Σ|α − α*| / 1000 over the whole image (the trimaps differ, so a region-restricted SAD would not
 * compare). Results go to bench/results/studio.md with the command, machine, load and date.
 *
 * Run with `node --import tsx/esm` (the npm script does): the CommonJS hook of plain `tsx` slows hot loops.
 */
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import type { PlaneF32, Trimap } from '../src/core/image.ts';
import { maskIou, sadError } from '../src/metrics/index.ts';
import { matteImage } from '../src/pipeline/matte-image.ts';
import { MattingPool } from '../src/pipeline/matting-pool.ts';
import { chromaKey } from '../src/segment/chroma-key.ts';
import { segmentStudio } from '../src/segment/studio/segment-studio.ts';
import { generateChromaScene } from '../src/synth/chroma-scenes.ts';
import { generateScene, type Scene } from '../src/synth/index.ts';
import {
  TRIMAP_FROM_PROBABILITY_DEFAULTS,
  trimapFromProbability,
} from '../src/trimap/trimap-from-probability.ts';

const root = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
function option(name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}
const sizes = (option('sizes') ?? '1,4,12').split(',').map(Number);
const seeds = (option('seeds') ?? '1').split(',').map(Number);
const threads = Number(option('threads') ?? cpus().length);
const output = option('out') ?? join(root, 'bench', 'results', 'studio.md');
const backgrounds = (option('backgrounds') ?? 'plain,gradient,shadow,texture').split(',');
const subjects = (option('subjects') ?? 'shapes,hair,glass').split(',');

interface Row {
  megapixels: number;
  kind: 'studio' | 'chroma';
  name: string;
  iou: number;
  coarseSad: number;
  cascadeSad: number;
  /** Chroma key only: SAD of the keyer's α as it is, and of matting in the keyer's own trimap. */
  keySad?: number;
  keyTrimapSad?: number;
  trueMaskSad: number;
  seconds: number;
  /** CPU seconds of the process while segmenting (the matting workers are idle then). */
  cpuSeconds: number;
  confidence?: number;
  unknown: number;
  trueUnknown: number;
}

function size(megapixels: number): [number, number] {
  const width = Math.round(Math.sqrt((megapixels * 1e6 * 4) / 3));
  return [width, Math.round((width * 3) / 4)];
}

function thresholded(alpha: PlaneF32): PlaneF32 {
  return { width: alpha.width, height: alpha.height, data: alpha.data.map((v) => (v >= 0.5 ? 1 : 0)) };
}

const pool = new MattingPool(threads);
async function cascade(scene: Scene, trimap: Trimap): Promise<{ sad: number; unknown: number }> {
  const result = await matteImage(scene.image, trimap, {
    method: 'cf',
    alphaOnly: true,
    ...pool.solvers('cf'),
  });
  return { sad: sadError(result.alpha, scene.alpha), unknown: result.unknownCount };
}

async function trueMaskCascade(scene: Scene) {
  return cascade(scene, trimapFromProbability(thresholded(scene.alpha)));
}

function elapsed(start: number): number {
  return (performance.now() - start) / 1000;
}

function cpuSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

async function studioRow(
  megapixels: number,
  background: string,
  subject: string,
  seed: number,
): Promise<Row> {
  const [width, height] = size(megapixels);
  const scene = generateScene({
    width,
    height,
    seed,
    subject: subject as 'shapes',
    background: background as 'plain',
  });
  const start = performance.now();
  const cpu = process.cpuUsage();
  const result = segmentStudio(scene.image);
  const seconds = elapsed(start);
  const cpuSeconds = cpuSince(cpu);
  const mine = await cascade(scene, trimapFromProbability(result.probability));
  const truth = await trueMaskCascade(scene);
  return {
    megapixels,
    kind: 'studio',
    name: `${subject} on ${background}${seeds.length > 1 ? ` #${seed}` : ''}`,
    iou: maskIou(result.probability, scene.alpha),
    coarseSad: sadError(result.probability, scene.alpha),
    cascadeSad: mine.sad,
    trueMaskSad: truth.sad,
    seconds,
    cpuSeconds,
    confidence: result.confidence,
    unknown: mine.unknown,
    trueUnknown: truth.unknown,
  };
}

async function chromaRow(
  megapixels: number,
  screen: 'green' | 'blue',
  subject: string,
  seed: number,
): Promise<Row> {
  const [width, height] = size(megapixels);
  const scene = generateChromaScene({ width, height, seed, subject: subject as 'shapes', screen });
  const start = performance.now();
  const cpu = process.cpuUsage();
  const key = chromaKey(scene.image);
  const seconds = elapsed(start);
  const cpuSeconds = cpuSince(cpu);
  const mine = await cascade(scene, trimapFromProbability(key.alpha));
  const own = await cascade(scene, key.trimap);
  const truth = await trueMaskCascade(scene);
  return {
    megapixels,
    kind: 'chroma',
    name: `${subject} on ${screen} screen${seeds.length > 1 ? ` #${seed}` : ''}`,
    iou: maskIou(key.alpha, scene.alpha),
    coarseSad: sadError(key.alpha, scene.alpha),
    cascadeSad: mine.sad,
    keySad: sadError(key.alpha, scene.alpha),
    keyTrimapSad: own.sad,
    trueMaskSad: truth.sad,
    seconds,
    cpuSeconds,
    unknown: mine.unknown,
    trueUnknown: truth.unknown,
  };
}

const f = (v: number, digits = 2) => v.toFixed(digits);
const ratio = (a: number, b: number) => (b > 0 ? a / b : a === 0 ? 1 : Number.POSITIVE_INFINITY);

function studioTable(rows: Row[]): string {
  const head =
    '| MP | scene | IoU | conf. | seg. s (CPU s) | SAD prob. map | SAD cascade | SAD true-mask cascade | ratio | unknown px (mine / true) |\n' +
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n';
  return (
    head +
    rows
      .map(
        (r) =>
          `| ${r.megapixels} | ${r.name} | ${f(r.iou, 4)} | ${f(r.confidence ?? 0)} | ${f(r.seconds, 3)} (${f(r.cpuSeconds, 3)}) | ` +
          `${f(r.coarseSad)} | ${f(r.cascadeSad)} | ${f(r.trueMaskSad)} | ${f(ratio(r.cascadeSad, r.trueMaskSad))} | ` +
          `${r.unknown} / ${r.trueUnknown} |`,
      )
      .join('\n')
  );
}

function chromaTable(rows: Row[]): string {
  const head =
    '| MP | scene | IoU | key s (CPU s) | SAD key α | SAD key trimap + cf | SAD cascade (prob. trimap + cf) | SAD true-mask cascade | ratios |\n' +
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n';
  return (
    head +
    rows
      .map(
        (r) =>
          `| ${r.megapixels} | ${r.name} | ${f(r.iou, 4)} | ${f(r.seconds, 3)} (${f(r.cpuSeconds, 3)}) | ${f(r.keySad ?? 0)} | ` +
          `${f(r.keyTrimapSad ?? 0)} | ${f(r.cascadeSad)} | ${f(r.trueMaskSad)} | ` +
          `${chromaRatios(r)
            .map((v) => f(v))
            .join(' / ')} |`,
      )
      .join('\n')
  );
}

/** SAD over the true-mask cascade's for: the key's α, matting in its trimap, the probability-map cascade. */
function chromaRatios(r: Row): number[] {
  return [r.keySad ?? 0, r.keyTrimapSad ?? 0, r.cascadeSad].map((v) => ratio(v, r.trueMaskSad));
}

function summary(rows: Row[]): string {
  const lines: string[] = [];
  for (const megapixels of sizes) {
    const at = rows.filter((r) => r.megapixels === megapixels);
    const studio = at.filter((r) => r.kind === 'studio');
    const chroma = at.filter((r) => r.kind === 'chroma');
    for (const background of backgrounds) {
      const group = studio.filter((r) => r.name.includes(`on ${background}`));
      if (group.length === 0) continue;
      const iouMin = Math.min(...group.map((r) => r.iou));
      const worst = Math.max(...group.map((r) => ratio(r.cascadeSad, r.trueMaskSad)));
      const sum =
        group.reduce((s, r) => s + r.cascadeSad, 0) /
        Math.max(
          1e-9,
          group.reduce((s, r) => s + r.trueMaskSad, 0),
        );
      lines.push(
        `| ${megapixels} | studio, ${background} | ${f(iouMin, 4)} | ${f(worst)} | ${f(sum)} | ` +
          `${f(Math.max(...group.map((r) => r.seconds)), 3)} (${f(Math.max(...group.map((r) => r.cpuSeconds)), 3)}) |`,
      );
    }
    if (chroma.length > 0) {
      const worst = [0, 1, 2].map((k) => Math.max(...chroma.map((r) => chromaRatios(r)[k])));
      const total = (pick: (r: Row) => number) =>
        chroma.reduce((s, r) => s + pick(r), 0) /
        Math.max(
          1e-9,
          chroma.reduce((s, r) => s + r.trueMaskSad, 0),
        );
      lines.push(
        `| ${megapixels} | chroma key | ${f(Math.min(...chroma.map((r) => r.iou)), 4)} | ` +
          `${worst.map((v) => f(v)).join(' / ')} | ` +
          `${[(r: Row) => r.keySad ?? 0, (r: Row) => r.keyTrimapSad ?? 0, (r: Row) => r.cascadeSad].map((g) => f(total(g))).join(' / ')} | ` +
          `${f(Math.max(...chroma.map((r) => r.seconds)), 3)} (${f(Math.max(...chroma.map((r) => r.cpuSeconds)), 3)}) |`,
      );
    }
  }
  return (
    '| MP | scenes | lowest IoU | worst SAD ratio | Σ SAD ratio | slowest seg. s (CPU s) |\n' +
    '| ---: | --- | ---: | ---: | ---: | ---: |\n' +
    lines.join('\n')
  );
}

const load = loadavg()
  .map((v) => v.toFixed(2))
  .join(', ');
const rows: Row[] = [];
try {
  // Warm-up, untimed: JIT and worker start-up.
  const warm = generateScene({ width: 640, height: 480, seed: 99, subject: 'shapes', background: 'plain' });
  segmentStudio(warm.image);
  segmentStudio(warm.image);
  chromaKey(generateChromaScene({ width: 640, height: 480, seed: 99, subject: 'shapes' }).image);
  await cascade(warm, trimapFromProbability(thresholded(warm.alpha)));

  for (const megapixels of sizes) {
    for (const seed of seeds) {
      for (const background of backgrounds) {
        for (const subject of subjects) {
          const row = await studioRow(megapixels, background, subject, seed);
          rows.push(row);
          console.log(
            `${megapixels} MP ${row.name}: IoU ${f(row.iou, 4)}, SAD ${f(row.cascadeSad)} vs ${f(row.trueMaskSad)} ` +
              `(${f(ratio(row.cascadeSad, row.trueMaskSad))}), ${f(row.seconds, 3)} s`,
          );
        }
      }
      for (const [screen, subject] of [
        ['green', 'shapes'],
        ['green', 'hair'],
        ['green', 'glass'],
        ['blue', 'hair'],
      ] as const) {
        const row = await chromaRow(megapixels, screen, subject, seed);
        rows.push(row);
        console.log(
          `${megapixels} MP ${row.name}: IoU ${f(row.iou, 4)}, SAD key ${f(row.keySad ?? 0)}, key trimap + cf ` +
            `${f(row.keyTrimapSad ?? 0)} vs ${f(row.trueMaskSad)}, ${f(row.seconds, 3)} s`,
        );
      }
    }
  }
} finally {
  await pool.close();
}

const command = `npm run bench:studio${args.length ? ` -- ${args.join(' ')}` : ''}`;
const report = `# Studio segmenter and chroma key benchmark

Generated by \`${command}\` (\`node --import tsx/esm bench/studio.ts\`) on ${new Date().toISOString().slice(0, 10)}.
Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version};
matting tiles on ${threads} worker thread(s). Load average when the run started: ${load} (the machine is shared:
wall-clock times include other people's work).

Scenes are generated (src/synth: generateScene for studio backdrops, generateChromaScene for screens), 4:3, seed
${seeds.join(', ')}; exact α. "IoU": mask at 0.5 against true α at 0.5. "SAD" = Σ|α − α*| / 1000 over the whole image.
"Cascade": \`trimapFromProbability\` (production defaults) from the map, then closed-form matting in the unknown region
(\`matteImage\`, cf). "True-mask cascade": the same from true α ≥ 0.5. "Ratio" = SAD cascade / SAD true-mask cascade.
For the chroma key three outputs are compared with the true-mask cascade, in this order: its own α, matting in its
own trimap, and the cascade from its α as a probability map ("a / b / c" in the ratio columns).
Segmentation and keying times are wall-clock of a warm process (CPU seconds in brackets: the wall clock includes
waiting for other people's processes), decoding and matting excluded.
trimapFromProbability options: ${JSON.stringify(TRIMAP_FROM_PROBABILITY_DEFAULTS)} (fractions of the diagonal).

Targets (issue 6): plain and gradient IoU ≥ 0.98 and SAD ratio ≤ 1.5; green screen ratio ≤ 1.2; 12 MP
segmentation ≤ 1.5 s.

## Summary

${summary(rows)}

## Studio scenes

${studioTable(rows.filter((r) => r.kind === 'studio'))}

## Green and blue screens

${chromaTable(rows.filter((r) => r.kind === 'chroma'))}
`;
await writeFile(output, report);
console.log(`wrote ${output}`);
