/**
 * NFD's `kernel` source (source/kernel/*.go; NFD v0.19.0 source/kernel/kernel.go): kernel.version, kernel.config,
 * kernel.loadedmodule, kernel.enabledmodule, kernel.selinux, kernel.kvm.
 */
import { gunzipSync } from 'node:zlib';
import type { Features } from '../../core/model/features.ts';
import type { DiscoveryContext, FeatureSource } from '../types.ts';
import { newFeatures, put, setAttributes, setFlags } from './features-builder.ts';
import { FAILED, SourceReader } from './source-reader.ts';

/** NFD's default `sources.kernel.configOpts`: the kconfig options that become labels. */
const LABEL_CONFIG_OPTS = ['NO_HZ', 'NO_HZ_IDLE', 'NO_HZ_FULL', 'PREEMPT'];
const MAX_KCONFIG_BYTES = 64 * 1024 * 1024;

/**
 * kernel.version from the raw osrelease (NFD `parseVersion`): every character outside `[-A-Za-z0-9_.]`
 * becomes `_`, then `-_.` are trimmed from both ends; major/minor/revision are set (possibly "") only
 * when the version regexp matches.
 */
export function parseKernelVersion(osrelease: string): Record<string, string> {
  const full = osrelease.replace(/[^-A-Za-z0-9_.]/g, '_').replace(/^[-_.]+|[-_.]+$/g, '');
  const out: Record<string, string> = { full };
  const m = /^(\d+)(\.(\d+))?(\.(\d+))?(-.*)?$/.exec(full);
  if (m) {
    out.major = m[1] ?? '';
    out.minor = m[3] ?? '';
    out.revision = m[5] ?? '';
  }
  return out;
}

/**
 * Kconfig text → options (NFD kernelutils `ParseKconfig`): lines starting `CONFIG_` with an `=`; value
 * with every leading/trailing `"` stripped. (NFD's "legacy" map for labels is `legacyKconfigValue`.)
 */
export function parseKconfig(text: string): Record<string, string> {
  const raw: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (!line.startsWith('CONFIG_')) continue;
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    let value = line.slice(eq + 1);
    if (value.startsWith('"') || value.endsWith('"')) value = value.replace(/^"+|"+$/g, '');
    put(raw, line.slice('CONFIG_'.length, eq), value);
  }
  return raw;
}

/** The "legacy" kconfig value NFD uses for labels: `y` and `m` become `true`. */
export function legacyKconfigValue(value: string): string {
  return value === 'y' || value === 'm' ? 'true' : value;
}

/** NFD's kconfig search order (kernelutils `ParseKconfig`); `<kver>` is the raw trimmed osrelease. */
export function kconfigCandidates(kver: string | undefined): string[] {
  if (kver === undefined) return ['/proc/config.gz', '/usr/src/linux/.config'];
  return [
    '/proc/config.gz',
    `/usr/src/linux-${kver}/.config`,
    `/usr/src/linux-rt-${kver}/.config`,
    '/usr/src/linux/.config',
    `/usr/lib/modules/${kver}/config`,
    `/usr/lib/ostree-boot/config-${kver}`,
    `/usr/lib/kernel/config-${kver}`,
    `/usr/src/linux-headers-${kver}/.config`,
    `/lib/modules/${kver}/build/.config`, // NFD reads this one without the host prefix
    `/usr/src/linux-rt-headers-${kver}/.config`,
    `/boot/config-${kver}`,
  ];
}

/**
 * Synchronous on purpose: /proc/config.gz is ~25 KiB and inflates in about a millisecond, while the async
 * API takes many thread-pool round trips (measured 15-20 ms); other reads keep running meanwhile.
 */
function gunzipText(bytes: Uint8Array): string {
  return gunzipSync(bytes, { maxOutputLength: MAX_KCONFIG_BYTES }).toString('utf8');
}

async function readKconfig(r: SourceReader, kver: string | undefined): Promise<string | undefined> {
  const paths = kconfigCandidates(kver);
  // One at a time in NFD's order, the first that reads wins: usually the first or second try, and a miss
  // costs one failed open(), cheaper than reading every candidate that exists.
  for (const p of paths) {
    const bytes = await r.bytes(p, { maxBytes: MAX_KCONFIG_BYTES });
    if (bytes === undefined || bytes === FAILED) continue;
    if (!p.endsWith('.gz')) return new TextDecoder().decode(bytes);
    try {
      return gunzipText(bytes);
    } catch (err) {
      r.problem(`${p}: not a valid gzip file (${(err as Error).message})`, p, 'EINVAL');
    }
  }
  r.trace('no kconfig found');
  return undefined;
}

async function discoverKernel(ctx: DiscoveryContext): Promise<Features> {
  const r = new SourceReader(ctx, 'kernel');
  const f = newFeatures();

  // NFD (kernelutils.GetKernelVersion) reads /proc/sys/kernel/osrelease — the `uname -r` string — with no
  // host prefix; we do the same, under --host-root when one is given.
  const osrelease = await r.trimmed('/proc/sys/kernel/osrelease');
  const kver = osrelease;

  // The kernel config (/proc/config.gz: inflate and parse ~10,000 lines) only when kernel.config is
  // wanted: it feeds nothing else.
  const wantsConfig = ctx.wants?.('kernel.config') ?? true;
  if (!wantsConfig) r.trace('kernel.config not needed: kconfig not read');
  const [kconfig, modules, builtin, sysFs, enforce, kvm] = await Promise.all([
    wantsConfig ? readKconfig(r, kver) : undefined,
    r.text('/proc/modules'),
    kver === undefined ? undefined : r.text(`/lib/modules/${kver}/modules.builtin`),
    r.exists('/sys/fs'),
    r.text('/sys/fs/selinux/enforce'),
    r.exists('/sys/devices/virtual/misc/kvm'),
  ]);

  if (osrelease !== undefined) setAttributes(f, 'version', parseKernelVersion(osrelease));
  if (kconfig !== undefined) setAttributes(f, 'config', parseKconfig(kconfig));

  const loaded: string[] = [];
  if (typeof modules === 'string') {
    for (const line of modules.split('\n')) {
      const name = line.trim().split(/\s+/)[0];
      if (name) loaded.push(name);
    }
    setFlags(f, 'loadedmodule', loaded);
  }
  // enabledmodule exists only when modules.builtin reads (NFD v0.19.0 source code (where it differs from NFD's docs)), even if the loaded list is known.
  if (typeof builtin === 'string') {
    const enabled = new Set(loaded);
    for (const line of builtin.split('\n')) {
      const t = line.trim();
      if (!t.endsWith('.ko')) continue;
      const base = t.slice(t.lastIndexOf('/') + 1);
      enabled.add(base.slice(0, -'.ko'.length));
    }
    setFlags(f, 'enabledmodule', enabled);
  }

  if (sysFs === true) {
    if (typeof enforce === 'string') setAttributes(f, 'selinux', { enabled: String(enforce[0] === '1') });
    else if (enforce === undefined) setAttributes(f, 'selinux', { enabled: 'false' });
  }
  if (kvm !== FAILED) setAttributes(f, 'kvm', { enabled: String(kvm) });
  return f;
}

function kernelLabels(features: Features): Record<string, string> {
  const labels: Record<string, string> = {};
  const version = features.attributes?.version?.elements;
  if (version) for (const [k, v] of Object.entries(version)) labels[`version.${k}`] = v;
  const config = features.attributes?.config?.elements;
  if (config) {
    for (const opt of LABEL_CONFIG_OPTS) {
      const v = config[opt];
      if (v !== undefined) labels[`config.${opt}`] = legacyKconfigValue(v);
    }
  }
  if (features.attributes?.selinux?.elements?.enabled === 'true') labels['selinux.enabled'] = 'true';
  return labels;
}

export const kernelSource: FeatureSource = {
  name: 'kernel',
  discover: discoverKernel,
  labels: kernelLabels,
};
