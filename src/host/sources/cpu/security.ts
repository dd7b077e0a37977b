/**
 * `cpu.security` (NFD v0.19.0 source/cpu/security_amd64.go), always present: empty unless amd64 or s390x.
 */
import type { DiscoveryContext } from '../../types.ts';
import type { CpuFacts } from './facts.ts';
import { readFile } from './read.ts';
import { sgxEpcTotal } from './sgx.ts';

/**
 * Misc cgroup capacity of `resource`: `/sys/fs/cgroup/misc.capacity`, or only if that cannot be opened,
 * `/sys/fs/cgroup/misc/misc.capacity`; the first line that STARTS WITH the name (NFD v0.19.0 source code (where it differs from NFD's docs) quirk 14), field 1
 * of a split on single spaces as int64; -1 when not found or not a number (kept as a bigint: int64).
 */
export async function miscCapacity(ctx: DiscoveryContext, resource: string): Promise<bigint> {
  let file = await readFile(ctx, '/sys/fs/cgroup/misc.capacity');
  if (!file.ok) file = await readFile(ctx, '/sys/fs/cgroup/misc/misc.capacity');
  if (!file.ok) return -1n;
  for (const line of file.text.split('\n')) {
    if (!line.startsWith(resource)) continue;
    // Go strconv.ParseInt(s, 10, 64): optional sign, decimal digits, int64 range.
    const field = line.split(' ')[1];
    if (field === undefined || !/^[+-]?\d+$/.test(field)) return -1n;
    const n = BigInt(field);
    return n >= -(2n ** 63n) && n < 2n ** 63n ? n : -1n;
  }
  return -1n;
}

/** kvm_amd module parameter enabled: the file exists and its first byte is `1` or `Y`. */
async function kvmAmdParam(ctx: DiscoveryContext, name: string): Promise<boolean> {
  const r = await readFile(ctx, `/sys/module/kvm_amd/parameters/${name}`);
  return r.ok && (r.text.startsWith('1') || r.text.startsWith('Y'));
}

export async function discoverSecurity(
  ctx: DiscoveryContext,
  facts: CpuFacts,
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  if (facts.arch === 's390x') {
    const r = await readFile(ctx, '/sys/firmware/uv/prot_virt_host');
    if (r.ok && r.text === '1\n') out['se.enabled'] = 'true';
    return out;
  }
  if (!facts.amd64) return out;

  // SGX: needs the EPC sections of CPUID leaf 0x12, so registers (the cpuinfo fallback cannot tell).
  if (facts.dump) {
    const epc = sgxEpcTotal(facts.dump, facts.x86Flags);
    if (epc > 0n) {
      out['sgx.enabled'] = 'true';
      out['sgx.epc'] = epc.toString();
    }
  }

  const tdx = await readFile(ctx, '/sys/module/kvm_intel/parameters/tdx');
  if (tdx.ok && tdx.text === 'Y\n') {
    out['tdx.enabled'] = 'true';
    const keys = await miscCapacity(ctx, 'tdx');
    if (keys > -1n) out['tdx.total_keys'] = keys.toString();
  }
  if (facts.x86Flags.has('TDX_GUEST')) out['tdx.protected'] = 'true';

  if (await kvmAmdParam(ctx, 'sev')) {
    out['sev.enabled'] = 'true';
    const asids = await miscCapacity(ctx, 'sev');
    if (asids > -1n) out['sev.asids'] = asids.toString();
  }
  if (await kvmAmdParam(ctx, 'sev_es')) {
    out['sev.es.enabled'] = 'true';
    const ids = await miscCapacity(ctx, 'sev_es');
    if (ids > -1n) out['sev.encrypted_state_ids'] = ids.toString();
  }
  if (await kvmAmdParam(ctx, 'sev_snp')) out['sev.snp.enabled'] = 'true';
  return out;
}
