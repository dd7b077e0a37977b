/**
 * Referrers: the OCI 1.1 referrers API and the referrers tag schema fallback (`sha256-<hex>` tag holding an
 * image index), decided in ONE place as oras-go does (OCI distribution-spec v1.1 "Listing Referrers"; OCI distribution-spec v1.1 "Referrers Tag Schema"; oras-go v2 registry/remote/repository.go `Referrers`). The capability of a
 * repository is `unknown` until the first answer: a referrers API 200 with an index makes it `supported`;
 * a 404 that is not NAME_UNKNOWN, or a 200 that is not an index, makes it `unsupported`; a manifest PUT
 * answered with `OCI-Subject` makes it `supported`, without it `unsupported`. Once set it is never
 * re-probed during the run.
 *
 * Writers on the fallback path read-modify-write the index. Registries do not implement If-Match on PUT,
 * so concurrent writers (several `attach` processes) can lose each other's updates. We therefore re-read
 * after writing and require our change to be visible on three reads separated by random pauses; if it is
 * missing we merge and write again (bounded), and entries that vanished although their manifest still
 * exists are put back (see updateFallbackIndex). Writes in this process are also serialised per tag.
 */

import {
  asDescriptor,
  checkDigest,
  type Descriptor,
  type ImageIndex,
  isObject,
  parseJson,
  referrersTag,
} from './descriptor.ts';
import {
  baseMediaType,
  EMPTY_MEDIA_TYPE,
  isIndexType,
  MANIFEST_ACCEPT,
  MAX_METADATA_BYTES,
  OCI_INDEX,
  OCI_MANIFEST,
} from './media-types.ts';
import { REGISTRY_CODES, registryError } from './registry-errors.ts';
import type { RemoteRepository } from './remote.ts';
import type { BrokenReferrer } from './repository.ts';
import { isStringMap } from './shape.ts';
import { abortableSleep, raceAbort } from './transport/abort.ts';

export type ReferrersCapability = 'unknown' | 'supported' | 'unsupported';

export class ReferrersState {
  capability: ReferrersCapability = 'unknown';
}

/** Pages followed at most through `Link: <…>; rel="next"` before giving up. */
export const MAX_REFERRERS_PAGES = 64;
const FILTERS_APPLIED_ANNOTATION = 'org.opencontainers.referrers.filtersApplied';

/** Tunables of the fallback-index writer (tests shorten the pauses). */
export const fallbackIndexTuning = {
  maxAttempts: 16,
  confirmations: 3,
  minPauseMs: 50,
  maxPauseMs: 300,
  sleep: (ms: number, signal?: AbortSignal) => abortableSleep(ms, signal),
  random: Math.random,
};

export async function listReferrers(
  repo: RemoteRepository,
  subject: Descriptor,
  artifactType?: string,
  broken: BrokenReferrer[] = [],
): Promise<Descriptor[]> {
  // The subject may come from an index entry: its digest becomes `/referrers/<digest>` or a tag (OCI image-spec descriptor.md "Digests" and OCI distribution-spec v1.1 "Pulling manifests").
  checkDigest(subject.digest, 'referrers subject', repo.details());
  const state = repo.referrersState;
  if (state.capability !== 'unsupported') {
    const viaApi = await referrersFromApi(repo, subject, artifactType, broken);
    if (viaApi !== undefined) {
      state.capability = 'supported';
      return viaApi;
    }
    state.capability = 'unsupported';
    repo.client.http.trace('  referrers API not available: using the referrers tag schema');
  }
  const index = await readFallbackIndex(repo, subject.digest);
  return filterByType(index?.manifests ?? [], artifactType);
}

/** The API's answer, or undefined when the registry does not serve the API. */
async function referrersFromApi(
  repo: RemoteRepository,
  subject: Descriptor,
  artifactType: string | undefined,
  broken: BrokenReferrer[],
): Promise<Descriptor[] | undefined> {
  let url = repo.url(`referrers/${subject.digest}`);
  if (artifactType) url.searchParams.set('artifactType', artifactType);
  const out: Descriptor[] = [];
  for (let page = 0; ; page++) {
    if (page >= MAX_REFERRERS_PAGES) {
      throw registryError(
        `referrers of ${subject.digest}: more than ${MAX_REFERRERS_PAGES} pages`,
        repo.details(),
        REGISTRY_CODES.protocol,
      );
    }
    const res = await repo.send({
      method: 'GET',
      url,
      access: 'pull',
      what: 'referrers',
      reference: subject.digest,
    });
    if (res.status === 404) {
      const err = repo.httpError(res, 'referrers', subject.digest);
      if (err.code === REGISTRY_CODES.nameUnknown) throw err;
      if (page === 0) return undefined;
      throw err;
    }
    if (res.status !== 200) throw repo.httpError(res, 'referrers', subject.digest);
    if (baseMediaType(res.headers.get('content-type')) !== OCI_INDEX) {
      if (page === 0) return undefined; // oras-go: a 200 that is not an index means "no API"
      throw registryError(
        'referrers: a later page is not an image index',
        repo.details({ status: 200 }),
        REGISTRY_CODES.protocol,
      );
    }
    const index = parseIndex(res.body);
    if (!index) {
      throw registryError(
        `referrers of ${subject.digest}: the response is not a valid image index`,
        repo.details({ status: 200 }),
        REGISTRY_CODES.protocol,
      );
    }
    const applied =
      (res.headers.get('oci-filters-applied') ?? '')
        .split(',')
        .map((s) => s.trim())
        .includes('artifactType') ||
      (index.annotations?.[FILTERS_APPLIED_ANNOTATION] ?? '').split(',').includes('artifactType');
    const entries = applied
      ? index.manifests
      : await refineUnfiltered(repo, index.manifests, artifactType, broken);
    for (const item of entries) out.push(item); // a loop, not push(...): spreading 120,000+ items overflows the stack
    const next = nextLink(res.headers.get('link'), url);
    if (next === undefined) break;
    if (next === null) {
      throw registryError(
        'referrers: refused a Link to another origin',
        repo.details(),
        REGISTRY_CODES.redirect,
      );
    }
    url = next;
  }
  return dedupe(out);
}

/**
 * Client-side filtering when the registry did not apply the filter. Some registries (go-containerregistry's)
 * report the config media type as artifactType, or omit annotations; for entries that look like that we
 * read the manifest itself and use its artifactType and annotations.
 */
async function refineUnfiltered(
  repo: RemoteRepository,
  entries: Descriptor[],
  artifactType: string | undefined,
  broken: BrokenReferrer[],
) {
  if (!artifactType) return entries;
  const out: Descriptor[] = [];
  for (const d of entries) {
    if (d.artifactType === artifactType) {
      out.push(d);
      continue;
    }
    if (d.artifactType !== undefined && d.artifactType !== EMPTY_MEDIA_TYPE && d.artifactType !== '')
      continue;
    let bytes: Uint8Array;
    try {
      ({ bytes } = await repo.fetchManifest(d));
    } catch (e) {
      // A listed referrer that is gone is skipped; anything else (digest mismatch, size limit, auth,
      // network) is an error the user must see rather than a silently shorter list.
      if ((e as { code?: string }).code === REGISTRY_CODES.notFound) {
        repo.client.http.trace(`  skipping referrer ${d.digest}: manifest not found`);
        continue;
      }
      throw e;
    }
    let m: unknown;
    try {
      m = parseJson(bytes);
    } catch {
      // Listed as a referrer but not a manifest: it may be ours, broken. Said when nothing valid is found.
      broken.push({ digest: d.digest, problem: 'the referrer is not a JSON manifest' });
      continue;
    }
    if (!isObject(m)) {
      broken.push({ digest: d.digest, problem: 'the referrer is not a JSON object' });
      continue;
    }
    if (m.artifactType === artifactType) {
      const annotations = isStringMap(m.annotations) ? m.annotations : d.annotations;
      out.push({ ...d, artifactType, ...(annotations ? { annotations } : {}) });
    }
  }
  return out;
}

/** The next page URL; undefined when there is none, null when it points to another origin. */
export function nextLink(header: string | null, current: URL): URL | null | undefined {
  if (!header) return undefined;
  for (const part of header.split(',')) {
    const m = /<([^>]*)>\s*(.*)$/.exec(part.trim());
    if (!m || !/rel="?next"?/i.test(m[2]!)) continue;
    let u: URL;
    try {
      u = new URL(m[1]!, current);
    } catch {
      return null;
    }
    return u.origin === current.origin ? u : null;
  }
  return undefined;
}

function parseIndex(bytes: Uint8Array): ImageIndex | undefined {
  let v: unknown;
  try {
    v = parseJson(bytes);
  } catch {
    return undefined;
  }
  if (!isObject(v) || !Array.isArray(v.manifests)) return undefined;
  const manifests: Descriptor[] = [];
  for (const m of v.manifests) {
    const d = asDescriptor(m);
    if (d) manifests.push(d);
  }
  const { annotations, ...rest } = v;
  return {
    ...(rest as unknown as ImageIndex),
    ...(isStringMap(annotations) ? { annotations } : {}),
    manifests,
  };
}

export function filterByType(entries: Descriptor[], artifactType?: string): Descriptor[] {
  const list = dedupe(entries);
  return artifactType ? list.filter((d) => d.artifactType === artifactType) : list;
}

/** oras-go: drop zero-size/empty-digest entries and duplicates (mediaType, digest, size). */
function dedupe(entries: Descriptor[]): Descriptor[] {
  const seen = new Set<string>();
  const out: Descriptor[] = [];
  for (const d of entries) {
    if (!d.digest || d.size <= 0) continue;
    const key = `${d.mediaType} ${d.digest} ${d.size}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out;
}

interface FallbackIndex {
  manifests: Descriptor[];
}

/** Reads the `sha256-<hex>` tag; undefined when absent or (SHOULD, per spec) not an index. */
async function readFallbackIndex(repo: RemoteRepository, subjectDigest: string, forWrite = false) {
  checkDigest(subjectDigest, 'referrers subject', repo.details());
  const tag = referrersTag(subjectDigest);
  const res = await repo.send({
    method: 'GET',
    url: repo.url(`manifests/${tag}`),
    access: forWrite ? 'push' : 'pull',
    headers: { accept: MANIFEST_ACCEPT },
    maxBytes: MAX_METADATA_BYTES,
    what: 'referrers tag',
    reference: tag,
  });
  if (res.status === 404) {
    const err = repo.httpError(res, 'referrers tag', tag);
    if (err.code === REGISTRY_CODES.nameUnknown) throw err;
    return undefined;
  }
  if (res.status !== 200) throw repo.httpError(res, 'referrers tag', tag);
  const ct = baseMediaType(res.headers.get('content-type'));
  const index = parseIndex(res.body);
  if (!index || (ct && !isIndexType(ct) && ct !== 'application/json')) {
    if (forWrite) {
      // Never clobber something else that sits on the tag (spec: SHOULD report failure).
      throw registryError(
        `the referrers tag ${tag} holds ${ct || 'content'} that is not an image index; not overwriting it`,
        repo.details({ reference: tag }),
        REGISTRY_CODES.fallbackIndex,
      );
    }
    repo.client.http.trace(`  referrers tag ${tag} is not an image index: treated as no referrers`);
    return undefined;
  }
  return { manifests: index.manifests } satisfies FallbackIndex;
}

async function writeFallbackIndex(repo: RemoteRepository, subjectDigest: string, manifests: Descriptor[]) {
  const index = { schemaVersion: 2, mediaType: OCI_INDEX, manifests };
  const bytes = new TextEncoder().encode(JSON.stringify(index));
  await repo.putManifest(referrersTag(subjectDigest), OCI_INDEX, bytes);
}

const tagLocks = new Map<string, Promise<unknown>>();

/** Runs `fn` after every earlier call with the same key has settled (in-process serialisation). */
function serialised<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const prev = tagLocks.get(key) ?? Promise.resolve();
  const run = prev.then(fn, fn);
  const tail = run.catch(() => {});
  tagLocks.set(key, tail);
  tail.then(() => {
    if (tagLocks.get(key) === tail) tagLocks.delete(key);
  });
  return run;
}

/**
 * After a manifest with `subject` was pushed: trust `OCI-Subject`, else maintain the fallback index
 * (oras-go v2 registry/remote/repository.go `Push` (referrers tag schema)).
 */
export async function indexReferrer(
  repo: RemoteRepository,
  subject: Descriptor,
  desc: Descriptor,
  manifestBytes: Uint8Array,
  ociSubjectHeader: string | undefined,
): Promise<void> {
  if (ociSubjectHeader) {
    repo.referrersState.capability = 'supported';
    return;
  }
  repo.referrersState.capability = 'unsupported';
  const entry = referrerDescriptor(desc, manifestBytes);
  await updateFallbackIndex(
    repo,
    subject.digest,
    (list) => (list.some((d) => d.digest === desc.digest) ? list : [...list, entry]),
    (list) => list.some((d) => d.digest === desc.digest),
    true,
  );
}

/** After a referrer was deleted: drop it from the fallback index when the registry lacks the API. */
export async function unindexReferrer(
  repo: RemoteRepository,
  subject: Descriptor,
  desc: Descriptor,
): Promise<void> {
  if (repo.referrersState.capability === 'supported') return;
  if (repo.referrersState.capability === 'unknown') {
    // Decide once, the same way listing does.
    await listReferrers(repo, subject);
    if ((repo.referrersState.capability as ReferrersCapability) === 'supported') return;
  }
  const present = await readFallbackIndex(repo, subject.digest);
  if (!present?.manifests.some((d) => d.digest === desc.digest)) return;
  await updateFallbackIndex(
    repo,
    subject.digest,
    (list) => list.filter((d) => d.digest !== desc.digest),
    (list) => !list.some((d) => d.digest === desc.digest),
    false,
  );
}

async function updateFallbackIndex(
  repo: RemoteRepository,
  subjectDigest: string,
  apply: (list: Descriptor[]) => Descriptor[],
  satisfied: (list: Descriptor[]) => boolean,
  heal: boolean,
): Promise<void> {
  const t = fallbackIndexTuning;
  const tag = referrersTag(subjectDigest);
  await serialised(`${repo.name} ${tag}`, async () => {
    let confirmed = 0;
    // Entries seen in earlier reads. One that vanishes while its manifest still exists was lost to a
    // concurrent writer's stale read-modify-write (a removed artifact's manifest is deleted first), so
    // writers that are still confirming put it back: the last writers heal the earlier ones' losses.
    const seen = new Map<string, Descriptor>();
    for (let attempt = 0; attempt < t.maxAttempts; attempt++) {
      const current = (await readFallbackIndex(repo, subjectDigest, true))?.manifests ?? [];
      const lost: Descriptor[] = [];
      if (heal) {
        for (const d of seen.values()) {
          if (current.some((c) => c.digest === d.digest)) continue;
          if (await repo.manifestExists(d.digest)) lost.push(d);
          else seen.delete(d.digest);
        }
        for (const c of current) seen.set(c.digest, c);
      }
      if (satisfied(current) && lost.length === 0) {
        confirmed++;
        if (confirmed >= t.confirmations) return;
      } else {
        if (attempt > 0)
          repo.client.http.trace(
            `  referrers tag ${tag}: a concurrent writer overwrote an update; merging again`,
          );
        confirmed = 0;
        const next = dedupe(apply([...current, ...lost]));
        for (const d of next) seen.set(d.digest, d);
        await writeFallbackIndex(repo, subjectDigest, next);
      }
      const signal = repo.client.opts.signal;
      await raceAbort(
        t.sleep(t.minPauseMs + Math.floor(t.random() * (t.maxPauseMs - t.minPauseMs)), signal),
        signal,
      );
    }
    throw registryError(
      `could not update the referrers tag ${tag}: concurrent writers kept overwriting it`,
      repo.details({ reference: tag }),
      REGISTRY_CODES.fallbackIndex,
    );
  });
}

/** The index entry for a referrer, as oras writes it: mediaType, digest, size, annotations, artifactType. */
export function referrerDescriptor(desc: Descriptor, manifestBytes: Uint8Array): Descriptor {
  const out: Descriptor = { mediaType: desc.mediaType || OCI_MANIFEST, digest: desc.digest, size: desc.size };
  try {
    const m = parseJson(manifestBytes);
    if (isObject(m)) {
      if (isStringMap(m.annotations)) out.annotations = m.annotations;
      const at =
        typeof m.artifactType === 'string'
          ? m.artifactType
          : isObject(m.config) && typeof m.config.mediaType === 'string'
            ? m.config.mediaType
            : undefined;
      if (at) out.artifactType = at;
    }
  } catch {}
  return out;
}
