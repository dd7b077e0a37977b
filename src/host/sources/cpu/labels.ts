/**
 * cpu labels (NFD v0.19.0 source/cpu/cpu.go `GetLabels`, NFD source/cpu/cpu.go `GetLabels`). Keys are returned without
 * the `feature.node.kubernetes.io/cpu-` prefix (the worker adds it).
 *
 * The cpuid flag filter: `nfd export labels` never calls SetConfig, so its filter is empty and EVERY
 * flag is labelled (NFD v0.19.0 source/source.go, NFD v0.19.0 source code (where it differs from NFD's docs) quirk 15); that is our default. The worker's default config blacklist is
 * exported for callers that emulate a configured worker.
 */
import { attributeElements, type Features, flagElements } from '../../../core/model/features.ts';

/** NFD's default `sources.cpu.cpuid.attributeBlacklist` (code, not docs: NFD v0.19.0 source code (where it differs from NFD's docs) quirk 3). */
export const DEFAULT_CPUID_BLACKLIST: readonly string[] = [
  'AVX10',
  'BMI1',
  'BMI2',
  'CLMUL',
  'CMOV',
  'CX16',
  'ERMS',
  'F16C',
  'HTT',
  'LZCNT',
  'MMX',
  'MMXEXT',
  'NX',
  'POPCNT',
  'RDRAND',
  'RDSEED',
  'RDTSCP',
  'SGX',
  'SGXLC',
  'SSE',
  'SSE2',
  'SSE3',
  'SSE4',
  'SSE42',
  'SSSE3',
  'TDX_GUEST',
];

export interface CpuidLabelFilter {
  /** When non-empty, only these flags are labelled and the blacklist is ignored. */
  attributeWhitelist?: readonly string[];
  attributeBlacklist?: readonly string[];
}

/** Security attributes published only as features, never as labels. */
const SECURITY_NO_LABEL = new Set(['tdx.total_keys', 'sgx.epc', 'sev.encrypted_state_ids', 'sev.asids']);

/** Extra facts discovery saw that labels need but features do not carry (the cpu_atom/cpu_core files). */
export interface CpuLabelExtras {
  cpuAtom?: boolean;
  cpuCore?: boolean;
}

/** Reads a cpu feature whether the map is keyed `cpuid` (source-local) or `cpu.cpuid` (prefixed). */
function attrs(f: Features, name: string): Record<string, string> | undefined {
  return attributeElements(f, name) ?? attributeElements(f, `cpu.${name}`);
}

export function cpuLabels(
  features: Features,
  filter: CpuidLabelFilter = {},
  extras: CpuLabelExtras = {},
): Record<string, string> {
  const labels: Record<string, string> = {};
  const white = filter.attributeWhitelist ?? [];
  const black = new Set(filter.attributeBlacklist ?? []);
  const unmask = (k: string) => (white.length > 0 ? white.includes(k) : !black.has(k));

  const flags = flagElements(features, 'cpuid') ?? flagElements(features, 'cpu.cpuid') ?? {};
  for (const f of Object.keys(flags)) if (unmask(f)) labels[`cpuid.${f}`] = 'true';
  for (const [k, v] of Object.entries(attrs(features, 'cpuid') ?? {})) labels[`cpuid.${k}`] = v;
  for (const [k, v] of Object.entries(attrs(features, 'model') ?? {})) labels[`model.${k}`] = v;
  for (const [k, v] of Object.entries(attrs(features, 'cstate') ?? {})) labels[`cstate.${k}`] = v;
  for (const [k, v] of Object.entries(attrs(features, 'pstate') ?? {})) labels[`pstate.${k}`] = v;
  for (const [k, v] of Object.entries(attrs(features, 'security') ?? {})) {
    if (!SECURITY_NO_LABEL.has(k)) labels[`security.${k}`] = v;
  }
  for (const [k, v] of Object.entries(attrs(features, 'sst') ?? {})) labels[`power.sst_${k}`] = v;
  const ht = attrs(features, 'topology')?.hardware_multithreading;
  if (ht !== undefined) labels.hardware_multithreading = ht;
  const nx = attrs(features, 'coprocessor')?.nx_gzip;
  if (nx !== undefined) labels['coprocessor.nx_gzip'] = nx;
  if (extras.cpuAtom) labels.cpu_atom = 'true';
  if (extras.cpuCore) labels.cpu_core = 'true';
  return labels;
}
