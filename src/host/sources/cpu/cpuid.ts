/**
 * `cpu.cpuid` (NFD v0.19.0 source/cpu/cpu.go `getCpuidFlags`; NFD v0.19.0 source/cpu/cpuid_amd64.go).
 * - flags, always present (maybe empty): amd64 → klauspost names + X86_64_V1..Vn; arm/arm64/ppc64le/s390x →
 *   NFD's hwcap names; other arches → empty.
 * - attributes, amd64 only (present, maybe empty): `AVX10_VERSION` when the AVX10 level is > 0.
 */
import { avx10Level, x64Level, x64LevelFlags } from './cpuid-flags.ts';
import type { CpuFacts } from './facts.ts';
import { hwcapFlags } from './hwcap.ts';

export function cpuidFlags(facts: CpuFacts): string[] {
  if (facts.amd64) return [...facts.x86Flags, ...x64LevelFlags(x64Level(facts.x86Flags))];
  if (facts.hwcaps) return hwcapFlags(facts.arch, facts.hwcaps);
  return [];
}

/** `undefined` on non-amd64 (the feature is absent there, as NFD's getCpuidAttributes returns nil). */
export function cpuidAttributes(facts: CpuFacts): Record<string, string> | undefined {
  if (!facts.amd64) return undefined;
  const attrs: Record<string, string> = {};
  if (facts.dump) {
    const level = avx10Level(facts.dump, facts.x86Flags);
    if (level > 0) attrs.AVX10_VERSION = String(level);
  }
  return attrs;
}
