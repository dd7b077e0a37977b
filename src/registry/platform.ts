/**
 * `--platform os[/arch[/variant]][:os_version]` with NFD's parsing (NFD v0.19.0 cmd/nfd/subcmd/compat/validate-node.go: split at the
 * first ':', then at '/'; one part → arch = the host's GOARCH; more than three parts, an empty OS or an
 * empty architecture are errors) and oras-go's matching (OCI image-spec image-index.md `platform`): os and architecture equal,
 * variant and os.version compared only when requested, requested os.features a subset; an index's
 * FIRST matching entry wins; entries without `platform` never match. As a safe extra, user input such as
 * `x86_64`/`aarch64` is normalised to Go's names first.
 */
import { UsageError } from '../errors.ts';
import type { Platform } from './descriptor.ts';

/** Node's process.arch → Go's GOARCH. */
const NODE_TO_GO_ARCH: Record<string, string> = {
  x64: 'amd64',
  ia32: '386',
  arm64: 'arm64',
  arm: 'arm',
  ppc64: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
  loong64: 'loong64',
  mips: 'mips',
  mipsel: 'mipsle',
};

export function goArch(nodeArch: string): string {
  return NODE_TO_GO_ARCH[nodeArch] ?? nodeArch;
}

const ARCH_ALIASES: Record<string, string> = {
  x86_64: 'amd64',
  'x86-64': 'amd64',
  aarch64: 'arm64',
  i386: '386',
  i686: '386',
  armhf: 'arm',
  armel: 'arm',
};

/**
 * Parses NFD's platform syntax. `hostArch` is Go's name of this host's architecture (see goArch), used
 * when only the OS is given.
 */
export function parsePlatform(input: string, hostArch: string): Platform {
  const colon = input.indexOf(':');
  const spec = colon >= 0 ? input.slice(0, colon) : input;
  const osVersion = colon >= 0 ? input.slice(colon + 1) : '';
  const parts = spec.split('/');
  if (parts.length > 3) {
    throw new UsageError(
      `failed to parse platform "${input}": expected format os[/arch[/variant]]`,
      'E_PLATFORM_INVALID',
    );
  }
  const os = parts[0]!.trim().toLowerCase();
  if (!os) throw new UsageError(`invalid platform "${input}": OS cannot be empty`, 'E_PLATFORM_INVALID');
  let arch = parts.length >= 2 ? parts[1]!.trim().toLowerCase() : hostArch;
  if (!arch)
    throw new UsageError(`invalid platform "${input}": Architecture cannot be empty`, 'E_PLATFORM_INVALID');
  let variant = parts.length === 3 ? parts[2]!.trim() : '';
  if (ARCH_ALIASES[arch]) {
    if (arch === 'armhf' && !variant) variant = 'v7';
    if (arch === 'armel' && !variant) variant = 'v6';
    arch = ARCH_ALIASES[arch]!;
  }
  const p: Platform = { os, architecture: arch };
  if (variant) p.variant = variant;
  if (osVersion) p['os.version'] = osVersion;
  return p;
}

export function formatPlatform(p: Platform): string {
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}${p['os.version'] ? `:${p['os.version']}` : ''}`;
}

/** oras-go's platform.Match(got, want). */
export function platformMatches(candidate: Platform | undefined, wanted: Platform): boolean {
  if (!candidate) return false;
  if (candidate.os !== wanted.os || candidate.architecture !== wanted.architecture) return false;
  if (wanted.variant && candidate.variant !== wanted.variant) return false;
  if (wanted['os.version'] && candidate['os.version'] !== wanted['os.version']) return false;
  const want = wanted['os.features'] ?? [];
  if (want.length) {
    const have = new Set(candidate['os.features'] ?? []);
    if (!want.every((f) => have.has(f))) return false;
  }
  return true;
}
