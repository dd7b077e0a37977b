/**
 * `cpu.pstate` (NFD v0.19.0 source/cpu/pstate_amd64.go, NFD pstate_amd64.go), always present: empty on error, on
 * non-amd64, or when intel_pstate is absent or `off`.
 */
import type { DiscoveryContext } from '../../types.ts';
import type { CpuFacts } from './facts.ts';
import { exists, listDir, readFile, statPath } from './read.ts';

const BASE = '/sys/devices/system/cpu';

export async function discoverPstate(
  ctx: DiscoveryContext,
  facts: CpuFacts,
): Promise<Record<string, string>> {
  if (!facts.amd64) return {};
  if (!(await exists(ctx, BASE))) return {};
  const dir = `${BASE}/intel_pstate`;
  if ((await statPath(ctx, dir)) === 'absent') return {};
  const status = await readFile(ctx, `${dir}/status`);
  if (!status.ok) return {};
  const s = status.text.trim();
  if (s === 'off') return {};
  const out: Record<string, string> = { status: s };
  const noTurbo = await readFile(ctx, `${dir}/no_turbo`);
  // NFD looks at the first byte only (NFD v0.19.0 source code (where it differs from NFD's docs) quirk 13); an empty file would crash NFD, we say "false".
  if (noTurbo.ok) out.turbo = noTurbo.text.startsWith('0') ? 'true' : 'false';
  if (s !== 'active') return out;

  const policies = await listDir(ctx, `${BASE}/cpufreq`);
  if (!policies) return out;
  const governors = await Promise.all(
    policies.map(async (p) => {
      const cpus = await readFile(ctx, `${BASE}/cpufreq/${p}/affected_cpus`);
      if (!cpus.ok || cpus.text.trim() === '') return undefined;
      const gov = await readFile(ctx, `${BASE}/cpufreq/${p}/scaling_governor`);
      return gov.ok ? gov.text.trim() : undefined;
    }),
  );
  // The same walk as NFD: skip unusable policies; a differing governor clears the value and stops.
  let scaling = '';
  for (const g of governors) {
    if (g === undefined) continue;
    if (scaling !== '' && scaling !== g) {
      scaling = '';
      break;
    }
    scaling = g;
  }
  if (scaling !== '') out.scaling_governor = scaling;
  return out;
}
