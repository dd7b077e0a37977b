/**
 * A repository on a remote registry (distribution-spec v1.1 endpoints, OCI distribution-spec v1.1 "Endpoints"). Every request goes
 * through the Authenticator (challenge/token flow) and the HttpClient (timeouts, retries, redirects, size
 * caps); every manifest and blob read is verified against its digest. Referrers listing and the
 * fallback index live in referrers.ts.
 */
import type { RegistryErrorDetails } from '../errors.ts';
import { Authenticator } from './auth/authenticator.ts';
import type { CredentialLookup } from './auth/credentials.ts';
import { repositoryScope } from './auth/scope.ts';
import {
  asDescriptor,
  checkDigest,
  computeDigest,
  type Descriptor,
  isDigest,
  isObject,
  parseJson,
  verifyContent,
} from './descriptor.ts';
import {
  baseMediaType,
  isManifestType,
  MANIFEST_ACCEPT,
  MAX_METADATA_BYTES,
  OCI_INDEX,
  OCI_MANIFEST,
} from './media-types.ts';
import { apiHost, hostname } from './reference.ts';
import { indexReferrer, listReferrers, ReferrersState, unindexReferrer } from './referrers.ts';
import { REGISTRY_CODES, registryError, safeRemoteText } from './registry-errors.ts';
import type { BrokenReferrer, FetchedManifest, Repository } from './repository.ts';
import { HttpClient, type HttpResponse, type TransportOptions } from './transport/http-client.ts';

export interface RemoteOptions extends TransportOptions {
  /** Use http instead of https (`--plain-http`). A registry named `localhost[:port]` is http anyway (oras). */
  plainHttp?: boolean;
  credentials?: CredentialLookup;
}

type Access = 'pull' | 'push' | 'delete';

/** distribution-spec tag grammar: `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`. */
const TAG_RE = /^[\w][\w.-]{0,127}$/;

/** Shared by all repositories of one run: one HTTP client, one authenticator (one token cache). */
export class RegistryClient {
  readonly http: HttpClient;
  readonly auth: Authenticator;
  readonly opts: RemoteOptions;

  constructor(opts: RemoteOptions = {}) {
    this.opts = opts;
    this.http = new HttpClient(opts);
    this.auth = new Authenticator(this.http, { credentials: opts.credentials, plainHttp: opts.plainHttp });
  }

  baseUrl(registry: string): URL {
    const host = apiHost(registry);
    const plain = this.opts.plainHttp || hostname(host) === 'localhost';
    return new URL(`${plain ? 'http' : 'https'}://${host}/`);
  }

  repository(registry: string, repository: string): RemoteRepository {
    return new RemoteRepository(this, registry, repository);
  }

  /** `GET /v2/` with authentication: what `login` uses to check credentials. */
  async ping(registry: string): Promise<number> {
    const url = new URL('/v2/', this.baseUrl(registry));
    const res = await this.auth.send(
      { method: 'GET', url, maxBytes: MAX_METADATA_BYTES, context: { registry }, what: 'ping' },
      registry,
      '',
      [],
    );
    return res.status;
  }
}

interface SendOptions {
  method: string;
  url: URL;
  access: Access;
  headers?: Record<string, string>;
  body?: Uint8Array;
  maxBytes?: number;
  what: string;
  reference?: string;
}

export class RemoteRepository implements Repository {
  readonly kind = 'remote' as const;
  readonly name: string;
  readonly registry: string;
  readonly repository: string;
  readonly client: RegistryClient;
  /** The referrers capability of this repository (unknown/supported/unsupported): see referrers.ts. */
  readonly referrersState = new ReferrersState();
  private readonly manifestCache = new Map<string, FetchedManifest>();
  /** What the caller is going to do: `push` (attach) and `delete` (remove) widen the token scope up front. */
  intent: 'pull' | 'push' | 'delete' = 'pull';

  constructor(client: RegistryClient, registry: string, repository: string) {
    this.client = client;
    this.registry = registry;
    this.repository = repository;
    this.name = `${registry}/${repository}`;
  }

  details(extra: Partial<RegistryErrorDetails> = {}): RegistryErrorDetails {
    return { registry: this.registry, repository: this.repository, ...extra };
  }

  url(path: string): URL {
    return new URL(`/v2/${this.repository}/${path}`, this.client.baseUrl(this.registry));
  }

  async send(o: SendOptions): Promise<HttpResponse> {
    // With a push (attach) or delete (remove) intent every request asks for all the actions the run will
    // need at once, as oras attach does, so one token serves the whole run instead of one per action.
    const actions =
      this.intent === 'delete'
        ? ['delete', 'pull', 'push']
        : o.access === 'delete'
          ? ['delete']
          : o.access === 'push' || this.intent === 'push'
            ? ['pull', 'push']
            : ['pull'];
    return this.client.auth.send(
      {
        method: o.method,
        url: o.url,
        headers: o.headers,
        body: o.body,
        maxBytes: o.maxBytes ?? MAX_METADATA_BYTES,
        context: this.details(o.reference ? { reference: o.reference } : {}),
        what: o.what,
      },
      this.registry,
      this.repository,
      [repositoryScope(this.repository, ...actions)],
    );
  }

  /** The error for an unexpected response, with the registry's error code/message when it sent JSON. */
  httpError(res: HttpResponse, what: string, reference?: string) {
    const details = this.details({ status: res.status, ...(reference ? { reference } : {}) });
    const info = errorInfo(res);
    const ref = reference ? `${this.name}${reference.includes(':') ? '@' : ':'}${reference}` : this.name;
    if (res.status === 404 && info.codes.includes('NAME_UNKNOWN')) {
      return registryError(`repository ${this.name} not found`, details, REGISTRY_CODES.nameUnknown);
    }
    if (res.status === 404 && (what === 'manifest' || info.codes.includes('MANIFEST_UNKNOWN'))) {
      return registryError(`${ref}: manifest not found`, details, REGISTRY_CODES.notFound);
    }
    if (res.status === 403 || info.codes.includes('DENIED')) {
      return registryError(`${what} ${ref}: access denied${info.text}`, details, REGISTRY_CODES.denied);
    }
    if (res.status === 405 || info.codes.includes('UNSUPPORTED')) {
      return registryError(
        `${what} ${ref}: the registry does not support this operation${info.text}`,
        details,
        REGISTRY_CODES.unsupported,
      );
    }
    return registryError(`${what} ${ref}: unexpected HTTP ${res.status}${info.text}`, details);
  }

  /** A tag or digest, checked before it becomes part of `/manifests/<reference>` (no `../`, `?`, `#`). */
  private checkReference(reference: string): string {
    if (isDigest(reference) || TAG_RE.test(reference)) return reference;
    throw registryError(
      `invalid manifest reference ${JSON.stringify(reference).slice(0, 200)}: expected a tag or a digest`,
      this.details(),
      REGISTRY_CODES.protocol,
    );
  }

  async resolve(reference: string): Promise<Descriptor> {
    this.checkReference(reference);
    const url = this.url(`manifests/${reference}`);
    const res = await this.send({
      method: 'HEAD',
      url,
      access: 'pull',
      headers: { accept: MANIFEST_ACCEPT },
      what: 'manifest',
      reference,
    });
    if (res.status === 404) {
      // HEAD has no body: GET once to tell "no such repository" from "no such tag" in the message.
      const get = await this.send({
        method: 'GET',
        url,
        access: 'pull',
        headers: { accept: MANIFEST_ACCEPT },
        what: 'manifest',
        reference,
      });
      const err = this.httpError(get.status === 200 ? res : get, 'manifest', reference);
      if (err.code === REGISTRY_CODES.notFound) {
        // distribution answers MANIFEST_UNKNOWN even for a missing repository; its tag list says which.
        const tags = await this.send({
          method: 'GET',
          url: this.url('tags/list'),
          access: 'pull',
          what: 'tag list',
        });
        if (tags.status === 404 && this.httpError(tags, 'tag list').code === REGISTRY_CODES.nameUnknown) {
          throw registryError(
            `repository ${this.name} not found (looking up ${reference})`,
            this.details({ reference, status: 404 }),
            REGISTRY_CODES.nameUnknown,
          );
        }
      }
      throw err;
    }
    if (res.status !== 200) throw this.httpError(res, 'manifest', reference);
    const mediaType = baseMediaType(res.headers.get('content-type'));
    const headerDigest = res.headers.get('docker-content-digest') ?? undefined;
    const size = Number(res.headers.get('content-length'));
    if (
      headerDigest &&
      isDigest(headerDigest) &&
      isManifestType(mediaType) &&
      Number.isFinite(size) &&
      size > 0
    ) {
      if (isDigest(reference) && headerDigest !== reference) {
        throw registryError(
          `manifest ${reference}: the registry reports digest ${headerDigest}`,
          this.details({ reference }),
          REGISTRY_CODES.digestMismatch,
        );
      }
      return { mediaType, digest: headerDigest, size };
    }
    // No usable digest header (oras-go: GET and hash the body).
    return (await this.fetchManifest(reference)).descriptor;
  }

  async fetchManifest(target: Descriptor | string): Promise<FetchedManifest> {
    const reference =
      typeof target === 'string'
        ? this.checkReference(target)
        : checkDigest(target.digest, 'manifest', this.details());
    // Content addressed by digest never changes: a manifest read once in this run (e.g. to check a
    // referrer's artifactType) is not fetched again.
    const cached = isDigest(reference) ? this.manifestCache.get(reference) : undefined;
    if (cached) return cached;
    const fetched = await this.fetchManifestUncached(target, reference);
    if (this.manifestCache.size < 64) this.manifestCache.set(fetched.descriptor.digest, fetched);
    return fetched;
  }

  private async fetchManifestUncached(
    target: Descriptor | string,
    reference: string,
  ): Promise<FetchedManifest> {
    const accept =
      typeof target !== 'string' && isManifestType(target.mediaType) ? target.mediaType : MANIFEST_ACCEPT;
    const res = await this.send({
      method: 'GET',
      url: this.url(`manifests/${reference}`),
      access: 'pull',
      headers: { accept },
      what: 'manifest',
      reference,
    });
    if (res.status !== 200) throw this.httpError(res, 'manifest', reference);
    const details = this.details({ reference });
    const headerDigest = res.headers.get('docker-content-digest') ?? undefined;
    const expected =
      typeof target !== 'string'
        ? { digest: target.digest, size: target.size }
        : isDigest(reference)
          ? { digest: reference }
          : headerDigest && isDigest(headerDigest)
            ? { digest: headerDigest }
            : { digest: computeDigest(res.body) };
    verifyContent(res.body, expected, `manifest ${this.name}@${expected.digest}`, details);
    if (
      headerDigest &&
      isDigest(headerDigest) &&
      headerDigest !== expected.digest &&
      headerDigest.split(':')[0] === expected.digest.split(':')[0]
    ) {
      throw registryError(
        `manifest ${reference}: Docker-Content-Digest ${headerDigest} differs from ${expected.digest}`,
        details,
        REGISTRY_CODES.digestMismatch,
      );
    }
    const mediaType = manifestMediaType(res, this, reference);
    return { descriptor: { mediaType, digest: expected.digest, size: res.body.byteLength }, bytes: res.body };
  }

  async fetchBlob(desc: Descriptor, maxBytes = MAX_METADATA_BYTES): Promise<Uint8Array> {
    checkDigest(desc.digest, 'blob', this.details());
    if (desc.size > maxBytes) {
      throw registryError(
        `blob ${desc.digest} is ${desc.size} bytes, over the ${maxBytes}-byte limit`,
        this.details(),
        REGISTRY_CODES.sizeLimit,
      );
    }
    const res = await this.send({
      method: 'GET',
      url: this.url(`blobs/${desc.digest}`),
      access: 'pull',
      maxBytes,
      what: 'blob',
      reference: desc.digest,
    });
    if (res.status !== 200) throw this.httpError(res, 'blob', desc.digest);
    verifyContent(
      res.body,
      desc,
      `blob ${this.name}@${desc.digest}`,
      this.details({ reference: desc.digest }),
    );
    return res.body;
  }

  async manifestExists(digest: string): Promise<boolean> {
    checkDigest(digest, 'manifest', this.details());
    const res = await this.send({
      method: 'HEAD',
      url: this.url(`manifests/${digest}`),
      access: 'pull',
      headers: { accept: MANIFEST_ACCEPT },
      what: 'manifest',
      reference: digest,
    });
    if (res.status === 200) return true;
    if (res.status === 404) return false;
    throw this.httpError(res, 'manifest', digest);
  }

  async blobExists(desc: Descriptor): Promise<boolean> {
    checkDigest(desc.digest, 'blob', this.details());
    const res = await this.send({
      method: 'HEAD',
      url: this.url(`blobs/${desc.digest}`),
      access: 'push',
      what: 'blob',
      reference: desc.digest,
    });
    if (res.status === 200) return true;
    if (res.status === 404) return false;
    throw this.httpError(res, 'blob', desc.digest);
  }

  async pushBlob(desc: Descriptor, bytes: Uint8Array): Promise<void> {
    if (await this.blobExists(desc)) return;
    const post = await this.send({
      method: 'POST',
      url: this.url('blobs/uploads/'),
      access: 'push',
      what: 'blob upload',
    });
    if (post.status === 201) return; // some registries complete a (mount-less) POST at once
    if (post.status !== 202) throw this.httpError(post, 'blob upload');
    const location = post.headers.get('location');
    if (!location)
      throw registryError(
        'blob upload: 202 without a Location header',
        this.details({ status: 202 }),
        REGISTRY_CODES.protocol,
      );
    const uploadUrl = new URL(location, post.url);
    // oras-go refuses an upload location on another host or one that downgrades https → http.
    if (
      uploadUrl.host !== post.url.host ||
      (post.url.protocol === 'https:' && uploadUrl.protocol !== 'https:')
    ) {
      throw registryError(
        `blob upload: refused upload location on ${uploadUrl.origin}`,
        this.details(),
        REGISTRY_CODES.redirect,
      );
    }
    uploadUrl.searchParams.append('digest', desc.digest);
    const put = await this.send({
      method: 'PUT',
      url: uploadUrl,
      access: 'push',
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
      what: 'blob upload',
      reference: desc.digest,
    });
    if (put.status !== 201 && put.status !== 204) throw this.httpError(put, 'blob upload', desc.digest);
  }

  /** PUT a manifest; returns the `OCI-Subject` response header (present when the referrers API is served). */
  async putManifest(reference: string, mediaType: string, bytes: Uint8Array): Promise<string | undefined> {
    this.checkReference(reference);
    const res = await this.send({
      method: 'PUT',
      url: this.url(`manifests/${reference}`),
      access: 'push',
      headers: { 'content-type': mediaType },
      body: bytes,
      what: 'manifest push',
      reference,
    });
    if (res.status !== 201 && res.status !== 200 && res.status !== 202)
      throw this.httpError(res, 'manifest push', reference);
    const digest = computeDigest(bytes);
    const echoed = res.headers.get('docker-content-digest');
    if (echoed && echoed !== digest && echoed.startsWith('sha256:')) {
      throw registryError(
        `manifest push: the registry stored digest ${echoed}, expected ${digest}`,
        this.details({ reference }),
        REGISTRY_CODES.digestMismatch,
      );
    }
    return res.headers.get('oci-subject') ?? undefined;
  }

  async pushManifest(desc: Descriptor, bytes: Uint8Array): Promise<void> {
    verifyContent(bytes, desc, 'manifest to push', this.details());
    const subjectHeader = await this.putManifest(desc.digest, desc.mediaType, bytes);
    const subject = subjectOf(bytes);
    if (subject) await indexReferrer(this, subject, desc, bytes, subjectHeader);
  }

  async deleteManifest(desc: Descriptor, subject?: Descriptor): Promise<void> {
    checkDigest(desc.digest, 'manifest delete', this.details());
    this.manifestCache.delete(desc.digest);
    const res = await this.send({
      method: 'DELETE',
      url: this.url(`manifests/${desc.digest}`),
      access: 'delete',
      what: 'manifest delete',
      reference: desc.digest,
    });
    if (res.status !== 202 && res.status !== 200 && res.status !== 204 && res.status !== 404) {
      throw this.httpError(res, 'manifest delete', desc.digest);
    }
    if (subject) await unindexReferrer(this, subject, desc);
  }

  referrers(subject: Descriptor, artifactType?: string, broken?: BrokenReferrer[]): Promise<Descriptor[]> {
    return listReferrers(this, subject, artifactType, broken);
  }
}

/** The `subject` descriptor of a manifest's bytes, if any. */
export function subjectOf(bytes: Uint8Array): Descriptor | undefined {
  try {
    const m = parseJson(bytes);
    return isObject(m) ? asDescriptor(m.subject) : undefined;
  } catch {
    return undefined;
  }
}

function manifestMediaType(res: HttpResponse, repo: RemoteRepository, reference: string): string {
  const header = baseMediaType(res.headers.get('content-type'));
  let bodyType: string | undefined;
  try {
    const m = parseJson(res.body);
    if (isObject(m) && typeof m.mediaType === 'string') bodyType = m.mediaType;
    else if (isObject(m) && !isManifestType(header))
      bodyType = Array.isArray(m.manifests) ? OCI_INDEX : OCI_MANIFEST;
  } catch {
    throw registryError(
      `manifest ${reference}: the registry answered ${header || 'something'} that is not JSON`,
      repo.details({ reference, status: res.status }),
      REGISTRY_CODES.protocol,
    );
  }
  // A body mediaType that contradicts Content-Type: the body wins for parsing, as the bytes are verified.
  return bodyType ?? header;
}

function errorInfo(res: HttpResponse): { codes: string[]; text: string } {
  const ct = baseMediaType(res.headers.get('content-type'));
  const raw = new TextDecoder().decode(res.body);
  if (ct === 'text/html' || /^\s*<(!doctype|html)/i.test(raw)) {
    return {
      codes: [],
      text: ': the server answered an HTML page, not the registry API (wrong host or port?)',
    };
  }
  try {
    const j = JSON.parse(raw) as { errors?: { code?: unknown; message?: unknown }[] };
    if (Array.isArray(j.errors) && j.errors.length) {
      const codes = j.errors.map((e) => String(e.code ?? ''));
      const first = j.errors[0]!;
      return {
        codes,
        // The registry's words are shown, made safe (no escape sequences, no echoed credentials).
        text: `: ${safeRemoteText(String(first.code ?? ''), 64)}${first.message ? ` ${safeRemoteText(String(first.message))}` : ''}`,
      };
    }
  } catch {}
  return { codes: [], text: '' };
}
