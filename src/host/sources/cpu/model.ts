/**
 * `cpu.model` (NFD v0.19.0 source/cpu/cpu.go `getCPUModel`), always present: `vendor_id`, `family`, `id`, `hypervisor`.
 *
 * Hypervisor, as NFD's `getHypervisor`: if `/proc/sysinfo` exists (s390x) and has a non-empty
 * `Control Program:` value, that value (sanitized); otherwise, when the x86 HYPERVISOR flag is set, the
 * leaf 0x40000000 vendor; otherwise `none`. With only /proc/cpuinfo (no registers) the vendor of a
 * detected hypervisor is unknowable: `unknown`.
 */

import type { DiscoveryContext } from '../../types.ts';
import {
  VENDOR_UNKNOWN,
  vendorFromString,
  x86FamilyModel,
  x86HypervisorName,
  x86Vendor,
} from './cpuid-flags.ts';
import type { CpuFacts } from './facts.ts';
import { arm64HasCpuid } from './hwcap.ts';
import { readTextOr, sanitize } from './read.ts';

/** arm64 MIDR_EL1 implementer → klauspost vendor. */
const ARM_IMPLEMENTERS: Readonly<Record<number, string>> = {
  192: 'Ampere',
  65: 'ARM',
  66: 'Broadcom',
  67: 'Cavium',
  68: 'DEC',
  70: 'Fujitsu',
  73: 'Infineon',
  77: 'Motorola',
  78: 'NVIDIA',
  80: 'AMCC',
  81: 'Qualcomm',
  86: 'Marvell',
  105: 'Intel',
};

/** The raw MIDR_EL1 register of cpu0 as sysfs shows it (the value klauspost reads with MRS). */
export const MIDR_PATH = '/sys/devices/system/cpu/cpu0/regs/identification/midr_el1';

export function arm64Model(midr: number | undefined): { vendor: string; family: number; id: number } {
  if (midr === undefined) return { vendor: VENDOR_UNKNOWN, family: 0, id: 0 };
  return {
    vendor: ARM_IMPLEMENTERS[(midr >>> 24) & 0xff] ?? VENDOR_UNKNOWN,
    family: (midr >>> 16) & 0xff,
    id: midr & 0xffff,
  };
}

/** s390x: vendor_id, the first `identification` and the last `machine` of /proc/cpuinfo. */
export function s390xModel(cpuinfo: string): { vendor?: string; family?: string; id?: string } {
  const out: { vendor?: string; family?: string; id?: string } = {};
  for (const line of cpuinfo.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim();
    const value = line.slice(colon + 1);
    if (key === 'vendor_id' && out.vendor === undefined) out.vendor = value.trim();
    // "processor 0: version = FF,  identification = 0133E8,  machine = 8561"
    if (key.startsWith('processor')) {
      for (const part of value.split(',')) {
        const eq = part.indexOf('=');
        if (eq < 0) continue;
        const k = part.slice(0, eq).trim();
        const v = part.slice(eq + 1).trim();
        if (k === 'identification' && out.family === undefined && v !== '') out.family = v;
        if (k === 'machine' && v !== '') out.id = v;
      }
    }
  }
  return out;
}

/** The `Control Program:` value of /proc/sysinfo, sanitized; undefined when there is none. */
export function hypervisorFromSysinfo(sysinfo: string): string | undefined {
  for (const line of sysinfo.split('\n')) {
    if (line.includes('Control Program:')) {
      const value = line.slice(line.indexOf(':') + 1).trim();
      return value === '' ? undefined : sanitize(value);
    }
  }
  return undefined;
}

export async function discoverModel(ctx: DiscoveryContext, facts: CpuFacts): Promise<Record<string, string>> {
  let vendor = VENDOR_UNKNOWN;
  let family = '0';
  let id = '0';
  if (facts.amd64) {
    if (facts.dump) {
      vendor = x86Vendor(facts.dump).id;
      const fm = x86FamilyModel(facts.dump);
      family = String(fm.family);
      id = String(fm.model);
    } else if (facts.cpuinfo) {
      vendor = vendorFromString(facts.cpuinfo.vendorId ?? '');
      family = String(facts.cpuinfo.family ?? 0);
      id = String(facts.cpuinfo.model ?? 0);
    }
  } else if (facts.arch === 'arm64') {
    let midr: number | undefined;
    if (facts.hwcaps && arm64HasCpuid(facts.hwcaps)) {
      const text = await readTextOr(ctx, MIDR_PATH);
      const t = text?.trim();
      if (t && /^(0x)?[0-9a-fA-F]{1,16}$/.test(t))
        midr = Number(BigInt(t.startsWith('0x') ? t : `0x${t}`) & 0xffffffffn);
    }
    const m = arm64Model(midr);
    vendor = m.vendor;
    family = String(m.family);
    id = String(m.id);
  } else if (facts.arch === 's390x' && facts.cpuinfoText !== undefined) {
    const m = s390xModel(facts.cpuinfoText);
    if (m.vendor) vendor = sanitize(m.vendor);
    if (m.family && m.family !== '0') family = m.family;
    if (m.id && m.id !== '0') id = m.id;
  }

  const attrs: Record<string, string> = { vendor_id: vendor, family, id };
  const sysinfo = await readTextOr(ctx, '/proc/sysinfo');
  const fromSysinfo = sysinfo === undefined ? undefined : hypervisorFromSysinfo(sysinfo);
  if (fromSysinfo !== undefined) attrs.hypervisor = fromSysinfo;
  else if (facts.amd64 && facts.x86Flags.has('HYPERVISOR')) {
    attrs.hypervisor = facts.dump ? x86HypervisorName(facts.dump) : 'unknown';
  } else attrs.hypervisor = 'none';
  return attrs;
}
