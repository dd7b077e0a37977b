/**
 * The real `HostFiles`: reads the host's files, optionally from a host root (`--host-root DIR`, env
 * `IMGCOMPAT_HOST_ROOT`) and/or with NFD's container path prefix (`--host-prefix /host-`).
 *
 * Path mapping (NFD v0.19.0 pkg/utils/hostpath/hostpath.go). NFD's `pkg/utils/hostpath` builds its roots by plain string
 * concatenation of a link-time prefix (`/` locally, `/host-` in the container image) and the area name:
 * `SysfsDir = prefix+"sys"`, likewise boot, etc, usr, lib, var, proc. Sources here always pass host paths
 * as NFD writes them (`/sys/bus/pci/devices`) and this file applies the prefix to the reads NFD prefixes.
 * NFD reads these WITHOUT the prefix (absolute paths in its code), and so do we — inside a container
 * they show the container's view, which for /proc is still the host kernel's data:
 *   /proc/* except /proc/swaps (e.g. /proc/modules, /proc/sys/kernel/osrelease, /proc/config.gz,
 *   /proc/cpuinfo, /proc/sysinfo, /proc/self/mountinfo, /proc/self/auxv), /sys/fs/resctrl,
 *   /lib/modules/<kver>/build/.config, /etc/kubernetes/node-feature-discovery/ (features.d, custom.d),
 *   and everything outside NFD's areas (/dev, /run, ...).
 * `--host-root DIR` is our own addition (NFD has no runtime control): EVERY read, prefixed or not, happens
 * under DIR, so a host filesystem mounted at DIR (or a fixture tree) is read as a whole.
 *
 * Symlinks (issue 3 §5): with a host root other than `/`, paths are resolved component by component
 * inside the root. A relative link is resolved against its directory, an absolute one against the host
 * root (what the host itself would see); a link that would climb above the root is refused (`EXDEV`), as
 * are loops (`ELOOP`). With root `/` the kernel resolves links itself: nothing lies outside `/`.
 *
 * Reads never spawn processes, and every read has a size cap: a file larger than `maxBytes` (default
 * 4 MiB) is an `EFBIG` error. On this machine's own files (root `/`, the default) each system call is
 * made synchronously: the files are procfs/sysfs attributes and small configuration files that the
 * kernel answers in microseconds, while an asynchronous call costs a libuv thread-pool round trip (two
 * thread wake-ups) per open, read and close. Discovery makes a few hundred of them, and on a busy machine
 * every wake-up waits for a CPU: measured 27-85 ms of discovery, against a few ms synchronously (figures
 * in bench/results/startup.json). Under a host root (a mounted filesystem, possibly remote) the calls
 * stay asynchronous so a slow disk does not stall the event loop. Both kinds answer the same: the
 * sources see promises either way and run concurrently through `Promise.all`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HostReadError } from '../errors.ts';
import type { HostArea, HostFiles } from './types.ts';

export const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;
/** Linux's MAXSYMLINKS: more links than this in one lookup is a loop. */
const MAX_LINKS = 40;

/** The directories NFD's hostpath package prefixes. */
const PREFIXED_AREAS = new Set(['sys', 'proc', 'etc', 'boot', 'usr', 'lib', 'var']);

export interface HostRootOptions {
  /** Directory the host's filesystem is read from; `/` (default) is this machine. */
  root?: string;
  /** NFD's hostpath prefix: `/` (default, a bare host) or `/host-` (NFD's container layout). */
  prefix?: string;
  /**
   * How the system calls are made (see the file comment): `sync` by default for root `/`, `async` under
   * any other root. The answers are the same either way.
   */
  calls?: 'sync' | 'async';
}

/** Which of NFD's areas a host path is in (`/sys/...` → `sys`). */
export function hostArea(hostPath: string): HostArea {
  const first = hostPath.split('/')[1] ?? '';
  switch (first) {
    case 'sys':
    case 'proc':
    case 'etc':
    case 'boot':
    case 'usr':
    case 'lib':
    case 'var':
    case 'dev':
    case 'run':
      return first;
    default:
      return 'other';
  }
}

/** True for the reads NFD does with an absolute path, bypassing its prefix (see the file comment). */
export function isUnprefixedRead(hostPath: string): boolean {
  const area = hostArea(hostPath);
  if (!PREFIXED_AREAS.has(area)) return true;
  if (area === 'proc') return hostPath !== '/proc/swaps';
  if (area === 'sys') return hostPath === '/sys/fs/resctrl' || hostPath.startsWith('/sys/fs/resctrl/');
  if (area === 'lib') return /^\/lib\/modules\/[^/]+\/build\/\.config$/.test(hostPath);
  if (area === 'etc') return hostPath.startsWith('/etc/kubernetes/node-feature-discovery/');
  return false;
}

/** Applies NFD's prefix to a normalised absolute host path (`/sys/x` + `/host-` → `/host-sys/x`). */
export function applyHostPrefix(hostPath: string, prefix: string): string {
  if (prefix === '/' || isUnprefixedRead(hostPath)) return hostPath;
  // NFD: filepath.Join(prefix+area, rest...) — plain concatenation of the prefix and the area name.
  return prefix + hostPath.slice(1);
}

function normaliseHostPath(p: string): string {
  if (!p.startsWith('/')) throw new TypeError(`host path must be absolute: ${p}`);
  const n = path.posix.normalize(p);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

type Lstat = { kind: 'file' | 'dir' | 'link' | 'other'; target?: string } | undefined;

function kindOf(st: fs.Stats): 'file' | 'dir' | 'link' | 'other' {
  if (st.isSymbolicLink()) return 'link';
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'dir';
  return 'other';
}

function errnoOf(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : 'EIO';
}

/** "Does not exist" in the sense of NFD's `os.IsNotExist` (plus ENOTDIR: a path through a file). */
function isAbsent(err: unknown): boolean {
  const code = errnoOf(err);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** The system calls a `RootedHostFiles` makes, as promises whichever way they are made. */
interface FsCalls {
  lstat(p: string): Promise<fs.Stats>;
  readlink(p: string): Promise<string>;
  readdir(p: string): Promise<string[]>;
  /** realpath(3) in one call; the JS fs.realpath lstat()s every component. */
  realpath(p: string): Promise<string>;
  open(p: string, flags: number): Promise<number>;
  read(fd: number, buf: Buffer, off: number, len: number, pos: number | null): Promise<number>;
  /** Closes and ignores errors (nothing useful can be done about a failed close of a read-only fd). */
  close(fd: number): void;
}

/** Through the libuv thread pool. */
const ASYNC_CALLS: FsCalls = {
  lstat: (p) => new Promise((resolve, reject) => fs.lstat(p, (e, st) => (e ? reject(e) : resolve(st)))),
  readlink: (p) => new Promise((resolve, reject) => fs.readlink(p, (e, t) => (e ? reject(e) : resolve(t)))),
  readdir: (p) =>
    new Promise((resolve, reject) => fs.readdir(p, (e, names) => (e ? reject(e) : resolve(names)))),
  realpath: (p) =>
    new Promise((resolve, reject) => fs.realpath.native(p, (e, r) => (e ? reject(e) : resolve(r)))),
  open: (p, flags) =>
    new Promise((resolve, reject) => fs.open(p, flags, (e, fd) => (e ? reject(e) : resolve(fd)))),
  read: (fd, buf, off, len, pos) =>
    new Promise((resolve, reject) => fs.read(fd, buf, off, len, pos, (e, n) => (e ? reject(e) : resolve(n)))),
  close: (fd) => fs.close(fd, () => {}),
};

/** `call`'s result or error as a settled promise. */
function settled<T>(call: () => T): Promise<T> {
  try {
    return Promise.resolve(call());
  } catch (err) {
    return Promise.reject(err);
  }
}

/** On the calling thread. */
const SYNC_CALLS: FsCalls = {
  lstat: (p) => settled(() => fs.lstatSync(p)),
  readlink: (p) => settled(() => fs.readlinkSync(p)),
  readdir: (p) => settled(() => fs.readdirSync(p)),
  realpath: (p) => settled(() => fs.realpathSync.native(p)),
  open: (p, flags) => settled(() => fs.openSync(p, flags)),
  read: (fd, buf, off, len, pos) => settled(() => fs.readSync(fd, buf, off, len, pos)),
  close: (fd) => {
    try {
      fs.closeSync(fd);
    } catch {
      // as ASYNC_CALLS.close
    }
  },
};

/**
 * Reads a whole file (or `length` bytes at `position`), failing with EFBIG beyond `maxBytes`. Reads until
 * EOF rather than trusting st_size: sysfs reports 4096 for every attribute and procfs reports 0.
 */
async function readFd(
  calls: FsCalls,
  fd: number,
  maxBytes: number,
  position: number | undefined,
  length: number | undefined,
  shortReadIsEof: boolean,
): Promise<Buffer | 'too-big'> {
  if (length !== undefined) {
    const buf = Buffer.allocUnsafe(Math.min(length, maxBytes));
    let got = 0;
    while (got < buf.length) {
      const n = await calls.read(fd, buf, got, buf.length - got, (position ?? 0) + got);
      if (n === 0) break;
      got += n;
    }
    return buf.subarray(0, got);
  }
  let buf = Buffer.allocUnsafe(Math.min(maxBytes + 1, 4096));
  let got = 0;
  for (;;) {
    if (got === buf.length) {
      if (got > maxBytes) return 'too-big';
      const bigger = Buffer.allocUnsafe(Math.min(maxBytes + 1, buf.length * 4));
      buf.copy(bigger, 0, 0, got);
      buf = bigger;
    }
    const want = buf.length - got;
    const n = await calls.read(fd, buf, got, want, position === undefined ? null : position + got);
    if (n === 0) break;
    got += n;
    if (n < want && shortReadIsEof) break;
  }
  return got > maxBytes ? 'too-big' : buf.subarray(0, got);
}

const decoder = new TextDecoder('utf-8');

/** Real-filesystem access under a host root and prefix. One instance caches lookups for its lifetime. */
class RootedHostFiles implements HostFiles {
  readonly root: string;
  readonly prefix: string;
  /** Root `/`: the kernel resolves links (nothing can be outside), no per-component walk needed. */
  private readonly direct: boolean;
  private readonly calls: FsCalls;
  private readonly lstatCache = new Map<string, Promise<Lstat>>();

  constructor(opts: HostRootOptions) {
    this.root = opts.root ? path.resolve(opts.root) : '/';
    this.prefix = opts.prefix ?? '/';
    if (!this.prefix.startsWith('/')) throw new TypeError(`host prefix must start with '/': ${this.prefix}`);
    this.direct = this.root === '/';
    this.calls = (opts.calls ?? (this.direct ? 'sync' : 'async')) === 'sync' ? SYNC_CALLS : ASYNC_CALLS;
  }

  /** The host path after NFD's prefix, still relative to the host root. */
  private mapped(hostPath: string): string {
    return applyHostPrefix(normaliseHostPath(hostPath), this.prefix);
  }

  /** The filesystem path for a path inside the root. */
  private fsPath(inside: string): string {
    return this.direct ? inside : path.join(this.root, inside);
  }

  private lstatCached(inside: string): Promise<Lstat> {
    let p = this.lstatCache.get(inside);
    if (!p) {
      const real = this.fsPath(inside);
      p = this.calls.lstat(real).then(
        async (st): Promise<Lstat> => {
          const kind = kindOf(st);
          return kind === 'link' ? { kind, target: await this.calls.readlink(real) } : { kind };
        },
        (err): Lstat => {
          if (isAbsent(err)) return undefined;
          throw new HostReadError(real, errnoOf(err), `${real}: ${errnoOf(err)}`, { cause: err });
        },
      );
      this.lstatCache.set(inside, p);
    }
    return p;
  }

  /**
   * Resolves a (mapped) path inside the root, following symlinks in every component (and in the last one
   * when `followLast`). Returns the inside-root path, or undefined when a component does not exist.
   */
  private async resolveInside(
    mapped: string,
    followLast: boolean,
    shown: string,
  ): Promise<string | undefined> {
    const pending = mapped.split('/').filter((c) => c !== '' && c !== '.');
    const done: string[] = [];
    let links = 0;
    while (pending.length > 0) {
      const c = pending.shift()!;
      if (c === '.') continue;
      if (c === '..') {
        if (done.length === 0) {
          throw new HostReadError(shown, 'EXDEV', `${shown}: EXDEV (a symlink leads out of the host root)`);
        }
        done.pop();
        continue;
      }
      done.push(c);
      if (pending.length === 0 && !followLast) break;
      const inside = `/${done.join('/')}`;
      const st = await this.lstatCached(inside);
      if (!st) return undefined;
      if (st.kind === 'link') {
        if (++links > MAX_LINKS) throw new HostReadError(shown, 'ELOOP', `${shown}: ELOOP`);
        const target = st.target ?? '';
        done.pop();
        if (target.startsWith('/')) done.length = 0;
        pending.unshift(...target.split('/').filter((x) => x !== '' && x !== '.'));
      } else if (pending.length > 0 && st.kind !== 'dir') {
        return undefined; // ENOTDIR: a path through a file does not exist
      }
    }
    return `/${done.join('/')}`;
  }

  /** Filesystem path to open for a host path (links resolved inside the root), or undefined if absent. */
  private async locate(hostPath: string, followLast = true): Promise<string | undefined> {
    const mapped = this.mapped(hostPath);
    if (this.direct) return mapped;
    const inside = await this.resolveInside(mapped, followLast, path.join(this.root, mapped));
    return inside === undefined ? undefined : this.fsPath(inside);
  }

  async readBytes(
    hostPath: string,
    opts: { maxBytes?: number; position?: number; length?: number } = {},
  ): Promise<Uint8Array | undefined> {
    const real = await this.locate(hostPath);
    if (real === undefined) return undefined;
    const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
    // Inside a non-`/` root the last component is already resolved: refuse a link swapped in since.
    // O_NONBLOCK: a FIFO planted in a host tree must not hang discovery (regular files ignore it).
    const flags =
      fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | (this.direct ? 0 : fs.constants.O_NOFOLLOW);
    let fd: number;
    try {
      fd = await this.calls.open(real, flags);
    } catch (err) {
      if (isAbsent(err)) return undefined;
      throw new HostReadError(real, errnoOf(err), `${real}: ${errnoOf(err)}`, { cause: err });
    }
    try {
      // A sysfs attribute's show() output arrives in one read, so a short read is its end: this saves a
      // thread-pool round trip per file. Elsewhere (procfs seq_files) read until 0 to be safe.
      const r = await readFd(
        this.calls,
        fd,
        maxBytes,
        opts.position,
        opts.length,
        hostArea(hostPath) === 'sys',
      );
      if (r === 'too-big') {
        throw new HostReadError(real, 'EFBIG', `${real}: EFBIG (larger than ${maxBytes} bytes)`);
      }
      return r;
    } catch (err) {
      if (err instanceof HostReadError) throw err;
      throw new HostReadError(real, errnoOf(err), `${real}: ${errnoOf(err)}`, { cause: err });
    } finally {
      this.calls.close(fd);
    }
  }

  async readText(hostPath: string, opts: { maxBytes?: number } = {}): Promise<string | undefined> {
    const bytes = await this.readBytes(hostPath, opts);
    return bytes === undefined ? undefined : decoder.decode(bytes);
  }

  async readDir(hostPath: string): Promise<string[] | undefined> {
    const real = await this.locate(hostPath);
    if (real === undefined) return undefined;
    try {
      // Go's os.ReadDir sorts by name (byte order; the names here are ASCII).
      return (await this.calls.readdir(real)).sort();
    } catch (err) {
      if (isAbsent(err)) return undefined;
      throw new HostReadError(real, errnoOf(err), `${real}: ${errnoOf(err)}`, { cause: err });
    }
  }

  async readLink(hostPath: string): Promise<string | undefined> {
    const real = await this.locate(hostPath, false);
    if (real === undefined) return undefined;
    try {
      return await this.calls.readlink(real);
    } catch (err) {
      const code = errnoOf(err);
      if (isAbsent(err) || code === 'EINVAL') return undefined; // EINVAL: not a link
      throw new HostReadError(real, code, `${real}: ${code}`, { cause: err });
    }
  }

  async realPath(hostPath: string): Promise<string | undefined> {
    const mapped = this.mapped(hostPath);
    if (this.direct) {
      try {
        return await this.calls.realpath(mapped);
      } catch (err) {
        if (isAbsent(err)) return undefined;
        throw new HostReadError(mapped, errnoOf(err), `${mapped}: ${errnoOf(err)}`, { cause: err });
      }
    }
    const inside = await this.resolveInside(mapped, true, path.join(this.root, mapped));
    if (inside === undefined) return undefined;
    return (await this.lstatCached(inside)) ? inside : undefined;
  }

  async kind(hostPath: string): Promise<'file' | 'dir' | 'link' | 'other' | undefined> {
    const real = await this.locate(hostPath, false);
    if (real === undefined) return undefined;
    try {
      return kindOf(await this.calls.lstat(real));
    } catch (err) {
      if (isAbsent(err)) return undefined;
      throw new HostReadError(real, errnoOf(err), `${real}: ${errnoOf(err)}`, { cause: err });
    }
  }
}

/** `HostFiles` for a host root (default `/`) and NFD prefix (default `/`). */
export function createHostFiles(opts: HostRootOptions = {}): HostFiles {
  return new RootedHostFiles(opts);
}
