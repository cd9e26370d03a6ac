/**
 * The CLI's TypeScript as one JavaScript bundle, so that a command starts in a third of the time.
 *
 * The package has no build step: bin/cutout.js used to run cli/main.ts through tsx's loader, which sends each
 * of ~140 modules (and TypeBox's ~700) through its loader thread — about 0.9 s before a command did anything,
 * on every run. Here esbuild (the compiler tsx itself uses) bundles cli/main.ts with everything it imports
 * into node_modules/.cache/cutout/cli.mjs, next to a manifest of the inputs' sizes and times; later runs
 * check those (a stat per input, a few milliseconds) and load the bundle, rebuilding it whenever a source
 * changed. Packages stay outside the bundle (they resolve from node_modules as before), except TypeBox,
 * whose many small modules are what made loading slow.
 *
 * A module's `import.meta.url` is replaced by its own source file's URL while bundling, so paths built from
 * it (package.json, the web page, worker entries) point where they did. Anything else under `import.meta`
 * would not survive bundling: the build then fails, and so does anything unexpected — in every such case
 * `loadCli` falls back to tsx and the command runs as before, only slower.
 */
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The CLI module: `{ main(argv): Promise<number> }`. */
export async function loadCli(options = {}) {
  let url;
  try {
    url = await bundledCli(options);
  } catch {
    url = undefined;
  }
  if (url) return import(url.href);
  return loadThroughTsx();
}

/**
 * The URL of an up-to-date bundle of cli/main.ts, building it if needed. `cacheDir` defaults to
 * node_modules/.cache/cutout under the package. Throws if esbuild or the cache folder is unavailable.
 */
export function bundledCli({ cacheDir } = {}) {
  return bundledModule({ entry: join(root, 'cli', 'main.ts'), name: 'cli', cacheDir });
}

/**
 * The same for any TypeScript module of the package (`entry`, a path or file URL), as `<name>.mjs`: the
 * server's job workers start from one too (src/server/job-worker-entry.mjs), since a worker thread would
 * otherwise load its whole module tree through tsx again.
 */
export async function bundledModule({
  entry,
  name,
  cacheDir = join(root, 'node_modules', '.cache', 'cutout'),
}) {
  const bundle = join(cacheDir, `${name}.mjs`);
  const manifestPath = join(cacheDir, `${name}.json`);
  if (isFresh(readManifest(manifestPath))) return pathToFileURL(bundle);
  const { build } = await import('esbuild');
  const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const external = Object.keys(packageJson.dependencies ?? {}).filter(
    (dependency) => dependency !== 'typebox',
  );
  const built = await build({
    entryPoints: [entry instanceof URL ? fileURLToPath(entry) : entry],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external,
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [ownImportMetaUrl],
  });
  const inputs = {};
  for (const input of Object.keys(built.metafile.inputs)) {
    const path = resolve(process.cwd(), input);
    const stat = statSync(path);
    inputs[path] = [stat.size, stat.mtimeMs];
  }
  // Written under temporary names and renamed: a run started meanwhile sees the old pair or the new one.
  mkdirSync(cacheDir, { recursive: true });
  const suffix = `.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(bundle + suffix, built.outputFiles[0].contents);
  renameSync(bundle + suffix, bundle);
  writeFileSync(manifestPath + suffix, JSON.stringify({ node: process.version, inputs }));
  renameSync(manifestPath + suffix, manifestPath);
  return pathToFileURL(bundle);
}

/** True when every input the bundle was made from still has the size and time it had then. */
export function isFresh(manifest) {
  if (!manifest || manifest.node !== process.version || typeof manifest.inputs !== 'object') return false;
  const entries = Object.entries(manifest.inputs);
  if (entries.length === 0) return false;
  for (const [path, [size, mtimeMs]] of entries) {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      return false;
    }
    if (stat.size !== size || stat.mtimeMs !== mtimeMs) return false;
  }
  return true;
}

function readManifest(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/** esbuild plugin: each of our TypeScript modules gets its own file's URL for `import.meta.url`. */
const ownImportMetaUrl = {
  name: 'own-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, ({ path }) => {
      const source = readFileSync(path, 'utf8');
      const contents = source.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(path).href));
      if (contents.includes('import.meta')) {
        throw new Error(`${path}: import.meta other than import.meta.url cannot be bundled`);
      }
      return { contents, loader: 'ts' };
    });
  },
};

/**
 * The old way: tsx's loader. Packages every command needs are loaded before register(): after it, each of
 * their modules takes a round trip through tsx's loader thread (TypeBox ~0.45 s, sharp ~0.13 s).
 */
async function loadThroughTsx() {
  await Promise.all([import('typebox'), import('typebox/value'), import('sharp')]);
  const { register } = await import('tsx/esm/api');
  register();
  return import('../cli/main.ts');
}
