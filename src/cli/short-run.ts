/**
 * Runs that end within a fraction of a second (one host, one image, help) get V8's interpreter only:
 * its optimising tiers (Sparkplug, Maglev, TurboFan) compile code on background threads whose output
 * such a run never pays back, and their code and compiler memory raised the peak resident memory of
 * `validate-node --image oci:...` from 59 to 68 MB on Node 24 (and cost 8-14 ms of CPU time; figures in
 * bench/results/startup.json). Long runs (`webhook serve`, `cluster ...`, `lint`, `select`, NFD rule
 * work over many nodes) keep them: they evaluate rules thousands of times.
 *
 * V8 reads these flags when it decides to tier up, so setting them at the very start of the process
 * (`v8.setFlagsFromString`, before any of the CLI's code has run hot) takes effect for the whole run.
 * The installed executables (dist/cli.cjs, dist/nfd.cjs, written by scripts/bundle.mjs) call it before
 * Node's ES module loader starts; the ES module entries (bin.ts, nfd-bin.ts) call it again for runs
 * started as `node dist/cli.mjs` (a second call changes nothing).
 */

/** First arguments of the short runs, for `imgcompat` and for the `nfd` alias (`nfd compat ...`). */
const SHORT = new Set([
  'validate-node',
  'export',
  'compat',
  'completion',
  'schema',
  'init',
  '--version',
  '-V',
]);

/** Whether `argv` (the arguments after the program name) is a short run: also help and no arguments. */
export function isShortRun(argv: readonly string[]): boolean {
  const first = argv[0];
  return first === undefined || first === 'help' || first === '--help' || first === '-h' || SHORT.has(first);
}

/** Switches V8's optimising tiers off when `argv` is a short run (see above); says whether it did. */
export function tuneForShortRun(argv: readonly string[]): boolean {
  if (!isShortRun(argv)) return false;
  const v8 = process.getBuiltinModule('node:v8');
  for (const flag of ['--no-opt', '--no-maglev', '--no-sparkplug']) v8.setFlagsFromString(flag);
  return true;
}
