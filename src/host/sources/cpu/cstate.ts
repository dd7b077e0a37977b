/**
 * `cpu.cstate` (NFD v0.19.0 source/cpu/cstate_amd64.go), amd64. `undefined` = NFD's error case: the feature is absent.
 * Non-amd64: present and empty.
 */
import type { DiscoveryContext } from '../../types.ts';
import type { CpuFacts } from './facts.ts';
import { atoi, exists, readFile, statPath } from './read.ts';

export async function discoverCstate(
  ctx: DiscoveryContext,
  facts: CpuFacts,
): Promise<Record<string, string> | undefined> {
  if (!facts.amd64) return {};
  if (!(await exists(ctx, '/sys/devices/system/cpu'))) return undefined;
  // Only "does not exist" skips; after another stat error NFD goes on to read current_driver.
  if ((await statPath(ctx, '/sys/devices/system/cpu/cpuidle')) === 'absent') return {};
  const driver = await readFile(ctx, '/sys/devices/system/cpu/cpuidle/current_driver');
  if (!driver.ok) return undefined;
  if (driver.text.trim() !== 'intel_idle') return {};
  const max = await readFile(ctx, '/sys/module/intel_idle/parameters/max_cstate');
  if (!max.ok) return undefined;
  const n = atoi(max.text);
  if (n === undefined) return undefined;
  return { enabled: String(n > 0) };
}
