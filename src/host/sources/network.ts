/**
 * NFD's `network` source (source/network/network.go; NFD v0.19.0 source/network/network.go): network.device (interfaces
 * with a `device` link: physical) and network.virtual (the rest).
 */
import type { Features, InstanceFeature } from '../../core/model/features.ts';
import type { DiscoveryContext, FeatureSource } from '../types.ts';
import { newFeatures, setInstances } from './features-builder.ts';
import { SourceReader } from './source-reader.ts';

const PHYSICAL_FILES = ['operstate', 'speed', 'device/sriov_numvfs', 'device/sriov_totalvfs', 'mtu'];
const VIRTUAL_FILES = ['operstate', 'speed', 'mtu'];
/** NFD skips these read errors silently (`speed` of a down link gives EINVAL). */
const quiet = (errno: string): boolean => errno === 'EINVAL';

async function readIface(r: SourceReader, name: string, files: string[]): Promise<Record<string, string>> {
  const values = await Promise.all(
    files.map((file) => r.trimmed(`/sys/class/net/${name}/${file}`, { quiet })),
  );
  const attrs: Record<string, string> = { name };
  files.forEach((file, i) => {
    const v = values[i];
    // The attribute is the file's basename: `device/sriov_numvfs` → `sriov_numvfs`.
    if (v !== undefined) attrs[file.slice(file.lastIndexOf('/') + 1)] = v;
  });
  return attrs;
}

async function discoverNetwork(ctx: DiscoveryContext): Promise<Features> {
  const r = new SourceReader(ctx, 'network');
  const f = newFeatures();
  const ifaces = await r.dir('/sys/class/net');
  if (!Array.isArray(ifaces)) {
    // NFD: Discover returns an error and the source publishes no features at all.
    if (ifaces === undefined)
      r.problem('/sys/class/net: ENOENT, no network features', '/sys/class/net', 'ENOENT');
    return f;
  }
  const found = await Promise.all(
    ifaces
      .filter((name) => name !== 'bonding_masters')
      .map(async (name) => {
        const physical = (await r.exists(`/sys/class/net/${name}/device`)) === true;
        return { physical, attrs: await readIface(r, name, physical ? PHYSICAL_FILES : VIRTUAL_FILES) };
      }),
  );
  setInstances(
    f,
    'device',
    found.filter((x) => x.physical).map((x) => x.attrs),
  );
  setInstances(
    f,
    'virtual',
    found.filter((x) => !x.physical).map((x) => x.attrs),
  );
  return f;
}

/** Go `strconv.Atoi` → number, or undefined when it does not parse. */
function atoi(s: string | undefined): number | undefined {
  return s !== undefined && /^[+-]?\d+$/.test(s) ? Number(s) : undefined;
}

function networkLabels(features: Features): Record<string, string> {
  const labels: Record<string, string> = {};
  const devices: InstanceFeature[] = features.instances?.device?.elements ?? [];
  for (const d of devices) {
    if ((atoi(d.attributes.sriov_totalvfs) ?? 0) > 0) labels['sriov.capable'] = 'true';
    if ((atoi(d.attributes.sriov_numvfs) ?? 0) > 0) labels['sriov.configured'] = 'true';
  }
  return labels;
}

export const networkSource: FeatureSource = {
  name: 'network',
  discover: discoverNetwork,
  labels: networkLabels,
};
