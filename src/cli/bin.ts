#!/usr/bin/env node
/**
 * The `imgcompat` executable: a tiny shim so `--help` stays fast (vite's bin pattern). The compile cache
 * is switched on first and everything else is imported after it, so the CLI's modules are cached too.
 */
import { enableCompileCache } from './compile-cache.ts';
import { preloadIfNeeded } from './lazy-module.ts';
import { tuneForShortRun } from './short-run.ts';

tuneForShortRun(process.argv.slice(2));
enableCompileCache();
await preloadIfNeeded(import.meta.url);
const [{ processIo }, { run }] = await Promise.all([import('./io.ts'), import('./main.ts')]);
process.exitCode = await run(process.argv.slice(2), processIo());
