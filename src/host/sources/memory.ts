/**
 * NFD's `memory` source (source/memory/memory.go; NFD v0.19.0 source/memory/memory.go): memory.numa, memory.swap,
 * memory.nv, memory.hugepages.
 */
import type { Features } from '../../core/model/features.ts';
import type { DiscoveryContext, FeatureSource } from '../types.ts';
import { newFeatures, setAttributes, setInstances } from './features-builder.ts';
import { FAILED, SourceReader } from './source-reader.ts';

const BINARY_SUFFIXES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

/**
 * `<N>Ki` as Kubernetes' canonical `resource.Quantity` string (BinarySI): the largest power of 1024 that
 * divides the byte count exactly (`2048` → `2Mi`, `1048576` → `1Gi`, `64` → `64Ki`). Returns undefined
 * for a size that is not a plain decimal integer (NFD logs and skips such a directory).
 */
export function hugepageSizeKey(kib: string): string | undefined {
  if (!/^\d+$/.test(kib)) return undefined;
  let bytes = BigInt(kib) * 1024n;
  if (bytes === 0n) return '0';
  let exp = 0;
  while (exp < BINARY_SUFFIXES.length - 1 && bytes % 1024n === 0n) {
    bytes /= 1024n;
    exp++;
  }
  return `${bytes}${BINARY_SUFFIXES[exp]}`;
}

/** Go `strconv.Atoi(s)` succeeding with a value > 0. */
function isPositiveInt(s: string): boolean {
  return /^[+-]?\d+$/.test(s) && BigInt(s) > 0n;
}

async function discoverHugepages(r: SourceReader): Promise<Record<string, string> | undefined> {
  const base = '/sys/kernel/mm/hugepages';
  const out: Record<string, string> = { enabled: 'false' };
  const entries = await r.dir(base);
  if (entries === FAILED) return undefined;
  if (entries === undefined) return out;
  const rows = await Promise.all(
    entries.map(async (name) => {
      // NFD walks os.ReadDir entries with IsDir(), which does not follow links.
      const kind = await r.ctx.files.kind(`${base}/${name}`).catch(() => undefined);
      if (kind !== 'dir') return undefined;
      // NFD: TrimRight(TrimPrefix(name, "hugepages-"), "kB") + "Ki", parsed as a resource.Quantity.
      const size = name.replace(/^hugepages-/, '').replace(/[kB]+$/, '');
      const key = hugepageSizeKey(size);
      if (key === undefined) {
        r.trace(`${base}/${name}: not a hugepage size, skipped`);
        return undefined;
      }
      const count = await r.trimmed(`${base}/${name}/nr_hugepages`);
      return [`hugepages-${key}`, count ?? ''] as const;
    }),
  );
  for (const row of rows) {
    if (!row) continue;
    out[row[0]] = row[1];
    if (isPositiveInt(row[1])) out.enabled = 'true';
  }
  return out;
}

async function discoverNv(r: SourceReader): Promise<Record<string, string>[] | undefined> {
  const base = '/sys/bus/nd/devices';
  const entries = await r.dir(base);
  if (entries === FAILED) return undefined;
  if (entries === undefined) return [];
  return Promise.all(
    entries.map(async (name) => {
      const [devtype, mode] = await Promise.all([
        r.trimmed(`${base}/${name}/devtype`),
        r.trimmed(`${base}/${name}/mode`),
      ]);
      const attrs: Record<string, string> = { name };
      if (devtype !== undefined) attrs.devtype = devtype;
      if (mode !== undefined) attrs.mode = mode;
      return attrs;
    }),
  );
}

async function discoverMemory(ctx: DiscoveryContext): Promise<Features> {
  const r = new SourceReader(ctx, 'memory');
  const f = newFeatures();
  const [nodes, swaps, nv, hugepages] = await Promise.all([
    r.dir('/sys/bus/node/devices'),
    // PROC/swaps: the one /proc read NFD does WITH its host prefix (the DaemonSet mounts /host-proc/swaps).
    r.text('/proc/swaps'),
    discoverNv(r),
    discoverHugepages(r),
  ]);
  if (Array.isArray(nodes)) {
    setAttributes(f, 'numa', { is_numa: String(nodes.length > 1), node_count: String(nodes.length) });
  } else if (nodes === undefined) {
    r.trace('/sys/bus/node/devices: absent, memory.numa not set');
  }
  if (typeof swaps === 'string') {
    const lines = swaps.split('\n').filter((l) => l.trim() !== '');
    setAttributes(f, 'swap', { enabled: String(lines.length > 1) });
  }
  if (nv !== undefined) setInstances(f, 'nv', nv);
  if (hugepages !== undefined) setAttributes(f, 'hugepages', hugepages);
  return f;
}

function memoryLabels(features: Features): Record<string, string> {
  const labels: Record<string, string> = {};
  if (features.attributes?.numa?.elements?.is_numa === 'true') labels.numa = 'true';
  // The label key is `swap` (→ memory-swap), not `swap.enabled` as NFD's docs say (NFD v0.19.0 source code (where it differs from NFD's docs)).
  if (features.attributes?.swap?.elements?.enabled === 'true') labels.swap = 'true';
  const nv = features.instances?.nv?.elements ?? [];
  if (nv.length > 0) labels['nv.present'] = 'true';
  if (nv.some((i) => i.attributes.devtype === 'nd_dax')) labels['nv.dax'] = 'true';
  return labels;
}

export const memorySource: FeatureSource = {
  name: 'memory',
  discover: discoverMemory,
  labels: memoryLabels,
};
