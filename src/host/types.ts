/**
 * Contracts between host discovery's parts. Every source reads the host only through `HostFiles`,
 * which has a real implementation (host root / host prefix aware, see root.ts) and a fixture one
 * (a directory tree under test/fixtures/hosts/), so each source runs unchanged on both.
 */
import type { Features } from '../core/model/features.ts';

/** Which of NFD's host path prefixes a path belongs to (NFD v0.19.0 pkg/utils/hostpath/hostpath.go). */
export type HostArea = 'sys' | 'proc' | 'etc' | 'boot' | 'usr' | 'lib' | 'var' | 'dev' | 'run' | 'other';

/**
 * Read-only access to the host's files. Paths are absolute host paths as NFD writes them
 * (`/sys/bus/pci/devices`, `/proc/cpuinfo`); the implementation maps them under the host root or
 * prefix and never follows a symlink out of it.
 */
export interface HostFiles {
  /** File contents as text; `undefined` when it does not exist. Other errors throw `HostReadError`. */
  readText(path: string, opts?: { maxBytes?: number }): Promise<string | undefined>;
  /** Raw bytes; `undefined` when it does not exist. */
  readBytes(
    path: string,
    opts?: { maxBytes?: number; position?: number; length?: number },
  ): Promise<Uint8Array | undefined>;
  /** Directory entry names (sorted); `undefined` when the directory does not exist. */
  readDir(path: string): Promise<string[] | undefined>;
  /** The target of a symlink as stored; `undefined` when it is not a link or does not exist. */
  readLink(path: string): Promise<string | undefined>;
  /** Host path the link resolves to, kept inside the host root; `undefined` when absent. */
  realPath(path: string): Promise<string | undefined>;
  /** `'file' | 'dir' | 'link' | 'other'`, or `undefined` when absent. Does not follow links. */
  kind(path: string): Promise<'file' | 'dir' | 'link' | 'other' | undefined>;
}

/** Facts about the machine the sources need besides files (fixture trees supply their own). */
export interface HostInfo {
  /** Node's `process.arch` naming: 'x64', 'arm64', 's390x', 'ppc64', ... */
  arch: string;
  /**
   * False when the files describe another machine (a fixture tree): then a source must not use this
   * process's own CPU instructions or auxv, only files. Absent means true (the running host, possibly
   * mounted under --host-root / --host-prefix in a container, which shares the host's CPU and kernel).
   */
  live?: boolean;
  /** `NODE_NAME` as NFD reads it from its environment for `system.name` (absent → ""). */
  nodeName?: string;
  /** The clock for features.d `# +expiry-time` (tests pin it); absent → the real time. */
  now?: () => Date;
}

/** A non-fatal problem a source met (reported on stderr; fatal under --strict). */
export interface SourceProblem {
  source: string;
  path?: string;
  errno?: string;
  message: string;
}

export interface DiscoveryContext {
  files: HostFiles;
  host: HostInfo;
  /** Collects non-fatal problems; a source keeps going after reporting one. */
  problem(p: SourceProblem): void;
  /** Verbose trace line (printed with --verbose). */
  trace(message: string): void;
  /**
   * Whether the caller needs feature `name` (`<source>.<feature>`, lower-case): a source may skip
   * costly work for a feature nobody reads (kernel.config). Absent: every feature is needed.
   */
  wants?(name: string): boolean;
}

/**
 * One NFD feature source (`cpu`, `kernel`, ...). `discover` returns this source's features with names
 * NOT yet prefixed by the source name (NFD's `GetFeatures()`: e.g. `cpuid`, `model`); the caller
 * prefixes `<source>.` as NFD's worker does.
 */
export interface FeatureSource {
  readonly name: string;
  discover(ctx: DiscoveryContext): Promise<Features>;
  /** NFD's label generation for this source (worker `GetLabels`), from its own discovered features. */
  labels?(features: Features): Record<string, string>;
}
