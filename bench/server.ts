/**
 * Load and leak benchmark of `cutout serve` on loopback (bounded counts, bounded time).
 *
 *   flock /tmp/cutout-bench.lock node --import tsx/esm bench/server.ts [--quick]
 *
 * The server runs in a child process (this file with --child), offline with an empty model store, so the
 * studio segmenter runs; its RSS (worker threads included) is read from its own /metrics.
 *  1. load: 16 concurrent clients × 25 requests, image sizes mixed, concurrency 2, queue 16 → every answer
 *     is 200 or an intended 503 (queue full); p50/p95 latency; peak RSS sampled every 250 ms.
 *  2. leak: 1000 small requests (4 clients, refine none) → RSS after 100, 500 and 1000.
 * Writes bench/results/server.md.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { encodeImage } from '../src/io/index.ts';
import { build } from '../src/server/build-app.ts';
import { generateScene } from '../src/synth/index.ts';

const CONCURRENCY = 2;
const QUEUE = 16;

if (process.argv.includes('--child')) {
  const app = await build({
    offline: true,
    concurrency: CONCURRENCY,
    queue: QUEUE,
    env: { ...process.env, CUTOUT_HOME: mkdtempSync(join(tmpdir(), 'cutout-bench-home-')) },
  });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  await app.cutout.ready;
  process.stdout.write(`${JSON.stringify({ address, status: app.cutout.status })}\n`);
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
} else {
  await runBench(process.argv.includes('--quick'));
}

async function png(width: number, height: number, seed: number): Promise<Uint8Array<ArrayBuffer>> {
  const scene = generateScene({ width, height, seed, subject: 'hair', background: 'gradient' });
  return new Uint8Array(await encodeImage({ colour: scene.image }, { format: 'png' }));
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

async function runBench(quick: boolean): Promise<void> {
  const load = loadavg()
    .map((v) => v.toFixed(2))
    .join(', ');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx/esm', new URL(import.meta.url).pathname, '--child'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const started = await new Promise<{ address: string; status: { engine: string; model: string } }>(
    (resolve) => {
      let text = '';
      child.stdout!.on('data', (d) => {
        text += d;
        if (text.includes('\n')) resolve(JSON.parse(text.split('\n')[0]));
      });
    },
  );
  const base = started.address;
  const rss = async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    return Number(/^process_resident_memory_bytes (\d+)/m.exec(text)?.[1]) / 2 ** 20;
  };
  const post = async (body: Uint8Array, query = '') => {
    const t = performance.now();
    const r = await fetch(`${base}/v1/remove${query}`, {
      method: 'POST',
      body: new Uint8Array(body),
      headers: { 'content-type': 'image/png' },
    });
    await r.arrayBuffer();
    return { status: r.status, ms: performance.now() - t };
  };

  // 1. Load.
  const sizes = [
    [96, 72],
    [160, 120],
    [256, 192],
    [400, 300],
  ];
  const images = await Promise.all(sizes.map(([w, h], i) => png(w, h, i + 1)));
  const clients = 16;
  const perClient = quick ? 3 : 25;
  let peak = await rss();
  const rssAtStart = peak;
  const sampler = setInterval(() => {
    rss().then(
      (v) => {
        peak = Math.max(peak, v);
      },
      () => {},
    );
  }, 250);
  const statuses = new Map<number, number>();
  const latencies: number[] = [];
  const loadStarted = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let k = 0; k < perClient; k++) {
        const r = await post(images[(c + k) % images.length]);
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        if (r.status === 200) latencies.push(r.ms);
      }
    }),
  );
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, await rss());
  latencies.sort((a, b) => a - b);
  const unexpected = [...statuses.keys()].filter((s) => s !== 200 && s !== 503);

  // 2. Leak: RSS over 1000 small requests.
  const small = await png(64, 48, 9);
  const total = quick ? 100 : 1000;
  const marks = new Map<number, number>();
  let done = 0;
  let leakErrors = 0;
  const leakStarted = performance.now();
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (done < total) {
        done++;
        const r = await post(small, '?refine=none');
        if (r.status !== 200) leakErrors++;
        if ([100, 500, 1000].includes(done)) marks.set(done, await rss());
      }
    }),
  );
  const leakSeconds = (performance.now() - leakStarted) / 1000;
  child.kill('SIGTERM');

  const ms = (v: number) => `${Math.round(v)} ms`;
  const report = `# Server load and leak benchmark

Generated by \`flock /tmp/cutout-bench.lock node --import tsx/esm bench/server.ts${quick ? ' --quick' : ''}\` on ${new Date().toISOString().slice(0, 10)}.
Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}.
Load average when the run started: ${load} (the machine is shared: wall-clock times include other people's work).
Server: \`build({ offline: true, concurrency: ${CONCURRENCY}, queue: ${QUEUE} })\` in a child process on 127.0.0.1, engine
${started.status.engine} (${started.status.model}) — no network model installed; RSS is the server process's own
(\`process_resident_memory_bytes\` from its /metrics, worker threads included).

## 1. Load: ${clients} concurrent clients × ${perClient} requests, POST /v1/remove (PNG out, refine matting)

Image sizes rotate through ${sizes.map(([w, h]) => `${w}×${h}`).join(', ')}.

| | |
|---|---|
| requests | ${clients * perClient} in ${loadSeconds.toFixed(1)} s |
| statuses | ${[...statuses].map(([s, n]) => `${s}: ${n}`).join(', ')} |
| unexpected statuses | ${unexpected.length ? unexpected.join(', ') : 'none'} |
| latency of 200s, p50 / p95 / max | ${ms(percentile(latencies, 0.5))} / ${ms(percentile(latencies, 0.95))} / ${ms(latencies.at(-1) ?? Number.NaN)} |
| RSS at start / peak | ${rssAtStart.toFixed(0)} MiB / ${peak.toFixed(0)} MiB |

With ${clients} clients and room for ${CONCURRENCY} running + ${QUEUE} waiting, no request should be refused; latency
is mostly queueing (${CONCURRENCY} workers on ${cpus().length} cores).

## 2. Leak: ${total} requests of 64×48 (4 clients, refine none)

| after | RSS |
|---|---|
${[...marks]
  .sort((a, b) => a[0] - b[0])
  .map(([n, v]) => `| ${n} | ${v.toFixed(0)} MiB |`)
  .join('\n')}

${total} requests in ${leakSeconds.toFixed(1)} s, ${leakErrors} not 200.
`;
  writeFileSync(new URL('./results/server.md', import.meta.url), report);
  process.stdout.write(report);
}
