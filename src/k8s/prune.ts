/**
 * Which imgcompat-generated NodeFeatureRules and NodeFeatureGroups are no longer needed: an object is
 * keyed by a spec digest (set-names.ts: annotation `imgcompat.io/spec-digest`, and the `<digest12>` in
 * its name `imgcompat-<digest12>-<set>`); it is still needed while some workload in the cluster runs an
 * image whose newest compatibility artifact carries that spec. Objects from before labels were keyed by
 * the spec (keyed by the image digest) are matched against the images' digests as well.
 *
 * Never delete on doubt: when an image's artifact could not be read (registry down, no credentials), any
 * object that image might need is kept and the reason reported: objects that record that image's
 * repository (annotation `imgcompat.io/image`) and objects that record no image at all (made from
 * `--spec`). An image with no compatibility artifact needs no object.
 */
import { formatRepository, parseReference } from '../registry/reference.ts';
import type { KubeObject } from './kube-client.ts';
import { ANNOTATION_PREFIX, digest12, SPEC_DIGEST_ANNOTATION } from './set-names.ts';

/** What one distinct workload image resolved to. */
export type ImageResolution =
  | { image: string; specDigest: string; subjectDigest: string }
  /** The image has no compatibility artifact: it needs no object. */
  | { image: string; none: true }
  /** The artifact could not be read: keep what it might need. */
  | { image: string; error: string };

export interface PruneDecision {
  object: KubeObject;
  /** `Kind [namespace/]name`. */
  id: string;
  /** The spec digest the object is keyed by, when known. */
  digest?: string;
  action: 'delete' | 'keep';
  reason: string;
}

const NAME_DIGEST = /^imgcompat-([0-9a-f]{12})-/;

/** The repository of an image reference, normalised (`nginx` = `docker.io/library/nginx`), for matching. */
export function repositoryOf(image: string): string {
  try {
    return formatRepository(parseReference(image));
  } catch {
    return image;
  }
}

export function objectId(o: KubeObject): string {
  const ns = o.metadata.namespace ? `${o.metadata.namespace}/` : '';
  return `${o.kind} ${ns}${o.metadata.name}`;
}

function annotations(o: KubeObject): Record<string, string> {
  const a = (o.metadata as { annotations?: unknown }).annotations;
  return a && typeof a === 'object' ? (a as Record<string, string>) : {};
}

/**
 * Decides for every managed object. `users` maps each image to the workloads using it (for reasons).
 */
export function planPrune(
  objects: readonly KubeObject[],
  resolutions: readonly ImageResolution[],
  users: ReadonlyMap<string, readonly string[]>,
): PruneDecision[] {
  // Digest (full and 12-digit prefix) → images that need it.
  const needed = new Map<string, string[]>();
  const need = (key: string, image: string) => {
    const list = needed.get(key) ?? [];
    if (!list.includes(image)) list.push(image);
    needed.set(key, list);
  };
  const unreadable: { image: string; error: string }[] = [];
  for (const r of resolutions) {
    if ('error' in r) unreadable.push(r);
    else if ('specDigest' in r) {
      for (const d of [r.specDigest, r.subjectDigest]) {
        need(d, r.image);
        need(digest12(d), r.image);
      }
    }
  }
  const usedBy = (image: string) => {
    const w = users.get(image) ?? [];
    return `${image}${w.length > 0 ? ` (${w.slice(0, 3).join(', ')}${w.length > 3 ? `, +${w.length - 3}` : ''})` : ''}`;
  };
  return objects.map((object): PruneDecision => {
    const id = objectId(object);
    const a = annotations(object);
    const full = a[SPEC_DIGEST_ANNOTATION] ?? a[`${ANNOTATION_PREFIX}/digest`];
    const short = NAME_DIGEST.exec(object.metadata.name)?.[1];
    const base = { object, id, ...(full ? { digest: full } : {}) };
    if (!full && !short) {
      return {
        ...base,
        action: 'keep',
        reason: 'its spec digest is unknown (no annotation, unexpected name)',
      };
    }
    const users = (full ? needed.get(full) : undefined) ?? needed.get(full ? digest12(full) : short!);
    if (users && users.length > 0) {
      return { ...base, action: 'keep', reason: `in use by ${users.map(usedBy).join('; ')}` };
    }
    const recorded = a[`${ANNOTATION_PREFIX}/image`];
    const doubt = unreadable.filter(
      (u) => recorded === undefined || repositoryOf(u.image) === repositoryOf(recorded),
    );
    if (doubt.length > 0) {
      return {
        ...base,
        action: 'keep',
        reason: `kept on doubt: the artifact of ${doubt.map((d) => d.image).join(', ')} could not be read`,
      };
    }
    return { ...base, action: 'delete', reason: 'no workload image carries its spec' };
  });
}
