/**
 * Non-x86 CPU flags from the ELF auxiliary vector (NFD v0.19.0 source/cpu/cpu.go `getCpuidFlags`; NFD v0.19.0 source/cpu/cpuid_linux_arm64.go and siblings).
 *
 * NFD calls `getauxval(AT_HWCAP)` / `getauxval(AT_HWCAP2)` (cgo) for arm, arm64 and ppc64le, and
 * `AT_HWCAP` only for s390x, then names each set bit from its own tables below. `getauxval` returns the
 * values the kernel handed to NFD's own process, which is also what `/proc/self/auxv` holds, so we parse
 * that file (read through the host files, `ctx.files.readBytes('/proc/self/auxv')`): NFD touches no file
 * here at all, so there is no host prefix to honour. Under --host-root, `<root>/proc/self/auxv` is
 * procfs's view of the reading process (ourselves) when the host's /proc is mounted there, which is the
 * same data, because the container runs on the host's kernel and CPU. In a fixture tree it is a plain file.
 *
 * Format: pairs of native words (type, value), ending with type 0 (AT_NULL). 8-byte words on 64-bit
 * arches, 4-byte on arm; big-endian on s390x, little-endian elsewhere.
 */

export const AT_HWCAP = 16n;
export const AT_HWCAP2 = 26n;

export interface Hwcaps {
  hwcap: bigint;
  hwcap2: bigint;
}

/** Parses /proc/self/auxv bytes. Missing entries read as 0. */
export function parseAuxv(bytes: Uint8Array, wordSize: 4 | 8, littleEndian: boolean): Hwcaps {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const word = (off: number): bigint =>
    wordSize === 8 ? v.getBigUint64(off, littleEndian) : BigInt(v.getUint32(off, littleEndian));
  const out: Hwcaps = { hwcap: 0n, hwcap2: 0n };
  for (let off = 0; off + 2 * wordSize <= bytes.byteLength; off += 2 * wordSize) {
    const type = word(off);
    if (type === 0n) break;
    if (type === AT_HWCAP) out.hwcap = word(off + wordSize);
    else if (type === AT_HWCAP2) out.hwcap2 = word(off + wordSize);
  }
  return out;
}

/** Builds auxv bytes (for fixtures and tests). */
export function buildAuxv(
  entries: ReadonlyArray<readonly [bigint, bigint]>,
  wordSize: 4 | 8,
  littleEndian: boolean,
): Uint8Array {
  const all = [...entries, [0n, 0n] as const];
  const buf = new Uint8Array(all.length * 2 * wordSize);
  const v = new DataView(buf.buffer);
  all.forEach(([t, val], i) => {
    const off = i * 2 * wordSize;
    if (wordSize === 8) {
      v.setBigUint64(off, t, littleEndian);
      v.setBigUint64(off + 8, val, littleEndian);
    } else {
      v.setUint32(off, Number(t), littleEndian);
      v.setUint32(off + 4, Number(val), littleEndian);
    }
  });
  return buf;
}

/** Bit index → name (`1 << index`). */
type BitTable = readonly (string | undefined)[];

/** NFD's arm64 AT_HWCAP names, bits 0–31 (source/cpu/cpuid_linux_arm64.go). */
export const ARM64_HWCAP: BitTable = [
  'FP',
  'ASIMD',
  'EVTSTRM',
  'AES',
  'PMULL',
  'SHA1',
  'SHA2',
  'CRC32',
  'ATOMICS',
  'FPHP',
  'ASIMDHP',
  'CPUID',
  'ASIMDRDM',
  'JSCVT',
  'FCMA',
  'LRCPC',
  'DCPOP',
  'SHA3',
  'SM3',
  'SM4',
  'ASIMDDP',
  'SHA512',
  'SVE',
  'ASIMDFHM',
  'DIT',
  'USCAT',
  'ILRCPC',
  'FLAGM',
  'SSBS',
  'SB',
  'PACA',
  'PACG',
];

/** NFD's arm64 AT_HWCAP2 names, bits 0–33 (newer kernel bits are ignored, as in NFD). */
export const ARM64_HWCAP2: BitTable = [
  'DCPODP',
  'SVE2',
  'SVEAES',
  'SVEPMULL',
  'SVEBITPERM',
  'SVESHA3',
  'SVESM4',
  'FLAGM2',
  'FRINT',
  'SVEI8MM',
  'SVEF32MM',
  'SVEF64MM',
  'SVEBF16',
  'I8MM',
  'BF16',
  'DGH',
  'RNG',
  'BTI',
  'MTE',
  'ECV',
  'AFP',
  'RPRES',
  'MTE3',
  'SME',
  'SMEI16I64',
  'SMEF64F64',
  'SMEI8I32',
  'SMEF16F32',
  'SMEB16F32',
  'SMEF32F32',
  'SMEFA64',
  'WFXT',
  'EBF16',
  'SVEEBF16',
];

/** NFD's 32-bit arm AT_HWCAP names, bits 0–21 (note `FASTMUL` and the mixed-case VFP names). */
export const ARM_HWCAP: BitTable = [
  'SWP',
  'HALF',
  'THUMB',
  '26BIT',
  'FASTMUL',
  'FPA',
  'VFP',
  'EDSP',
  'JAVA',
  'IWMMXT',
  'CRUNCH',
  'THUMBEE',
  'NEON',
  'VFPv3',
  'VFPv3D16',
  'TLS',
  'VFPv4',
  'IDIVA',
  'IDIVT',
  'VFPD32',
  'LPAE',
  'EVTSTRM',
];

/** NFD's 32-bit arm AT_HWCAP2 names, bits 0–4. */
export const ARM_HWCAP2: BitTable = ['AES', 'PMULL', 'SHA1', 'SHA2', 'CRC32'];

function fromMasks(masks: ReadonlyArray<readonly [number, string]>): BitTable {
  const t: (string | undefined)[] = [];
  for (const [mask, name] of masks) t[31 - Math.clz32(mask)] = name;
  return t;
}

/** NFD's ppc64le AT_HWCAP names (mask → name). */
export const PPC64LE_HWCAP: BitTable = fromMasks([
  [0x80000000, 'PPC32'],
  [0x40000000, 'PPC64'],
  [0x20000000, 'PPC601'],
  [0x10000000, 'ALTIVEC'],
  [0x08000000, 'FPU'],
  [0x04000000, 'MMU'],
  [0x02000000, '4xxMAC'],
  [0x01000000, 'UCACHE'],
  [0x00800000, 'SPE'],
  [0x00400000, 'EFPFLOAT'],
  [0x00200000, 'EFPDOUBLE'],
  [0x00100000, 'NOTB'],
  [0x00080000, 'POWER4'],
  [0x00040000, 'POWER5'],
  [0x00020000, 'POWER5+'],
  [0x00010000, 'CELLBE'],
  [0x00008000, 'BOOKE'],
  [0x00004000, 'SMT'],
  [0x00002000, 'IC_SNOOP'],
  [0x00001000, 'ARCH_2_05'],
  [0x00000800, 'PA6T'],
  [0x00000400, 'DFP'],
  [0x00000200, 'POWER6X'],
  [0x00000100, 'ARCH_2_06'],
  [0x00000080, 'VSX'],
  [0x00000040, 'ARCHPMU'],
  [0x00000002, 'TRUE_LE'],
  [0x00000001, 'PPCLE'],
]);

/** NFD's ppc64le AT_HWCAP2 names. */
export const PPC64LE_HWCAP2: BitTable = fromMasks([
  [0x80000000, 'ARCH_2_07'],
  [0x40000000, 'HTM'],
  [0x20000000, 'DSCR'],
  [0x10000000, 'EBB'],
  [0x08000000, 'ISEL'],
  [0x04000000, 'TAR'],
  [0x02000000, 'VCRYPTO'],
  [0x01000000, 'HTM-NOSC'],
  [0x00800000, 'ARCH_3_00'],
  [0x00400000, 'IEEE128'],
  [0x00200000, 'DARN'],
  [0x00100000, 'SCV'],
  [0x00080000, 'HTM-NO-SUSPEND'],
  [0x00040000, 'ARCH_3_1'],
  [0x00020000, 'MMA'],
]);

/** NFD's s390x AT_HWCAP names, bits 0–22 (AT_HWCAP2 is not used on s390x). */
export const S390X_HWCAP: BitTable = [
  'ESAN3',
  'ZARCH',
  'STFLE',
  'MSA',
  'LDISP',
  'EIMM',
  'DFP',
  'EDAT',
  'ETF3EH',
  'HIGHGPRS',
  'TE',
  'VX',
  'VXD',
  'VXE',
  'GS',
  'VXE2',
  'VXP',
  'SORT',
  'DFLT',
  'VXP2',
  'NNPA',
  'PCIMIO',
  'SIE',
];

/** Tables and auxv layout per Node arch name; `undefined` for arches NFD has no hwcap table for. */
export function hwcapLayout(
  arch: string,
): { wordSize: 4 | 8; littleEndian: boolean; hwcap: BitTable; hwcap2: BitTable } | undefined {
  switch (arch) {
    case 'arm64':
      return { wordSize: 8, littleEndian: true, hwcap: ARM64_HWCAP, hwcap2: ARM64_HWCAP2 };
    case 'arm':
      return { wordSize: 4, littleEndian: true, hwcap: ARM_HWCAP, hwcap2: ARM_HWCAP2 };
    // Node calls ppc64le "ppc64" (Linux/ppc64 big-endian is not a Node platform); NFD supports ppc64le only.
    case 'ppc64':
    case 'ppc64le':
      return { wordSize: 8, littleEndian: true, hwcap: PPC64LE_HWCAP, hwcap2: PPC64LE_HWCAP2 };
    case 's390x':
      return { wordSize: 8, littleEndian: false, hwcap: S390X_HWCAP, hwcap2: [] };
    default:
      return undefined;
  }
}

function names(value: bigint, table: BitTable, out: string[]): void {
  table.forEach((name, i) => {
    if (name !== undefined && ((value >> BigInt(i)) & 1n) === 1n) out.push(name);
  });
}

/** The flag names for the set bits that have a name in the arch's tables. */
export function hwcapFlags(arch: string, caps: Hwcaps): string[] {
  const layout = hwcapLayout(arch);
  if (!layout) return [];
  const out: string[] = [];
  names(caps.hwcap, layout.hwcap, out);
  names(caps.hwcap2, layout.hwcap2, out);
  return out;
}

/** arm64 HWCAP_CPUID (bit 11): MIDR_EL1 is readable from user space (klauspost reads it only then). */
export function arm64HasCpuid(caps: Hwcaps): boolean {
  return ((caps.hwcap >> 11n) & 1n) === 1n;
}
