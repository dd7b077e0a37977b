/**
 * CPUID register dumps: the raw values of every CPUID leaf the cpu source needs, plus XCR0.
 *
 * Every way of getting CPUID (the addon, /dev/cpu/0/cpuid, a fixture file) produces one of these, and
 * the flag decisions (../sources/cpu/cpuid-flags.ts) read only from it, so they are pure and testable.
 *
 * Fixture convention: a fixture host tree may hold `/test-cpuid.json` at its root (read through the
 * tree's HostFiles, only when `HostInfo.live === false`), in this format:
 *
 *   {
 *     "description": "free text",
 *     "xcr0": "0x000602e7",                      // XGETBV(0) EAX; omit when unknown
 *     "leaves": {
 *       "0x00000000.0": ["0x00000020", "0x756e6547", "0x6c65746e", "0x49656e69"],
 *       "0x00000007.1": ["0x00001c30", "0x0", "0x0", "0x0"]     // "LEAF.SUBLEAF": [EAX, EBX, ECX, EDX]
 *     }
 *   }
 *
 * A leaf missing from the dump reads as all zeros (what CPUID returns for most unsupported leaves).
 * `toDumpJson` writes this format, so a dump of a real machine can be captured with
 * `node -e "Promise.all([import('./build/src/host/native/cpuid-loader.js'), import('./build/src/host/native/cpuid-dump.js')]).then(([l, d]) => process.stdout.write(d.formatDumpJson(l.readAddonDump(), 'this machine')))"`.
 */
import { DiscoveryError } from '../../errors.ts';

/** EAX, EBX, ECX, EDX as unsigned 32-bit numbers. */
export type Regs = readonly [number, number, number, number];

const ZERO: Regs = [0, 0, 0, 0];

/** Where the fixture tree keeps its register dump. */
export const FIXTURE_CPUID_DUMP_PATH = '/test-cpuid.json';

/**
 * The (leaf, subleaf) pairs the cpu source reads: klauspost/cpuid's `support()`, `threadsPerCore()`,
 * `familyModel()`, vendor and hypervisor strings, SGX EPC sections, AVX10 level, PMU leaf 0xA
 * (github.com/klauspost/cpuid/v2 v2.4.0 cpuid.go `support`), NFD's own RDT leaves 0xF/0x10 (NFD v0.19.0 source/cpu/rdt_linux_amd64.go) and the SST nominal frequency 0x16 (NFD v0.19.0 source/cpu/power_amd64.go).
 */
export const CPUID_LEAVES: ReadonlyArray<readonly [number, number]> = [
  [0x0, 0],
  [0x1, 0],
  [0x4, 0],
  [0x7, 0],
  [0x7, 1],
  [0x7, 2],
  [0xa, 0],
  [0xb, 0],
  [0xd, 0],
  [0xd, 1],
  [0xf, 0],
  [0xf, 1],
  [0x10, 0],
  [0x12, 0],
  [0x12, 2],
  [0x12, 3],
  [0x12, 4],
  [0x12, 5],
  [0x12, 6],
  [0x12, 7],
  [0x12, 8],
  [0x12, 9],
  [0x16, 0],
  [0x19, 0],
  [0x21, 0],
  [0x24, 0],
  [0x40000000, 0],
  [0x4000000c, 0],
  [0x80000000, 0],
  [0x80000001, 0],
  [0x80000007, 0],
  [0x80000008, 0],
  [0x8000000a, 0],
  [0x8000001a, 0],
  [0x8000001b, 0],
  [0x8000001e, 0],
  [0x8000001f, 0],
  [0x80000021, 0],
];

function key(leaf: number, subleaf: number): string {
  return `${leaf >>> 0}.${subleaf >>> 0}`;
}

/** An immutable set of CPUID results. */
export class CpuidDump {
  readonly #leaves = new Map<string, Regs>();
  /** XCR0 (XGETBV(0) low 32 bits); `undefined` when it could not be read. */
  readonly xcr0: number | undefined;

  constructor(entries: Iterable<readonly [number, number, Regs]>, xcr0: number | undefined) {
    for (const [leaf, subleaf, regs] of entries) {
      this.#leaves.set(key(leaf, subleaf), [regs[0] >>> 0, regs[1] >>> 0, regs[2] >>> 0, regs[3] >>> 0]);
    }
    this.xcr0 = xcr0 === undefined ? undefined : xcr0 >>> 0;
  }

  /** CPUID(leaf, subleaf); zeros when the dump does not hold it. */
  get(leaf: number, subleaf = 0): Regs {
    return this.#leaves.get(key(leaf, subleaf)) ?? ZERO;
  }

  has(leaf: number, subleaf = 0): boolean {
    return this.#leaves.has(key(leaf, subleaf));
  }

  /** The same registers with another XCR0. */
  withXcr0(xcr0: number | undefined): CpuidDump {
    return new CpuidDump(this.entries(), xcr0);
  }

  *entries(): Generator<readonly [number, number, Regs]> {
    for (const [k, regs] of this.#leaves) {
      const [leaf, subleaf] = k.split('.').map(Number) as [number, number];
      yield [leaf, subleaf, regs];
    }
  }
}

function hex(n: number): string {
  return `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
}

/** The fixture JSON form of a dump (see the file comment). */
export function toDumpJson(dump: CpuidDump, description?: string): Record<string, unknown> {
  const leaves: Record<string, string[]> = {};
  const sorted = [...dump.entries()].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  for (const [leaf, subleaf, regs] of sorted) leaves[`${hex(leaf)}.${subleaf}`] = regs.map(hex);
  const out: Record<string, unknown> = {};
  if (description !== undefined) out.description = description;
  if (dump.xcr0 !== undefined) out.xcr0 = hex(dump.xcr0);
  out.leaves = leaves;
  return out;
}

/** The fixture JSON text, one leaf per line (what the committed `test-cpuid.json` files look like). */
export function formatDumpJson(dump: CpuidDump, description?: string): string {
  const json = toDumpJson(dump, description);
  const leaves = Object.entries(json.leaves as Record<string, string[]>).map(
    ([k, regs]) => `    ${JSON.stringify(k)}: [${regs.map((r) => JSON.stringify(r)).join(', ')}]`,
  );
  const head: string[] = [];
  if (json.description !== undefined) head.push(`  "description": ${JSON.stringify(json.description)},`);
  if (json.xcr0 !== undefined) head.push(`  "xcr0": ${JSON.stringify(json.xcr0)},`);
  return ['{', ...head, '  "leaves": {', leaves.join(',\n'), '  }', '}', ''].join('\n');
}

/** A malformed dump file: the message names the file and the offending key. */
function dumpError(message: string): DiscoveryError {
  return new DiscoveryError('cpu', message, 'E_CPUID_DUMP');
}

function parseU32(v: unknown, where: string): number {
  const n =
    typeof v === 'number'
      ? v
      : typeof v === 'string' && /^(0x[0-9a-fA-F]{1,8}|[0-9]{1,10})$/.test(v.trim())
        ? Number(v.trim())
        : Number.NaN;
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) {
    throw dumpError(
      `${where}: expected an unsigned 32-bit number ("0x..." or decimal), got ${JSON.stringify(v)}`,
    );
  }
  return n;
}

/** Parses the fixture JSON form; throws `DiscoveryError` (code `E_CPUID_DUMP`) with the path of the bad value. */
export function parseDumpJson(text: string, file = FIXTURE_CPUID_DUMP_PATH): CpuidDump {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw dumpError(`${file}: not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw dumpError(`${file}: expected an object with "leaves"`);
  }
  const o = doc as Record<string, unknown>;
  const leaves = o.leaves;
  if (typeof leaves !== 'object' || leaves === null || Array.isArray(leaves)) {
    throw dumpError(`${file}: "leaves" must be an object of "LEAF.SUBLEAF": [EAX, EBX, ECX, EDX]`);
  }
  const entries: Array<readonly [number, number, Regs]> = [];
  for (const [k, v] of Object.entries(leaves as Record<string, unknown>)) {
    const m = /^(0x[0-9a-fA-F]{1,8}|[0-9]{1,10})(?:\.([0-9]{1,10}))?$/.exec(k);
    if (!m) throw dumpError(`${file}: leaves key ${JSON.stringify(k)} is not "LEAF.SUBLEAF"`);
    if (!Array.isArray(v) || v.length !== 4) {
      throw dumpError(`${file}: leaves[${JSON.stringify(k)}] must be [EAX, EBX, ECX, EDX]`);
    }
    const regs = v.map((x, i) =>
      parseU32(x, `${file}: leaves[${JSON.stringify(k)}][${i}]`),
    ) as unknown as Regs;
    entries.push([parseU32(m[1], k), m[2] === undefined ? 0 : parseU32(m[2], k), regs]);
  }
  const xcr0 = o.xcr0 === undefined || o.xcr0 === null ? undefined : parseU32(o.xcr0, `${file}: xcr0`);
  return new CpuidDump(entries, xcr0);
}
