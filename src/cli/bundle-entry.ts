/**
 * The entry of the CLI's one-file CommonJS bundles, run by launcher.ts through code-cache.ts:
 * - `dist/short-run.cjs` (scripts/bundle.mjs): the commands that must start fast (`validate-node`,
 *   `export`, help and version, and the `nfd` alias's `compat validate-node` and `export`); the build
 *   leaves the other commands' implementations out, and the launchers send those to dist/cli.mjs.
 * - the single executable's bundle (scripts/build-sea.mjs): every command.
 */
export { processIo } from './io.ts';
export { run } from './main.ts';
export { runNfd } from './nfd.ts';
// This bundle's own copy of short-run.ts: the launcher's copy set V8's flags before this file was
// compiled; this one must know it too, to turn the optimising tiers back on for a large input.
export { isInterpreterOnly, tuneForShortRun } from './short-run.ts';
