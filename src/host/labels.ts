/**
 * NFD worker's label generation (pkg/nfd-worker `GetFeatureLabels`; NFD v0.19.0 pkg/nfd-worker/nfd-worker.go `getFeatureLabels`) as
 * `nfd export labels` runs it: every label source in (priority, name) order, names of built-in sources
 * prefixed `feature.node.kubernetes.io/<source>-`, invalid names/values dropped, later sources overwrite.
 * `custom` (priority 10) is a label source only; here it runs NFD's two static rules. Rules from
 * custom.d/ and the worker config are not evaluated (they need the rule engine and a config).
 */
import type { Features } from '../core/model/features.ts';
import type { DiscoveryResult } from './discover.ts';
import { selectSources } from './source-selection.ts';
import { SOURCES } from './sources/index.ts';

export const FEATURE_LABEL_NS = 'feature.node.kubernetes.io';
const CUSTOM_PRIORITY = 10;

export interface DroppedLabel {
  name: string;
  value: string;
  reason: string;
}

export interface LabelResult {
  labels: Record<string, string>;
  dropped: DroppedLabel[];
}

const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** k8s `validation.IsQualifiedName`: `[prefix/]name`, prefix a DNS-1123 subdomain (≤253), name ≤63. */
export function isQualifiedName(s: string): boolean {
  const parts = s.split('/');
  let name = s;
  if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0 || prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix)) return false;
  } else if (parts.length > 2) {
    return false;
  }
  return name.length > 0 && name.length <= 63 && LABEL_NAME.test(name);
}

/** k8s `validation.IsValidLabelValue`: empty, or ≤63 characters of the label-name alphabet. */
export function isValidLabelValue(s: string): boolean {
  return s === '' || (s.length <= 63 && LABEL_NAME.test(s));
}

/** NFD custom source's static rules (source/custom/static_rules.go). */
function customStaticLabels(all: Features): Record<string, string> {
  const labels: Record<string, string> = {};
  const pci = all.instances?.['pci.device']?.elements ?? [];
  if (pci.some((d) => d.attributes.vendor === '15b3')) labels['rdma.capable'] = 'true';
  const mods = all.flags?.['kernel.loadedmodule']?.elements;
  if (mods && 'ib_uverbs' in mods && 'rdma_ucm' in mods) labels['rdma.available'] = 'true';
  return labels;
}

/**
 * The label sources a `--sources` list selects (NFD's `-label-sources` syntax): the feature sources'
 * names plus `custom`, which `all` includes.
 */
export function selectLabelSources(list: string | readonly string[] | undefined): string[] {
  return selectSources(list, [
    ...SOURCES.map((e) => ({ name: e.source.name, disableByDefault: e.disableByDefault })),
    { name: 'custom', disableByDefault: false },
  ]).enabled;
}

interface LabelSourceRun {
  name: string;
  priority: number;
  labels: () => Record<string, string>;
}

/**
 * The label map for a discovery result. `labelSources` is the list of label sources to run (NFD's
 * `-label-sources`, already resolved); default: the sources that ran plus `custom`.
 */
export function featureLabels(result: DiscoveryResult, labelSources?: readonly string[]): LabelResult {
  const wanted = new Set(labelSources ?? [...result.sources, 'custom']);
  const runs: LabelSourceRun[] = [];
  for (const e of SOURCES) {
    const name = e.source.name;
    const own = result.bySource[name];
    if (!wanted.has(name) || !own || !e.source.labels) continue;
    const labels = e.source.labels.bind(e.source);
    runs.push({ name, priority: e.labelPriority, labels: () => labels(own) });
  }
  if (wanted.has('custom')) {
    runs.push({
      name: 'custom',
      priority: CUSTOM_PRIORITY,
      labels: () => customStaticLabels(result.features),
    });
  }
  runs.sort((a, b) => a.priority - b.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const out: Record<string, string> = {};
  const dropped: DroppedLabel[] = [];
  for (const run of runs) {
    for (const [key, value] of Object.entries(run.labels())) {
      const name =
        run.name !== 'local' && run.name !== 'custom' && !key.includes('/')
          ? `${FEATURE_LABEL_NS}/${run.name}-${key}`
          : key;
      if (!isQualifiedName(name)) {
        dropped.push({ name, value, reason: 'invalid label name' });
        continue;
      }
      if (!isValidLabelValue(value)) {
        dropped.push({ name, value, reason: 'invalid label value' });
        continue;
      }
      out[name] = value; // a valid label name is never `__proto__` (it must start alphanumeric)
    }
  }
  return { labels: out, dropped };
}
