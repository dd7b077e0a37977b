/**
 * Gets raw x86 CPUID registers for the cpu source, trying in order (github.com/klauspost/cpuid/v2 v2.4.0 cpuid_amd64.go; NFD v0.19.0 source/cpu/cpuid_linux_arm64.go and siblings):
 *
 *   1. `addon`   — the N-API addon shipped prebuilt (cpuid.c, build.mjs): the CPUID and XGETBV instructions,
 *                  exactly what klauspost/cpuid executes inside NFD.
 *   2. `dev-cpu` — the kernel's cpuid driver, `/dev/cpu/0/cpuid` (root or CAP_SYS_RAWIO and the `cpuid`
 *                  module): a 16-byte read at offset `leaf | subleaf << 32` returns EAX, EBX, ECX, EDX.
 *                  XCR0 is not readable there; see `xcr0Proxy`.
 *   3. `cpuinfo` — no registers at all: the cpu source maps `/proc/cpuinfo` flags (cpuinfo-fallback.ts).
 *
 * For a fixture tree (`HostInfo.live === false`) none of these run: the registers come from the tree's
 * `/test-cpuid.json` (method `fixture`, see cpuid-dump.ts), or, without that file, from its /proc/cpuinfo.
 * Under --host-root/--host-prefix the host is live: the container shares the host's CPU, so the CPUID
 * instruction describes the host, and `/dev/cpu/0/cpuid` is read through the host-root file access.
 *
 * The method used is exported (`lastCpuidMethod`) for `--verbose` output and the benchmark JSON.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HostReadError } from '../../errors.ts';
import type { DiscoveryContext } from '../types.ts';
import { CPUID_LEAVES, CpuidDump, FIXTURE_CPUID_DUMP_PATH, parseDumpJson, type Regs } from './cpuid-dump.ts';

export type CpuidMethod = 'addon' | 'dev-cpu' | 'cpuinfo' | 'fixture';
export type LiveCpuidMethod = 'addon' | 'dev-cpu' | 'cpuinfo';

export interface CpuidLoadOptions {
  /** The order to try on a live host (default: addon, dev-cpu, cpuinfo). Tests drop methods to simulate them missing. */
  methods?: readonly LiveCpuidMethod[];
  /** Where the addon is (default: found next to the package); a missing path simulates a failed build. */
  addonPath?: string;
  /** Fixture trees only: ignore `/test-cpuid.json` (tests of the /proc/cpuinfo fallback on a fixture). */
  ignoreFixtureDump?: boolean;
}

export interface CpuidLoadResult {
  method: CpuidMethod;
  /** The registers; absent for `cpuinfo`. */
  dump?: CpuidDump;
  /** Why earlier methods were skipped (for --verbose). */
  notes: string[];
}

/** The addon's exports (cpuid.c). */
interface CpuidAddon {
  supported: boolean;
  cpuid(leaf: number, subleaf: number): [number, number, number, number];
  xgetbv(index: number): [number, number] | null;
}

const ADDON_FILE = 'imgcompat_cpuid.node';
const DEV_CPUID = '/dev/cpu/0/cpuid';

let lastMethod: CpuidMethod | undefined;

/** The method the most recent discovery used (undefined before any x86 cpuid discovery). */
export function lastCpuidMethod(): CpuidMethod | undefined {
  return lastMethod;
}

/** The prebuilt addon's folder for this machine, as build.mjs lays it out (`native/linux-x64/`). */
const PREBUILT_DIR = join('native', `${process.platform}-${process.arch}`);

/** Looks for `rel` (under `dist/`) upwards from this module, which runs from `dist/`, `dist/chunks/` or `build/src/host/native/`. */
function findInPackage(rel: string): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    for (const p of [join(dir, rel), join(dir, 'dist', rel)]) if (existsSync(p)) return p;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return undefined;
}

/** The prebuilt addon for this platform and architecture (`dist/native/<platform>-<arch>/`), if shipped. */
export function defaultAddonPath(): string | undefined {
  return findInPackage(join(PREBUILT_DIR, ADDON_FILE));
}

/** What build.mjs recorded when the package was built (`dist/native/build-info.json`), if anything. */
export function readAddonBuildInfo(): { ok: boolean; ms?: number; reason?: string } | undefined {
  const p = findInPackage(join('native', 'build-info.json'));
  if (p === undefined) return undefined;
  try {
    return JSON.parse(readFileSync(p, 'utf8'));
  } catch {
    return undefined;
  }
}

const addonCache = new Map<string, CpuidAddon | Error>();

/** Loads the addon once per path; an Error says why it is unusable. */
export function loadAddon(path: string | undefined = defaultAddonPath()): CpuidAddon | Error {
  if (path === undefined)
    return new Error(`${ADDON_FILE} not shipped for ${process.platform}-${process.arch}`);
  const cached = addonCache.get(path);
  if (cached) return cached;
  let result: CpuidAddon | Error;
  try {
    if (!existsSync(path)) throw new Error(`${path} does not exist`);
    const mod = createRequire(import.meta.url)(path) as CpuidAddon;
    result =
      mod.supported && typeof mod.cpuid === 'function' ? mod : new Error('addon built without x86 support');
  } catch (err) {
    result = err instanceof Error ? err : new Error(String(err));
  }
  addonCache.set(path, result);
  return result;
}

/** Every leaf the cpu source needs, from the addon, with the real XCR0. */
export function readAddonDump(addon: CpuidAddon | Error = loadAddon()): CpuidDump {
  if (addon instanceof Error) throw addon;
  const entries = CPUID_LEAVES.map(([leaf, sub]) => [leaf, sub, addon.cpuid(leaf, sub) as Regs] as const);
  // xgetbv returns null when OSXSAVE is clear (the instruction would fault): then no OS state is enabled.
  const x = addon.xgetbv(0);
  return new CpuidDump(entries, x === null ? 0 : x[0]);
}

function regsFromBytes(b: Uint8Array): Regs {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return [v.getUint32(0, true), v.getUint32(4, true), v.getUint32(8, true), v.getUint32(12, true)];
}

/**
 * XCR0 stand-in for `/dev/cpu/0/cpuid`, which cannot run XGETBV. Linux shows `avx` and `avx512f` in
 * /proc/cpuinfo only when it enabled that register state, the same condition klauspost checks in XCR0,
 * so we rebuild the bits it tests: x87|SSE|AVX (0x7) and opmask|ZMM_Hi256|Hi16_ZMM (0xe0).
 * Without /proc/cpuinfo: leaf 0xD.0 EAX (states the CPU supports; Linux enables all user states).
 */
export function xcr0Proxy(dump: CpuidDump, cpuinfoFlags: ReadonlySet<string> | undefined): number {
  const osxsave = ((dump.get(1)[2] >>> 27) & 1) === 1;
  if (!osxsave) return 0;
  if (cpuinfoFlags === undefined) return dump.get(0xd, 0)[0];
  let x = 0;
  if (cpuinfoFlags.has('sse')) x |= 0x3;
  if (cpuinfoFlags.has('avx')) x |= 0x7;
  if (cpuinfoFlags.has('avx512f')) x |= 0xe7;
  return x;
}

async function readDevCpuid(ctx: DiscoveryContext, cpuinfoFlags: () => Promise<Set<string> | undefined>) {
  const read = async (leaf: number, subleaf: number): Promise<Regs | undefined> => {
    // leaf | subleaf << 32 stays far below 2^53 for our subleaves, so a plain number offset is exact.
    const b = await ctx.files.readBytes(DEV_CPUID, { position: leaf + subleaf * 2 ** 32, length: 16 });
    if (b === undefined) return undefined;
    if (b.byteLength < 16) throw new Error(`${DEV_CPUID}: short read (${b.byteLength} bytes)`);
    return regsFromBytes(b);
  };
  const first = await read(0, 0);
  if (first === undefined) return undefined;
  const regs = await Promise.all(CPUID_LEAVES.map(([leaf, sub]) => read(leaf, sub)));
  const entries = CPUID_LEAVES.map(
    ([leaf, sub], i) => [leaf, sub, regs[i] ?? ([0, 0, 0, 0] as Regs)] as const,
  );
  const dump = new CpuidDump(entries, undefined);
  return dump.withXcr0(xcr0Proxy(dump, await cpuinfoFlags()));
}

async function cpuinfoFlagSet(ctx: DiscoveryContext): Promise<Set<string> | undefined> {
  try {
    const text = await ctx.files.readText('/proc/cpuinfo');
    if (text === undefined) return undefined;
    const line = text.split('\n').find((l) => /^flags\s*:/.test(l));
    return line === undefined
      ? undefined
      : new Set(
          line
            .slice(line.indexOf(':') + 1)
            .trim()
            .split(/\s+/),
        );
  } catch {
    return undefined;
  }
}

function describe(err: unknown): string {
  if (err instanceof HostReadError) return `${err.path}: ${err.errno}`;
  return err instanceof Error ? err.message : String(err);
}

/** Picks the CPUID method for this discovery (see the file comment) and reads the registers. */
export async function loadCpuid(
  ctx: DiscoveryContext,
  opts: CpuidLoadOptions = {},
): Promise<CpuidLoadResult> {
  const notes: string[] = [];
  const done = (r: CpuidLoadResult): CpuidLoadResult => {
    lastMethod = r.method;
    ctx.trace(`cpu: cpuid method ${r.method}${r.notes.length ? ` (${r.notes.join('; ')})` : ''}`);
    return r;
  };

  if (ctx.host.live === false) {
    let text: string | undefined;
    if (opts.ignoreFixtureDump) return done({ method: 'cpuinfo', notes: ['fixture dump ignored'] });
    try {
      text = await ctx.files.readText(FIXTURE_CPUID_DUMP_PATH);
    } catch (err) {
      ctx.problem({ source: 'cpu', path: FIXTURE_CPUID_DUMP_PATH, message: describe(err) });
    }
    if (text !== undefined) {
      try {
        return done({ method: 'fixture', dump: parseDumpJson(text), notes });
      } catch (err) {
        ctx.problem({ source: 'cpu', path: FIXTURE_CPUID_DUMP_PATH, message: describe(err) });
      }
    } else {
      notes.push(`no ${FIXTURE_CPUID_DUMP_PATH} in the fixture tree`);
    }
    return done({ method: 'cpuinfo', notes });
  }

  for (const method of opts.methods ?? ['addon', 'dev-cpu', 'cpuinfo']) {
    if (method === 'addon') {
      const addon = loadAddon(opts.addonPath ?? defaultAddonPath());
      if (addon instanceof Error) {
        notes.push(`addon unavailable: ${addon.message}`);
        continue;
      }
      return done({ method: 'addon', dump: readAddonDump(addon), notes });
    }
    if (method === 'dev-cpu') {
      try {
        const dump = await readDevCpuid(ctx, () => cpuinfoFlagSet(ctx));
        if (dump) return done({ method: 'dev-cpu', dump, notes });
        notes.push(`${DEV_CPUID} absent`);
      } catch (err) {
        notes.push(`${DEV_CPUID} unreadable: ${describe(err)}`);
      }
      continue;
    }
    return done({ method: 'cpuinfo', notes });
  }
  return done({ method: 'cpuinfo', notes });
}
