/**
 * The code a worker thread runs, as one JavaScript bundle.
 *
 * Worker threads do not inherit tsx's loader. Installing it in each worker and loading the TypeScript
 * sources through it cost every worker ~1 s of CPU before its first tile (each of some 30 modules is a
 * round trip to tsx's loader thread) — on a 2-core machine, most of a second of a single photo's time.
 * So a pool's workers run one bundle of their entry module instead, made from the sources by esbuild
 * (the compiler tsx itself uses) the first time a pool of that kind starts in the process (~50 ms), and
 * handed to the Worker as a data: URL. The entry modules import only Node built-ins and relative modules,
 * so the bundle needs no node_modules next to it. Should esbuild fail, the workers load the TypeScript
 * entry through tsx as before.
 */

import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

const bundles = new Map<string, URL>();

/**
 * A URL a Worker can start from: the bundle of the TypeScript module `source`, or `fallback` (an .mjs that
 * installs tsx and imports `source`) if it cannot be bundled.
 */
export function workerEntry(source: URL, fallback: URL): URL {
  const key = source.href;
  let url = bundles.get(key);
  if (!url) {
    try {
      const built = buildSync({
        entryPoints: [fileURLToPath(source)],
        bundle: true,
        format: 'esm',
        platform: 'node',
        target: 'node20',
        write: false,
        logLevel: 'silent',
      });
      url = new URL(`data:text/javascript,${encodeURIComponent(built.outputFiles[0].text)}`);
    } catch {
      url = fallback;
    }
    bundles.set(key, url);
  }
  return url;
}
