#!/usr/bin/env node
// Runs the TypeScript CLI without a build step: from a bundle of its sources kept up to date in
// node_modules/.cache/cutout (see cli-bundle.js), or through tsx's loader if that cannot be made.
import { loadCli } from './cli-bundle.js';

const { main } = await loadCli();
process.exitCode = await main(process.argv.slice(2));
