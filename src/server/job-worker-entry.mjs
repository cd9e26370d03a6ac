// Worker threads do not inherit the TypeScript loader; install it here, then load the worker itself.
import { register } from 'tsx/esm/api';

register();
await import('./job-worker.ts');
