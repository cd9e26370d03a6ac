// A job worker starts from a bundle of job-worker.ts and everything it imports, kept up to date in
// node_modules/.cache/cutout like the CLI's (bin/cli-bundle.js): through tsx's loader, which worker threads
// do not inherit anyway, each worker spent about a second of CPU loading its modules. If the bundle cannot
// be made, the worker loads through tsx as before.
import { bundledModule } from '../../bin/cli-bundle.js';

let bundle;
try {
  bundle = await bundledModule({ entry: new URL('./job-worker.ts', import.meta.url), name: 'job-worker' });
} catch {
  bundle = undefined;
}
if (bundle) {
  await import(bundle.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./job-worker.ts');
}
