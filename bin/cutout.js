#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader, so the package needs no build step.
//
// Packages every command needs are loaded before register(): after it, each of their modules takes a round
// trip through tsx's loader thread (TypeBox, the options schema, is some 700 small modules: ~0.45 s; sharp
// ~0.13 s). Loaded first they are plain ESM, cached, and the TypeScript sources that import them get the cache.
await Promise.all([import('typebox'), import('typebox/value'), import('sharp')]);
const { register } = await import('tsx/esm/api');

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
