/**
 * The mutating admission logic, free of I/O: read an `admission.k8s.io/v1` AdmissionReview for a Pod,
 * and given what is known about each container image, answer with a JSONPatch that merges the images'
 * node affinity into the pod (k8s/affinity.ts, never removing the user's terms) and annotates it.
 *
 * Annotations written on a mutated pod:
 * - `imgcompat.io/artifacts`: JSON object image → {subject, artifact} for every image that had an artifact;
 * - `imgcompat.io/applied`: what was merged (required terms, preferred terms, the node labels used);
 * - `imgcompat.io/errors` (failure policy Ignore only): images whose artifact could not be read in time.
 * A pod that already carries `imgcompat.io/artifacts` is left alone (re-invocation is idempotent).
 */
import { type Affinity, mergeAffinity } from '../affinity.ts';
import { ANNOTATION_PREFIX } from '../set-names.ts';

export const ARTIFACTS_ANNOTATION = `${ANNOTATION_PREFIX}/artifacts`;
export const APPLIED_ANNOTATION = `${ANNOTATION_PREFIX}/applied`;
export const ERRORS_ANNOTATION = `${ANNOTATION_PREFIX}/errors`;

export type FailurePolicy = 'Ignore' | 'Fail';

/** A malformed AdmissionReview: the server answers HTTP 400 with this message. */
export class BadReviewError extends Error {}

interface PodLike {
  metadata?: {
    name?: string;
    generateName?: string;
    namespace?: string;
    annotations?: Record<string, string>;
  };
  spec?: {
    containers?: { image?: string }[];
    initContainers?: { image?: string }[];
    affinity?: Affinity;
  };
}

export interface AdmissionRequest {
  uid: string;
  kind?: { group?: string; version?: string; kind?: string };
  operation?: string;
  namespace?: string;
  object?: PodLike;
}

/** What the webhook learnt about one image. */
export type ImageOutcome =
  | { kind: 'compat'; subject: string; artifact: string; affinity: Affinity; labels: string[] }
  | { kind: 'none' }
  | { kind: 'error'; message: string };

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses and checks the review; throws BadReviewError. */
export function parseReview(body: string): AdmissionRequest {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch (e) {
    throw new BadReviewError(`the request body is not JSON: ${(e as Error).message}`);
  }
  if (!isMap(doc)) throw new BadReviewError('the request body is not a JSON object');
  if (doc.apiVersion !== 'admission.k8s.io/v1' || doc.kind !== 'AdmissionReview') {
    throw new BadReviewError(
      `expected apiVersion admission.k8s.io/v1 and kind AdmissionReview, got ${JSON.stringify(doc.apiVersion)} ${JSON.stringify(doc.kind)}`,
    );
  }
  const req = doc.request;
  if (!isMap(req)) throw new BadReviewError('the AdmissionReview has no request');
  if (typeof req.uid !== 'string' || req.uid === '') throw new BadReviewError('request.uid is missing');
  if (req.object !== undefined && req.object !== null && !isMap(req.object)) {
    throw new BadReviewError('request.object is not an object');
  }
  const r = req as unknown as AdmissionRequest;
  if (isPodCreate(r)) {
    const spec = r.object?.spec;
    if (!isMap(spec) || !Array.isArray(spec.containers)) {
      throw new BadReviewError('request.object is a Pod without spec.containers');
    }
  }
  return r;
}

export function isPodCreate(r: AdmissionRequest): boolean {
  return (
    (r.kind?.group ?? '') === '' && r.kind?.kind === 'Pod' && r.operation === 'CREATE' && isMap(r.object)
  );
}

/** The distinct images of a pod's init and regular containers, in order. */
export function podImages(r: AdmissionRequest): string[] {
  if (!isPodCreate(r)) return [];
  if (r.object?.metadata?.annotations?.[ARTIFACTS_ANNOTATION] !== undefined) return [];
  const spec = r.object?.spec ?? {};
  const all = [...(spec.initContainers ?? []), ...(spec.containers ?? [])].map((c) => c?.image);
  return [...new Set(all.filter((i): i is string => typeof i === 'string' && i !== ''))];
}

export interface AdmissionResponse {
  apiVersion: 'admission.k8s.io/v1';
  kind: 'AdmissionReview';
  response: {
    uid: string;
    allowed: boolean;
    patchType?: 'JSONPatch';
    patch?: string;
    status?: { code: number; message: string };
    warnings?: string[];
  };
}

/** RFC 6901 escaping of one path segment. */
function pointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

export function allow(uid: string, warnings?: string[]): AdmissionResponse {
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    response: { uid, allowed: true, ...(warnings?.length ? { warnings } : {}) },
  };
}

/**
 * The answer for a pod given each image's outcome. With policy Fail, any image whose artifact could not
 * be read denies the pod; with Ignore, those images are skipped and named in an annotation.
 */
export function respond(
  r: AdmissionRequest,
  outcomes: ReadonlyMap<string, ImageOutcome>,
  policy: FailurePolicy,
): AdmissionResponse {
  const errors = [...outcomes.entries()].filter(([, o]) => o.kind === 'error') as [
    string,
    { message: string },
  ][];
  if (errors.length > 0 && policy === 'Fail') {
    return {
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: {
        uid: r.uid,
        allowed: false,
        status: {
          code: 503,
          message: `imgcompat: cannot read the compatibility artifact of ${errors
            .map(([image, e]) => `${image} (${e.message})`)
            .join('; ')} (failure policy Fail)`,
        },
      },
    };
  }
  const compat = [...outcomes.entries()].filter(([, o]) => o.kind === 'compat') as [
    string,
    Extract<ImageOutcome, { kind: 'compat' }>,
  ][];
  if (compat.length === 0 && errors.length === 0) return allow(r.uid);
  const pod = r.object ?? {};
  const annotations: Record<string, string> = {};
  const ops: { op: string; path: string; value: unknown }[] = [];
  const warnings: string[] = [];
  if (compat.length > 0) {
    let affinity: Affinity | undefined = pod.spec?.affinity;
    try {
      for (const [, o] of compat) affinity = mergeAffinity(affinity, o.affinity);
    } catch (e) {
      const message = (e as Error).message;
      if (policy === 'Fail') {
        return {
          apiVersion: 'admission.k8s.io/v1',
          kind: 'AdmissionReview',
          response: { uid: r.uid, allowed: false, status: { code: 400, message: `imgcompat: ${message}` } },
        };
      }
      return allow(r.uid, [`imgcompat: affinity not applied: ${message}`]);
    }
    ops.push({
      op: pod.spec?.affinity === undefined ? 'add' : 'replace',
      path: '/spec/affinity',
      value: affinity,
    });
    annotations[ARTIFACTS_ANNOTATION] = JSON.stringify(
      Object.fromEntries(compat.map(([image, o]) => [image, { subject: o.subject, artifact: o.artifact }])),
    );
    const required =
      affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.length ?? 0;
    const labels = compat.flatMap(([, o]) => o.labels);
    annotations[APPLIED_ANNOTATION] =
      `node affinity for ${compat.length} image(s): required ${required} nodeSelectorTerm(s) (user terms kept, each ANDed with one compatibility set), ` +
      `preferred ${labels.length} weighted term(s); labels: ${labels.join(', ')}`;
  }
  if (errors.length > 0) {
    annotations[ERRORS_ANNOTATION] = JSON.stringify(
      Object.fromEntries(errors.map(([i, e]) => [i, e.message])),
    );
    warnings.push(
      `imgcompat: no compatibility affinity for ${errors.map(([i]) => i).join(', ')}: artifact unavailable (failure policy Ignore)`,
    );
  }
  if (pod.metadata?.annotations === undefined || pod.metadata.annotations === null) {
    ops.push({ op: 'add', path: '/metadata/annotations', value: annotations });
  } else {
    for (const [k, v] of Object.entries(annotations)) {
      ops.push({ op: 'add', path: `/metadata/annotations/${pointer(k)}`, value: v });
    }
  }
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    response: {
      uid: r.uid,
      allowed: true,
      patchType: 'JSONPatch',
      patch: Buffer.from(JSON.stringify(ops)).toString('base64'),
      ...(warnings.length ? { warnings } : {}),
    },
  };
}
