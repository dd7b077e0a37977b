/**
 * V8's on-disk compile cache for the CLI's own modules (`module.enableCompileCache()`, Node >= 22.1):
 * the second and later runs load bytecode instead of compiling the bundle's chunks again.
 *
 * The cache lives in the user's cache directory, `$XDG_CACHE_HOME/imgcompat/compile-cache` or
 * `~/.cache/imgcompat/compile-cache` (XDG Base Directory: a relative XDG_CACHE_HOME is ignored). Node
 * keeps one subdirectory per Node version inside it, checks every entry's magic number and checksum
 * before use and rewrites entries it rejected, so a corrupt cache costs one compilation. A directory
 * that cannot be created or written makes Node return FAILED without printing anything: the run goes on
 * uncached. `NODE_DISABLE_COMPILE_CACHE=1` switches it off (Node's own variable); a NODE_COMPILE_CACHE
 * directory set by the user takes precedence (Node reports ALREADY_ENABLED).
 *
 * Must run before the rest of the CLI is imported: Node only caches modules compiled after the call.
 */
import module from 'node:module';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/** What `module.enableCompileCache` returns (typed here: @types/node 20 predates it). */
interface EnableResult {
  status: number;
  directory?: string;
  message?: string;
}
type EnableCompileCache = (dir?: string) => EnableResult;

export type CompileCacheStatus = 'enabled' | 'already-enabled' | 'failed' | 'disabled' | 'unsupported';

export interface CompileCacheResult {
  status: CompileCacheStatus;
  directory?: string;
  message?: string;
}

/**
 * `$XDG_CACHE_HOME/imgcompat/<name>`, else `<home>/.cache/imgcompat/<name>` (XDG Base Directory: a
 * relative XDG_CACHE_HOME is ignored), or undefined without an absolute home. `home` is asked only
 * when XDG_CACHE_HOME does not decide (default: HOME).
 */
export function imgcompatCacheDir(
  env: Record<string, string | undefined>,
  name: string,
  home: () => string | undefined = () => env.HOME,
): string | undefined {
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, 'imgcompat', name);
  const h = home();
  return h && isAbsolute(h) ? join(h, '.cache', 'imgcompat', name) : undefined;
}

/** The compile cache directory for this environment (HOME, else the user's home from the system). */
export function compileCacheDir(env: Record<string, string | undefined>): string | undefined {
  return imgcompatCacheDir(env, 'compile-cache', () => {
    if (env.HOME) return env.HOME;
    try {
      return homedir();
    } catch {
      return undefined;
    }
  });
}

/** Node's compileCacheStatus constants (module.constants.compileCacheStatus) by value. */
function statusName(status: number): CompileCacheStatus {
  const names = (module as unknown as { constants?: { compileCacheStatus?: Record<string, number> } })
    .constants?.compileCacheStatus;
  if (names) {
    if (status === names.ENABLED) return 'enabled';
    if (status === names.ALREADY_ENABLED) return 'already-enabled';
    if (status === names.DISABLED) return 'disabled';
  }
  return 'failed';
}

/** Turns the compile cache on where the runtime has it; never throws, never prints. */
export function enableCompileCache(
  env: Record<string, string | undefined> = process.env,
): CompileCacheResult {
  const enable = (module as unknown as { enableCompileCache?: EnableCompileCache }).enableCompileCache;
  if (typeof enable !== 'function') return { status: 'unsupported' };
  const dir = compileCacheDir(env);
  if (dir === undefined) return { status: 'failed', message: 'no user cache directory (HOME unset)' };
  try {
    const r = enable(dir);
    return { status: statusName(r.status), directory: r.directory, message: r.message };
  } catch (err) {
    return { status: 'failed', message: err instanceof Error ? err.message : String(err) };
  }
}
