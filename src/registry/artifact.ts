/**
 * The compatibility-artifact lifecycle on any Repository (registry or OCI layout): attach, discover, get,
 * remove — and the library entry points the validate commands use (`openRepository`, `fetchNewestSpec`).
 *
 * Discovery follows NFD's client (NFD v0.19.0 pkg/client-nfd/compat/artifact-client/client.go, NFD v0.19.0 pkg/client-nfd/compat/artifact-client/client.go): without --platform the referrers of
 * the reference's own digest (an index for multi-arch tags), with --platform those of the selected
 * per-platform manifest; the newest artifact by `org.opencontainers.image.created` (RFC 3339; NFD's
 * misspelt `oci.opencontainers.image.created` is read when the right key is absent; missing or
 * unparsable = oldest). NFD's unstable tie is made deterministic: among equally new artifacts the one with
 * the smallest digest (byte order) is chosen. Where NFD crashes when the referrers call fails, we raise a
 * RegistryError; no artifact is an ArtifactNotFoundError (exit 5).
 */
import { arch } from 'node:os';
import { isAbsolute, resolve as resolvePath } from 'node:path';
import { ArtifactNotFoundError, InvalidInputError, RegistryError, UsageError } from '../errors.ts';
import { marshal } from '../go/json.ts';
import { formatRfc3339, parseRfc3339 as parseGoRfc3339 } from '../go/time.ts';
import { sortedKeys } from '../go/utf8.ts';
import { credentialLookup, type FlagCredentials } from './auth/credentials.ts';
import type { Platform } from './descriptor.ts';
import {
  type Descriptor,
  describe,
  type ImageIndex,
  type ImageManifest,
  isObject,
  parseJson,
  plainDescriptor,
} from './descriptor.ts';
import { LayoutRepository } from './layout.ts';
import {
  ANNOTATION_CREATED,
  ANNOTATION_CREATED_MISSPELT,
  ANNOTATION_TITLE,
  COMPAT_ARTIFACT_TYPE,
  COMPAT_SPEC_MEDIA_TYPE,
  DOCKER_CONFIG,
  DOCKER_MANIFEST,
  EMPTY_BYTES,
  EMPTY_DIGEST,
  EMPTY_MEDIA_TYPE,
  isIndexType,
  MAX_METADATA_BYTES,
  OCI_CONFIG,
  OCI_MANIFEST,
} from './media-types.ts';
import { formatPlatform, goArch, parsePlatform, platformMatches } from './platform.ts';
import {
  DEFAULT_TAG,
  formatRepository,
  manifestReference,
  parseReference,
  type Reference,
} from './reference.ts';
import { REGISTRY_CODES, registryError, safeRemoteText } from './registry-errors.ts';
import { RegistryClient, type RemoteOptions, RemoteRepository } from './remote.ts';
import type { BrokenReferrer, Repository } from './repository.ts';
import { indexProblem, isStringMap, manifestProblem } from './shape.ts';

export interface RegistryOptions extends Omit<RemoteOptions, 'credentials'> {
  /** NFD's flags: --registry-username with --registry-password-stdin, or --registry-token-stdin. */
  credentials?: FlagCredentials;
  /**
   * Environment for credential files and helpers (DOCKER_CONFIG, REGISTRY_AUTH_FILE, HOME, PATH, ...) and
   * proxies (HTTPS_PROXY, HTTP_PROXY, NO_PROXY: transport/proxy.ts).
   */
  env?: Record<string, string | undefined>;
  /** An auth file (docker config.json format) read instead of the default credential files. */
  registryConfig?: string;
  /** Base for relative `oci:DIR` paths. */
  cwd?: string;
  /** `os[/arch[/variant]][:os_version]` (NFD syntax) or a parsed platform. */
  platform?: string | Platform;
  /** Go name of this host's architecture, used when --platform names only the OS. */
  hostArch?: string;
  /** Reuse one client (token cache, capability state) across calls. */
  client?: RegistryClient;
}

export interface OpenedRepository {
  repository: Repository;
  reference: Reference;
}

/** Opens the repository an image reference (string or parsed) points into. */
export async function openRepository(
  ref: string | Reference,
  opts: RegistryOptions = {},
): Promise<Repository> {
  return (await openReference(ref, opts)).repository;
}

export async function openReference(
  ref: string | Reference,
  opts: RegistryOptions = {},
): Promise<OpenedRepository> {
  const reference = typeof ref === 'string' ? parseReference(ref) : ref;
  if (reference.kind === 'layout') {
    const dir = isAbsolute(reference.dir) ? reference.dir : resolvePath(opts.cwd ?? '.', reference.dir);
    return {
      repository: await LayoutRepository.open(dir, reference.dir, false, opts.signal),
      reference,
    };
  }
  const client = opts.client ?? createClient(opts);
  return { repository: client.repository(reference.registry, reference.repository), reference };
}

export function createClient(opts: RegistryOptions = {}): RegistryClient {
  const { credentials, env, registryConfig, ...rest } = opts;
  return new RegistryClient({
    ...rest,
    ...(env ? { proxyEnv: env } : {}),
    credentials: credentialLookup(env ?? {}, credentials ?? {}, registryConfig),
  });
}

function wantedPlatform(opts: RegistryOptions): Platform | undefined {
  if (!opts.platform) return undefined;
  if (typeof opts.platform !== 'string') return opts.platform;
  return parsePlatform(opts.platform, opts.hostArch ?? goArch(arch()));
}

/**
 * The subject an artifact hangs on: the reference's own manifest (index included) without a platform;
 * with one, the first matching index entry, or the single manifest if its config matches (OCI image-spec image-index.md `platform`).
 */
export async function resolveSubject(
  repo: Repository,
  reference: Reference,
  opts: RegistryOptions = {},
): Promise<Descriptor> {
  const platform = wantedPlatform(opts);
  const target = await defaultReference(repo, reference);
  if (!platform) return plainDescriptor(await repo.resolve(target));
  const { descriptor, bytes } = await repo.fetchManifest(target);
  const m = parseDocument(repo, bytes, `manifest ${descriptor.digest}`);
  if (!isObject(m)) throw badDocument(repo, `manifest ${descriptor.digest}`, 'not a JSON object');
  if (isIndexType(descriptor.mediaType) || Array.isArray(m.manifests)) {
    const problem = indexProblem(m);
    if (problem) throw badDocument(repo, `image index ${descriptor.digest}`, problem);
    const entries = (m as unknown as ImageIndex).manifests;
    const hit = entries.find((e) => platformMatches(e.platform, platform));
    if (!hit) {
      const have = entries.filter((e) => e.platform).map((e) => formatPlatform(e.platform!));
      throw registryError(
        `${repo.name}:${target}: no manifest for platform ${formatPlatform(platform)} (the index has: ${have.join(', ') || 'no platforms'})`,
        { repository: repo.name, reference: target },
        'E_PLATFORM_NOT_FOUND',
      );
    }
    return plainDescriptor(hit);
  }
  // A single manifest: its config says which platform it is (oras-go requires the matching config type).
  const problem = manifestProblem(m);
  if (problem) throw badDocument(repo, `manifest ${descriptor.digest}`, problem);
  const manifest = m as unknown as ImageManifest;
  const configType = descriptor.mediaType === DOCKER_MANIFEST ? DOCKER_CONFIG : OCI_CONFIG;
  if (!manifest.config || manifest.config.mediaType !== configType) {
    throw registryError(
      `${repo.name}:${target}: cannot tell the platform of a manifest whose config is ${manifest.config?.mediaType ?? 'missing'}`,
      { repository: repo.name, reference: target },
      'E_PLATFORM_NOT_FOUND',
    );
  }
  const config = parseDocument(
    repo,
    await repo.fetchBlob(manifest.config, MAX_METADATA_BYTES),
    `config ${manifest.config.digest}`,
  );
  const got = isObject(config)
    ? ({
        os: String(config.os ?? ''),
        architecture: String(config.architecture ?? ''),
        ...(config.variant ? { variant: String(config.variant) } : {}),
        ...(config['os.version'] ? { 'os.version': String(config['os.version']) } : {}),
        ...(Array.isArray(config['os.features']) ? { 'os.features': config['os.features'].map(String) } : {}),
      } satisfies Platform)
    : undefined;
  if (!platformMatches(got, platform)) {
    throw registryError(
      `${repo.name}:${target}: the image is ${got ? formatPlatform(got) : 'of unknown platform'}, not ${formatPlatform(platform)}`,
      { repository: repo.name, reference: target },
      'E_PLATFORM_NOT_FOUND',
    );
  }
  return plainDescriptor(descriptor);
}

/**
 * A manifest, index or config that does not have the shape image-spec gives it: in a layout an invalid
 * input file (exit 3), from a registry a protocol error naming registry and repository (exit 4).
 */
function badDocument(repo: Repository, what: string, problem: string): Error {
  if (repo instanceof LayoutRepository) {
    return new InvalidInputError(`${repo.name}: ${what}: ${problem}`, [], 'E_LAYOUT_INVALID');
  }
  const details = repo instanceof RemoteRepository ? repo.details() : { repository: repo.name };
  return registryError(`${what}: ${problem}`, details, REGISTRY_CODES.protocol);
}

function parseDocument(repo: Repository, bytes: Uint8Array, what: string): unknown {
  try {
    return parseJson(bytes);
  } catch {
    throw badDocument(repo, what, 'not valid UTF-8 JSON');
  }
}

/** For an `oci:DIR` without tag: `latest` if tagged, else the layout's only tag. */
async function defaultReference(repo: Repository, reference: Reference): Promise<string> {
  if (
    reference.kind === 'layout' &&
    !reference.tag &&
    !reference.digest &&
    repo instanceof LayoutRepository
  ) {
    const tags = await repo.tags();
    if (tags.includes(DEFAULT_TAG) || tags.length !== 1) {
      if (!tags.includes(DEFAULT_TAG)) {
        throw registryError(
          `${repo.name}: no tag given and no "latest" tag; tags in the layout: ${tags.join(', ') || 'none'}`,
          { repository: repo.name },
          REGISTRY_CODES.notFound,
        );
      }
      return DEFAULT_TAG;
    }
    return tags[0]!;
  }
  return manifestReference(reference);
}

// ---- ordering -------------------------------------------------------------------------------------------

/** Nanoseconds since the epoch of an RFC 3339 time (as Go's time.Parse), or undefined. */
export function parseRfc3339(s: string | undefined): bigint | undefined {
  return s ? parseGoRfc3339(s) : undefined;
}

/** The created time of an artifact descriptor: the `org.` key, else NFD's documented misspelling. */
export function createdOf(d: Descriptor): bigint | undefined {
  const a = d.annotations ?? {};
  return parseRfc3339(a[ANNOTATION_CREATED]) ?? parseRfc3339(a[ANNOTATION_CREATED_MISSPELT]);
}

/** Newest first; undated last; equal times → smaller digest first (byte order). */
export function sortNewestFirst(list: Descriptor[]): Descriptor[] {
  const keyed = list.map((d) => ({ d, t: createdOf(d) }));
  keyed.sort((x, y) => {
    if (x.t !== y.t) {
      if (x.t === undefined) return 1;
      if (y.t === undefined) return -1;
      return x.t > y.t ? -1 : 1;
    }
    return x.d.digest < y.d.digest ? -1 : x.d.digest > y.d.digest ? 1 : 0;
  });
  return keyed.map((k) => k.d);
}

// ---- discover / get ------------------------------------------------------------------------------------

export interface Discovery {
  repository: Repository;
  reference: Reference;
  subject: Descriptor;
  /** Compatibility artifacts, newest first. */
  artifacts: Descriptor[];
  /** Referrers that may be compatibility artifacts but could not be used (only when others could). */
  warnings: string[];
}

export async function discoverArtifacts(
  ref: string | Reference,
  opts: RegistryOptions = {},
): Promise<Discovery> {
  return discoverIn(await openReference(ref, opts), opts);
}

async function discoverIn(
  { repository, reference }: OpenedRepository,
  opts: RegistryOptions,
): Promise<Discovery> {
  const subject = await resolveSubject(repository, reference, opts);
  const broken: BrokenReferrer[] = [];
  const found = await repository.referrers(subject, COMPAT_ARTIFACT_TYPE, broken);
  const described = broken.map((b) => `referrer ${b.digest}: ${b.problem}`);
  if (found.length === 0 && broken.length > 0) {
    // Not "no artifact" (exit 5): there is one, and it is broken.
    const message = `${repository.name}: no usable compatibility artifact for ${subject.digest}; ${described.join('; ')}`;
    throw repository instanceof LayoutRepository
      ? new InvalidInputError(message, [], 'E_LAYOUT_INVALID')
      : registryError(
          message,
          repository instanceof RemoteRepository ? repository.details() : {},
          REGISTRY_CODES.protocol,
        );
  }
  return {
    repository,
    reference,
    subject,
    artifacts: sortNewestFirst(found),
    warnings: described.map((d) => `${d} (skipped)`),
  };
}

export function noArtifactError(reference: Reference, subject: Descriptor): ArtifactNotFoundError {
  const image = formatRepository(reference);
  return new ArtifactNotFoundError(
    `compatibility artifact not found for ${image}@${subject.digest}; attach one with: imgcompat attach ${formatReferenceForHint(reference)} spec.yaml`,
  );
}

function formatReferenceForHint(r: Reference): string {
  const base = formatRepository(r);
  return r.digest ? `${base}@${r.digest}` : r.tag ? `${base}:${r.tag}` : base;
}

export interface FetchedSpec {
  /** The spec YAML exactly as stored. */
  bytes: Uint8Array;
  /** The artifact manifest's descriptor (with its annotations when known). */
  descriptor: Descriptor;
  /** The layer the spec came from. */
  layer: Descriptor;
  subjectDigest: string;
  /** `registry/repository` or `oci:DIR`. */
  repository: string;
  /** Broken referrers skipped because a valid artifact exists. */
  warnings?: string[];
}

/** Reads an artifact manifest and its spec layer (the spec media type, else layers[0] as NFD does). */
export async function fetchSpecOf(
  repo: Repository,
  artifact: Descriptor,
): Promise<{ bytes: Uint8Array; layer: Descriptor; manifest: ImageManifest }> {
  const { bytes: manifestBytes } = await repo.fetchManifest(artifact);
  let m: unknown;
  try {
    m = parseJson(manifestBytes);
  } catch {
    throw new InvalidInputError(
      `${repo.name}@${artifact.digest}: the artifact manifest is not JSON`,
      [],
      REGISTRY_CODES.artifactInvalid,
    );
  }
  const problem = manifestProblem(m);
  if (problem) {
    throw new InvalidInputError(
      `${repo.name}@${artifact.digest}: the artifact is not an image manifest: ${problem}`,
      [],
      REGISTRY_CODES.artifactInvalid,
    );
  }
  const manifest = m as unknown as ImageManifest;
  const layer = manifest.layers.find((l) => l.mediaType === COMPAT_SPEC_MEDIA_TYPE) ?? manifest.layers[0];
  if (!layer) {
    throw new InvalidInputError(
      `${repo.name}@${artifact.digest}: compatibility layer not found`,
      [],
      REGISTRY_CODES.artifactInvalid,
    );
  }
  const bytes = await repo.fetchBlob(layer, MAX_METADATA_BYTES);
  return { bytes, layer, manifest };
}

/**
 * The newest compatibility spec of an image: resolve (with opts.platform when given), list referrers,
 * pick the newest, fetch manifest and spec blob — all verified. Throws ArtifactNotFoundError (exit 5)
 * when there is none and RegistryError (exit 4) for registry failures.
 */
export async function fetchNewestSpec(
  ref: string | Reference,
  opts: RegistryOptions = {},
): Promise<FetchedSpec> {
  const d = await discoverArtifacts(ref, opts);
  const newest = d.artifacts[0];
  if (!newest) throw noArtifactError(d.reference, d.subject);
  const { bytes, layer } = await fetchSpecOf(d.repository, newest);
  return {
    bytes,
    descriptor: newest,
    layer,
    subjectDigest: d.subject.digest,
    repository: d.repository.name,
    warnings: d.warnings,
  };
}

/** The spec of one artifact chosen by digest (must be a compatibility artifact of this repository). */
export async function fetchSpecByDigest(
  ref: string | Reference,
  digest: string,
  opts: RegistryOptions = {},
): Promise<FetchedSpec> {
  const { repository } = await openReference(ref, opts);
  const { descriptor, bytes: manifestBytes } = await repository.fetchManifest(digest);
  const m = parseDocument(repository, manifestBytes, `manifest ${digest}`);
  if (!isObject(m) || m.artifactType !== COMPAT_ARTIFACT_TYPE) {
    throw new InvalidInputError(
      `${repository.name}@${digest} is not a compatibility artifact (artifactType ${isObject(m) ? safeRemoteText(String(m.artifactType ?? 'missing'), 100) : 'missing'})`,
      [],
      REGISTRY_CODES.artifactInvalid,
    );
  }
  const { bytes, layer } = await fetchSpecOf(repository, descriptor);
  const subject = isObject(m.subject) ? String(m.subject.digest ?? '') : '';
  return {
    bytes,
    descriptor: {
      ...descriptor,
      artifactType: COMPAT_ARTIFACT_TYPE,
      annotations: isStringMap(m.annotations) ? m.annotations : {},
    },
    layer,
    subjectDigest: subject,
    repository: repository.name,
  };
}

// ---- attach --------------------------------------------------------------------------------------------

export interface AttachOptions extends RegistryOptions {
  /** Extra manifest annotations (`--annotation k=v`). A given `org.opencontainers.image.created` must be RFC 3339. */
  annotations?: Record<string, string>;
  /** The created time; default now (UTC, second precision, as oras). */
  created?: Date;
  /** `org.opencontainers.image.title` of the layer (oras: the file name as given). */
  title?: string;
}

export interface AttachResult {
  repository: string;
  subject: Descriptor;
  artifact: Descriptor;
  manifest: Uint8Array;
}

/** Go's json.Marshal of structs (fields in order), so our manifests byte-match what oras would write. */
function goJson(value: unknown): string {
  return marshal(value, { isMap: () => false });
}

function sortedRecord(r: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of sortedKeys(r)) out[k] = r[k]!;
  return out;
}

export const rfc3339Seconds = formatRfc3339;

/** The artifact manifest, field order as oras-go marshals it. */
export function buildArtifactManifest(
  subject: Descriptor,
  spec: Uint8Array,
  opts: { annotations?: Record<string, string>; created?: Date; title?: string } = {},
): { bytes: Uint8Array; descriptor: Descriptor; layer: Descriptor } {
  const annotations: Record<string, string> = { ...(opts.annotations ?? {}) };
  if (annotations[ANNOTATION_CREATED] !== undefined) {
    if (parseRfc3339(annotations[ANNOTATION_CREATED]) === undefined) {
      throw new UsageError(
        `--annotation ${ANNOTATION_CREATED}=${annotations[ANNOTATION_CREATED]}: not an RFC 3339 time`,
      );
    }
  } else {
    annotations[ANNOTATION_CREATED] = rfc3339Seconds(opts.created ?? new Date());
  }
  const layer: Descriptor = {
    ...describe(COMPAT_SPEC_MEDIA_TYPE, spec),
    ...(opts.title ? { annotations: { [ANNOTATION_TITLE]: opts.title } } : {}),
  };
  const manifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType: COMPAT_ARTIFACT_TYPE,
    config: { mediaType: EMPTY_MEDIA_TYPE, digest: EMPTY_DIGEST, size: 2, data: 'e30=' },
    layers: [layer],
    subject: plainDescriptor(subject),
    annotations: sortedRecord(annotations),
  };
  const bytes = new TextEncoder().encode(goJson(manifest));
  const descriptor: Descriptor = {
    ...describe(OCI_MANIFEST, bytes),
    artifactType: COMPAT_ARTIFACT_TYPE,
    annotations: manifest.annotations,
  };
  return { bytes, descriptor, layer };
}

/**
 * Pushes the empty config, the spec layer and the artifact manifest with `subject`; the repository makes it
 * findable (fallback index on registries without the referrers API, verified by re-reading). The spec
 * bytes must already be validated by the caller.
 */
export async function attachSpec(
  ref: string | Reference,
  spec: Uint8Array,
  opts: AttachOptions = {},
): Promise<AttachResult> {
  if (spec.byteLength > MAX_METADATA_BYTES) {
    throw new RegistryError(
      `the spec is ${spec.byteLength} bytes; readers refuse more than ${MAX_METADATA_BYTES}`,
      {},
      REGISTRY_CODES.sizeLimit,
    );
  }
  const { repository, reference } = await openReference(ref, opts);
  if (repository instanceof RemoteRepository) repository.intent = 'push';
  const subject = await resolveSubject(repository, reference, opts);
  const built = buildArtifactManifest(subject, spec, opts);
  await repository.pushBlob({ mediaType: EMPTY_MEDIA_TYPE, digest: EMPTY_DIGEST, size: 2 }, EMPTY_BYTES);
  await repository.pushBlob(built.layer, spec);
  await repository.pushManifest(built.descriptor, built.bytes);
  return { repository: repository.name, subject, artifact: built.descriptor, manifest: built.bytes };
}

// ---- remove --------------------------------------------------------------------------------------------

export interface RemoveOptions extends RegistryOptions {
  digest?: string;
  all?: boolean;
  /** Called with the chosen artifacts before anything is deleted; `false` deletes nothing (dry run, declined). */
  beforeDelete?: (targets: readonly Descriptor[]) => Promise<boolean>;
}

export interface RemoveResult {
  repository: string;
  subject: Descriptor;
  removed: Descriptor[];
}

export async function removeArtifacts(
  ref: string | Reference,
  opts: RemoveOptions = {},
): Promise<RemoveResult> {
  const opened = await openReference(ref, opts);
  if (opened.repository instanceof RemoteRepository) opened.repository.intent = 'delete';
  const d = await discoverIn(opened, opts);
  let targets: Descriptor[];
  if (opts.digest) {
    const hit = d.artifacts.find((a) => a.digest === opts.digest);
    if (!hit) {
      throw new ArtifactNotFoundError(
        `${d.repository.name}@${d.subject.digest} has no compatibility artifact ${opts.digest}` +
          (d.artifacts.length ? `; it has: ${d.artifacts.map((a) => a.digest).join(', ')}` : ''),
      );
    }
    targets = [hit];
  } else if (opts.all) {
    targets = d.artifacts;
  } else if (d.artifacts.length === 1) {
    targets = d.artifacts;
  } else if (d.artifacts.length === 0) {
    targets = [];
  } else {
    throw new UsageError(
      `${d.repository.name}@${d.subject.digest} has ${d.artifacts.length} compatibility artifacts; choose one with --digest or remove all with --all: ${d.artifacts.map((a) => a.digest).join(', ')}`,
    );
  }
  if (targets.length === 0) throw noArtifactError(d.reference, d.subject);
  if (opts.beforeDelete && !(await opts.beforeDelete(targets)))
    return { repository: d.repository.name, subject: d.subject, removed: [] };
  for (const t of targets) await d.repository.deleteManifest(t, d.subject);
  return { repository: d.repository.name, subject: d.subject, removed: targets };
}
