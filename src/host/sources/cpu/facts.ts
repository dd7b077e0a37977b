/**
 * What the cpu source learns once per discovery and every feature reads: the architecture, the CPUID
 * registers (x86) or auxv hwcaps (other arches), and /proc/cpuinfo. Gathered by `gatherCpuFacts`.
 */
import type { CpuidDump } from '../../native/cpuid-dump.ts';
import { type CpuidLoadOptions, type CpuidMethod, loadCpuid } from '../../native/cpuid-loader.ts';
import type { DiscoveryContext } from '../../types.ts';
import { decideX86Flags } from './cpuid-flags.ts';
import { type CpuinfoFacts, flagsFromCpuinfo, parseCpuinfo } from './cpuinfo-fallback.ts';
import { type Hwcaps, hwcapLayout, parseAuxv } from './hwcap.ts';
import { readBytesOr, readTextOr } from './read.ts';

export interface CpuFacts {
  /** Node arch name of the host ('x64', 'arm64', ...). */
  arch: string;
  /** NFD's amd64 build: the only one with cpuid attributes, cstate, pstate, rdt, sst, x86 security. */
  amd64: boolean;
  /** How CPUID was obtained (x86 only). */
  method?: CpuidMethod;
  /** Raw CPUID registers (x86, methods addon / dev-cpu / fixture). */
  dump?: CpuidDump;
  /** /proc/cpuinfo text: read for s390x, and on x86 only without registers (undefined otherwise). */
  cpuinfoText?: string;
  /** First processor block of /proc/cpuinfo (x86 without registers). */
  cpuinfo?: CpuinfoFacts;
  /** klauspost FeatureSet names (x86), from the registers or the cpuinfo mapping. */
  x86Flags: Set<string>;
  /** AT_HWCAP / AT_HWCAP2 (non-x86 arches NFD has tables for). */
  hwcaps?: Hwcaps;
}

export async function gatherCpuFacts(ctx: DiscoveryContext, opts: CpuidLoadOptions = {}): Promise<CpuFacts> {
  const arch = ctx.host.arch;
  const amd64 = arch === 'x64';
  const facts: CpuFacts = { arch, amd64, x86Flags: new Set() };
  // NFD itself reads /proc/cpuinfo only on s390x (model). We also need it on x86 when there are no
  // registers (the cpuinfo fallback); it can be large on big hosts, so it is read only then.
  // NFD reads it without the host prefix (NFD v0.19.0 pkg/utils/hostpath/hostpath.go); our host files decide the mapping.
  if (amd64) {
    const loaded = await loadCpuid(ctx, opts);
    facts.method = loaded.method;
    if (loaded.dump) {
      facts.dump = loaded.dump;
      facts.x86Flags = decideX86Flags(loaded.dump);
      return facts;
    }
    facts.cpuinfoText = await readTextOr(ctx, '/proc/cpuinfo');
    if (facts.cpuinfoText !== undefined) {
      facts.cpuinfo = parseCpuinfo(facts.cpuinfoText);
      facts.x86Flags = flagsFromCpuinfo(facts.cpuinfo);
    }
    return facts;
  }
  if (arch === 's390x') facts.cpuinfoText = await readTextOr(ctx, '/proc/cpuinfo');
  const layout = hwcapLayout(arch);
  if (layout) {
    const auxv = await readBytesOr(ctx, '/proc/self/auxv');
    if (auxv !== undefined) facts.hwcaps = parseAuxv(auxv, layout.wordSize, layout.littleEndian);
  }
  return facts;
}
