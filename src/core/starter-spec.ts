/**
 * `imgcompat init`: a starter image-compatibility spec from one host's features: the x86-64
 * micro-architecture level the CPU reaches (NFD's `X86_64_V1..V4` flags of `cpu.cpuid`, NFD v0.19.0
 * source/cpu/cpu.go `getCpuidFlags`), a kernel version range written with the integer `major`/`minor`
 * elements of `kernel.version` (not `full` with `type: version`, which fails on distribution kernel
 * strings such as `5.14.0-427.13.1.el9_4.x86_64`), and the kernel modules and PCI devices the user
 * names, each checked against the host so that the spec holds on it.
 */
import { UsageError } from '../errors.ts';
import type { Features } from './model/features.ts';
import type { FeatureMatcherTerm, GroupRule, MatchAnyElem } from './model/rules.ts';
import type { Spec } from './model/spec.ts';

export interface StarterOptions {
  /** What the features describe (a node name, a file), for the set's description. */
  source: string;
  /** `--module NAME`: kernel modules that must be loaded (`kernel.loadedmodule`). */
  modules?: readonly string[];
  /** `--pci-vendor ID`: a PCI device of this vendor must be present. */
  pciVendors?: readonly string[];
  /** `--pci-device VENDOR:DEVICE`: this PCI device must be present. */
  pciDevices?: readonly string[];
  /** `--kernel-min M.m` (default: the host's major.minor) and `--kernel-max M.m` (default: none). */
  kernelMin?: string;
  kernelMax?: string;
}

export interface StarterSpec {
  spec: Spec;
  /** What was left out and why (printed on stderr). */
  notes: string[];
}

interface KernelVersion {
  major: number;
  minor: number;
}

function parseKernel(flag: string, text: string): KernelVersion {
  const m = /^(\d{1,6})\.(\d{1,6})$/.exec(text);
  if (!m) throw new UsageError(`${flag} ${JSON.stringify(text)}: expected MAJOR.MINOR, e.g. 5.14`);
  return { major: Number(m[1]), minor: Number(m[2]) };
}

function hostKernel(features: Features): KernelVersion | undefined {
  const v = features.attributes?.['kernel.version']?.elements;
  if (v == null) return undefined;
  const major = v.major ?? '';
  const minor = v.minor ?? '';
  if (!/^\d+$/.test(major) || !/^\d+$/.test(minor)) return undefined;
  return { major: Number(major), minor: Number(minor) };
}

function versionTerm(
  major: { op: 'In' | 'Gt' | 'GtLt'; value: number[] },
  minor?: {
    op: 'Ge' | 'Le' | 'GeLe' | 'In';
    value: number[];
  },
): MatchAnyElem {
  const exprs: FeatureMatcherTerm['matchExpressions'] = {
    major: { op: major.op, value: major.value.map(String) },
  };
  if (minor) exprs.minor = { op: minor.op, value: minor.value.map(String) };
  return { matchFeatures: [{ feature: 'kernel.version', matchExpressions: exprs }] };
}

/** `matchAny` branches for `lo <= version <= hi` (hi inclusive of its minor), major.minor integers. */
export function kernelRangeBranches(lo: KernelVersion, hi?: KernelVersion): MatchAnyElem[] {
  if (hi === undefined) {
    const out: MatchAnyElem[] = [versionTerm({ op: 'Gt', value: [lo.major] })];
    out.push(
      lo.minor === 0
        ? versionTerm({ op: 'In', value: [lo.major] })
        : versionTerm({ op: 'In', value: [lo.major] }, { op: 'Ge', value: [lo.minor] }),
    );
    return out;
  }
  if (lo.major === hi.major) {
    const minor =
      lo.minor === hi.minor
        ? { op: 'In' as const, value: [lo.minor] }
        : { op: 'GeLe' as const, value: [lo.minor, hi.minor] };
    return [versionTerm({ op: 'In', value: [lo.major] }, minor)];
  }
  const out: MatchAnyElem[] = [
    lo.minor === 0
      ? versionTerm({ op: 'In', value: [lo.major] })
      : versionTerm({ op: 'In', value: [lo.major] }, { op: 'Ge', value: [lo.minor] }),
  ];
  // Majors strictly between: only when there is one (GtLt needs lo < hi, and an empty range is a lint error).
  if (hi.major - lo.major >= 2) out.push(versionTerm({ op: 'GtLt', value: [lo.major, hi.major] }));
  out.push(versionTerm({ op: 'In', value: [hi.major] }, { op: 'Le', value: [hi.minor] }));
  return out;
}

/** The highest `X86_64_Vn` flag the host has, or undefined (not x86-64, or no level reached). */
export function x86Level(features: Features): string | undefined {
  const flags = features.flags?.['cpu.cpuid']?.elements;
  if (flags == null) return undefined;
  let best = 0;
  for (const name of Object.keys(flags)) {
    const m = /^X86_64_V(\d)$/.exec(name);
    if (m) best = Math.max(best, Number(m[1]));
  }
  return best > 0 ? `X86_64_V${best}` : undefined;
}

function didYouMean(name: string, names: readonly string[]): string {
  const norm = (s: string) => s.toLowerCase().replaceAll('-', '_');
  const near = names.filter((n) => norm(n) === norm(name));
  return near.length > 0 ? `; did you mean ${near.map((n) => JSON.stringify(n)).join(' or ')}?` : '';
}

function pciId(flag: string, text: string): string {
  const id = text.toLowerCase();
  if (!/^[0-9a-f]{4}$/.test(id))
    throw new UsageError(`${flag} ${JSON.stringify(text)}: expected a 4-digit hex ID, e.g. 10de`);
  return id;
}

/** Builds the starter spec; a named module or device the host does not have is a usage error. */
export function starterSpec(features: Features, opts: StarterOptions): StarterSpec {
  const notes: string[] = [];
  const rules: GroupRule[] = [];

  const level = x86Level(features);
  if (level !== undefined) {
    rules.push({
      name: 'cpu-baseline',
      matchFeatures: [{ feature: 'cpu.cpuid', matchExpressions: { [level]: { op: 'Exists' } } }],
    });
  } else {
    notes.push('no X86_64_V* flag in cpu.cpuid (not an x86-64 host?): no CPU baseline rule');
  }

  const host = hostKernel(features);
  const lo = opts.kernelMin !== undefined ? parseKernel('--kernel-min', opts.kernelMin) : host;
  const hi = opts.kernelMax !== undefined ? parseKernel('--kernel-max', opts.kernelMax) : undefined;
  if (lo === undefined) {
    notes.push('no numeric kernel.version major/minor (and no --kernel-min): no kernel rule');
  } else {
    if (hi !== undefined && (hi.major < lo.major || (hi.major === lo.major && hi.minor < lo.minor))) {
      throw new UsageError(`--kernel-max ${opts.kernelMax} is below the minimum ${lo.major}.${lo.minor}`);
    }
    rules.push({ name: 'kernel-version', matchAny: kernelRangeBranches(lo, hi) });
  }

  const modules = [...new Set(opts.modules ?? [])];
  if (modules.length > 0) {
    const loaded = features.flags?.['kernel.loadedmodule']?.elements;
    if (loaded == null) {
      throw new UsageError('--module: these features have no kernel.loadedmodule (no /proc/modules?)');
    }
    const names = Object.keys(loaded);
    const exprs: NonNullable<FeatureMatcherTerm['matchExpressions']> = {};
    for (const m of modules) {
      if (!Object.hasOwn(loaded, m)) {
        throw new UsageError(`--module ${m}: not loaded on ${opts.source}${didYouMean(m, names)}`);
      }
      exprs[m] = { op: 'Exists' };
    }
    rules.push({
      name: 'kernel-modules',
      matchFeatures: [{ feature: 'kernel.loadedmodule', matchExpressions: exprs }],
    });
  }

  const vendors = [...new Set((opts.pciVendors ?? []).map((v) => pciId('--pci-vendor', v)))];
  const devices = [
    ...new Set(
      (opts.pciDevices ?? []).map((d) => {
        const [v, dev, extra] = d.split(':');
        if (v === undefined || dev === undefined || extra !== undefined) {
          throw new UsageError(`--pci-device ${JSON.stringify(d)}: expected VENDOR:DEVICE, e.g. 10de:2330`);
        }
        return `${pciId('--pci-device', v)}:${pciId('--pci-device', dev)}`;
      }),
    ),
  ];
  if (vendors.length + devices.length > 0) {
    const pci = features.instances?.['pci.device']?.elements ?? [];
    const present = pci.map((i) => `${i.attributes?.vendor ?? ''}:${i.attributes?.device ?? ''}`);
    const hostList = [...new Set(present)].sort().join(', ') || 'none';
    for (const v of vendors) {
      if (!present.some((p) => p.startsWith(`${v}:`))) {
        throw new UsageError(
          `--pci-vendor ${v}: no PCI device of this vendor on ${opts.source} (it has ${hostList})`,
        );
      }
      rules.push({
        name: `pci-vendor-${v}`,
        matchFeatures: [{ feature: 'pci.device', matchExpressions: { vendor: { op: 'In', value: [v] } } }],
      });
    }
    for (const d of devices) {
      if (!present.includes(d)) {
        throw new UsageError(`--pci-device ${d}: not present on ${opts.source} (it has ${hostList})`);
      }
      const [v, dev] = d.split(':') as [string, string];
      rules.push({
        name: `pci-device-${v}-${dev}`,
        matchFeatures: [
          {
            feature: 'pci.device',
            matchExpressions: { vendor: { op: 'In', value: [v] }, device: { op: 'In', value: [dev] } },
          },
        ],
      });
    }
  }

  if (rules.length === 0) {
    throw new UsageError(
      `nothing to put in the spec: ${notes.join('; ')}; name what the image needs with --module, --pci-vendor or --kernel-min`,
    );
  }
  return {
    spec: {
      version: 'v1alpha1',
      compatibilities: [
        { description: `Starter spec from ${opts.source}, written by imgcompat init`, rules },
      ],
    },
    notes,
  };
}
