/**
 * `cpu.coprocessor` (NFD v0.19.0 source/cpu/coprocessor_ppc64le.go), always present: on ppc64le `nx_gzip=true` when
 * `/sys/devices/vio/ibm,compression-v1/nx_gzip_caps` exists; empty elsewhere.
 */
import type { DiscoveryContext } from '../../types.ts';
import type { CpuFacts } from './facts.ts';
import { exists } from './read.ts';

export async function discoverCoprocessor(
  ctx: DiscoveryContext,
  facts: CpuFacts,
): Promise<Record<string, string>> {
  if (facts.arch !== 'ppc64' && facts.arch !== 'ppc64le') return {};
  return (await exists(ctx, '/sys/devices/vio/ibm,compression-v1/nx_gzip_caps')) ? { nx_gzip: 'true' } : {};
}
