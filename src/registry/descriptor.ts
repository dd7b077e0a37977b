/**
 * OCI descriptors, manifests and indexes (image-spec v1.1), digest computation and verification.
 * Every manifest and blob we read goes through `verifyDigest` (OCI image-spec descriptor.md "Digests" and OCI distribution-spec v1.1 "Pulling manifests").
 */
import { createHash } from 'node:crypto';
import type { RegistryErrorDetails } from '../errors.ts';
import { REGISTRY_CODES, registryError } from './registry-errors.ts';
import { SMALL_INPUT_MAX, sha256Hex } from './sha256.ts';
import { descriptorProblem } from './shape.ts';

export interface Platform {
  architecture: string;
  os: string;
  'os.version'?: string;
  'os.features'?: string[];
  variant?: string;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  urls?: string[];
  annotations?: Record<string, string>;
  data?: string;
  platform?: Platform;
  artifactType?: string;
}

export interface ImageManifest {
  schemaVersion: number;
  mediaType?: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export interface ImageIndex {
  schemaVersion: number;
  mediaType?: string;
  artifactType?: string;
  manifests: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

const DIGEST_RE = /^([a-z0-9]+(?:[.+_-][a-z0-9]+)*):([a-zA-Z0-9=_-]+)$/;
const HEX_LENGTH: Record<string, number> = { sha256: 64, sha512: 128 };

/** Why `digest` is not a digest we can verify, or undefined when it is fine. */
export function digestProblem(digest: string): string | undefined {
  const m = DIGEST_RE.exec(digest);
  if (!m) return 'expected <algorithm>:<hex>, e.g. sha256:<64 hex digits>';
  const alg = m[1]!;
  const want = HEX_LENGTH[alg];
  if (want === undefined) return `unsupported digest algorithm "${alg}" (sha256 and sha512 are supported)`;
  if (!/^[a-f0-9]+$/.test(m[2]!) || m[2]!.length !== want) {
    return `${alg} digests have ${want} lower-case hex digits`;
  }
  return undefined;
}

export function isDigest(s: string): boolean {
  return digestProblem(s) === undefined;
}

export function computeDigest(bytes: Uint8Array, algorithm = 'sha256'): string {
  // Small sha256 inputs without node:crypto (loaded on first use by the bundles): see sha256.ts.
  if (algorithm === 'sha256' && bytes.byteLength <= SMALL_INPUT_MAX) return `sha256:${sha256Hex(bytes)}`;
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

export function describe(mediaType: string, bytes: Uint8Array): Descriptor {
  return { mediaType, digest: computeDigest(bytes), size: bytes.byteLength };
}

/**
 * Throws E_REGISTRY_PROTOCOL unless `digest` is a well-formed sha256/sha512 digest. Every digest read from
 * the wire or a layout passes here before it becomes part of a URL or a path (`sha256:../../x`) or picks a
 * hash function (`md5:...`, an unknown algorithm): OCI image-spec descriptor.md "Digests" and OCI distribution-spec v1.1 "Pulling manifests"
 */
export function checkDigest(digest: unknown, what: string, details: RegistryErrorDetails): string {
  const problem = typeof digest === 'string' ? digestProblem(digest) : 'not a string';
  if (problem !== undefined) {
    throw registryError(
      `${what}: invalid digest ${JSON.stringify(String(digest)).slice(0, 200)}: ${problem}`,
      details,
      REGISTRY_CODES.protocol,
    );
  }
  return digest as string;
}

/** Throws E_DIGEST_MISMATCH unless `bytes` has exactly `expected` as digest (and size, when given). */
export function verifyContent(
  bytes: Uint8Array,
  expected: { digest: string; size?: number },
  what: string,
  details: RegistryErrorDetails,
): void {
  if (expected.size !== undefined && bytes.byteLength !== expected.size) {
    throw registryError(
      `${what}: size mismatch: expected ${expected.size} bytes for ${expected.digest}, received ${bytes.byteLength}`,
      details,
      REGISTRY_CODES.digestMismatch,
    );
  }
  checkDigest(expected.digest, what, details);
  const alg = expected.digest.split(':')[0] ?? 'sha256';
  const actual = computeDigest(bytes, alg);
  if (actual !== expected.digest) {
    throw registryError(
      `${what}: digest mismatch: expected ${expected.digest}, content hashes to ${actual}`,
      details,
      REGISTRY_CODES.digestMismatch,
    );
  }
}

/** The `sha256-<hex>` tag of the referrers tag schema (distribution-spec §referrers tag schema). */
export function referrersTag(subjectDigest: string): string {
  return subjectDigest.replace(':', '-');
}

/** Plain descriptor fields only: what `subject` and index entries carry. */
export function plainDescriptor(d: Descriptor): Descriptor {
  return { mediaType: d.mediaType, digest: d.digest, size: d.size };
}

export function parseJson(bytes: Uint8Array): unknown {
  return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Shape check of a descriptor read from the wire (shape.ts): undefined unless it is one we can use. */
export function asDescriptor(v: unknown): Descriptor | undefined {
  if (!isObject(v) || descriptorProblem(v, '') !== undefined) return undefined;
  // A descriptor that cannot be addressed safely is dropped before its digest reaches a URL or a path.
  if (!isDigest(v.digest as string)) return undefined;
  return v as unknown as Descriptor;
}
