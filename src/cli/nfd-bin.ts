#!/usr/bin/env node
/** The `nfd` executable: NFD's client command line on imgcompat (see nfd.ts); compile cache as in bin.ts. */
import { enableCompileCache } from './compile-cache.ts';
import { preloadIfNeeded } from './lazy-module.ts';
import { tuneForShortRun } from './short-run.ts';

tuneForShortRun(process.argv.slice(2));
enableCompileCache();
await preloadIfNeeded(import.meta.url);
const [{ processIo }, { runNfd }] = await Promise.all([import('./io.ts'), import('./nfd.ts')]);
process.exitCode = await runNfd(process.argv.slice(2), processIo());
