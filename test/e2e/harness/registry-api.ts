/**
 * Direct reads of a test registry's state (independent of imgcompat's client), to check what the
 * commands left behind: the referrers tag-schema index, the referrers API answer, a manifest.
 */
import { MT } from './images.ts';
import type { TestRegistry } from './registries.ts';

const ACCEPT = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  MT.manifest,
  MT.index,
].join(', ');

export interface IndexEntry {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

async function authHeader(reg: TestRegistry, repo: string): Promise<Record<string, string>> {
  if (!reg.credentials) return {};
  if (reg.tokenServer) {
    const url = `${reg.tokenServer.realm}?service=imgcompat-e2e-registry&scope=repository:${repo}:pull`;
    const basic = Buffer.from(`${reg.credentials.username}:${reg.credentials.password}`).toString('base64');
    const res = await fetch(url, { headers: { authorization: `Basic ${basic}` } });
    const body = (await res.json()) as { token: string };
    return { authorization: `Bearer ${body.token}` };
  }
  const basic = Buffer.from(`${reg.credentials.username}:${reg.credentials.password}`).toString('base64');
  return { authorization: `Basic ${basic}` };
}

/** GET a manifest (any type); undefined on 404. TLS registries are not supported here. */
export async function getManifest(
  reg: TestRegistry,
  repo: string,
  ref: string,
): Promise<{ contentType: string; body: Record<string, unknown> } | undefined> {
  const res = await fetch(`http://${reg.host}/v2/${repo}/manifests/${ref}`, {
    headers: { accept: ACCEPT, ...(await authHeader(reg, repo)) },
  });
  if (res.status === 404) {
    await res.arrayBuffer();
    return undefined;
  }
  if (res.status !== 200) throw new Error(`GET ${repo}/manifests/${ref}: HTTP ${res.status}`);
  return {
    contentType: res.headers.get('content-type') ?? '',
    body: (await res.json()) as Record<string, unknown>,
  };
}

/** The entries of the `sha256-<hex>` fallback tag of `subjectDigest` ([] when the tag does not exist). */
export async function fallbackIndex(
  reg: TestRegistry,
  repo: string,
  subjectDigest: string,
): Promise<IndexEntry[]> {
  const m = await getManifest(reg, repo, subjectDigest.replace(':', '-'));
  return (m?.body.manifests as IndexEntry[] | undefined) ?? [];
}

/** The referrers API answer for `subjectDigest` (only on registries that serve it). */
export async function referrersApi(
  reg: TestRegistry,
  repo: string,
  subjectDigest: string,
): Promise<IndexEntry[]> {
  const res = await fetch(`http://${reg.host}/v2/${repo}/referrers/${subjectDigest}`, {
    headers: await authHeader(reg, repo),
  });
  if (res.status !== 200) throw new Error(`GET referrers: HTTP ${res.status}`);
  return ((await res.json()) as { manifests: IndexEntry[] }).manifests;
}

/** The referrers of a subject as the registry records them: the API where served, else the tag. */
export async function storedReferrers(
  reg: TestRegistry,
  repo: string,
  subjectDigest: string,
): Promise<string[]> {
  const entries = reg.referrersApi
    ? await referrersApi(reg, repo, subjectDigest)
    : await fallbackIndex(reg, repo, subjectDigest);
  return entries.map((e) => e.digest).sort();
}
