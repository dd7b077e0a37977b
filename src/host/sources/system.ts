/**
 * NFD's `system` source (source/system/system.go; NFD v0.19.0 source/system/system.go): system.osrelease, system.name,
 * system.dmiid.
 */
import type { Features } from '../../core/model/features.ts';
import type { DiscoveryContext, FeatureSource } from '../types.ts';
import { DMI_ATTRS } from './dmi-attrs.ts';
import { newFeatures, put, setAttributes } from './features-builder.ts';
import { SourceReader } from './source-reader.ts';

const DMI_DIR = '/sys/devices/virtual/dmi/id';

/**
 * os-release text → attributes (NFD `parseOSRelease`): lines matching `^(\w+)=(.+)` (so `FOO=` is
 * skipped), value with leading/trailing `"` and `'` trimmed and no unescaping; the last duplicate wins.
 * `VERSION_ID.major` / `.minor` come from `^(\d+)(\.(\d+))?(\..*)?$` and are set only when non-empty.
 */
export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    // NFD reads lines with bufio.Scanner, which drops one trailing `\r`; Go's `.` matches any other
    // character (JS's `.` would stop at `\r` and U+2028), hence `[^\n]`.
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const m = /^(\w+)=([^\n]+)/.exec(line);
    if (m) put(out, m[1]!, m[2]!.replace(/^["']+|["']+$/g, ''));
  }
  const vid = out.VERSION_ID;
  if (vid !== undefined) {
    const m = /^(\d+)(\.(\d+))?(\..*)?$/.exec(vid);
    if (m) {
      if (m[1]) out['VERSION_ID.major'] = m[1];
      if (m[3]) out['VERSION_ID.minor'] = m[3];
    }
  }
  return out;
}

async function discoverSystem(ctx: DiscoveryContext): Promise<Features> {
  const r = new SourceReader(ctx, 'system');
  const f = newFeatures();
  const [osRelease, dmi] = await Promise.all([
    // NFD reads ETC/os-release only (no fallback to /usr/lib/os-release).
    r.text('/etc/os-release'),
    // Listing the directory first spares 16 failed opens on machines without DMI (VMs, many arm64).
    r
      .dir(DMI_DIR)
      .then((names) =>
        Array.isArray(names)
          ? Promise.all(DMI_ATTRS.map((a) => (names.includes(a) ? r.trimmed(`${DMI_DIR}/${a}`) : undefined)))
          : [],
      ),
  ]);
  setAttributes(f, 'name', { nodename: ctx.host.nodeName ?? '' });
  if (typeof osRelease === 'string') setAttributes(f, 'osrelease', parseOsRelease(osRelease));
  const dmiid: Record<string, string> = {};
  DMI_ATTRS.forEach((a, i) => {
    const v = dmi[i];
    if (v !== undefined) dmiid[a] = v;
  });
  if (Object.keys(dmiid).length > 0) setAttributes(f, 'dmiid', dmiid);
  return f;
}

function systemLabels(features: Features): Record<string, string> {
  const labels: Record<string, string> = {};
  const os = features.attributes?.osrelease?.elements ?? {};
  for (const k of ['ID', 'VERSION_ID', 'VERSION_ID.major', 'VERSION_ID.minor']) {
    const v = os[k];
    if (v !== undefined) labels[`os_release.${k}`] = v;
  }
  return labels;
}

export const systemSource: FeatureSource = {
  name: 'system',
  discover: discoverSystem,
  labels: systemLabels,
};
