/**
 * Names for an image's compatibility sets in the cluster: the node label a generated NodeFeatureRule sets
 * on nodes that pass a set, and the names of the generated objects.
 *
 * Label: `compat.feature.node.kubernetes.io/<digest12>.<set>` = `"true"`, where
 * - the namespace is under `*.feature.node.kubernetes.io`, which nfd-master accepts without extra
 *   configuration (NFD v0.19.0 pkg/nfd-master/nfd-master.go `filterFeatureLabel`);
 * - `<digest12>` is the first 12 hex digits of the spec's digest: the sha256 of the spec's bytes, which is
 *   the digest of the spec layer in the compatibility artifact (OCI image spec, descriptor.md "Digests").
 *   The same spec, given as `--spec FILE` or attached to any image, gets the same labels, and nodes
 *   labelled for one image's spec serve every image that carries that spec;
 * - `<set>` is the set's tag when the tag is a lower-case DNS label of at most 40 characters, used by no
 *   other set of the spec and not of the form `setN`; otherwise `set<N>`, N the set's 1-based position in
 *   the spec. Names depend on the spec alone (not on `--tags`), so they are stable and collision-free.
 */
import { createHash } from 'node:crypto';
import type { Compatibility, Spec } from '../core/model/spec.ts';

export const COMPAT_LABEL_PREFIX = 'compat.feature.node.kubernetes.io';
/** Annotations and object labels written by imgcompat. */
export const ANNOTATION_PREFIX = 'imgcompat.io';
/** The annotation of generated objects recording the full spec digest their names are keyed by. */
export const SPEC_DIGEST_ANNOTATION = `${ANNOTATION_PREFIX}/spec-digest`;
/** The label marking objects imgcompat generated (what `nfr prune` looks for). */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'imgcompat';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const MAX_TAG = 40;

export interface NamedSet {
  /** 1-based position in the spec. */
  position: number;
  /** 1-based position among the sets kept by `--tags` (validate-node's numbering). */
  index: number;
  /** `tag` or `set<N>`. */
  name: string;
  compatibility: Compatibility;
  /** The node label marking nodes that pass this set. */
  label: string;
  /** NFD `weight` clamped to 1..100 for preferred node affinity. */
  affinityWeight: number;
}

/** `sha256:<hex>` of a spec's bytes: its identity in the cluster (see above). */
export function specDigest(bytes: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** The 12 hex digits naming a spec: from `sha256:<hex>` (or any `<alg>:<hex>`). */
export function digest12(digest: string): string {
  const hex = digest.includes(':') ? digest.slice(digest.indexOf(':') + 1) : digest;
  return hex.slice(0, 12).toLowerCase();
}

/** NFD's `weight` as a node-affinity weight: Kubernetes accepts 1..100 only. */
export function clampWeight(weight: number | undefined): number {
  if (weight === undefined || !Number.isFinite(weight)) return 1;
  return Math.min(100, Math.max(1, Math.round(weight)));
}

export function nameSets(spec: Spec, digest: string, tags: readonly string[] = []): NamedSet[] {
  const all = spec.compatibilities ?? [];
  const tagCount = new Map<string, number>();
  for (const c of all) if (c.tag) tagCount.set(c.tag, (tagCount.get(c.tag) ?? 0) + 1);
  const d12 = digest12(digest);
  const out: NamedSet[] = [];
  all.forEach((c, i) => {
    if (tags.length > 0 && !tags.includes(c.tag ?? '')) return;
    const tag = c.tag ?? '';
    const usable =
      tag.length > 0 &&
      tag.length <= MAX_TAG &&
      DNS_LABEL.test(tag) &&
      tagCount.get(tag) === 1 &&
      !/^set\d+$/.test(tag);
    const name = usable ? tag : `set${i + 1}`;
    out.push({
      position: i + 1,
      index: out.length + 1,
      name,
      compatibility: c,
      label: `${COMPAT_LABEL_PREFIX}/${d12}.${name}`,
      affinityWeight: clampWeight(c.weight),
    });
  });
  return out;
}
