/**
 * NFD's `cpu` feature source (NFD v0.19.0 source/cpu/cpu.go): `cpuid` (flags and, on amd64, attributes), `model`,
 * `cstate`, `pstate`, `rdt`, `security`, `sst`, `topology`, `coprocessor`, and its labels (NFD v0.19.0 source/cpu/cpu.go `GetLabels`).
 *
 * On x86 the CPUID registers come from the native addon, else `/dev/cpu/0/cpuid`, else a documented
 * /proc/cpuinfo mapping (../../native/cpuid-loader.ts); `lastCpuidMethod()` tells which was used. On
 * arm/arm64/ppc64le/s390x the flags come from the auxv hwcaps (hwcap.ts).
 */
import type { AttributeFeatureSet, Features } from '../../../core/model/features.ts';
import type { CpuidLoadOptions } from '../../native/cpuid-loader.ts';
import type { DiscoveryContext, FeatureSource } from '../../types.ts';
import { discoverCoprocessor } from './coprocessor.ts';
import { cpuidAttributes, cpuidFlags } from './cpuid.ts';
import { discoverCstate } from './cstate.ts';
import { gatherCpuFacts } from './facts.ts';
import { type CpuidLabelFilter, type CpuLabelExtras, cpuLabels } from './labels.ts';
import { discoverModel } from './model.ts';
import { discoverPstate } from './pstate.ts';
import { discoverRdt } from './rdt.ts';
import { exists } from './read.ts';
import { discoverSecurity } from './security.ts';
import { discoverSst } from './sst.ts';
import { discoverTopology } from './topology.ts';

export { type CpuidMethod, lastCpuidMethod, readAddonBuildInfo } from '../../native/cpuid-loader.ts';
export { DEFAULT_CPUID_BLACKLIST } from './labels.ts';

export interface CpuSourceOptions {
  /** CPUID method order and addon path (tests simulate a missing addon or /dev/cpu). */
  cpuid?: CpuidLoadOptions;
  /** Label filter for cpuid flags; default none, as `nfd export labels` (NFD v0.19.0 source/source.go). */
  cpuidLabelFilter?: CpuidLabelFilter;
}

const attr = (elements: Record<string, string>): AttributeFeatureSet => ({ elements });

export function createCpuSource(opts: CpuSourceOptions = {}): FeatureSource {
  // Facts for labels that are not features (cpu_atom/cpu_core), keyed by the Features object returned.
  const extras = new WeakMap<Features, CpuLabelExtras>();
  return {
    name: 'cpu',
    async discover(ctx: DiscoveryContext): Promise<Features> {
      const facts = await gatherCpuFacts(ctx, opts.cpuid);
      const [model, cstate, pstate, rdt, security, sst, topology, coprocessor, cpuAtom, cpuCore] =
        await Promise.all([
          discoverModel(ctx, facts),
          discoverCstate(ctx, facts),
          discoverPstate(ctx, facts),
          discoverRdt(ctx, facts),
          discoverSecurity(ctx, facts),
          discoverSst(ctx, facts),
          discoverTopology(ctx),
          discoverCoprocessor(ctx, facts),
          // NFD joins SysfsDir with "sys/devices/cpu_atom/cpus": the doubled /sys/sys is kept (NFD v0.19.0 source code (where it differs from NFD's docs) quirk 7).
          exists(ctx, '/sys/sys/devices/cpu_atom/cpus'),
          exists(ctx, '/sys/sys/devices/cpu_core/cpus'),
        ]);
      const flagElements: Record<string, Record<string, never>> = {};
      for (const f of cpuidFlags(facts)) flagElements[f] = {};
      const attributes: Record<string, AttributeFeatureSet> = {};
      const cpuidAttrs = cpuidAttributes(facts);
      if (cpuidAttrs !== undefined) attributes.cpuid = attr(cpuidAttrs);
      attributes.model = attr(model);
      if (cstate !== undefined) attributes.cstate = attr(cstate);
      attributes.pstate = attr(pstate);
      attributes.rdt = attr(rdt);
      attributes.security = attr(security);
      attributes.sst = attr(sst);
      attributes.topology = attr(topology);
      attributes.coprocessor = attr(coprocessor);
      const features: Features = { flags: { cpuid: { elements: flagElements } }, attributes, instances: {} };
      extras.set(features, { cpuAtom, cpuCore });
      return features;
    },
    labels(features: Features): Record<string, string> {
      return cpuLabels(features, opts.cpuidLabelFilter, extras.get(features));
    },
  };
}

/** The default cpu source (addon → /dev/cpu/0/cpuid → /proc/cpuinfo; labels as `nfd export labels`). */
export const cpuSource: FeatureSource = createCpuSource();
