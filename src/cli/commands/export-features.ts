/**
 * `imgcompat export features`: NFD's `nfd export features` — every default feature source's features as
 * `json.MarshalIndent(GetAllFeatures(), "", "    ")`, to stdout (with a newline) or to `--path` (without,
 * as NFD's Fprint does). Unlike NFD, a failing source does not abort the run: its problems go to stderr
 * and the other sources' features are printed; `--strict` turns any problem into exit 3.
 */
import { stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { DiscoveryError, UsageError } from '../../errors.ts';
import { type DiscoveryResult, discoverHost } from '../../host/discover.ts';
import { featuresJson } from '../../host/export-json.ts';
import type { SourceProblem } from '../../host/types.ts';
import { EXIT } from '../exit-codes.ts';
import type { CommandContext } from '../program.ts';

export interface ExportOptions {
  path?: string;
  sources?: string;
  hostRoot?: string;
  hostPrefix?: string;
  strict?: boolean;
  verbose?: boolean;
  /** Name the features the host's files could not tell (`DiscoveryResult.unavailable`). */
  reportUnavailable?: boolean;
  /** Discover only these features (`DiscoverOptions.wanted`; validate-node: what the spec reads). */
  wanted?: ReadonlySet<string>;
}

function describeProblem(p: SourceProblem): string {
  const where = [p.path, p.errno].filter((x) => x !== undefined && !p.message.includes(x)).join(': ');
  return `${p.source}: ${p.message}${where ? ` (${where})` : ''}`;
}

/** Runs discovery for an export command: options → `discoverHost`, problems and traces on stderr. */
export async function discoverForExport(
  opts: ExportOptions,
  ctx: CommandContext,
  /** Names that are valid in --sources though not feature sources (`custom` for labels). */
  alsoKnown: readonly string[] = [],
): Promise<DiscoveryResult> {
  const { io } = ctx;
  if (opts.hostPrefix !== undefined && !opts.hostPrefix.startsWith('/')) {
    throw new UsageError(`--host-prefix must start with '/', got "${opts.hostPrefix}"`);
  }
  if (opts.hostRoot === '') throw new UsageError('--host-root must not be empty');
  const rootArg = opts.hostRoot ?? (io.env.IMGCOMPAT_HOST_ROOT || undefined);
  const hostRoot = rootArg === undefined ? undefined : path.resolve(io.cwd, rootArg);
  if (hostRoot !== undefined) {
    const st = await stat(hostRoot).catch(() => undefined);
    const from = opts.hostRoot !== undefined ? '--host-root' : 'IMGCOMPAT_HOST_ROOT';
    if (!st?.isDirectory()) throw new UsageError(`${from} ${rootArg}: not a directory`);
  }
  const started = Number(process.hrtime.bigint()) / 1e6;
  const result = await discoverHost({
    ...(opts.sources !== undefined ? { sources: opts.sources } : {}),
    ...(hostRoot !== undefined ? { hostRoot } : {}),
    ...(opts.hostPrefix !== undefined ? { hostPrefix: opts.hostPrefix } : {}),
    env: io.env,
    ...(opts.reportUnavailable ? { reportUnavailable: true } : {}),
    ...(opts.wanted ? { wanted: opts.wanted } : {}),
    ...(opts.verbose ? { onTrace: (m: string) => io.stderr.write(`trace: ${m}\n`) } : {}),
  });
  for (const u of result.unknownSources.filter((x) => !alsoKnown.includes(x.replace(/^-/, ''))))
    io.stderr.write(`warning: --sources: skipping unknown source "${u}"\n`);
  if (result.sources.length === 0 && result.notNeeded.length === 0) {
    io.stderr.write(
      'warning: --sources selects no source (to drop one source from the default, write all,-name)\n',
    );
  }
  if (opts.verbose) {
    io.stderr.write(`trace: sources: ${result.sources.join(', ')}\n`);
    if (result.cpuidMethod !== undefined) io.stderr.write(`trace: cpuid method: ${result.cpuidMethod}\n`);
    io.stderr.write(
      `trace: discovery took ${(Number(process.hrtime.bigint()) / 1e6 - started).toFixed(1)} ms\n`,
    );
  }
  for (const p of result.problems) io.stderr.write(`warning: ${describeProblem(p)}\n`);
  if (opts.strict && result.problems.length > 0) {
    const first = result.problems[0]!;
    throw new DiscoveryError(
      first.source,
      `${result.problems.length} discovery problem(s) and --strict is set (first: ${describeProblem(first)})`,
    );
  }
  return result;
}

/** Writes an export's JSON as NFD does: stdout gets a trailing newline, a `--path` file does not. */
export async function writeExport(text: string, opts: ExportOptions, ctx: CommandContext): Promise<void> {
  if (opts.path === undefined) {
    ctx.io.stdout.write(`${text}\n`);
    return;
  }
  const file = path.resolve(ctx.io.cwd, opts.path);
  try {
    await writeFile(file, text);
  } catch (err) {
    throw new UsageError(`--path ${opts.path}: cannot write (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
}

export async function run(opts: ExportOptions, ctx: CommandContext): Promise<number> {
  const result = await discoverForExport(opts, ctx);
  await writeExport(featuresJson(result.features), opts, ctx);
  return EXIT.ok;
}
