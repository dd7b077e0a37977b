import assert from 'node:assert/strict';
import { test } from 'node:test';
import { affinityFor } from '../../../src/k8s/affinity.ts';
import { nameSets } from '../../../src/k8s/set-names.ts';
import {
  ARTIFACTS_ANNOTATION,
  BadReviewError,
  type ImageOutcome,
  parseReview,
  podImages,
  respond,
} from '../../../src/k8s/webhook/admission.ts';

const D = `sha256:${'cd'.repeat(32)}`;
const sets = nameSets({ version: 'v1alpha1', compatibilities: [{ rules: [], tag: 'x', weight: 5 }] }, D);
const compat: ImageOutcome = {
  kind: 'compat',
  subject: D,
  artifact: `sha256:${'ef'.repeat(32)}`,
  affinity: affinityFor(sets),
  labels: [sets[0]!.label],
};

function review(pod: unknown, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: 'u1',
      kind: { group: '', version: 'v1', kind: 'Pod' },
      operation: 'CREATE',
      object: pod,
      ...extra,
    },
  });
}

/** A minimal RFC 6902 `add`/`replace` applier, enough to check our patches. */
function applyPatch(
  doc: Record<string, unknown>,
  patch: { op: string; path: string; value: unknown }[],
): Record<string, unknown> {
  const out = structuredClone(doc);
  for (const op of patch) {
    const parts = op.path
      .split('/')
      .slice(1)
      .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'));
    let at: Record<string, unknown> = out;
    for (const p of parts.slice(0, -1)) at = at[p] as Record<string, unknown>;
    const last = parts.at(-1)!;
    if (op.op === 'replace') assert.ok(last in at, `replace of missing ${op.path}`);
    at[last] = op.value;
  }
  return out;
}

test('malformed reviews are rejected with a reason', () => {
  for (const [body, why] of [
    ['nope', /not JSON/],
    ['[]', /not a JSON object/],
    [
      JSON.stringify({ apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview' }),
      /expected apiVersion/,
    ],
    [JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' }), /has no request/],
    [review({ spec: {} }), /without spec\.containers/],
  ] as const) {
    assert.throws(
      () => parseReview(body),
      (e: unknown) => e instanceof BadReviewError && why.test(e.message),
    );
  }
});

test('images: init and regular containers, distinct; not for other kinds, operations or already-mutated pods', () => {
  const pod = {
    metadata: {},
    spec: { initContainers: [{ image: 'i' }], containers: [{ image: 'a' }, { image: 'i' }] },
  };
  assert.deepEqual(podImages(parseReview(review(pod))), ['i', 'a']);
  assert.deepEqual(podImages(parseReview(review(pod, { operation: 'UPDATE' }))), []);
  const done = { ...pod, metadata: { annotations: { [ARTIFACTS_ANNOTATION]: '{}' } } };
  assert.deepEqual(podImages(parseReview(review(done))), []);
});

test('the patch adds affinity and annotations to a pod without them', () => {
  const pod = { metadata: { name: 'p' }, spec: { containers: [{ image: 'a' }] } };
  const r = respond(parseReview(review(pod)), new Map([['a', compat]]), 'Ignore');
  assert.equal(r.response.allowed, true);
  assert.equal(r.response.patchType, 'JSONPatch');
  const patched = applyPatch(pod, JSON.parse(Buffer.from(r.response.patch!, 'base64').toString()));
  const meta = patched.metadata as { annotations: Record<string, string> };
  assert.deepEqual(JSON.parse(meta.annotations[ARTIFACTS_ANNOTATION]!), {
    a: { subject: D, artifact: compat.kind === 'compat' ? compat.artifact : '' },
  });
  assert.deepEqual((patched.spec as { affinity: unknown }).affinity, affinityFor(sets));
});

test('existing annotations and affinity are kept (replace + per-key add)', () => {
  const pod = {
    metadata: { name: 'p', annotations: { mine: 'yes' } },
    spec: { containers: [{ image: 'a' }], affinity: { podAffinity: { x: 1 } } },
  };
  const r = respond(parseReview(review(pod)), new Map([['a', compat]]), 'Ignore');
  const patched = applyPatch(pod, JSON.parse(Buffer.from(r.response.patch!, 'base64').toString()));
  const meta = patched.metadata as { annotations: Record<string, string> };
  assert.equal(meta.annotations.mine, 'yes');
  assert.ok(meta.annotations[ARTIFACTS_ANNOTATION]);
  assert.deepEqual((patched.spec as { affinity: { podAffinity: unknown } }).affinity.podAffinity, { x: 1 });
});

test('no artifact: allowed without a patch; errors follow the failure policy', () => {
  const pod = { metadata: { name: 'p' }, spec: { containers: [{ image: 'a' }, { image: 'b' }] } };
  const req = parseReview(review(pod));
  const none = respond(req, new Map<string, ImageOutcome>([['a', { kind: 'none' }]]), 'Fail');
  assert.deepEqual(none.response, { uid: 'u1', allowed: true });
  const outcomes = new Map<string, ImageOutcome>([
    ['a', compat],
    ['b', { kind: 'error', message: 'registry down' }],
  ]);
  const denied = respond(req, outcomes, 'Fail');
  assert.equal(denied.response.allowed, false);
  assert.match(denied.response.status!.message, /b \(registry down\) \(failure policy Fail\)/);
  const ignored = respond(req, outcomes, 'Ignore');
  assert.equal(ignored.response.allowed, true);
  const patched = applyPatch(pod, JSON.parse(Buffer.from(ignored.response.patch!, 'base64').toString()));
  assert.match(JSON.stringify(patched.metadata), /registry down/);
  assert.match(ignored.response.warnings![0]!, /failure policy Ignore/);
});
