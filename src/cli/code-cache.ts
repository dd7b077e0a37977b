/**
 * Runs a CommonJS bundle with a V8 code cache taken AFTER the run, so the next run of the same command
 * starts with every function it used already compiled.
 *
 * Node's own compile cache (compile-cache.ts, `module.enableCompileCache`) stores what V8 compiles when
 * a module is loaded: top-level code only. V8 compiles every other function lazily, on its first call,
 * at every start; for `validate-node` that is most of the start-up work (~35 ms of ~120 ms on Node 24:
 * bench/results/startup.json). `vm.Script#createCachedData()` called after the code has run includes
 * the functions compiled so far (Node's docs, vm, `script.createCachedData()`: "code cache of the
 * script ... includes compiled functions"), and a cache hit skips parsing entirely.
 *
 * Safety:
 * - V8 refuses a cache made by another V8 version, for another source (its length is checked) or with
 *   other V8 flags (`script.cachedDataRejected`); the run then compiles as usual and writes a new one.
 * - V8 checks the payload's checksum only with `--verify-snapshot-checksum` (off in release builds), so
 *   it is switched on before the script is compiled: a corrupt file is rejected, not executed.
 * - Reading or writing the cache never fails a run: a missing, read-only or unwritable directory means
 *   an uncached run. Files are written to a temporary name and renamed, so a reader never sees half of
 *   one; files larger than MAX_CACHE_BYTES are not read.
 */
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  type Stats,
  statSync,
  writeFileSync,
} from 'node:fs';
import Module from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Script } from 'node:vm';
import { imgcompatCacheDir } from './compile-cache.ts';

/** A cache larger than this is not read (the short-run bundle's is ~1 MB). */
export const MAX_CACHE_BYTES = 64 * 1024 * 1024;

/** `$XDG_CACHE_HOME/imgcompat/code-cache` or `$HOME/.cache/imgcompat/code-cache`. */
export function codeCacheDir(env: Record<string, string | undefined>): string | undefined {
  return imgcompatCacheDir(env, 'code-cache');
}

/** At most this many cache files per bundle (one per kind of run: see launcher.ts `cacheKey`). */
export const MAX_FILES_PER_BUNDLE = 32;

/** The start of the names of this Node's cache files (another Node sharing the directory has its own). */
function runtimePrefix(): string {
  return `${process.versions.node}-${process.arch}-`;
}

/**
 * The cache file for `bundleId` and `key` (which kind of run: each compiles other functions).
 * `bundleId` is `<bundle>.<hash>`: which bundle (`shortrun`, `sea`) and a hash of its text, fixed at
 * build time (both [a-z0-9]). Node's version and the architecture are part of the name so that several Node
 * installations sharing a home directory do not overwrite each other's files.
 */
export function codeCacheFile(dir: string, bundleId: string, key: string): string {
  const safe = (s: string) => s.replace(/[^a-z0-9.-]/gi, '_');
  return join(dir, `${runtimePrefix()}${safe(bundleId)}-${safe(key).replace(/\./g, '_').slice(0, 120)}.bin`);
}

/**
 * `untrusted`: the cache file or its directory belongs to another user or others may write it (a
 * shared XDG_CACHE_HOME such as /tmp): a code cache is compiled code, so it is neither read nor written
 * there (the checks OpenSSH makes of ~/.ssh).
 */
export type CodeCacheState = 'hit' | 'rejected' | 'missing' | 'untrusted' | 'off';

export interface LoadedBundle {
  /** The bundle's `module.exports`. */
  exports: Record<string, unknown>;
  /** What happened to the cache when the bundle was compiled. */
  state: CodeCacheState;
  /**
   * Writes the cache when it was not used (missing or rejected): call when the run's work is done.
   * Never throws; returns whether a file was written.
   */
  save(): boolean;
}

/**
 * Compiles and runs the CommonJS bundle `file` with its code cache at `cacheFile` (none: uncached).
 * `source` is the bundle's text when it is not read from `file` (the single executable's asset; `file`
 * then only names it, for `__filename`, `require` and stack traces).
 */
export function loadBundle(file: string, cacheFile: string | undefined, source?: string): LoadedBundle {
  source ??= readFileSync(file, 'utf8');
  let cachedData: Buffer | undefined;
  let trusted = true;
  if (cacheFile !== undefined) {
    process.getBuiltinModule('node:v8').setFlagsFromString('--verify-snapshot-checksum');
    ({ trusted, data: cachedData } = readCache(cacheFile));
  }
  const script = new Script(Module.wrap(source), {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
  });
  const state: CodeCacheState =
    cacheFile === undefined
      ? 'off'
      : !trusted
        ? 'untrusted'
        : cachedData === undefined
          ? 'missing'
          : script.cachedDataRejected
            ? 'rejected'
            : 'hit';
  const wrapper = script.runInThisContext() as (
    exports: unknown,
    require: NodeJS.Require,
    module: { exports: unknown },
    filename: string,
    dirname: string,
  ) => void;
  const mod = { exports: {} as Record<string, unknown> };
  wrapper.call(mod.exports, mod.exports, Module.createRequire(pathToFileURL(file)), mod, file, dirname(file));
  let saved = false;
  return {
    exports: mod.exports,
    state,
    save() {
      if (saved || cacheFile === undefined || state === 'hit' || state === 'untrusted') return false;
      saved = true;
      return writeCache(cacheFile, script);
    },
  };
}

function statOf(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Whether a file or directory is missing (it will be created private), or belongs to this user and no
 * one else may write it. Always true where there are no user ids (Windows).
 */
function ownedAndPrivate(st: Stats | undefined): boolean {
  const uid = process.getuid?.();
  return uid === undefined || st === undefined || (st.uid === uid && (st.mode & 0o022) === 0);
}

/**
 * Whether the cache file and its directory can be trusted, and the file's bytes when it exists, can be
 * read and is within MAX_CACHE_BYTES. The file is looked at once.
 */
function readCache(cacheFile: string): { trusted: boolean; data?: Buffer | undefined } {
  if (!ownedAndPrivate(statOf(dirname(cacheFile)))) return { trusted: false };
  const st = statOf(cacheFile);
  if (!ownedAndPrivate(st)) return { trusted: false };
  if (st === undefined || st.size > MAX_CACHE_BYTES) return { trusted: true };
  try {
    return { trusted: true, data: readFileSync(cacheFile) };
  } catch {
    return { trusted: true };
  }
}

/**
 * Room for `cacheFile` in its directory: files of this Node for other builds of the same bundle (an
 * upgrade left them) are removed; no new file once this build has MAX_FILES_PER_BUNDLE.
 */
function makeRoom(cacheFile: string): boolean {
  const dir = dirname(cacheFile);
  const name = cacheFile.slice(dir.length + 1);
  const prefix = runtimePrefix();
  // `<node>-<arch>-<bundle>.<hash>-<key>.bin`: bundle and hash are [a-z0-9] (codeCacheFile).
  const m = /^([a-z0-9]+\.)([a-z0-9]+-)/i.exec(name.slice(prefix.length));
  if (m === null) return true;
  const bundle = prefix + (m[1] as string);
  const build = bundle + (m[2] as string);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return true; // no directory yet
  }
  let ours = 0;
  for (const other of names) {
    if (!other.endsWith('.bin')) continue;
    if (other.startsWith(build)) ours++;
    else if (other.startsWith(bundle)) rmSync(join(dir, other), { force: true });
  }
  return ours < MAX_FILES_PER_BUNDLE;
}

function writeCache(cacheFile: string, script: Script): boolean {
  const tmp = `${cacheFile}.${process.pid}.tmp`;
  try {
    if (!makeRoom(cacheFile)) return false;
    const data = script.createCachedData();
    mkdirSync(dirname(cacheFile), { recursive: true, mode: 0o700 });
    writeFileSync(tmp, data, { mode: 0o600 });
    renameSync(tmp, cacheFile);
    return true;
  } catch {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // nothing left to clean up
    }
    return false;
  }
}
