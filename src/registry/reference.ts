/**
 * Image references: the distribution/reference grammar (regexp.go) with Docker's familiar-name
 * normalisation (docker.io default, `index.docker.io` → `docker.io`, `library/` for single-component
 * Docker Hub names, `latest` when neither tag nor digest is given), plus `oci:DIR[:tag|@digest]` for an
 * OCI image layout on disk (as `oras --oci-layout`).
 *
 * NFD (oras-go ParseReference) is stricter — it requires a registry host — so every reference NFD
 * accepts parses here to the same registry/repository/tag/digest, except that `docker.io/x` becomes
 * `docker.io/library/x` as docker pulls it (github.com/distribution/reference normalize.go).
 */
import { UsageError } from '../errors.ts';
import { digestProblem } from './descriptor.ts';
import { REGISTRY_CODES } from './registry-errors.ts';

export interface RemoteReference {
  kind: 'remote';
  /** Registry host[:port] as written (after normalisation), e.g. `docker.io`, `127.0.0.1:5000`, `[::1]:5000`. */
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

export interface LayoutReference {
  kind: 'layout';
  /** The layout directory as written (relative paths resolve against the caller's cwd). */
  dir: string;
  tag?: string;
  digest?: string;
}

export type Reference = RemoteReference | LayoutReference;

export const DEFAULT_REGISTRY = 'docker.io';
export const DEFAULT_TAG = 'latest';
const LEGACY_DEFAULT_REGISTRY = 'index.docker.io';
/** The API host behind `docker.io` (github.com/distribution/reference normalize.go). */
export const DOCKER_HUB_API_HOST = 'registry-1.docker.io';
const NAME_TOTAL_LENGTH_MAX = 255;

// distribution/reference regexp.go, transcribed.
const alphanumeric = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`;
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domainName = `${domainComponent}(?:\\.${domainComponent})*`;
const ipv6address = '\\[(?:[a-fA-F0-9:]+)\\]';
const host = `(?:${domainName}|${ipv6address})`;
const domainAndPort = `${host}(?::[0-9]+)?`;
const TAG_RE = /^[\w][\w.-]{0,127}$/;
const DOMAIN_RE = new RegExp(`^${domainAndPort}$`);
const PATH_COMPONENT_RE = new RegExp(`^${pathComponent}$`);
const IDENTIFIER_RE = /^[a-f0-9]{64}$/;

function invalid(input: string, why: string): UsageError {
  return new UsageError(`invalid image reference "${input}": ${why}`, REGISTRY_CODES.referenceInvalid);
}

/** Parses `oci:DIR[:tag|@digest]` or a registry reference. Throws a UsageError saying what is wrong. */
export function parseReference(input: string): Reference {
  if (input.startsWith('oci:')) return parseLayoutReference(input);
  return parseRemoteReference(input);
}

export function parseLayoutReference(input: string): LayoutReference {
  const rest = input.slice('oci:'.length);
  if (rest === '') throw invalid(input, 'missing the layout directory after "oci:"');
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    const digest = rest.slice(at + 1);
    const problem = digestProblem(digest);
    if (problem) throw invalid(input, `bad digest "${digest}": ${problem}`);
    const dir = rest.slice(0, at);
    if (dir === '') throw invalid(input, 'missing the layout directory before "@"');
    return { kind: 'layout', dir, digest };
  }
  // A tag follows the last ':' when what follows has no '/' (so `oci:./a:b/c` is a directory).
  const colon = rest.lastIndexOf(':');
  if (colon > 0 && !rest.slice(colon + 1).includes('/')) {
    const tag = rest.slice(colon + 1);
    if (!TAG_RE.test(tag)) {
      throw invalid(input, `bad tag "${tag}": tags are 1-128 of [A-Za-z0-9_.-], not starting with . or -`);
    }
    return { kind: 'layout', dir: rest.slice(0, colon), tag };
  }
  return { kind: 'layout', dir: rest };
}

export function parseRemoteReference(input: string): RemoteReference {
  if (input === '') throw invalid(input, 'the reference is empty');
  if (/\s/.test(input)) throw invalid(input, 'it contains white space');
  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    const problem = digestProblem(digest);
    if (problem) throw invalid(input, `bad digest "${digest}": ${problem}`);
  }
  // The tag is after the last ':' that comes after the last '/' (a ':' before it is a port).
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG_RE.test(tag)) {
      throw invalid(
        input,
        tag === ''
          ? 'empty tag after ":"'
          : `bad tag "${tag}": tags are 1-128 of [A-Za-z0-9_.-], not starting with . or -`,
      );
    }
  }
  if (rest === '') throw invalid(input, 'missing repository name');
  // splitDockerDomain: a first component with '.' or ':' , "localhost", or upper case is a host.
  const slash = rest.indexOf('/');
  let registry: string;
  let repository: string;
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  if (
    slash < 0 ||
    (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first && !first.startsWith('['))
  ) {
    registry = DEFAULT_REGISTRY;
    repository = rest;
  } else {
    registry = first;
    repository = rest.slice(slash + 1);
  }
  if (registry === LEGACY_DEFAULT_REGISTRY) registry = DEFAULT_REGISTRY;
  if (!DOMAIN_RE.test(registry)) {
    throw invalid(input, `bad registry host "${registry}"`);
  }
  const badPort = portProblem(registry);
  if (badPort) throw invalid(input, badPort);
  if (repository === '') throw invalid(input, 'missing repository name after the registry');
  if (registry === DEFAULT_REGISTRY && !repository.includes('/')) repository = `library/${repository}`;
  if (IDENTIFIER_RE.test(input)) {
    throw invalid(input, 'a repository name cannot be a 64-digit hexadecimal string');
  }
  for (const component of repository.split('/')) {
    if (PATH_COMPONENT_RE.test(component)) continue;
    if (component === '') throw invalid(input, `empty path component in repository "${repository}"`);
    if (component.toLowerCase() !== component || /[A-Z]/.test(component)) {
      throw invalid(input, `repository name "${repository}" must be lower-case`);
    }
    throw invalid(
      input,
      `bad repository path component "${component}": lower-case letters and digits, separated by ".", "_", "__" or "-"`,
    );
  }
  if (registry.length + 1 + repository.length > NAME_TOTAL_LENGTH_MAX) {
    throw invalid(input, `the name is longer than ${NAME_TOTAL_LENGTH_MAX} characters`);
  }
  const ref: RemoteReference = { kind: 'remote', registry, repository };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  if (tag === undefined && digest === undefined) ref.tag = DEFAULT_TAG;
  return ref;
}

/** True for a registry host[:port] as the reference grammar has it (no scheme, user-info or path). */
export function isRegistryHost(s: string): boolean {
  return DOMAIN_RE.test(s) && portProblem(s) === undefined;
}

/**
 * The grammar allows any digits after the host; a TCP port is 1-65535 (URL parsing refuses the rest with
 * a bare "Invalid URL", so it is said here, naming the port).
 */
export function portProblem(hostPort: string): string | undefined {
  const m = /:([0-9]+)$/.exec(hostPort);
  if (!m) return undefined;
  const port = Number(m[1]);
  return port >= 1 && port <= 65535 ? undefined : `bad port ${m[1]!.slice(0, 20)}: ports are 1 to 65535`;
}

/** The host[:port] the HTTP API is served from (`docker.io` → `registry-1.docker.io`). */
export function apiHost(registry: string): string {
  return registry === DEFAULT_REGISTRY ? DOCKER_HUB_API_HOST : registry;
}

/** What to put in a manifest URL: the digest when given (a tag beside it is ignored, as oras-go does). */
export function manifestReference(ref: { tag?: string; digest?: string }): string {
  return ref.digest ?? ref.tag ?? DEFAULT_TAG;
}

export function formatReference(ref: Reference): string {
  const base = ref.kind === 'layout' ? `oci:${ref.dir}` : `${ref.registry}/${ref.repository}`;
  return `${base}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/** `registry/repository` or `oci:DIR` — the repository part alone. */
export function formatRepository(ref: Reference): string {
  return ref.kind === 'layout' ? `oci:${ref.dir}` : `${ref.registry}/${ref.repository}`;
}

/** Host name without port or IPv6 brackets, for loopback checks. */
export function hostname(registry: string): string {
  if (registry.startsWith('[')) return registry.slice(1, registry.indexOf(']'));
  const colon = registry.lastIndexOf(':');
  return colon >= 0 ? registry.slice(0, colon) : registry;
}
