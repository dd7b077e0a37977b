/**
 * The entry of the short-run bundle (`dist/short-run.cjs`, scripts/bundle.mjs): the commands a user
 * runs many times a day and that must start fast (`validate-node`, `export`, help and version, and the
 * `nfd` alias's `compat validate-node` and `export`), as ONE CommonJS file, run by the installed
 * launchers (launcher.ts) through code-cache.ts. Every other command runs from the ES module bundle
 * (dist/cli.mjs): scripts/bundle.mjs leaves their implementations out of this file.
 */
export { processIo } from './io.ts';
export { run } from './main.ts';
export { runNfd } from './nfd.ts';
// This bundle's own copy of short-run.ts: the launcher's copy set V8's flags before this file was
// compiled; this one must know it too, to turn the optimising tiers back on for a large input.
export { isInterpreterOnly, tuneForShortRun } from './short-run.ts';
