/**
 * `cpu.rdt` (NFD v0.19.0 source/cpu/rdt_linux_amd64.go), amd64+linux, always present (empty elsewhere).
 *
 * NFD reads the raw CPUID leaves 7/0xF/0x10 (its own pkg/cpuid, no max-leaf check). Without registers
 * (the /proc/cpuinfo fallback) the kernel's flags for the same bits are used: cqm (7.0 EBX[12]),
 * cqm_llc (0xF.0 EDX[1]), cqm_occup_llc / cqm_mbm_total / cqm_mbm_local (0xF.1 EDX[0/1/2]),
 * rdt_a (7.0 EBX[15]), cat_l3 / cat_l2 / mba (0x10.0 EBX[1/2/3]).
 *
 * `RDTL3CA_NUM_CLOSID` = `<resctrl>/info/L3/num_closids` − 1. The resctrl root (runc `intelrdt.Root()`,
 * no host prefix in NFD): `/sys/fs/resctrl` when resctrl is mounted there (we cannot statfs through the
 * host files, so "its info/L3/num_closids exists" stands for the magic-number check), otherwise the
 * mount point of the first `resctrl` entry of /proc/self/mountinfo; `/sys/fs/resctrl` absent → none.
 */
import type { DiscoveryContext } from '../../types.ts';
import type { CpuFacts } from './facts.ts';
import { atoi, exists, readFile, readTextOr } from './read.ts';

interface RdtBits {
  mon: boolean;
  l3mon: boolean;
  cmt: boolean;
  mbmTotal: boolean;
  mbmLocal: boolean;
  alloc: boolean;
  l3ca: boolean;
  l2ca: boolean;
  mba: boolean;
}

function bitsFromFacts(facts: CpuFacts): RdtBits | undefined {
  const bit = (v: number, b: number) => ((v >>> b) & 1) === 1;
  if (facts.dump) {
    const d = facts.dump;
    return {
      mon: bit(d.get(7, 0)[1], 12),
      l3mon: bit(d.get(0xf, 0)[3], 1),
      cmt: bit(d.get(0xf, 1)[3], 0),
      mbmTotal: bit(d.get(0xf, 1)[3], 1),
      mbmLocal: bit(d.get(0xf, 1)[3], 2),
      alloc: bit(d.get(7, 0)[1], 15),
      l3ca: bit(d.get(0x10, 0)[1], 1),
      l2ca: bit(d.get(0x10, 0)[1], 2),
      mba: bit(d.get(0x10, 0)[1], 3),
    };
  }
  const f = facts.cpuinfo?.flags;
  if (!f) return undefined;
  return {
    mon: f.has('cqm'),
    l3mon: f.has('cqm_llc'),
    cmt: f.has('cqm_occup_llc'),
    mbmTotal: f.has('cqm_mbm_total'),
    mbmLocal: f.has('cqm_mbm_local'),
    alloc: f.has('rdt_a'),
    l3ca: f.has('cat_l3'),
    l2ca: f.has('cat_l2'),
    mba: f.has('mba'),
  };
}

/** Decodes the octal escapes (`\040`) the kernel writes in mountinfo paths. */
function unescapeMount(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
}

/** The first mountinfo entry whose filesystem type is `resctrl`: its mount point. */
export function resctrlFromMountinfo(mountinfo: string): string | undefined {
  for (const line of mountinfo.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const fstype = line.slice(sep + 3).split(' ')[0];
    if (fstype !== 'resctrl') continue;
    const fields = line.slice(0, sep).split(' ');
    if (fields[4] !== undefined) return unescapeMount(fields[4]);
  }
  return undefined;
}

async function resctrlRoot(ctx: DiscoveryContext): Promise<string | undefined> {
  if (!(await exists(ctx, '/sys/fs/resctrl'))) return undefined;
  if (await exists(ctx, '/sys/fs/resctrl/info')) return '/sys/fs/resctrl';
  const mountinfo = await readTextOr(ctx, '/proc/self/mountinfo');
  return mountinfo === undefined ? undefined : resctrlFromMountinfo(mountinfo);
}

export async function discoverRdt(ctx: DiscoveryContext, facts: CpuFacts): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  if (!facts.amd64) return out;
  const b = bitsFromFacts(facts);
  if (!b) return out;
  if (b.mon && b.l3mon) {
    out.RDTMON = 'true';
    if (b.cmt) out.RDTCMT = 'true';
    if (b.mbmTotal && b.mbmLocal) out.RDTMBM = 'true';
  }
  if (b.alloc) {
    if (b.l3ca) {
      out.RDTL3CA = 'true';
      const root = await resctrlRoot(ctx);
      if (root !== undefined) {
        const closids = await readFile(ctx, `${root}/info/L3/num_closids`);
        const n = closids.ok ? atoi(closids.text) : undefined;
        if (n !== undefined) out.RDTL3CA_NUM_CLOSID = String(n - 1);
      }
    }
    if (b.l2ca) out.RDTL2CA = 'true';
    if (b.mba) out.RDTMBA = 'true';
  }
  return out;
}
