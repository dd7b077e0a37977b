/**
 * The x86 CPUID flag table: klauspost/cpuid's FeatureID names (what NFD's `cpu.cpuid` holds on amd64)
 * and how each is decided from raw registers, following klauspost `support()` (github.com/klauspost/cpuid/v2 v2.4.0 cpuid.go `support`),
 * plus NFD's `X86_64_V1..V4` (NFD v0.19.0 source/cpu/cpu.go `getCpuidFlags`), the vendor/family/model (NFD v0.19.0 source/cpu/cpu.go `getCPUModel`) and `AVX10_VERSION` (NFD v0.19.0 source/cpu/cpuid_amd64.go).
 *
 * Pure: everything is computed from a `CpuidDump`, so tests feed it register dumps of known CPUs.
 */
import type { CpuidDump } from '../../native/cpuid-dump.ts';

const EAX = 0;
const EBX = 1;
const ECX = 2;
const EDX = 3;

function bit(v: number, b: number): boolean {
  return ((v >>> b) & 1) === 1;
}

/** klauspost `valAsString`: little-endian bytes of each register, cut at the first NUL. */
export function registersAsString(...values: number[]): string {
  let out = '';
  for (const v of values) {
    for (let i = 0; i < 4; i++) {
      const c = (v >>> (8 * i)) & 0xff;
      if (c === 0) return out;
      out += String.fromCharCode(c);
    }
  }
  return out;
}

/** klauspost's vendor string map (cpuid.go `vendorMapping`) → `Vendor.String()`. */
const VENDOR_MAP: Readonly<Record<string, string>> = {
  'AMDisbetter!': 'AMD',
  AuthenticAMD: 'AMD',
  CentaurHauls: 'VIA',
  GenuineIntel: 'Intel',
  TransmetaCPU: 'Transmeta',
  GenuineTMx86: 'Transmeta',
  'Geode by NSC': 'NSC',
  'VIA VIA VIA ': 'VIA',
  KVMKVMKVM: 'KVM',
  'Linux KVM Hv': 'KVM',
  TCGTCGTCGTCG: 'QEMU',
  'Microsoft Hv': 'MSVM',
  VMwareVMware: 'VMware',
  XenVMMXenVMM: 'XenHVM',
  'bhyve bhyve ': 'Bhyve',
  HygonGenuine: 'Hygon',
  'Vortex86 SoC': 'SiS',
  'SiS SiS SiS ': 'SiS',
  RiseRiseRise: 'SiS',
  'Genuine  RDC': 'RDC',
  QNXQVMBSQG: 'QNX',
  ACRNACRNACRN: 'ACRN',
  SRESRESRESRE: 'SRE',
  'Apple VZ': 'Apple',
};

/** klauspost's name for an unmapped vendor string. */
export const VENDOR_UNKNOWN = 'VendorUnknown';

/** Vendor identifier for a CPUID vendor string (`VendorUnknown` when not in klauspost's map). */
export function vendorFromString(s: string): string {
  return Object.hasOwn(VENDOR_MAP, s) ? VENDOR_MAP[s]! : VENDOR_UNKNOWN;
}

/** CPUID leaf 0 vendor (EBX, EDX, ECX). */
export function x86Vendor(d: CpuidDump): { id: string; raw: string } {
  const [, b, c, dd] = d.get(0);
  const raw = registersAsString(b, dd, c);
  return { id: vendorFromString(raw), raw };
}

/** klauspost `familyModel()`: family and model from CPUID.1 EAX (0, 0 when max leaf < 1). */
export function x86FamilyModel(d: CpuidDump): { family: number; model: number; stepping: number } {
  if (d.get(0)[EAX] < 1) return { family: 0, model: 0, stepping: 0 };
  const eax = d.get(1)[EAX];
  let family = (eax >>> 8) & 0xf;
  let extModel = family === 0x6;
  if (family === 0xf) {
    family += (eax >>> 20) & 0xff;
    extModel = true;
  }
  let model = (eax >>> 4) & 0xf;
  if (extModel) model += (eax >>> 12) & 0xf0;
  return { family, model, stepping: eax & 0xf };
}

/**
 * Hypervisor vendor from leaf 0x40000000 (EBX, ECX, EDX), as NFD's `getHypervisorFromCPUID`:
 * a known vendor → its lower-cased identifier; otherwise the raw string with runs of
 * `[^-A-Za-z0-9_.]` replaced by `_`, or `unknown` when that is empty.
 */
export function x86HypervisorName(d: CpuidDump): string {
  const [, b, c, dd] = d.get(0x40000000);
  const raw = registersAsString(b, c, dd);
  const id = vendorFromString(raw);
  if (id !== VENDOR_UNKNOWN) return id.toLowerCase();
  const clean = raw.replace(/[^-A-Za-z0-9_.]+/g, '_');
  return clean === '' ? 'unknown' : clean;
}

/** klauspost `threadsPerCore()`. */
export function x86ThreadsPerCore(d: CpuidDump): number {
  const mfi = d.get(0)[EAX];
  const vendor = x86Vendor(d).id;
  if (mfi < 4 || (vendor !== 'Intel' && vendor !== 'AMD')) return 1;
  if (mfi < 0xb) {
    if (vendor !== 'Intel') return 1;
    const [, b, , dd] = d.get(1);
    if (bit(dd, 28)) {
      const logical = (b >>> 16) & 0xff;
      if (logical > 1) {
        const cores = (d.get(4)[EAX] >>> 26) + 1;
        if (cores > 0) return Math.trunc(logical / cores);
      }
    }
    return 1;
  }
  const b = d.get(0xb, 0)[EBX];
  if ((b & 0xffff) === 0) {
    if (vendor === 'AMD') {
      const { family } = x86FamilyModel(d);
      if (bit(d.get(1)[EDX], 28) && family >= 23) {
        if (d.get(0x80000000)[EAX] >>> 0 >= 0x8000001e) return ((d.get(0x8000001e)[EBX] >>> 8) & 0xff) + 1;
        return 2;
      }
    }
    return 1;
  }
  return b & 0xffff;
}

/** What a decision sees: the dump plus the flags decided so far (decisions run in table order). */
export interface FlagContext {
  readonly dump: CpuidDump;
  readonly vendor: string;
  readonly family: number;
  readonly model: number;
  readonly maxBasic: number;
  readonly maxExt: number;
  /** XCR0 & 6 == 6 (XMM and YMM state enabled by the OS). */
  readonly osAvx: boolean;
  /** XCR0[7:5] == 7 and XCR0[2:1] == 3 (AVX-512 state enabled by the OS). */
  readonly osAvx512: boolean;
  has(name: string): boolean;
  /** Register `reg` (0..3 = EAX..EDX) of basic leaf `leaf`, or 0 when the max basic leaf is lower. */
  basic(leaf: number, subleaf: number, reg: number): number;
  /** Register of an extended leaf, or 0 when `0x80000000 EAX` is lower. */
  ext(leaf: number, reg: number): number;
}

type Decide = (c: FlagContext) => boolean;
export interface FlagRule {
  readonly name: string;
  readonly decide: Decide;
}

const l1c =
  (b: number): Decide =>
  (c) =>
    bit(c.basic(1, 0, ECX), b);
const l1d =
  (b: number): Decide =>
  (c) =>
    bit(c.basic(1, 0, EDX), b);
/** Leaf 7 bits: klauspost reads them only when the max basic leaf is >= 7. */
const l7 =
  (sub: number, reg: number, b: number): Decide =>
  (c) =>
    c.maxBasic >= 7 && bit(c.basic(7, sub, reg), b);
/** Leaf 7 bits behind the AVX-512 OS-state gate (raw CPUID.1 ECX[26] and [27] set, XCR0 AVX-512 bits). */
const l7avx512 =
  (sub: number, reg: number, b: number): Decide =>
  (c) =>
    c.maxBasic >= 7 &&
    c.osAvx512 &&
    bit(c.basic(1, 0, ECX), 26) &&
    bit(c.basic(1, 0, ECX), 27) &&
    bit(c.basic(7, sub, reg), b);
const e81c =
  (b: number): Decide =>
  (c) =>
    bit(c.ext(0x80000001, ECX), b);
const e81d =
  (b: number): Decide =>
  (c) =>
    bit(c.ext(0x80000001, EDX), b);
const e88b =
  (b: number): Decide =>
  (c) =>
    bit(c.ext(0x80000008, EBX), b);
const svm =
  (b: number): Decide =>
  (c) =>
    c.has('SVM') && bit(c.ext(0x8000000a, EDX), b);
const ibs =
  (b: number): Decide =>
  (c) =>
    c.has('IBS') && bit(c.ext(0x8000001b, EAX), b);
const amdMem =
  (b: number): Decide =>
  (c) =>
    c.vendor === 'AMD' && bit(c.ext(0x8000001f, EAX), b);
const amd21a =
  (b: number): Decide =>
  (c) =>
    c.vendor === 'AMD' && bit(c.ext(0x80000021, EAX), b);
const or =
  (...ds: Decide[]): Decide =>
  (c) =>
    ds.some((d) => d(c));

/** AMD TSA_*_NO: the CPUID bit, or forced for families known not to be affected (klauspost v2.3.0). */
const tsaNo =
  (b: number): Decide =>
  (c) => {
    if (c.vendor !== 'AMD') return false;
    if (bit(c.ext(0x80000021, ECX), b)) return true;
    if (c.family < 0x19) return true;
    if (c.family === 0x1a) return c.model <= 0x4f || (c.model >= 0x60 && c.model <= 0x7f);
    return false;
  };

/** Leaf 0xA fixed counters (klauspost `parseLeaf0AH`); `which` is the counter index 0..3. */
const pmu =
  (which: number): Decide =>
  (c) => {
    if (c.maxBasic < 0xa) return false;
    const [eax, ebx, , edx] = c.dump.get(0xa);
    const version = eax & 0xff;
    if (version === 0) return false;
    const fixed = version > 1 ? edx & 0x1f : 0;
    if (ebx === 0) return (fixed === 3 && which < 3) || fixed === 4;
    return !bit(ebx, which);
  };

/**
 * The table, in an order where every rule that looks at another flag comes after it. The names are
 * klauspost's Go identifiers (its `featureid_string.go`); TBM is defined there but never set.
 */
export const X86_FLAG_RULES: readonly FlagRule[] = [
  // CPUID.1 EDX / ECX
  { name: 'X87', decide: l1d(0) },
  { name: 'CMPXCHG8', decide: l1d(8) },
  { name: 'SYSEE', decide: l1d(11) },
  { name: 'CMOV', decide: l1d(15) },
  { name: 'MMX', decide: or(l1d(23), e81d(23)) },
  { name: 'FXSR', decide: or(l1d(24), e81d(24)) },
  // klauspost sets FXSROPT from the SSE bit (EDX[25]) too, and from the AMD extended bit.
  { name: 'FXSROPT', decide: or(l1d(25), e81d(25)) },
  { name: 'SSE', decide: l1d(25) },
  { name: 'SSE2', decide: l1d(26) },
  { name: 'SSE3', decide: l1c(0) },
  { name: 'CLMUL', decide: l1c(1) },
  { name: 'VMX', decide: l1c(5) },
  { name: 'SSSE3', decide: l1c(9) },
  { name: 'FMA3', decide: (c) => l1c(12)(c) && l1c(27)(c) },
  { name: 'CX16', decide: l1c(13) },
  { name: 'SSE4', decide: l1c(19) },
  { name: 'SSE42', decide: l1c(20) },
  { name: 'MOVBE', decide: l1c(22) },
  // LZCNT (0x80000001 ECX[5]) sets POPCNT as well.
  { name: 'POPCNT', decide: or(l1c(23), e81c(5)) },
  { name: 'AESNI', decide: l1c(25) },
  // NFD's code, not the flag tables in NFD's docs (follow the code): klauspost v2.4.0 `support()` writes
  // `c&1<<26 != 0` / `c&1<<27 != 0`. In Go `&` and `<<` share one precedence level, so that is
  // `(c&1)<<26`: both flags follow CPUID.1 ECX[0] (the SSE3 bit), not ECX[26]/[27]. Checked against
  // the real v2.4.0 library on register dumps; visible on CPUs/VMs with SSE3 but no XSAVE (qemu64).
  // XSAVEOPT/XSAVEC/XGETBV1/XSAVES below inherit this through `has('XSAVE')`.
  { name: 'XSAVE', decide: l1c(0) },
  { name: 'OSXSAVE', decide: l1c(0) },
  { name: 'F16C', decide: l1c(29) },
  { name: 'RDRAND', decide: l1c(30) },
  { name: 'HYPERVISOR', decide: l1c(31) },
  {
    name: 'HTT',
    decide: (c) =>
      (c.vendor === 'Intel' || c.vendor === 'AMD') &&
      l1d(28)(c) &&
      c.maxBasic >= 4 &&
      x86ThreadsPerCore(c.dump) > 1,
  },
  { name: 'AVX', decide: (c) => l1c(26)(c) && l1c(27)(c) && l1c(28)(c) && c.osAvx },
  {
    name: 'AVXSLOW',
    decide: (c) =>
      c.has('AVX') &&
      ((c.vendor === 'Intel' && c.family === 6 && c.model < 60) ||
        (c.vendor === 'AMD' && (c.family < 23 || (c.family === 23 && c.model < 49)))),
  },
  // CPUID.7.0 EBX
  { name: 'AVX2', decide: (c) => c.has('AVX') && l7(0, EBX, 5)(c) },
  { name: 'BMI1', decide: l7(0, EBX, 3) },
  { name: 'BMI2', decide: (c) => l7(0, EBX, 3)(c) && l7(0, EBX, 8)(c) },
  { name: 'SGX', decide: l7(0, EBX, 2) },
  { name: 'HLE', decide: l7(0, EBX, 4) },
  { name: 'ERMS', decide: l7(0, EBX, 9) },
  { name: 'RTM', decide: l7(0, EBX, 11) },
  { name: 'MPX', decide: l7(0, EBX, 14) },
  { name: 'RDSEED', decide: l7(0, EBX, 18) },
  { name: 'ADX', decide: l7(0, EBX, 19) },
  { name: 'SHA', decide: l7(0, EBX, 29) },
  // CPUID.7.0 ECX
  { name: 'WAITPKG', decide: l7(0, ECX, 5) },
  { name: 'CETSS', decide: l7(0, ECX, 7) },
  { name: 'GFNI', decide: l7(0, ECX, 8) },
  { name: 'VAES', decide: l7(0, ECX, 9) },
  { name: 'VPCLMULQDQ', decide: l7(0, ECX, 10) },
  { name: 'TME', decide: l7(0, ECX, 13) },
  { name: 'KEYLOCKER', decide: l7(0, ECX, 23) },
  { name: 'CLDEMOTE', decide: l7(0, ECX, 25) },
  { name: 'MOVDIRI', decide: l7(0, ECX, 27) },
  { name: 'MOVDIR64B', decide: l7(0, ECX, 28) },
  { name: 'ENQCMD', decide: l7(0, ECX, 29) },
  { name: 'SGXLC', decide: l7(0, ECX, 30) },
  // CPUID.7.0 EDX
  { name: 'FSRM', decide: l7(0, EDX, 4) },
  { name: 'SRBDS_CTRL', decide: l7(0, EDX, 9) },
  { name: 'MD_CLEAR', decide: l7(0, EDX, 10) },
  { name: 'RTM_ALWAYS_ABORT', decide: l7(0, EDX, 11) },
  { name: 'SERIALIZE', decide: l7(0, EDX, 14) },
  { name: 'HYBRID_CPU', decide: l7(0, EDX, 15) },
  { name: 'TSXLDTRK', decide: l7(0, EDX, 16) },
  { name: 'PCONFIG', decide: l7(0, EDX, 18) },
  { name: 'CETIBT', decide: l7(0, EDX, 20) },
  { name: 'IBPB', decide: or(l7(0, EDX, 26), e88b(12)) },
  { name: 'STIBP', decide: or(l7(0, EDX, 27), e88b(15)) },
  { name: 'FLUSH_L1D', decide: l7(0, EDX, 28) },
  { name: 'IA32_ARCH_CAP', decide: l7(0, EDX, 29) },
  { name: 'IA32_CORE_CAP', decide: l7(0, EDX, 30) },
  { name: 'SPEC_CTRL_SSBD', decide: or(l7(0, EDX, 31), e88b(24)) },
  // CPUID.7.1 EAX / EDX
  { name: 'AVXVNNI', decide: (c) => c.has('AVX') && l7(1, EAX, 4)(c) },
  { name: 'SM3_X86', decide: l7(1, EAX, 1) },
  { name: 'SM4_X86', decide: l7(1, EAX, 2) },
  { name: 'CMPCCXADD', decide: l7(1, EAX, 7) },
  { name: 'MOVSB_ZL', decide: l7(1, EAX, 10) },
  { name: 'STOSB_SHORT', decide: l7(1, EAX, 11) },
  { name: 'CMPSB_SCADBS_SHORT', decide: l7(1, EAX, 12) },
  { name: 'FRED', decide: l7(1, EAX, 17) },
  { name: 'HRESET', decide: l7(1, EAX, 22) },
  { name: 'AVXIFMA', decide: l7(1, EAX, 23) },
  { name: 'LAM', decide: l7(1, EAX, 26) },
  { name: 'AVXVNNIINT8', decide: l7(1, EDX, 4) },
  { name: 'AVXNECONVERT', decide: l7(1, EDX, 5) },
  { name: 'AMXTRANSPOSE', decide: l7(1, EDX, 6) },
  { name: 'AMXTF32', decide: l7(1, EDX, 7) },
  { name: 'AMXCOMPLEX', decide: l7(1, EDX, 8) },
  { name: 'AVXVNNIINT16', decide: l7(1, EDX, 10) },
  { name: 'PREFETCHI', decide: l7(1, EDX, 14) },
  { name: 'AVX10', decide: l7(1, EDX, 19) },
  { name: 'APX_F', decide: l7(1, EDX, 21) },
  // AVX-512 and AMX: only with the OS AVX-512 state gate.
  { name: 'AVX512F', decide: l7avx512(0, EBX, 16) },
  { name: 'AVX512DQ', decide: l7avx512(0, EBX, 17) },
  { name: 'AVX512IFMA', decide: l7avx512(0, EBX, 21) },
  { name: 'AVX512PF', decide: l7avx512(0, EBX, 26) },
  { name: 'AVX512ER', decide: l7avx512(0, EBX, 27) },
  { name: 'AVX512CD', decide: l7avx512(0, EBX, 28) },
  { name: 'AVX512BW', decide: l7avx512(0, EBX, 30) },
  { name: 'AVX512VL', decide: l7avx512(0, EBX, 31) },
  { name: 'AVX512VBMI', decide: l7avx512(0, ECX, 1) },
  { name: 'AMXFP8', decide: l7avx512(0, ECX, 3) },
  { name: 'AVX512VBMI2', decide: l7avx512(0, ECX, 6) },
  { name: 'AVX512VNNI', decide: l7avx512(0, ECX, 11) },
  { name: 'AVX512BITALG', decide: l7avx512(0, ECX, 12) },
  { name: 'AVX512VPOPCNTDQ', decide: l7avx512(0, ECX, 14) },
  { name: 'AVX512VP2INTERSECT', decide: l7avx512(0, EDX, 8) },
  { name: 'AMXBF16', decide: l7avx512(0, EDX, 22) },
  { name: 'AVX512FP16', decide: l7avx512(0, EDX, 23) },
  { name: 'AMXTILE', decide: l7avx512(0, EDX, 24) },
  { name: 'AMXINT8', decide: l7avx512(0, EDX, 25) },
  { name: 'AVX512BF16', decide: l7avx512(1, EAX, 5) },
  { name: 'WRMSRNS', decide: l7avx512(1, EAX, 19) },
  { name: 'AMXFP16', decide: l7avx512(1, EAX, 21) },
  { name: 'MSRLIST', decide: l7avx512(1, EAX, 27) },
  // CPUID.7.2 EDX (PSFD also from 0x80000008 below)
  { name: 'PSFD', decide: or(l7(2, EDX, 0), e88b(28)) },
  { name: 'IDPRED_CTRL', decide: l7(2, EDX, 1) },
  { name: 'RRSBA_CTRL', decide: l7(2, EDX, 2) },
  { name: 'BHI_CTRL', decide: l7(2, EDX, 4) },
  { name: 'MCDT_NO', decide: l7(2, EDX, 5) },
  // Leaves 0x12, 0x19, 0x24 (inside klauspost's max-leaf >= 7 block)
  { name: 'SGXPQC', decide: (c) => c.maxBasic >= 7 && c.has('SGX') && bit(c.dump.get(0x12, 0)[EAX], 12) },
  {
    name: 'KEYLOCKERW',
    decide: (c) => c.has('KEYLOCKER') && c.maxBasic >= 0x19 && (c.dump.get(0x19, 0)[EBX] & 5) === 5,
  },
  {
    name: 'AVX10_128',
    decide: (c) => c.has('AVX10') && c.maxBasic >= 0x24 && bit(c.dump.get(0x24, 0)[EBX], 16),
  },
  {
    name: 'AVX10_256',
    decide: (c) => c.has('AVX10') && c.maxBasic >= 0x24 && bit(c.dump.get(0x24, 0)[EBX], 17),
  },
  {
    name: 'AVX10_512',
    decide: (c) => c.has('AVX10') && c.maxBasic >= 0x24 && bit(c.dump.get(0x24, 0)[EBX], 18),
  },
  // Leaf 0xD.1
  { name: 'XSAVEOPT', decide: (c) => c.maxBasic >= 0xd && c.has('XSAVE') && bit(c.dump.get(0xd, 1)[EAX], 0) },
  { name: 'XSAVEC', decide: (c) => c.maxBasic >= 0xd && c.has('XSAVE') && bit(c.dump.get(0xd, 1)[EAX], 1) },
  { name: 'XGETBV1', decide: (c) => c.maxBasic >= 0xd && c.has('XSAVE') && bit(c.dump.get(0xd, 1)[EAX], 2) },
  { name: 'XSAVES', decide: (c) => c.maxBasic >= 0xd && c.has('XSAVE') && bit(c.dump.get(0xd, 1)[EAX], 3) },
  // 0x80000001
  { name: 'LZCNT', decide: e81c(5) },
  { name: 'LAHF', decide: e81c(0) },
  { name: 'SVM', decide: e81c(2) },
  { name: 'SSE4A', decide: e81c(6) },
  { name: 'IBS', decide: e81c(10) },
  { name: 'TOPEXT', decide: e81c(22) },
  { name: 'SYSCALL', decide: e81d(11) },
  { name: 'NX', decide: e81d(20) },
  { name: 'MMXEXT', decide: e81d(22) },
  { name: 'RDTSCP', decide: e81d(27) },
  { name: 'AMD3DNOWEXT', decide: e81d(30) },
  { name: 'AMD3DNOW', decide: e81d(31) },
  { name: 'XOP', decide: (c) => c.has('AVX') && e81c(11)(c) },
  { name: 'FMA4', decide: (c) => c.has('AVX') && e81c(16)(c) },
  // 0x80000007
  { name: 'MCAOVERFLOW', decide: (c) => bit(c.ext(0x80000007, EBX), 0) },
  { name: 'SUCCOR', decide: (c) => bit(c.ext(0x80000007, EBX), 1) },
  { name: 'HWA', decide: (c) => bit(c.ext(0x80000007, EBX), 2) },
  { name: 'CPBOOST', decide: (c) => bit(c.ext(0x80000007, EDX), 9) },
  // 0x80000008 EBX
  { name: 'CPPC', decide: e88b(27) },
  { name: 'PPIN', decide: e88b(23) },
  { name: 'TLB_FLUSH_NESTED', decide: e88b(21) },
  { name: 'EFER_LMSLE_UNS', decide: e88b(20) },
  { name: 'IBRS_PROVIDES_SMP', decide: e88b(19) },
  { name: 'IBRS_PREFERRED', decide: e88b(18) },
  { name: 'STIBP_ALWAYSON', decide: e88b(17) },
  { name: 'IBRS', decide: e88b(14) },
  { name: 'INT_WBINVD', decide: e88b(13) },
  { name: 'WBNOINVD', decide: e88b(9) },
  { name: 'MCOMMIT', decide: e88b(8) },
  { name: 'RDPRU', decide: e88b(4) },
  { name: 'INVLPGB', decide: e88b(3) },
  { name: 'MSRIRC', decide: e88b(1) },
  { name: 'CLZERO', decide: e88b(0) },
  // 0x8000000A EDX (SVM)
  { name: 'SVMNP', decide: svm(0) },
  { name: 'LBRVIRT', decide: svm(1) },
  { name: 'SVML', decide: svm(2) },
  { name: 'NRIPS', decide: svm(3) },
  { name: 'TSCRATEMSR', decide: svm(4) },
  { name: 'VMCBCLEAN', decide: svm(5) },
  { name: 'SVMFBASID', decide: svm(6) },
  { name: 'SVMDA', decide: svm(7) },
  { name: 'SVMPF', decide: svm(10) },
  { name: 'SVMPFT', decide: svm(12) },
  // 0x8000001A EAX
  { name: 'FP128', decide: (c) => bit(c.ext(0x8000001a, EAX), 0) },
  { name: 'MOVU', decide: (c) => bit(c.ext(0x8000001a, EAX), 1) },
  { name: 'FP256', decide: (c) => bit(c.ext(0x8000001a, EAX), 2) },
  // 0x8000001B EAX (IBS)
  { name: 'IBSFFV', decide: ibs(0) },
  { name: 'IBSFETCHSAM', decide: ibs(1) },
  { name: 'IBSOPSAM', decide: ibs(2) },
  { name: 'IBSRDWROPCNT', decide: ibs(3) },
  { name: 'IBSOPCNT', decide: ibs(4) },
  { name: 'IBSBRNTRGT', decide: ibs(5) },
  { name: 'IBSOPCNTEXT', decide: ibs(6) },
  { name: 'IBSRIPINVALIDCHK', decide: ibs(7) },
  { name: 'IBS_OPFUSE', decide: ibs(8) },
  { name: 'IBS_FETCH_CTLX', decide: ibs(9) },
  { name: 'IBS_OPDATA4', decide: ibs(10) },
  { name: 'IBS_ZEN4', decide: ibs(11) },
  // 0x8000001F EAX (AMD memory encryption), AMD only
  { name: 'SME', decide: amdMem(0) },
  { name: 'SEV', decide: amdMem(1) },
  { name: 'MSR_PAGEFLUSH', decide: amdMem(2) },
  { name: 'SEV_ES', decide: amdMem(3) },
  { name: 'SEV_SNP', decide: amdMem(4) },
  { name: 'VMPL', decide: amdMem(5) },
  { name: 'SME_COHERENT', decide: amdMem(10) },
  { name: 'SEV_64BIT', decide: amdMem(11) },
  { name: 'SEV_RESTRICTED', decide: amdMem(12) },
  { name: 'SEV_ALTERNATIVE', decide: amdMem(13) },
  { name: 'SEV_DEBUGSWAP', decide: amdMem(14) },
  { name: 'IBS_PREVENTHOST', decide: amdMem(15) },
  { name: 'VTE', decide: amdMem(16) },
  { name: 'VMSA_REGPROT', decide: amdMem(24) },
  // 0x80000021, AMD only
  { name: 'SRSO_MSR_FIX', decide: amd21a(31) },
  { name: 'SRSO_USER_KERNEL_NO', decide: amd21a(30) },
  { name: 'SRSO_NO', decide: amd21a(29) },
  { name: 'IBPB_BRTYPE', decide: amd21a(28) },
  { name: 'SBPB', decide: amd21a(27) },
  { name: 'AVX512BMM', decide: amd21a(23) },
  { name: 'TSA_VERW_CLEAR', decide: amd21a(5) },
  { name: 'TSA_L1_NO', decide: tsaNo(1) },
  { name: 'TSA_SQ_NO', decide: tsaNo(2) },
  // Intel TDX guest: the Hyper-V leaf 0x4000000C (max leaf >= 0x20) or the TDX leaf 0x21 identity.
  {
    name: 'TDX_GUEST',
    decide: (c) =>
      (c.maxBasic >= 0x20 && c.dump.get(0x4000000c)[EBX] === 0xbe3) ||
      (c.maxBasic >= 0x21 &&
        registersAsString(c.dump.get(0x21)[EBX], c.dump.get(0x21)[EDX], c.dump.get(0x21)[ECX]) ===
          'IntelTDX    '),
  },
  // Leaf 0xA fixed performance counters.
  { name: 'PMU_FIXEDCOUNTER_INSTRUCTIONS', decide: pmu(0) },
  { name: 'PMU_FIXEDCOUNTER_CYCLES', decide: pmu(1) },
  { name: 'PMU_FIXEDCOUNTER_REFCYCLES', decide: pmu(2) },
  { name: 'PMU_FIXEDCOUNTER_TOPDOWN_SLOTS', decide: pmu(3) },
];

/** Every x86 name klauspost can report (TBM is defined but never set), for docs and tests. */
export const X86_FLAG_NAMES: readonly string[] = [...X86_FLAG_RULES.map((r) => r.name), 'TBM'].sort();

/** klauspost `support()`: the names of every detected feature (NFD's `cpuid.CPU.FeatureSet()`). */
export function decideX86Flags(dump: CpuidDump): Set<string> {
  const out = new Set<string>();
  const maxBasic = dump.get(0)[EAX] >>> 0;
  // klauspost returns an empty set when the max basic leaf is < 1.
  if (maxBasic < 1) return out;
  const maxExt = dump.get(0x80000000)[EAX] >>> 0;
  const { family, model } = x86FamilyModel(dump);
  const xcr0 = dump.xcr0 ?? 0;
  const ctx: FlagContext = {
    dump,
    vendor: x86Vendor(dump).id,
    family,
    model,
    maxBasic,
    maxExt,
    osAvx: (xcr0 & 6) === 6,
    osAvx512: ((xcr0 >>> 5) & 7) === 7 && ((xcr0 >>> 1) & 3) === 3,
    has: (name) => out.has(name),
    basic: (leaf, subleaf, reg) => (maxBasic >= leaf ? dump.get(leaf, subleaf)[reg]! : 0),
    ext: (leaf, reg) => (maxExt >= leaf ? dump.get(leaf)[reg]! : 0),
  };
  for (const rule of X86_FLAG_RULES) if (rule.decide(ctx)) out.add(rule.name);
  return out;
}

const LEVEL1 = ['CMOV', 'CMPXCHG8', 'X87', 'FXSR', 'MMX', 'SSE', 'SSE2'];
const LEVEL2 = [...LEVEL1, 'CX16', 'LAHF', 'POPCNT', 'SSE3', 'SSE4', 'SSE42', 'SSSE3'];
const LEVEL3 = [...LEVEL2, 'AVX', 'AVX2', 'BMI1', 'BMI2', 'F16C', 'FMA3', 'LZCNT', 'MOVBE', 'OSXSAVE'];
const LEVEL4 = [...LEVEL3, 'AVX512F', 'AVX512BW', 'AVX512CD', 'AVX512DQ', 'AVX512VL'];

/** klauspost `X64Level()`: 0 unless SYSEE or SYSCALL, then the highest level whose set is complete. */
export function x64Level(flags: ReadonlySet<string>): number {
  if (!flags.has('SYSEE') && !flags.has('SYSCALL')) return 0;
  const all = (names: string[]) => names.every((n) => flags.has(n));
  if (all(LEVEL4)) return 4;
  if (all(LEVEL3)) return 3;
  if (all(LEVEL2)) return 2;
  if (all(LEVEL1)) return 1;
  return 0;
}

/** NFD's level flags: `X86_64_V1..V<level>` (nothing for level <= 0). */
export function x64LevelFlags(level: number): string[] {
  const out: string[] = [];
  for (let i = 1; i <= level; i++) out.push(`X86_64_V${i}`);
  return out;
}

/** klauspost `supportAVX10()`: leaf 0x24.0 EBX low byte when AVX10 is detected and max leaf >= 0x24. */
export function avx10Level(dump: CpuidDump, flags: ReadonlySet<string>): number {
  if (dump.get(0)[EAX] >>> 0 >= 0x24 && flags.has('AVX10')) return dump.get(0x24, 0)[EBX] & 0xff;
  return 0;
}
