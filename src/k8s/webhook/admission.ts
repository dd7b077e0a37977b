/**
 * The mutating admission logic, free of I/O: read an `admission.k8s.io/v1` AdmissionReview for a Pod,
 * and given what is known about each container image and about the cluster's Node labels now, answer
 * with a JSONPatch that merges the images' node affinity into the pod (k8s/affinity.ts, never removing
 * the user's terms) and annotates it.
 *
 * Never strand a pod: a required term is added only for set labels that at least one Node carries now
 * (ClusterView, fed by the webhook's Node watch). When no Node carries any of an image's set labels, only
 * preferred terms are added and the pod says why (`imgcompat.io/reason`), telling apart:
 * - `rules-not-applied`: no NodeFeatureRule in the cluster sets these labels (`nfr generate --apply` was
 *   never run for this spec) — normal for a new image, no warning;
 * - `nfd-master-inactive`: rules exist but no Node carries nfd-master's `feature-labels` annotation nor
 *   any compat label: nfd-master is not running (or has not labelled anything yet) — warning;
 * - `no-node-passes`: rules exist, nfd-master labels nodes, and still no Node passes any set: no node can
 *   run the image — warning, and the server records a Kubernetes Event;
 * - `cache-unavailable`: the Node watch is failing or has not synced (informer.ts) — warning.
 *
 * `--mode`: `required` (default: required terms when safe, as above), `preferred` (never required terms),
 * `annotate` (no affinity at all, annotations and warnings only).
 *
 * Annotations written on a mutated pod:
 * - `imgcompat.io/artifacts`: JSON object image → {subject, artifact, spec} for every image that had an
 *   artifact;
 * - `imgcompat.io/applied`: what was merged (required terms, preferred terms, the node labels used);
 * - `imgcompat.io/reason`: JSON object image → why no required term was added for it;
 * - `imgcompat.io/errors` (failure policy Ignore only): images whose artifact could not be read in time;
 * - `imgcompat.io/skipped`: images beyond the first `MAX_IMAGES` distinct ones, admitted unchanged.
 *
 * Bounds (Kubernetes refuses a pod whose annotations total more than 256 KiB,
 * `k8s.io/apimachinery/pkg/api/validation` `ValidateAnnotationsSize`): at most `MAX_IMAGES` distinct
 * images per pod are looked up; each annotation value we write is at most `MAX_ANNOTATION_CHARS`
 * characters (JSON annotations drop their last entries and say how many under the key `…`; text is cut
 * with `… (N more characters)`), so the five together stay under 128 KiB; at most `MAX_WARNINGS`
 * warnings, and the denial message is cut at `MAX_MESSAGE_CHARS`.
 *
 * The affinity added is bounded too. Kubernetes puts no limit on the number of node affinity terms,
 * expressions or values (k8s.io/kubernetes pkg/apis/core/validation/validation.go `ValidateNodeSelector`,
 * `ValidatePreferredSchedulingTerms` check each one's content only); what bounds a pod is its stored size:
 * etcd refuses a request over 1.5 MiB (go.etcd.io/etcd/server/v3 embed/config.go `DefaultMaxRequestBytes`)
 * and the API server a body over 3 MiB (k8s.io/apiserver pkg/server/config.go `MaxRequestBodyBytes`), and
 * the scheduler evaluates every term on every node. So the merged required affinity has at most
 * `MAX_REQUIRED_TERMS` (64, k8s/affinity.ts) terms, `MAX_REQUIRED_EXPRESSIONS` expressions and
 * `MAX_REQUIRED_VALUES` values in all (the user's terms are copied into every product term and count),
 * and at most `MAX_PREFERRED_TERMS` preferred terms are added per pod. Worst case, with label keys of
 * Kubernetes' longest qualified name (317 characters) and values of 63: 512 × ~340 + 2,048 × ~66 +
 * 64 × ~380 bytes ≈ 330 KiB, a fifth of etcd's limit; with our own labels (≤ 90 characters) under 100 KiB.
 * An image whose required terms would go past a bound gets preferred terms only (its
 * `imgcompat.io/reason` says so); preferred terms past the bound are dropped and counted in
 * `imgcompat.io/applied`; both add a warning.
 * A pod that already carries `imgcompat.io/artifacts` is left alone (re-invocation is idempotent).
 */
import type { Affinity } from '../affinity.ts';
import { MAX_REQUIRED_TERMS, mergeAffinity } from '../affinity.ts';
import { ANNOTATION_PREFIX } from '../set-names.ts';

export const ARTIFACTS_ANNOTATION = `${ANNOTATION_PREFIX}/artifacts`;
export const APPLIED_ANNOTATION = `${ANNOTATION_PREFIX}/applied`;
export const REASON_ANNOTATION = `${ANNOTATION_PREFIX}/reason`;
export const ERRORS_ANNOTATION = `${ANNOTATION_PREFIX}/errors`;
export const SKIPPED_ANNOTATION = `${ANNOTATION_PREFIX}/skipped`;

/** Distinct images per pod whose artifacts are looked up; the others are admitted unchanged. */
export const MAX_IMAGES = 64;
/** Characters per annotation value we write (≤ 3 bytes each in UTF-8: 24 KiB). */
export const MAX_ANNOTATION_CHARS = 8192;
export const MAX_WARNINGS = 16;
export const MAX_MESSAGE_CHARS = 4096;
/** Expressions in all the required nodeSelectorTerms of a merged affinity (see the header for why). */
export const MAX_REQUIRED_EXPRESSIONS = 512;
/** Values of those expressions, in all. */
export const MAX_REQUIRED_VALUES = 2048;
/** Preferred terms the webhook adds to one pod. */
export const MAX_PREFERRED_TERMS = 64;
/** Characters of one error message kept in `imgcompat.io/errors` or a warning. */
const MAX_ENTRY_CHARS = 512;

/** `text` cut to `max` characters, saying how much was cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const marker = (n: number) => `… (${n} more characters)`;
  const keep = max - marker(text.length).length;
  return `${text.slice(0, Math.max(0, keep))}${marker(text.length - Math.max(0, keep))}`;
}

/** A JSON object of `entries` in at most `max` characters: the entries that fit, then `"…": "N more"`. */
export function boundedJsonObject(entries: [string, unknown][], max = MAX_ANNOTATION_CHARS): string {
  const kept: [string, unknown][] = [];
  let size = 2;
  const reserve = 64; // room for the `…` entry
  for (const [i, e] of entries.entries()) {
    const piece = JSON.stringify(e[0]).length + 1 + JSON.stringify(e[1]).length + 1;
    if (size + piece > max - reserve) {
      const more = entries.length - i;
      return JSON.stringify(Object.fromEntries([...kept, ['…', `${more} more not shown`]]));
    }
    kept.push(e);
    size += piece;
  }
  return JSON.stringify(Object.fromEntries(kept));
}

/** A JSON array of `items` in at most `max` characters: the items that fit, then `"… N more"`. */
export function boundedJsonArray(items: string[], max = MAX_ANNOTATION_CHARS): string {
  const kept: string[] = [];
  let size = 2;
  for (const [i, item] of items.entries()) {
    const piece = JSON.stringify(item).length + 1;
    if (size + piece > max - 64) return JSON.stringify([...kept, `… ${items.length - i} more not shown`]);
    kept.push(item);
    size += piece;
  }
  return JSON.stringify(kept);
}

export const MODES = ['required', 'preferred', 'annotate'] as const;
export type Mode = (typeof MODES)[number];

/** One compatibility set as the webhook uses it: its node label and its preferred weight (1..100). */
export interface CompatSet {
  label: string;
  weight: number;
}

/** What the webhook knows about the cluster now (label-index.ts through informer.ts). */
export interface ClusterView {
  /** False when the Node cache cannot be trusted; `nodesStale` says why. */
  nodesFresh: boolean;
  nodesStale?: string;
  /** Nodes carrying `label` now. */
  nodesWith(label: string): number;
  /** Nodes labelled by nfd-master (its feature-labels annotation) or carrying any compat label. */
  nfdNodes: number;
  /** False when the NodeFeatureRule cache cannot be trusted (RBAC, CRD missing, API down). */
  rulesFresh: boolean;
  /** NodeFeatureRules whose rules set `label`. */
  rulesSetting(label: string): number;
}

/** The view of a webhook that knows nothing about the cluster. */
export const UNKNOWN_CLUSTER: ClusterView = {
  nodesFresh: false,
  nodesStale: 'no Node watch',
  nodesWith: () => 0,
  nfdNodes: 0,
  rulesFresh: false,
  rulesSetting: () => 0,
};

export type Verdict =
  /** Some sets' labels are on Nodes: `required` those sets, `missing` the others. */
  | { kind: 'carried'; required: CompatSet[]; missing: CompatSet[] }
  | { kind: 'cache-unavailable'; why: string }
  | { kind: 'rules-not-applied' }
  | { kind: 'nfd-master-inactive' }
  | { kind: 'no-node-passes' }
  /** No Node carries the labels and the NodeFeatureRules cannot be read to tell why. */
  | { kind: 'unknown' };

/** How one image's sets stand in the cluster. */
export function judge(sets: readonly CompatSet[], view: ClusterView): Verdict {
  if (!view.nodesFresh) return { kind: 'cache-unavailable', why: view.nodesStale ?? 'unknown' };
  const required = sets.filter((s) => view.nodesWith(s.label) > 0);
  if (required.length > 0) {
    return { kind: 'carried', required, missing: sets.filter((s) => !required.includes(s)) };
  }
  if (!view.rulesFresh) return { kind: 'unknown' };
  if (!sets.some((s) => view.rulesSetting(s.label) > 0)) return { kind: 'rules-not-applied' };
  if (view.nfdNodes === 0) return { kind: 'nfd-master-inactive' };
  return { kind: 'no-node-passes' };
}

function reasonText(v: Verdict, labels: string): string {
  switch (v.kind) {
    case 'carried':
      return `labels carried by no Node: ${v.missing.map((s) => s.label).join(', ')}`;
    case 'cache-unavailable':
      return `cache-unavailable: the Node label cache cannot be trusted (${v.why}); required affinity not added`;
    case 'rules-not-applied':
      return `rules-not-applied: no NodeFeatureRule in the cluster sets ${labels} (run \`imgcompat nfr generate --apply\` for this image); required affinity not added`;
    case 'nfd-master-inactive':
      return "nfd-master-inactive: NodeFeatureRules set these labels but no Node carries nfd-master's nfd.node.kubernetes.io/feature-labels annotation nor any compat label: nfd-master is not running or has not labelled nodes yet; required affinity not added";
    case 'no-node-passes':
      return `no-node-passes: NodeFeatureRules set ${labels} and nfd-master labels nodes, but no Node carries any of them: no node can run this image; required affinity not added`;
    case 'unknown':
      return 'unknown: no Node carries these labels and the NodeFeatureRules cannot be read to tell why; required affinity not added';
  }
}

function setRequirement(s: CompatSet) {
  return { key: s.label, operator: 'In', values: ['true'] };
}

/** Required terms for `required` (ORed), preferred terms for `preferred`. */
export function affinityOf(required: readonly CompatSet[], preferred: readonly CompatSet[]): Affinity {
  if (required.length === 0 && preferred.length === 0) return {};
  return {
    nodeAffinity: {
      ...(required.length > 0
        ? {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: required.map((s) => ({ matchExpressions: [setRequirement(s)] })),
            },
          }
        : {}),
      ...(preferred.length > 0
        ? {
            preferredDuringSchedulingIgnoredDuringExecution: preferred.map((s) => ({
              weight: s.weight,
              preference: { matchExpressions: [setRequirement(s)] },
            })),
          }
        : {}),
    },
  };
}

/**
 * Why merging `required` into `affinity` would make required node affinity past its bounds (terms,
 * expressions or values), or undefined when it fits. Counted before building: a product of terms is
 * not allocated to find out it is too big.
 */
function requiredOverflow(
  affinity: Affinity | undefined,
  required: readonly CompatSet[],
): string | undefined {
  const user =
    affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  const userCount = Math.max(1, user.length);
  const terms = userCount * required.length;
  if (terms > MAX_REQUIRED_TERMS)
    return `the pod would have ${terms} required nodeSelectorTerms (at most ${MAX_REQUIRED_TERMS})`;
  // Every user term is copied once per set, each copy gaining one expression with one value.
  let expressions = 0;
  let values = 0;
  for (const t of user) {
    for (const e of [...(t.matchExpressions ?? []), ...(t.matchFields ?? [])]) {
      expressions++;
      values += Array.isArray(e.values) ? e.values.length : 0;
    }
  }
  expressions = expressions * required.length + terms;
  values = values * required.length + terms;
  if (expressions > MAX_REQUIRED_EXPRESSIONS)
    return `the pod would have ${expressions} required node affinity expressions (at most ${MAX_REQUIRED_EXPRESSIONS})`;
  if (values > MAX_REQUIRED_VALUES)
    return `the pod would have ${values} required node affinity values (at most ${MAX_REQUIRED_VALUES})`;
  return undefined;
}

export type FailurePolicy = 'Ignore' | 'Fail';

/** A malformed AdmissionReview: the server answers HTTP 400 with this message. */
export class BadReviewError extends Error {}

interface PodLike {
  metadata?: {
    name?: string;
    generateName?: string;
    namespace?: string;
    annotations?: Record<string, string>;
    ownerReferences?: { apiVersion?: string; kind?: string; name?: string; uid?: string }[];
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
  /** The API server will not persist the object: no side effects (Events) then. */
  dryRun?: boolean;
  object?: PodLike;
}

/** What the webhook learnt about one image. */
export type ImageOutcome =
  | { kind: 'compat'; subject: string; artifact: string; spec: string; sets: CompatSet[] }
  | { kind: 'none' }
  | { kind: 'error'; message: string }
  /** Beyond `MAX_IMAGES`: not looked up, admitted unchanged, named in `imgcompat.io/skipped`. */
  | { kind: 'skipped' };

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

/**
 * The distinct images of a pod's init and regular containers, in order. The server looks up the first
 * `MAX_IMAGES` of them (`limitImages`).
 */
export function podImages(r: AdmissionRequest): string[] {
  if (!isPodCreate(r)) return [];
  if (r.object?.metadata?.annotations?.[ARTIFACTS_ANNOTATION] !== undefined) return [];
  const spec = r.object?.spec ?? {};
  const all = [...(spec.initContainers ?? []), ...(spec.containers ?? [])].map((c) => c?.image);
  return [...new Set(all.filter((i): i is string => typeof i === 'string' && i !== ''))];
}

/** The images to look up (the first `MAX_IMAGES`) and the rest. */
export function limitImages(images: string[]): { lookup: string[]; skipped: string[] } {
  return { lookup: images.slice(0, MAX_IMAGES), skipped: images.slice(MAX_IMAGES) };
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

export interface Decision {
  answer: AdmissionResponse;
  /** Images no node can run (verdict `no-node-passes`), for the server's Events. */
  noNode: { image: string; labels: string[] }[];
}

function deny(uid: string, code: number, message: string): AdmissionResponse {
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    response: { uid, allowed: false, status: { code, message: truncate(message, MAX_MESSAGE_CHARS) } },
  };
}

/**
 * The answer for a pod given each image's outcome and the cluster view. With policy Fail, any image
 * whose artifact could not be read denies the pod; with Ignore, those images are skipped and named in an
 * annotation.
 */
export function respond(
  r: AdmissionRequest,
  outcomes: ReadonlyMap<string, ImageOutcome>,
  policy: FailurePolicy,
  mode: Mode = 'required',
  view: ClusterView = UNKNOWN_CLUSTER,
): Decision {
  const errors = [...outcomes.entries()].filter(([, o]) => o.kind === 'error') as [
    string,
    { message: string },
  ][];
  if (errors.length > 0 && policy === 'Fail') {
    return {
      answer: deny(
        r.uid,
        503,
        `imgcompat: cannot read the compatibility artifact of ${errors
          .map(([image, e]) => `${image} (${truncate(e.message, MAX_ENTRY_CHARS)})`)
          .join('; ')} (failure policy Fail)`,
      ),
      noNode: [],
    };
  }
  const compat = [...outcomes.entries()].filter(([, o]) => o.kind === 'compat') as [
    string,
    Extract<ImageOutcome, { kind: 'compat' }>,
  ][];
  const skipped = [...outcomes.entries()].filter(([, o]) => o.kind === 'skipped').map(([i]) => i);
  const noNode: Decision['noNode'] = [];
  if (compat.length === 0 && errors.length === 0 && skipped.length === 0) {
    return { answer: allow(r.uid), noNode };
  }
  const pod = r.object ?? {};
  const annotations: Record<string, string> = {};
  const ops: { op: string; path: string; value: unknown }[] = [];
  const warnings: string[] = [];
  if (compat.length > 0) {
    let affinity: Affinity | undefined = pod.spec?.affinity;
    const reasons: Record<string, string> = {};
    let requiredSets = 0;
    let preferredSets = 0;
    let preferredCut = 0;
    const used: string[] = [];
    for (const [image, o] of compat) {
      const v = judge(o.sets, view);
      const labels = o.sets.map((s) => s.label).join(', ');
      if (v.kind !== 'carried' || v.missing.length > 0) reasons[image] = reasonText(v, labels);
      if (v.kind === 'no-node-passes') {
        noNode.push({ image, labels: o.sets.map((s) => s.label) });
        warnings.push(
          `imgcompat: no node can run ${image}: no Node carries any of ${labels} (NodeFeatureRules set them and nfd-master labels nodes); admitted with preferred affinity only`,
        );
      } else if (v.kind === 'nfd-master-inactive') {
        warnings.push(
          `imgcompat: ${image}: nfd-master does not seem to run (no Node carries its nfd.node.kubernetes.io/feature-labels annotation); admitted with preferred affinity only`,
        );
      } else if (v.kind === 'cache-unavailable' || v.kind === 'unknown') {
        warnings.push(`imgcompat: ${image}: ${reasonText(v, labels)}`);
      }
      if (mode === 'annotate') continue;
      let required = mode === 'required' && v.kind === 'carried' ? v.required : [];
      const preferred = o.sets.slice(0, Math.max(0, MAX_PREFERRED_TERMS - preferredSets));
      preferredCut += o.sets.length - preferred.length;
      if (required.length > 0) {
        const over = requiredOverflow(affinity, required);
        if (over !== undefined) {
          required = [];
          const why = `required affinity not added: ${over}; preferred terms only`;
          reasons[image] = reasons[image] === undefined ? why : `${reasons[image]}; ${why}`;
          warnings.push(`imgcompat: ${image}: required affinity not added: ${over}`);
        }
      }
      requiredSets += required.length;
      preferredSets += preferred.length;
      used.push(...preferred.map((s) => s.label));
      affinity = mergeAffinity(affinity, affinityOf(required, preferred));
    }
    if (preferredCut > 0) {
      warnings.push(
        `imgcompat: ${preferredCut} preferred affinity term(s) not added: at most ${MAX_PREFERRED_TERMS} per pod`,
      );
    }
    if (mode !== 'annotate') {
      ops.push({
        op: pod.spec?.affinity === undefined ? 'add' : 'replace',
        path: '/spec/affinity',
        value: affinity,
      });
    }
    annotations[ARTIFACTS_ANNOTATION] = boundedJsonObject(
      compat.map(([image, o]) => [image, { subject: o.subject, artifact: o.artifact, spec: o.spec }]),
    );
    const required =
      affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.length ?? 0;
    annotations[APPLIED_ANNOTATION] = truncate(
      mode === 'annotate'
        ? `mode annotate: no affinity added for ${compat.length} image(s)`
        : `mode ${mode}: node affinity for ${compat.length} image(s): ${requiredSets} set(s) required (pod has ${required} required nodeSelectorTerm(s), user terms kept, each ANDed with one compatibility set), ` +
            `${preferredSets} preferred weighted term(s)${preferredCut > 0 ? ` (${preferredCut} more not added: at most ${MAX_PREFERRED_TERMS} per pod)` : ''}; labels: ${used.join(', ')}`,
      MAX_ANNOTATION_CHARS,
    );
    if (Object.keys(reasons).length > 0)
      annotations[REASON_ANNOTATION] = boundedJsonObject(Object.entries(reasons));
  }
  if (errors.length > 0) {
    annotations[ERRORS_ANNOTATION] = boundedJsonObject(
      errors.map(([i, e]) => [i, truncate(e.message, MAX_ENTRY_CHARS)]),
    );
    warnings.push(
      `imgcompat: no compatibility affinity for ${errors.map(([i]) => i).join(', ')}: artifact unavailable (failure policy Ignore)`,
    );
  }
  if (skipped.length > 0) {
    annotations[SKIPPED_ANNOTATION] = boundedJsonArray(skipped);
    warnings.push(
      `imgcompat: the pod has more than ${MAX_IMAGES} distinct images; ${skipped.length} admitted without compatibility affinity (named in ${SKIPPED_ANNOTATION})`,
    );
  }
  if (warnings.length > MAX_WARNINGS) {
    const more = warnings.length - (MAX_WARNINGS - 1);
    warnings.splice(MAX_WARNINGS - 1, warnings.length, `imgcompat: ${more} more warning(s) not shown`);
  }
  for (const [i, w] of warnings.entries()) warnings[i] = truncate(w, MAX_ENTRY_CHARS);
  if (pod.metadata?.annotations === undefined || pod.metadata.annotations === null) {
    ops.push({ op: 'add', path: '/metadata/annotations', value: annotations });
  } else {
    for (const [k, v] of Object.entries(annotations)) {
      ops.push({ op: 'add', path: `/metadata/annotations/${pointer(k)}`, value: v });
    }
  }
  return {
    answer: {
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: {
        uid: r.uid,
        allowed: true,
        patchType: 'JSONPatch',
        patch: Buffer.from(JSON.stringify(ops)).toString('base64'),
        ...(warnings.length ? { warnings } : {}),
      },
    },
    noNode,
  };
}
