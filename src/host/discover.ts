/**
 * Host discovery: runs the selected feature sources concurrently and merges their features under
 * `<source>.<feature>` names, as NFD's `source.GetAllFeatures()` does. A source that fails or meets an
 * unreadable file reports `SourceProblem`s and the others keep running (issue 3 §5); a source that throws
 * unexpectedly contributes no features and one problem. The caller decides whether problems are fatal.
 */
import type { Features } from '../core/model/features.ts';
import { createHostFiles } from './root.ts';
import { selectSources } from './source-selection.ts';
import { lastCpuidMethod } from './sources/cpu/index.ts';
import { SOURCES } from './sources/index.ts';
import type { DiscoveryContext, HostFiles, HostInfo, SourceProblem } from './types.ts';
import { findUnavailable, isWanted, type UnavailableFeature } from './unavailable.ts';

export interface DiscoverOptions {
  /** NFD `-feature-sources` syntax (`all`, `all,-pci`, `cpu,kernel`); default `all`. */
  sources?: string | readonly string[];
  /** Read the host under this directory; default env `IMGCOMPAT_HOST_ROOT`, else `/`. */
  hostRoot?: string;
  /** NFD's hostpath prefix (`/host-` for its container layout); default `/`. */
  hostPrefix?: string;
  /** Environment for `NODE_NAME` and `IMGCOMPAT_HOST_ROOT`; default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Replace the file access and host facts (fixture hosts); `hostRoot`/`hostPrefix` are then unused. */
  files?: HostFiles;
  host?: HostInfo;
  /** Verbose trace lines. */
  onTrace?: (message: string) => void;
  /** Cancels the discovery: every host file read after it fires rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Also name the features that could not be read (`DiscoveryResult.unavailable`). */
  reportUnavailable?: boolean;
  /**
   * Only these features are needed (`<source>.<feature>`, lower-case, as core/match/features-read.ts
   * gives them for a spec): sources that produce none of them do not run, and a source skips work for
   * the others where it can (kernel.config, ~10 ms of a validate-node). Absent: every feature.
   */
  wanted?: ReadonlySet<string>;
}

export interface DiscoveryResult {
  /** NFD's `GetAllFeatures()`: all three maps present, names prefixed with `<source>.`. */
  features: Required<Features>;
  /** Each source's own features (unprefixed names), for label generation. */
  bySource: Record<string, Features>;
  /** The sources that ran, in name order. */
  sources: string[];
  /** Sources selected but not run: none of their features was wanted (`DiscoverOptions.wanted`). */
  notNeeded: string[];
  /** `--sources` entries that name no source (NFD ignores them with a log line). */
  unknownSources: string[];
  problems: SourceProblem[];
  /** How the cpu source read CPUID (`addon`, `dev-cpu`, `cpuinfo`, `fixture`) when it ran. */
  cpuidMethod?: string;
  /** With `reportUnavailable`: the features the host's files could not tell (see unavailable.ts). */
  unavailable?: UnavailableFeature[];
}

/** `files` whose every read first checks `signal` (sources then stop at their next read). */
function abortableFiles(files: HostFiles, signal: AbortSignal): HostFiles {
  const checked =
    <A extends unknown[], R>(read: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      signal.throwIfAborted();
      return read(...args);
    };
  return {
    readText: checked(files.readText.bind(files)),
    readBytes: checked(files.readBytes.bind(files)),
    readDir: checked(files.readDir.bind(files)),
    readLink: checked(files.readLink.bind(files)),
    realPath: checked(files.realPath.bind(files)),
    kind: checked(files.kind.bind(files)),
  };
}

/** The real host's facts: this process's architecture, NODE_NAME from the environment. */
export function liveHostInfo(env: Record<string, string | undefined>): HostInfo {
  return { arch: process.arch, live: true, nodeName: env.NODE_NAME ?? '' };
}

export async function discoverHost(opts: DiscoverOptions = {}): Promise<DiscoveryResult> {
  const env = opts.env ?? process.env;
  const hostRoot = opts.hostRoot ?? (env.IMGCOMPAT_HOST_ROOT || undefined);
  let files =
    opts.files ??
    createHostFiles({
      ...(hostRoot !== undefined ? { root: hostRoot } : {}),
      ...(opts.hostPrefix !== undefined ? { prefix: opts.hostPrefix } : {}),
    });
  if (opts.signal) files = abortableFiles(files, opts.signal);
  const host = opts.host ?? liveHostInfo(env);
  const trace = opts.onTrace ?? (() => {});
  const selection = selectSources(
    opts.sources,
    SOURCES.map((e) => ({ name: e.source.name, disableByDefault: e.disableByDefault })),
  );
  const problems: SourceProblem[] = [];
  const wanted = opts.wanted;
  const ctx: DiscoveryContext = {
    files,
    host,
    problem: (p) => problems.push(p),
    trace,
    ...(wanted ? { wants: (name: string) => wanted.has(name) } : {}),
  };
  const neededBy = (source: string) => isWanted(wanted, `${source}.*`);
  const toRun = selection.enabled.filter(neededBy);
  const notNeeded = selection.enabled.filter((s) => !neededBy(s));
  if (notNeeded.length > 0) trace(`not needed: ${notNeeded.join(', ')}`);

  const results = await Promise.all(
    toRun.map(async (name) => {
      const entry = SOURCES.find((e) => e.source.name === name)!;
      // Not performance.now(): the `performance` global loads node:perf_hooks (~11 modules) on first use.
      const started = Number(process.hrtime.bigint()) / 1e6;
      try {
        const f = await entry.source.discover(ctx);
        trace(`${name}: discovered in ${(Number(process.hrtime.bigint()) / 1e6 - started).toFixed(1)} ms`);
        return [name, f] as const;
      } catch (err) {
        const e = err as Error & { path?: unknown; errno?: unknown };
        const p: SourceProblem = { source: name, message: `discovery failed: ${e?.message ?? String(err)}` };
        if (typeof e?.path === 'string') p.path = e.path;
        if (typeof e?.errno === 'string') p.errno = e.errno;
        problems.push(p);
        return [name, {}] as const;
      }
    }),
  );
  // Sources turn a failed read into a problem; a cancelled discovery is not a result.
  opts.signal?.throwIfAborted();

  const features: Required<Features> = { flags: {}, attributes: {}, instances: {} };
  const bySource: Record<string, Features> = {};
  for (const [name, f] of results) {
    bySource[name] = f;
    for (const [k, v] of Object.entries(f.flags ?? {})) features.flags[`${name}.${k}`] = v;
    for (const [k, v] of Object.entries(f.attributes ?? {})) features.attributes[`${name}.${k}`] = v;
    for (const [k, v] of Object.entries(f.instances ?? {})) features.instances[`${name}.${k}`] = v;
  }
  const result: DiscoveryResult = {
    features,
    bySource,
    sources: toRun,
    notNeeded,
    unknownSources: selection.unknown,
    problems,
  };
  const method = toRun.includes('cpu') ? lastCpuidMethod() : undefined;
  if (method !== undefined) result.cpuidMethod = method;
  if (opts.reportUnavailable) {
    result.unavailable = await findUnavailable(files, features, toRun, problems, wanted);
  }
  return result;
}
