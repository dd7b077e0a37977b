/**
 * NFD's `pci` source (source/pci/pci.go, utils.go; NFD v0.19.0 source/pci/pci.go): pci.device, one instance per
 * entry of /sys/bus/pci/devices with all five mandatory attributes.
 */
import type { Features } from '../../core/model/features.ts';
import type { DiscoveryContext, FeatureSource } from '../types.ts';
import { newFeatures, setInstances } from './features-builder.ts';
import { SourceReader } from './source-reader.ts';

const DEVICES = '/sys/bus/pci/devices';
const MANDATORY = ['class', 'vendor', 'device', 'subsystem_vendor', 'subsystem_device'];
/** Read only when present; the relative path (slashes included) is the attribute name. */
const OPTIONAL = ['sriov_totalvfs', 'iommu_group/type', 'iommu/intel-iommu/version'];
/** NFD's default `sources.pci` config (labels only). */
const CLASS_WHITELIST = ['03', '0b40', '12'];
const LABEL_FIELDS = ['class', 'vendor'];

/** NFD `readSinglePciAttribute`: strip one leading `0x`, trim; `class` keeps its first 4 characters. */
export function pciAttributeValue(attr: string, raw: string): string {
  let v = (raw.startsWith('0x') ? raw.slice(2) : raw).trim();
  if (attr === 'class' && v.length > 4) v = v.slice(0, 4);
  return v;
}

async function readDevice(r: SourceReader, dev: string): Promise<Record<string, string> | undefined> {
  const dir = `${DEVICES}/${dev}`;
  const [mandatory, optional] = await Promise.all([
    Promise.all(MANDATORY.map((a) => r.text(`${dir}/${a}`))),
    Promise.all(OPTIONAL.map((a) => r.text(`${dir}/${a}`))),
  ]);
  const attrs: Record<string, string> = {};
  for (let i = 0; i < MANDATORY.length; i++) {
    const raw = mandatory[i];
    if (typeof raw !== 'string') {
      // NFD logs the failed read and skips the device (e.g. testdata's incomplete 0000:00:1f.2).
      r.trace(`${dir}: cannot read ${MANDATORY[i]}, device skipped`);
      return undefined;
    }
    attrs[MANDATORY[i]!] = pciAttributeValue(MANDATORY[i]!, raw);
  }
  for (let i = 0; i < OPTIONAL.length; i++) {
    const raw = optional[i];
    if (typeof raw === 'string') attrs[OPTIONAL[i]!] = pciAttributeValue(OPTIONAL[i]!, raw);
  }
  return attrs;
}

async function discoverPci(ctx: DiscoveryContext): Promise<Features> {
  const r = new SourceReader(ctx, 'pci');
  const f = newFeatures();
  const devs = await r.dir(DEVICES);
  if (!Array.isArray(devs)) {
    // NFD: Discover returns an error; pci.device is absent.
    if (devs === undefined) r.problem(`${DEVICES}: ENOENT, no PCI features`, DEVICES, 'ENOENT');
    return f;
  }
  const found = await Promise.all(devs.map((d) => readDevice(r, d)));
  setInstances(
    f,
    'device',
    found.filter((d): d is Record<string, string> => d !== undefined),
  );
  return f;
}

function pciLabels(features: Features): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const dev of features.instances?.device?.elements ?? []) {
    const a = dev.attributes;
    const cls = a.class ?? '';
    if (!CLASS_WHITELIST.some((c) => cls.startsWith(c.toLowerCase()))) continue;
    const name = LABEL_FIELDS.map((k) => a[k] ?? '').join('_');
    labels[`${name}.present`] = 'true';
    // Only the presence of sriov_totalvfs counts here (any value, 0 included; NFD v0.19.0 source code (where it differs from NFD's docs)).
    if ('sriov_totalvfs' in a) labels[`${name}.sriov.capable`] = 'true';
  }
  return labels;
}

export const pciSource: FeatureSource = {
  name: 'pci',
  discover: discoverPci,
  labels: pciLabels,
};
