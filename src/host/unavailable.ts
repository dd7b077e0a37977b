/**
 * Which features discovery could not read, as opposed to features the host does not have. NFD's
 * sources (NFD v0.19.0 source/kernel/kernel.go `Discover`, source/pci/pci.go, source/usb/usb.go, ...)
 * treat an absent file like an empty one: no /proc/modules gives no `kernel.loadedmodule`, no /sys gives
 * an empty `usb.device`. A rule on such a feature then fails although the host may well satisfy it.
 * This module names those features (and why) so the verdict can be `undetermined` instead of
 * `incompatible`.
 */
import type { UnavailableFeature } from '../core/match/explain.ts';
import type { Features } from '../core/model/features.ts';
import type { HostFiles, SourceProblem } from './types.ts';

export type { UnavailableFeature } from '../core/match/explain.ts';

/** Features read from sysfs: without /sys/devices nothing of them is known (an empty list is no answer). */
const SYSFS_FEATURES = [
  'pci.*',
  'usb.*',
  'network.*',
  'storage.*',
  'memory.*',
  'system.dmiid',
  'kernel.selinux',
  'kernel.kvm',
  'cpu.topology',
  'cpu.cstate',
  'cpu.pstate',
] as const;

/** A feature its source produces on every Linux host whose file exists; absent means unreadable. */
interface Expected {
  feature: string;
  source: string;
  /** The host file(s) it is read from, named in the reason. */
  from: string;
}

const EXPECTED: readonly Expected[] = [
  { feature: 'kernel.loadedmodule', source: 'kernel', from: '/proc/modules' },
  { feature: 'kernel.version', source: 'kernel', from: '/proc/sys/kernel/osrelease' },
  {
    feature: 'kernel.config',
    source: 'kernel',
    from: 'a kernel config (/proc/config.gz, /boot/config-<release>, ...)',
  },
  {
    feature: 'kernel.enabledmodule',
    source: 'kernel',
    from: '/lib/modules/<release>/modules.builtin',
  },
  { feature: 'cpu.cpuid', source: 'cpu', from: 'CPUID (or /proc/cpuinfo)' },
  { feature: 'cpu.model', source: 'cpu', from: 'CPUID (or /proc/cpuinfo)' },
  { feature: 'system.osrelease', source: 'system', from: '/etc/os-release' },
];

function has(features: Features, name: string): boolean {
  return (
    Object.hasOwn(features.flags ?? {}, name) ||
    Object.hasOwn(features.attributes ?? {}, name) ||
    Object.hasOwn(features.instances ?? {}, name)
  );
}

/**
 * Whether discovery was asked for `feature` (`wanted` absent: for everything); `source.*` asks whether
 * it was asked for any feature of the source.
 */
export function isWanted(wanted: ReadonlySet<string> | undefined, feature: string): boolean {
  if (wanted === undefined) return true;
  if (!feature.endsWith('.*')) return wanted.has(feature);
  const prefix = feature.slice(0, -1);
  for (const w of wanted) if (w.startsWith(prefix)) return true;
  return false;
}

/**
 * The features discovery could not read. `sources` are the sources that ran; `problems` are theirs;
 * `wanted`, when given, the only features discovery was asked for (the others were not read on
 * purpose). Reads only a directory's existence (`/sys/devices`) besides what discovery already found.
 */
export async function findUnavailable(
  files: HostFiles,
  features: Features,
  sources: readonly string[],
  problems: readonly SourceProblem[],
  wanted?: ReadonlySet<string>,
): Promise<UnavailableFeature[]> {
  const out: UnavailableFeature[] = [];
  const ran = new Set(sources);
  const failed = new Set<string>();
  // A source that failed as a whole contributed nothing.
  for (const p of problems) {
    if (p.message.startsWith('discovery failed') && !failed.has(p.source)) {
      failed.add(p.source);
      out.push({ feature: `${p.source}.*`, reason: `the ${p.source} source failed (${p.message})` });
    }
  }
  const problemFor = (source: string, path: string) =>
    problems.find((p) => p.source === source && p.path !== undefined && p.path === path);
  for (const e of EXPECTED) {
    if (!ran.has(e.source) || failed.has(e.source) || has(features, e.feature)) continue;
    if (!isWanted(wanted, e.feature)) continue;
    const p = problemFor(e.source, e.from);
    out.push({
      feature: e.feature,
      reason: p !== undefined ? `${e.from}: ${p.message}` : `${e.from} could not be read on this host`,
    });
  }
  const sysfsSources = SYSFS_FEATURES.map((f) => f.slice(0, f.indexOf('.')));
  if (sysfsSources.some((s) => ran.has(s) && !failed.has(s))) {
    const kind = await files.kind('/sys/devices').catch(() => undefined);
    if (kind === undefined) {
      for (const f of SYSFS_FEATURES) {
        const source = f.slice(0, f.indexOf('.'));
        if (!ran.has(source) || failed.has(source) || !isWanted(wanted, f)) continue;
        if (out.some((u) => u.feature === f)) continue;
        out.push({
          feature: f,
          reason: 'there is no /sys/devices (sysfs is not mounted or not under the host root)',
        });
      }
    }
  }
  return out;
}
