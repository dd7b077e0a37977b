/**
 * The last-resort x86 path: NFD (klauspost/cpuid) flag names from the kernel's `/proc/cpuinfo` `flags`,
 * used only when neither the cpuid addon nor `/dev/cpu/0/cpuid` can be used (NFD v0.19.0 source/cpu/cpuid_linux_arm64.go and siblings "TS
 * hint for x86"). It is an approximation, and documented as such:
 *
 * - Names with no cpuinfo counterpart (the flags klauspost/cpuid v2.4.0 `support()` decides from registers alone: FXSROPT's second source aside, e.g.
 *   AVXSLOW, SM3_X86, PMU_FIXEDCOUNTER_*, most SEV_* sub-features, IBS sub-features) are never reported.
 * - `exact: true` entries are the kernel's direct view of one CPUID bit, so they agree with the
 *   instruction unless the kernel was told to mask it (clearcpuid=, noxsave...). `exact: false` entries
 *   are close but not 1:1: the kernel derives them from several bits or vendor logic, or clears them
 *   while CPUID still sets the bit (VMX/SVM or SGX disabled by the firmware, TSX forced off, IBT
 *   without kernel support, MPX, a broken RDRAND).
 * - The kernel only shows `avx`/`avx512*`/`amx_*` when the OS enabled that register state (XCR0), which
 *   is the same gate klauspost applies with XGETBV, so those map directly.
 * - XSAVE and OSXSAVE follow `pni` (the SSE3 bit), not `xsave`: NFD's klauspost v2.4.0 tests
 *   `c&1<<26` / `c&1<<27`, which Go parses as `(c&1)<<26` (see cpuid-flags.ts). The XSAVEOPT/XSAVEC/
 *   XGETBV1/XSAVES rows need `pni` too, because klauspost reads leaf 0xD.1 only when XSAVE is set.
 * - HTT is not the `ht` flag: klauspost sets it only when threads per core > 1, which we take from
 *   cpuinfo's `siblings` / `cpu cores` ratio.
 * - family/model/vendor come from `cpu family`, `model`, `vendor_id` (Linux computes them exactly as
 *   klauspost does). The hypervisor vendor is unknowable here: `hypervisor` present gives `unknown`.
 */

/** One mapping row: NFD name ⇐ all of `cpuinfo` (and any of `anyOf` when given). */
export interface CpuinfoMapping {
  readonly name: string;
  readonly cpuinfo: readonly string[];
  readonly exact: boolean;
}

const m = (name: string, cpuinfo: string | string[], exact = true): CpuinfoMapping => ({
  name,
  cpuinfo: Array.isArray(cpuinfo) ? cpuinfo : [cpuinfo],
  exact,
});

/** NFD name ⇐ every listed cpuinfo flag present. Alternatives for one name are separate rows. */
export const CPUINFO_FLAG_MAP: readonly CpuinfoMapping[] = [
  m('X87', 'fpu'),
  m('CMPXCHG8', 'cx8'),
  m('SYSEE', 'sep'),
  m('CMOV', 'cmov'),
  m('MMX', 'mmx'),
  m('FXSR', 'fxsr'),
  m('FXSROPT', 'sse', false),
  m('FXSROPT', 'fxsr_opt', false),
  m('SSE', 'sse'),
  m('SSE2', 'sse2'),
  m('SSE3', 'pni'),
  m('CLMUL', 'pclmulqdq'),
  m('VMX', 'vmx', false),
  m('SSSE3', 'ssse3'),
  m('FMA3', ['fma', 'xsave']),
  m('CX16', 'cx16'),
  m('SSE4', 'sse4_1'),
  m('SSE42', 'sse4_2'),
  m('MOVBE', 'movbe'),
  m('POPCNT', 'popcnt'),
  m('POPCNT', 'abm'),
  m('AESNI', 'aes'),
  m('XSAVE', 'pni'),
  m('OSXSAVE', 'pni'),
  m('F16C', 'f16c'),
  m('RDRAND', 'rdrand', false),
  m('HYPERVISOR', 'hypervisor'),
  m('AVX', 'avx'),
  m('AVX2', ['avx', 'avx2']),
  m('BMI1', 'bmi1'),
  m('BMI2', ['bmi1', 'bmi2']),
  m('SGX', 'sgx', false),
  m('HLE', 'hle', false),
  m('ERMS', 'erms'),
  m('RTM', 'rtm', false),
  m('MPX', 'mpx', false),
  m('RDSEED', 'rdseed'),
  m('ADX', 'adx'),
  m('SHA', 'sha_ni'),
  m('AVX512F', 'avx512f'),
  m('AVX512DQ', 'avx512dq'),
  m('AVX512IFMA', 'avx512ifma'),
  m('AVX512PF', 'avx512pf'),
  m('AVX512ER', 'avx512er'),
  m('AVX512CD', 'avx512cd'),
  m('AVX512BW', 'avx512bw'),
  m('AVX512VL', 'avx512vl'),
  m('AVX512VBMI', 'avx512vbmi'),
  m('AVX512VBMI2', 'avx512_vbmi2'),
  m('AVX512VNNI', 'avx512_vnni'),
  m('AVX512BITALG', 'avx512_bitalg'),
  m('AVX512VPOPCNTDQ', 'avx512_vpopcntdq'),
  m('AVX512VP2INTERSECT', 'avx512_vp2intersect'),
  m('AVX512BF16', 'avx512_bf16'),
  m('AVX512FP16', 'avx512_fp16'),
  m('AMXBF16', 'amx_bf16'),
  m('AMXTILE', 'amx_tile'),
  m('AMXINT8', 'amx_int8'),
  m('AMXFP16', 'amx_fp16'),
  m('WRMSRNS', 'wrmsrns'),
  m('WAITPKG', 'waitpkg'),
  m('CETSS', 'user_shstk', false),
  m('GFNI', 'gfni'),
  m('VAES', 'vaes'),
  m('VPCLMULQDQ', 'vpclmulqdq'),
  m('TME', 'tme'),
  m('CLDEMOTE', 'cldemote'),
  m('MOVDIRI', 'movdiri'),
  m('MOVDIR64B', 'movdir64b'),
  m('ENQCMD', 'enqcmd'),
  m('SGXLC', 'sgx_lc', false),
  m('FSRM', 'fsrm'),
  m('SRBDS_CTRL', 'srbds_ctrl'),
  m('MD_CLEAR', 'md_clear'),
  m('SERIALIZE', 'serialize'),
  m('HYBRID_CPU', 'hybrid_cpu'),
  m('TSXLDTRK', 'tsxldtrk'),
  m('PCONFIG', 'pconfig'),
  m('CETIBT', 'ibt', false),
  m('IBPB', 'ibpb', false),
  m('STIBP', 'stibp', false),
  m('FLUSH_L1D', 'flush_l1d'),
  m('IA32_ARCH_CAP', 'arch_capabilities'),
  m('SPEC_CTRL_SSBD', 'ssbd', false),
  m('AVXVNNI', ['avx', 'avx_vnni']),
  m('LAM', 'lam'),
  m('XSAVEOPT', ['xsaveopt', 'pni']),
  m('XSAVEC', ['xsavec', 'pni']),
  m('XGETBV1', ['xgetbv1', 'pni']),
  m('XSAVES', ['xsaves', 'pni']),
  m('LZCNT', 'abm'),
  m('LAHF', 'lahf_lm'),
  m('SVM', 'svm', false),
  m('SSE4A', 'sse4a'),
  m('IBS', 'ibs'),
  m('TOPEXT', 'topoext'),
  m('XOP', ['avx', 'xop']),
  m('FMA4', ['avx', 'fma4']),
  m('SYSCALL', 'syscall'),
  m('NX', 'nx'),
  m('MMXEXT', 'mmxext'),
  m('RDTSCP', 'rdtscp'),
  m('AMD3DNOWEXT', '3dnowext'),
  m('AMD3DNOW', '3dnow'),
  m('CPBOOST', 'cpb'),
  m('CLZERO', 'clzero'),
  m('RDPRU', 'rdpru'),
  m('WBNOINVD', 'wbnoinvd'),
  m('IBRS', 'ibrs', false),
  m('PPIN', 'amd_ppin'),
  m('CPPC', 'cppc'),
  m('SVMNP', ['svm', 'npt'], false),
  m('LBRVIRT', ['svm', 'lbrv'], false),
  m('SVML', ['svm', 'svm_lock'], false),
  m('NRIPS', ['svm', 'nrip_save'], false),
  m('TSCRATEMSR', ['svm', 'tsc_scale'], false),
  m('VMCBCLEAN', ['svm', 'vmcb_clean'], false),
  m('SVMFBASID', ['svm', 'flushbyasid'], false),
  m('SVMDA', ['svm', 'decodeassists'], false),
  m('SVMPF', ['svm', 'pausefilter'], false),
  m('SVMPFT', ['svm', 'pfthreshold'], false),
  m('SME', 'sme', false),
  m('SEV', 'sev', false),
  m('SEV_ES', 'sev_es', false),
  m('SEV_SNP', 'sev_snp', false),
  m('TDX_GUEST', 'tdx_guest'),
];

/** The facts of the first processor block of /proc/cpuinfo. */
export interface CpuinfoFacts {
  vendorId?: string;
  family?: number;
  model?: number;
  siblings?: number;
  cpuCores?: number;
  flags: Set<string>;
}

/** Parses the first processor block ("key\t: value" lines up to the first blank line). */
export function parseCpuinfo(text: string): CpuinfoFacts {
  const facts: CpuinfoFacts = { flags: new Set() };
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      if (facts.vendorId !== undefined || facts.flags.size > 0) break;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const k = line.slice(0, colon).trim();
    const v = line.slice(colon + 1).trim();
    const int = (s: string) => (/^\d+$/.test(s) ? Number(s) : undefined);
    switch (k) {
      case 'vendor_id':
        facts.vendorId = v;
        break;
      case 'cpu family':
        facts.family = int(v);
        break;
      case 'model':
        facts.model = int(v);
        break;
      case 'siblings':
        facts.siblings = int(v);
        break;
      case 'cpu cores':
        facts.cpuCores = int(v);
        break;
      case 'flags':
        for (const f of v.split(/\s+/)) if (f) facts.flags.add(f);
        break;
    }
  }
  return facts;
}

/** NFD names from cpuinfo flags (see the file comment for what cannot be reproduced). */
export function flagsFromCpuinfo(facts: CpuinfoFacts): Set<string> {
  const out = new Set<string>();
  for (const row of CPUINFO_FLAG_MAP) if (row.cpuinfo.every((f) => facts.flags.has(f))) out.add(row.name);
  const vendor = facts.vendorId;
  // HTT: klauspost requires Intel/AMD, the ht bit and threads per core > 1.
  if (
    (vendor === 'GenuineIntel' || vendor === 'AuthenticAMD') &&
    facts.flags.has('ht') &&
    facts.siblings !== undefined &&
    facts.cpuCores !== undefined &&
    facts.cpuCores > 0 &&
    facts.siblings / facts.cpuCores > 1
  ) {
    out.add('HTT');
  }
  // klauspost reports SME/SEV* (0x8000001F) only for AMD.
  if (vendor !== 'AuthenticAMD') for (const n of ['SME', 'SEV', 'SEV_ES', 'SEV_SNP']) out.delete(n);
  return out;
}

/** The cpuinfo mapping's names that are exact (one CPUID bit, no derivation). */
export const EXACT_CPUINFO_NAMES: ReadonlySet<string> = (() => {
  // One pass each (not a search per entry: this runs at every start of the CLI).
  const derived = new Set(CPUINFO_FLAG_MAP.filter((r) => !r.exact).map((r) => r.name));
  return new Set(CPUINFO_FLAG_MAP.filter((r) => r.exact && !derived.has(r.name)).map((r) => r.name));
})();
