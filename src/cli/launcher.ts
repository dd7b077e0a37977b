/**
 * How the executables start a command.
 *
 * The npm package's `imgcompat` and `nfd` (dist/cli.cjs, dist/nfd.cjs; package.json `bin`) are small
 * CommonJS files written by scripts/bundle.mjs around `launch`:
 * - the commands of the short-run bundle (short-run.ts `inShortRunBundle`: validate-node, export, help,
 *   version; for `nfd`, compat and export) run from dist/short-run.cjs, one CommonJS file, through
 *   code-cache.ts: with the cache of an earlier run of the same kind, no function is compiled again;
 * - everything else imports the ES module entry (dist/cli.mjs, dist/nfd.mjs), as before.
 * Both sets of files are built from the same sources; a run uses one of them, never both, so no module
 * exists twice in one process.
 *
 * The single executable (scripts/build-sea.mjs) runs `launchBundle` with its two bundles (the short runs;
 * every command), assets of the executable.
 *
 * V8's flags for short runs (short-run.ts) are set first, before anything is compiled.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { codeCacheDir, codeCacheFile, type LoadedBundle, loadBundle } from './code-cache.ts';
import { enableCompileCache } from './compile-cache.ts';
import { EXIT } from './exit-codes.ts';
import type { Io } from './io.ts';
import { inShortRunBundle, tuneForShortRun } from './short-run.ts';

export type Program = 'imgcompat' | 'nfd';

/** What bundle-entry.ts exports. */
interface BundleExports {
  processIo(): Io;
  run(argv: string[], io: Io): Promise<number>;
  runNfd(argv: string[], io: Io): Promise<number>;
  tuneForShortRun(argv: readonly string[]): boolean;
  isInterpreterOnly(): boolean;
}

/**
 * The commands with subcommands (and `help <command>`), of `imgcompat` and of the `nfd` alias;
 * test/cli/launcher.test.ts checks the list against the command tree.
 */
export const PARENTS: ReadonlySet<string> = new Set([
  'cluster',
  'compat',
  'export',
  'help',
  'nfg',
  'nfr',
  'webhook',
]);

/** Options whose value selects other code (an output format): part of the key when it is a word. */
const VALUE_SHAPES = new Set(['-o', '--output']);

/**
 * Which runs share a cache file: runs that compile the same functions. The command words, the names of
 * the options given, the output format and whether `--image` names an OCI layout; never another value
 * (a password given as `--registry-password=...` adds only its option's name).
 */
export function cacheKey(program: Program, argv: readonly string[]): string {
  const words: string[] = [program];
  let i = 0;
  // The command, and its subcommand for the commands that have them (never an argument: a file name).
  for (; i < argv.length && words.length < 3; i++) {
    const a = argv[i] as string;
    if (a.startsWith('-') || (words.length === 2 && !PARENTS.has(words[1] as string))) break;
    words.push(a);
  }
  if (words.length === 1) words.push('help');
  const shape = new Set<string>();
  for (; i < argv.length; i++) {
    const a = argv[i] as string;
    if (!a.startsWith('-') || a === '-') continue;
    const eq = a.indexOf('=');
    const name = eq < 0 ? a : a.slice(0, eq);
    const value = eq < 0 ? argv[i + 1] : a.slice(eq + 1);
    if (name === '--image') shape.add(value?.startsWith('oci:') ? 'image-oci' : 'image');
    else if (VALUE_SHAPES.has(name) && value !== undefined && /^[a-z]+$/.test(value)) shape.add(`o-${value}`);
    else shape.add(name.replace(/^-+/, ''));
  }
  return [...words, ...[...shape].sort()].join('-');
}

/**
 * Whether this Node can run the short-run bundle: its lazily loaded parts (the RE2 engine, an ES module
 * chunk shared with dist/cli.mjs) are loaded with require(), which needs require(esm) (Node >= 20.19,
 * >= 22.12).
 */
function canRunShortRunBundle(): boolean {
  return (process.features as { require_module?: boolean }).require_module === true;
}

/** The cache file for this run, or none (no user cache directory, or NODE_DISABLE_COMPILE_CACHE). */
function cacheFileFor(program: Program, argv: readonly string[], bundleId: string): string | undefined {
  const env = process.env;
  const dir = env.NODE_DISABLE_COMPILE_CACHE ? undefined : codeCacheDir(env);
  return dir === undefined ? undefined : codeCacheFile(dir, bundleId, cacheKey(program, argv));
}

/** Runs the command of `argv` from a loaded bundle, then writes its code cache if it had none. */
async function runFrom(program: Program, argv: string[], bundle: LoadedBundle): Promise<void> {
  const exports = bundle.exports as unknown as BundleExports;
  // The bundle has its own copy of short-run.ts (which turns the optimising tiers back on for a large
  // input): it learns here whether the flags are set (setting them again changes nothing).
  const short = exports.tuneForShortRun(argv);
  const io = exports.processIo();
  process.exitCode = await (program === 'nfd' ? exports.runNfd(argv, io) : exports.run(argv, io));
  // A short run that turned V8's optimising tiers back on (a large input) now has other flags than the
  // next run will have: V8 would refuse its cache, so none is written.
  if (!short || exports.isInterpreterOnly()) bundle.save();
  exitOnceWritten();
}

/**
 * Ends the process as soon as the command's output is written. A short run has nothing left to do when
 * its command returns (no server, no child, no pending file write), but a natural exit would still close
 * the pooled registry connections and free V8's heap page by page (Node's FreeEnvironment), ~4-8 ms
 * of every run; process.exit() skips that teardown. Output still queued (standard output a pipe or a
 * terminal the reader is slow to drain) is never cut short: then the process ends the usual way.
 */
function exitOnceWritten(): void {
  if (process.stdout.writableLength === 0 && process.stderr.writableLength === 0) process.exit();
}

/**
 * run/runNfd turn every error into an exit code (main.ts); this is a last resort for a failure around
 * them (a bundle that cannot be loaded): one line and the internal-error code, never a stack trace.
 */
function lastResort(err: unknown): void {
  process.stderr.write(`imgcompat: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = EXIT.internal;
}

/**
 * The npm package's executables: runs the command of `process.argv` for `program`; `distDir` holds the
 * bundles, `shortRunId` is the short-run bundle's hash, fixed when it was built (the cache file's name).
 */
export function launch(program: Program, distDir: string, shortRunId: string): Promise<void> {
  return launchNpm(program, distDir, shortRunId).catch(lastResort);
}

async function launchNpm(program: Program, distDir: string, shortRunId: string): Promise<void> {
  const argv = process.argv.slice(2);
  tuneForShortRun(argv);
  let bundle: LoadedBundle | undefined;
  if (inShortRunBundle(argv) && canRunShortRunBundle()) {
    // Node's compile cache too, for the ES module chunks the short-run bundle may load (the RE2 engine).
    enableCompileCache(process.env);
    try {
      bundle = loadBundle(
        join(distDir, 'short-run.cjs'),
        cacheFileFor(program, argv, `shortrun.${shortRunId}`),
      );
    } catch {
      // A missing or unreadable short-run bundle (a partial installation): the ES module entry below.
      bundle = undefined;
    }
  }
  if (bundle === undefined) {
    await import(pathToFileURL(join(distDir, program === 'nfd' ? 'nfd.mjs' : 'cli.mjs')).href);
    return;
  }
  await runFrom(program, argv, bundle);
}

/** A bundle of the single executable: its hash and its text. */
export interface EmbeddedBundle {
  id: string;
  source(): string;
}

/**
 * The single executable: runs the command of `process.argv` from its short-run bundle or from the
 * bundle of every command, named `file`.
 */
export async function launchBundle(
  program: Program,
  file: string,
  bundles: { shortRun: EmbeddedBundle; all: EmbeddedBundle },
): Promise<void> {
  try {
    const argv = process.argv.slice(2);
    tuneForShortRun(argv);
    const [name, b] = inShortRunBundle(argv) ? ['seashort', bundles.shortRun] : ['sea', bundles.all];
    const cacheFile = cacheFileFor(program, argv, `${name}.${b.id}`);
    await runFrom(program, argv, loadBundle(file, cacheFile, b.source()));
  } catch (err) {
    lastResort(err);
  }
}
