/**
 * `cpu.sst` (NFD v0.19.0 source/cpu/power_amd64.go), amd64, always present: `bf.enabled=true` when any CPU's
 * `cpufreq/base_frequency` (kHz) / 1000 exceeds the nominal MHz, which NFD takes as the WHOLE EAX of
 * CPUID leaf 0x16. A base_frequency with nominal 0 is an error (empty map), as are read/parse errors.
 * With no registers (cpuinfo fallback) the nominal frequency is unknown: treated as 0, like NFD would
 * on a CPU without leaf 0x16.
 */
import type { DiscoveryContext } from '../../types.ts';
import type { CpuFacts } from './facts.ts';
import { atoi, listDir, readFile } from './read.ts';

export async function discoverSst(ctx: DiscoveryContext, facts: CpuFacts): Promise<Record<string, string>> {
  if (!facts.amd64) return {};
  // NFD's own pkg/cpuid executes leaf 0x16 with no max-leaf check: the raw register, whole.
  const nominal = facts.dump ? facts.dump.get(0x16)[0] >>> 0 : 0;
  const cpus = await listDir(ctx, '/sys/bus/cpu/devices');
  if (!cpus) return {};
  const reads = await Promise.all(
    cpus.map((c) => readFile(ctx, `/sys/bus/cpu/devices/${c}/cpufreq/base_frequency`)),
  );
  // In directory order, stopping at the first CPU that decides, exactly like NFD's loop.
  for (const r of reads) {
    if (!r.ok) {
      if (r.missing) continue;
      return {};
    }
    const khz = atoi(r.text);
    if (khz === undefined) return {};
    if (nominal === 0) return {};
    if (Math.trunc(khz / 1000) > nominal) return { 'bf.enabled': 'true' };
  }
  return {};
}
