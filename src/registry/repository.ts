/**
 * The storage-neutral repository interface: a remote registry repository (remote.ts) and an OCI image
 * layout on disk (layout.ts) both implement it, so artifact.ts runs the same lifecycle on either.
 */
import type { Descriptor } from './descriptor.ts';

export interface FetchedManifest {
  descriptor: Descriptor;
  bytes: Uint8Array;
}

export interface Repository {
  readonly kind: 'remote' | 'layout';
  /** `registry/repository` or `oci:DIR`, for messages and output. */
  readonly name: string;
  /** Resolves a tag or digest to the manifest's descriptor (mediaType, digest, size). */
  resolve(reference: string): Promise<Descriptor>;
  /** Fetches a manifest by descriptor (size and digest verified) or by tag/digest string. */
  fetchManifest(target: Descriptor | string): Promise<FetchedManifest>;
  /** Fetches a blob, verified against the descriptor, refusing more than `maxBytes`. */
  fetchBlob(desc: Descriptor, maxBytes?: number): Promise<Uint8Array>;
  /** Stores a blob unless already present. */
  pushBlob(desc: Descriptor, bytes: Uint8Array): Promise<void>;
  /**
   * Stores a manifest by digest. When it has a `subject`, also makes it findable as a referrer (a remote
   * registry without the referrers API gets its fallback tag index updated and verified).
   */
  pushManifest(desc: Descriptor, bytes: Uint8Array): Promise<void>;
  /** Deletes a manifest; with `subject`, also removes it from the subject's referrers fallback index. */
  deleteManifest(desc: Descriptor, subject?: Descriptor): Promise<void>;
  /**
   * Manifests whose `subject` is `subject`, filtered by artifactType when given. Referrers that may be
   * of that type but cannot be read or are not manifests are added to `broken` (when given).
   */
  referrers(subject: Descriptor, artifactType?: string, broken?: BrokenReferrer[]): Promise<Descriptor[]>;
}

/** A listed referrer that could not be used: its digest and why. */
export interface BrokenReferrer {
  digest: string;
  problem: string;
}
