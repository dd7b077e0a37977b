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

/** Whether the first argument asks for help (or there is none: help too), or is one of `commands`. */
function helpOr(commands: ReadonlySet<string>, first: string | undefined): boolean {
  return (
    first === undefined || first === 'help' || first === '--help' || first === '-h' || commands.has(first)
  );
}

/** Whether `argv` (the arguments after the program name) is a short run: also help and no arguments. */
export function isShortRun(argv: readonly string[]): boolean {
  return helpOr(SHORT, argv[0]);
}

/**
 * First arguments whose commands are in the short-run bundle (dist/short-run.cjs, launcher.ts): a
 * subset of the short runs. `completion`, `schema` and `init` stay short runs of the ES module bundle;
 * they are run rarely and would only make that file larger.
 */
const IN_SHORT_RUN_BUNDLE = new Set(['validate-node', 'export', 'compat', '--version', '-V']);

/** Whether the command `argv` asks for is in the short-run bundle (also help and no arguments). */
export function inShortRunBundle(argv: readonly string[]): boolean {
  return helpOr(IN_SHORT_RUN_BUNDLE, argv[0]);
}

let interpreterOnly = false;

/** Whether V8's optimising tiers are off right now (a short run that has not met a large input). */
export function isInterpreterOnly(): boolean {
  return interpreterOnly;
}

/** Switches V8's optimising tiers off when `argv` is a short run (see above); says whether it did. */
export function tuneForShortRun(argv: readonly string[]): boolean {
  if (!isShortRun(argv)) return false;
  const v8 = process.getBuiltinModule('node:v8');
  for (const flag of ['--no-opt', '--no-maglev', '--no-sparkplug']) v8.setFlagsFromString(flag);
  interpreterOnly = true;
  return true;
}

/**
 * Input size (characters or bytes of a spec or features file) from which a short run is not short:
 * interpreted only, `validate-node` took 3.0 s for a 4 MB spec of 95,000 expressions and 5.5 s for
 * 2,000 rules over 85,000 PCI devices, against 0.9-1.0 s with the optimising tiers.
 */
export const LARGE_INPUT = 256 * 1024;

/**
 * A short run that meets a large input (a spec from a registry, a features file) turns V8's
 * optimising tiers back on for the rest of the run: V8 reads the flags each time it decides to tier
 * up, so the hot evaluation loops that follow are optimised. Nothing to do in other runs.
 */
export function tierUpForLargeInput(size: number): void {
  if (!interpreterOnly || size < LARGE_INPUT) return;
  interpreterOnly = false;
  const v8 = process.getBuiltinModule('node:v8');
  for (const flag of ['--opt', '--maglev', '--sparkplug']) v8.setFlagsFromString(flag);
}
