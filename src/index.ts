/**
 * `imgcompat`: the library behind the CLI, for Node.js. Everything in `imgcompat/core` (load, check,
 * evaluate, render) plus the functions that do I/O: reading the host's features and fetching,
 * attaching and listing compatibility artifacts in registries and OCI layouts.
 *
 * Every I/O function takes an `AbortSignal` (`options.signal`): aborting it rejects the pending call
 * with the signal's reason (a `DOMException` named `AbortError` unless the aborter gave another), closes
 * the connection of a request in flight and ends retry waits, so no work goes on afterwards.
 * Errors are the CLI's classes with stable `code`s; a wrong argument type is a `UsageError`.
 *
 * @packageDocumentation
 */
import { misuse } from './core/api-misuse.ts';
import { type LoadedSpec, loadSpec, type Spec } from './core/index.ts';
import type { Features } from './core/model/features.ts';
import { discoverHost } from './host/discover.ts';
import type { SourceProblem } from './host/types.ts';
import {
  attachSpec as attachToRepository,
  type Descriptor,
  discoverArtifacts,
  fetchNewestSpec,
  type RegistryOptions,
} from './registry/index.ts';
import { ANNOTATION_CREATED } from './registry/media-types.ts';
import { raceAbort, throwIfAborted } from './registry/transport/abort.ts';

export * from './core/index.ts';
export type { SourceProblem } from './host/types.ts';
export type { Descriptor, Platform } from './registry/index.ts';

/** Registry credentials given directly (otherwise Docker/Podman credential files and helpers are used). */
export type RegistryAuth = { username: string; password: string } | { token: string };

/** Options of every registry function. References are `registry/repository[:tag][@digest]` or `oci:DIR[:tag]`. */
export interface RegistryAccessOptions {
  /** Cancels the call: every request, retry wait and layout read stops when it fires. */
  signal?: AbortSignal;
  /** Credentials for the registry; default: the Docker config (`DOCKER_CONFIG`, `~/.docker`) and helpers. */
  auth?: RegistryAuth;
  /** `os[/arch[/variant]][:os_version]`: use this platform's manifest of a multi-platform image. */
  platform?: string;
  /** Talk plain HTTP (a registry named `localhost[:port]` is plain HTTP anyway). */
  plainHttp?: boolean;
  /** HTTPS without certificate verification. */
  insecure?: boolean;
  /** PEM file of CA certificates to trust besides the default ones. */
  caFile?: string;
  /** Deadline of each request attempt, milliseconds (default 30 000). */
  timeoutMs?: number;
  /**
   * Environment for credential files and helpers (`DOCKER_CONFIG`, `HOME`, `PATH`) and proxies
   * (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`); default `process.env`.
   */
  env?: Record<string, string | undefined>;
  /** Base directory of relative `oci:DIR` references; default `process.cwd()`. */
  cwd?: string;
}

/** Options of {@link fetchCompatibilitySpec}. */
export interface FetchSpecOptions extends RegistryAccessOptions {
  /** Keep only the compatibility sets whose `tag` is one of these (`--tags`); empty keeps all. */
  tags?: readonly string[];
}

/** A compatibility spec fetched from an image's newest compatibility artifact. */
export interface FetchedCompatibilitySpec extends LoadedSpec {
  /** The spec's bytes exactly as stored. */
  bytes: Uint8Array;
  /** `registry/repository` or `oci:DIR`. */
  repository: string;
  /** Digest of the image (or the platform's manifest) the artifact is attached to. */
  subject: string;
  /** Digest of the artifact manifest. */
  artifact: string;
}

/** Options of {@link attachSpec}. */
export interface AttachSpecOptions extends RegistryAccessOptions {
  /** Extra annotations of the artifact manifest. */
  annotations?: Record<string, string>;
  /** `org.opencontainers.image.created`; default now. */
  created?: Date;
  /** The layer's `org.opencontainers.image.title` (a file name). */
  title?: string;
}

/** What {@link attachSpec} pushed. */
export interface AttachedSpec {
  repository: string;
  /** The descriptor of the image manifest the artifact refers to. */
  subject: Descriptor;
  /** The descriptor of the artifact manifest. */
  artifact: Descriptor;
}

/** One compatibility artifact of an image. */
export interface ArtifactInfo {
  digest: string;
  size: number;
  /** `org.opencontainers.image.created`, when the artifact has it. */
  created?: string;
  annotations: Record<string, string>;
}

/** What {@link listArtifacts} found. */
export interface ArtifactList {
  repository: string;
  /** Digest of the image (or the platform's manifest). */
  subject: string;
  /** Newest first, as NFD picks: the first is the one `fetchCompatibilitySpec` reads. */
  artifacts: ArtifactInfo[];
}

/** Options of {@link discoverFeatures}. */
export interface DiscoverFeaturesOptions {
  /** Cancels the discovery. */
  signal?: AbortSignal;
  /** NFD `-feature-sources` syntax: `all`, `all,-pci`, `cpu,kernel` or a list; default `all`. */
  sources?: string | readonly string[];
  /** Read the host under this directory (a node's filesystem mounted elsewhere); default `/`. */
  hostRoot?: string;
  /** NFD's hostpath prefix, e.g. `/host-` for its container layout; default `/`. */
  hostPrefix?: string;
  /** Environment for `NODE_NAME`; default `process.env`. */
  env?: Record<string, string | undefined>;
}

/** What {@link discoverFeatures} read. */
export interface DiscoveredFeatures {
  /** NFD's `Features` of this host, names prefixed with `<source>.` (what `nfd` would publish). */
  features: Required<Features>;
  /** The sources that ran, in name order. */
  sources: string[];
  /** Source names that match no source (NFD ignores them). */
  unknownSources: string[];
  /** Files or sources that could not be read; the other features are still there. */
  problems: SourceProblem[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkOptions(fn: string, options: unknown): Record<string, unknown> {
  if (options === undefined) return {};
  if (!isObject(options)) misuse(fn, 'options', 'an object', options);
  const signal = options.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal))
    misuse(fn, 'options.signal', 'an AbortSignal', signal);
  for (const key of ['platform', 'caFile', 'hostRoot', 'hostPrefix', 'cwd', 'title'] as const) {
    const v = options[key];
    if (v !== undefined && typeof v !== 'string') misuse(fn, `options.${key}`, 'a string', v);
  }
  return options;
}

function checkReference(fn: string, ref: unknown): string {
  if (typeof ref !== 'string' || ref === '')
    misuse(fn, 'the reference', 'a non-empty string (registry/repository:tag or oci:DIR:tag)', ref);
  return ref;
}

function registryOptions(fn: string, options: RegistryAccessOptions | undefined): RegistryOptions {
  const o = checkOptions(fn, options) as RegistryAccessOptions;
  const out: RegistryOptions = {
    env: o.env ?? process.env,
    cwd: o.cwd ?? process.cwd(),
    plainHttp: o.plainHttp === true,
    insecure: o.insecure === true,
  };
  if (o.signal) out.signal = o.signal;
  if (o.platform !== undefined) out.platform = o.platform;
  if (o.caFile !== undefined) out.caFile = o.caFile;
  if (o.timeoutMs !== undefined) {
    if (typeof o.timeoutMs !== 'number' || !(o.timeoutMs > 0))
      misuse(fn, 'options.timeoutMs', 'a positive number', o.timeoutMs);
    out.timeoutMs = o.timeoutMs;
  }
  if (o.auth !== undefined) {
    const a = o.auth as Record<string, unknown>;
    if (isObject(a) && typeof a.token === 'string') out.credentials = { token: a.token };
    else if (isObject(a) && typeof a.username === 'string' && typeof a.password === 'string')
      out.credentials = { username: a.username, password: a.password };
    else misuse(fn, 'options.auth', '{ username, password } or { token } (strings)', a);
  }
  return out;
}

/**
 * Reads this host's features as NFD's feature sources do (`imgcompat export features`).
 *
 * @returns the features, which sources ran and any problems (unreadable files do not fail the call).
 * @throws the signal's reason when `options.signal` is aborted; {@link UsageError} for bad options.
 */
export async function discoverFeatures(options?: DiscoverFeaturesOptions): Promise<DiscoveredFeatures> {
  const o = checkOptions('discoverFeatures', options) as DiscoverFeaturesOptions;
  const sources = o.sources;
  if (
    sources !== undefined &&
    typeof sources !== 'string' &&
    !(Array.isArray(sources) && sources.every((s) => typeof s === 'string'))
  )
    misuse('discoverFeatures', 'options.sources', 'a string or an array of strings', sources);
  throwIfAborted(o.signal);
  const run = discoverHost({
    ...(sources !== undefined ? { sources } : {}),
    ...(o.hostRoot !== undefined ? { hostRoot: o.hostRoot } : {}),
    ...(o.hostPrefix !== undefined ? { hostPrefix: o.hostPrefix } : {}),
    env: o.env ?? process.env,
    ...(o.signal ? { signal: o.signal } : {}),
  });
  const r = await raceAbort(run, o.signal);
  return { features: r.features, sources: r.sources, unknownSources: r.unknownSources, problems: r.problems };
}

/**
 * Fetches and loads the compatibility spec of an image: its newest compatibility artifact (NFD's
 * choice), verified by digest, from a registry or an OCI layout (`oci:DIR:tag`).
 *
 * @param ref - the image, e.g. `registry.example/app:1.0` or `oci:./layout:app`.
 * @throws {@link ArtifactNotFoundError} (`E_ARTIFACT_NOT_FOUND`) when the image has none;
 *   {@link RegistryError} for registry, network and authentication failures (never with credentials);
 *   {@link SpecError} when the stored spec is invalid; the signal's reason when aborted.
 */
export async function fetchCompatibilitySpec(
  ref: string,
  options?: FetchSpecOptions,
): Promise<FetchedCompatibilitySpec> {
  const reference = checkReference('fetchCompatibilitySpec', ref);
  const ropts = registryOptions('fetchCompatibilitySpec', options);
  const tags = options?.tags;
  if (tags !== undefined && (!Array.isArray(tags) || tags.some((t) => typeof t !== 'string')))
    misuse('fetchCompatibilitySpec', 'options.tags', 'an array of strings', tags);
  throwIfAborted(ropts.signal);
  const fetched = await raceAbort(fetchNewestSpec(reference, ropts), ropts.signal);
  const source = `${fetched.repository}@${fetched.descriptor.digest}`;
  const { spec, warnings } = loadSpec(fetched.bytes, { file: source });
  const kept: Spec =
    tags !== undefined && tags.length > 0
      ? { ...spec, compatibilities: spec.compatibilities.filter((c) => tags.includes(c.tag ?? '')) }
      : spec;
  return {
    spec: kept,
    warnings,
    bytes: fetched.bytes,
    repository: fetched.repository,
    subject: fetched.subjectDigest,
    artifact: fetched.descriptor.digest,
  };
}

/**
 * Attaches a spec to an image as an NFD compatibility artifact (`imgcompat attach`): the spec is checked
 * first (an invalid one is refused), then pushed as a referrer of the image.
 *
 * @param spec - the spec's text or bytes, stored exactly as given.
 * @throws {@link SpecError} for an invalid spec; {@link RegistryError} for registry failures; the
 *   signal's reason when aborted.
 */
export async function attachSpec(
  ref: string,
  spec: string | Uint8Array,
  options?: AttachSpecOptions,
): Promise<AttachedSpec> {
  const reference = checkReference('attachSpec', ref);
  const ropts = registryOptions('attachSpec', options);
  if (typeof spec !== 'string' && !(spec instanceof Uint8Array))
    misuse('attachSpec', 'the spec', 'a string or a Uint8Array', spec);
  const bytes = typeof spec === 'string' ? new TextEncoder().encode(spec) : spec;
  const annotations = options?.annotations;
  if (
    annotations !== undefined &&
    (!isObject(annotations) || Object.values(annotations).some((v) => typeof v !== 'string'))
  )
    misuse('attachSpec', 'options.annotations', 'an object of strings', annotations);
  const created = options?.created;
  if (created !== undefined && !(created instanceof Date && !Number.isNaN(created.getTime())))
    misuse('attachSpec', 'options.created', 'a valid Date', created);
  // Refuse to push what a reader could not use (as `imgcompat attach`).
  loadSpec(bytes, { file: options?.title ?? 'spec' });
  throwIfAborted(ropts.signal);
  const result = await raceAbort(
    attachToRepository(reference, bytes, {
      ...ropts,
      ...(annotations ? { annotations } : {}),
      ...(created ? { created } : {}),
      ...(options?.title !== undefined ? { title: options.title } : {}),
    }),
    ropts.signal,
  );
  return { repository: result.repository, subject: result.subject, artifact: result.artifact };
}

/**
 * Lists an image's compatibility artifacts, newest first (`imgcompat discover`).
 *
 * @throws {@link RegistryError} for registry failures; the signal's reason when aborted.
 */
export async function listArtifacts(ref: string, options?: RegistryAccessOptions): Promise<ArtifactList> {
  const reference = checkReference('listArtifacts', ref);
  const ropts = registryOptions('listArtifacts', options);
  throwIfAborted(ropts.signal);
  const d = await raceAbort(discoverArtifacts(reference, ropts), ropts.signal);
  return {
    repository: d.repository.name,
    subject: d.subject.digest,
    artifacts: d.artifacts.map((a) => {
      const annotations = { ...(a.annotations ?? {}) };
      const created = annotations[ANNOTATION_CREATED];
      return {
        digest: a.digest,
        size: a.size,
        ...(created !== undefined ? { created } : {}),
        annotations,
      };
    }),
  };
}
