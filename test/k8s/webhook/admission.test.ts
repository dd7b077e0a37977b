import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  APPLIED_ANNOTATION,
  ARTIFACTS_ANNOTATION,
  BadReviewError,
  type ClusterView,
  type ImageOutcome,
  judge,
  MAX_PREFERRED_TERMS,
  parseReview,
  podImages,
  REASON_ANNOTATION,
  respond,
} from '../../../src/k8s/webhook/admission.ts';
import { podReview } from '../../e2e/harness/webhook-client.ts';

const D = `sha256:${'cd'.repeat(32)}`;
const S = `sha256:${'ab'.repeat(32)}`;
const FAST = 'compat.feature.node.kubernetes.io/abababababab.fast';
const BASE = 'compat.feature.node.kubernetes.io/abababababab.baseline';
const compat: ImageOutcome = {
  kind: 'compat',
  subject: D,
  artifact: `sha256:${'ef'.repeat(32)}`,
  spec: S,
  sets: [
    { label: FAST, weight: 100 },
    { label: BASE, weight: 1 },
  ],
};

/** A cluster where `carried` labels are on `n` nodes each and `rules` are set by NodeFeatureRules. */
function view(
  carried: Record<string, number>,
  opts: { rules?: string[]; nfdNodes?: number; fresh?: boolean; rulesFresh?: boolean } = {},
): ClusterView {
  return {
    nodesFresh: opts.fresh ?? true,
    ...(opts.fresh === false ? { nodesStale: 'the nodes watch has been failing for 40s (refused)' } : {}),
    nodesWith: (l) => carried[l] ?? 0,
    nfdNodes: opts.nfdNodes ?? 0,
    rulesFresh: opts.rulesFresh ?? true,
    rulesSetting: (l) => ((opts.rules ?? []).includes(l) ? 1 : 0),
  };
}

const fastReq = { matchExpressions: [{ key: FAST, operator: 'In', values: ['true'] }] };
const baseReq = { matchExpressions: [{ key: BASE, operator: 'In', values: ['true'] }] };
const preferredBoth = [
  { weight: 100, preference: fastReq },
  { weight: 1, preference: baseReq },
];

function review(pod: unknown, extra: Record<string, unknown> = {}): string {
  return JSON.stringify(podReview(pod, extra));
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

function patchedPod(pod: Record<string, unknown>, answer: { response: { patch?: string } }) {
  return applyPatch(pod, JSON.parse(Buffer.from(answer.response.patch!, 'base64').toString())) as {
    metadata: { annotations: Record<string, string> };
    // biome-ignore lint/suspicious/noExplicitAny: affinity checked by deepEqual
    spec: { affinity: any };
  };
}

test('the patch adds affinity and annotations to a pod without them (labels carried: required)', () => {
  const pod = { metadata: { name: 'p' }, spec: { containers: [{ image: 'a' }] } };
  const { answer } = respond(
    parseReview(review(pod)),
    new Map([['a', compat]]),
    'Ignore',
    'required',
    view({ [FAST]: 2, [BASE]: 5 }, { rules: [FAST, BASE], nfdNodes: 5 }),
  );
  assert.equal(answer.response.allowed, true);
  assert.equal(answer.response.patchType, 'JSONPatch');
  assert.equal(answer.response.warnings, undefined);
  const patched = patchedPod(pod, answer);
  assert.deepEqual(JSON.parse(patched.metadata.annotations[ARTIFACTS_ANNOTATION]!), {
    a: { subject: D, artifact: `sha256:${'ef'.repeat(32)}`, spec: S },
  });
  assert.deepEqual(patched.spec.affinity, {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [fastReq, baseReq] },
      preferredDuringSchedulingIgnoredDuringExecution: preferredBoth,
    },
  });
  assert.equal(patched.metadata.annotations[REASON_ANNOTATION], undefined);
});

test('only the sets whose labels some Node carries become required terms; the others are named', () => {
  const pod = { metadata: { name: 'p' }, spec: { containers: [{ image: 'a' }] } };
  const { answer } = respond(
    parseReview(review(pod)),
    new Map([['a', compat]]),
    'Ignore',
    'required',
    view({ [BASE]: 1 }, { rules: [FAST, BASE], nfdNodes: 1 }),
  );
  const patched = patchedPod(pod, answer);
  assert.deepEqual(patched.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution, {
    nodeSelectorTerms: [baseReq],
  });
  assert.deepEqual(
    patched.spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution,
    preferredBoth,
  );
  assert.match(
    JSON.parse(patched.metadata.annotations[REASON_ANNOTATION]!).a,
    /carried by no Node: .*\.fast$/,
  );
});

test('no Node carries the labels: preferred terms only, the reason tells the four cases apart', () => {
  const pod = { metadata: { name: 'p' }, spec: { containers: [{ image: 'a' }] } };
  const cases = [
    { v: view({}, { rules: [] }), kind: 'rules-not-applied', warn: undefined, noNode: 0 },
    {
      v: view({}, { rules: [FAST], nfdNodes: 0 }),
      kind: 'nfd-master-inactive',
      warn: /nfd-master does not seem to run/,
      noNode: 0,
    },
    {
      v: view({}, { rules: [FAST], nfdNodes: 3 }),
      kind: 'no-node-passes',
      warn: /no node can run a: no Node carries any of/,
      noNode: 1,
    },
    {
      v: view({ [FAST]: 3 }, { fresh: false }),
      kind: 'cache-unavailable',
      warn: /watch has been failing for 40s/,
      noNode: 0,
    },
    { v: view({}, { rulesFresh: false }), kind: 'unknown', warn: /cannot be read to tell why/, noNode: 0 },
  ];
  for (const c of cases) {
    const { answer, noNode } = respond(
      parseReview(review(pod)),
      new Map([['a', compat]]),
      'Ignore',
      'required',
      c.v,
    );
    const patched = patchedPod(pod, answer);
    assert.deepEqual(
      patched.spec.affinity,
      { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: preferredBoth } },
      c.kind,
    );
    assert.match(
      JSON.parse(patched.metadata.annotations[REASON_ANNOTATION]!).a,
      new RegExp(`^${c.kind}: `),
      c.kind,
    );
    if (c.warn) assert.match(answer.response.warnings?.[0] ?? '', c.warn, c.kind);
    else assert.equal(answer.response.warnings, undefined, c.kind);
    assert.equal(noNode.length, c.noNode, c.kind);
  }
});

test('modes: preferred never adds required terms, annotate adds no affinity', () => {
  const pod = { metadata: { name: 'p' }, spec: { containers: [{ image: 'a' }] } };
  const carried = view({ [FAST]: 1, [BASE]: 1 }, { rules: [FAST, BASE], nfdNodes: 1 });
  const pref = patchedPod(
    pod,
    respond(parseReview(review(pod)), new Map([['a', compat]]), 'Ignore', 'preferred', carried).answer,
  );
  assert.deepEqual(pref.spec.affinity, {
    nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: preferredBoth },
  });
  assert.match(pref.metadata.annotations[APPLIED_ANNOTATION]!, /^mode preferred: .* 0 set\(s\) required/);
  const ann = patchedPod(
    pod,
    respond(parseReview(review(pod)), new Map([['a', compat]]), 'Ignore', 'annotate', carried).answer,
  );
  assert.equal(ann.spec.affinity, undefined);
  assert.match(ann.metadata.annotations[APPLIED_ANNOTATION]!, /^mode annotate/);
  assert.ok(ann.metadata.annotations[ARTIFACTS_ANNOTATION]);
});

test('judge', () => {
  const sets = compat.kind === 'compat' ? compat.sets : [];
  assert.deepEqual(judge(sets, view({ [FAST]: 1 })), {
    kind: 'carried',
    required: [sets[0]],
    missing: [sets[1]],
  });
  assert.deepEqual(judge([], view({})), { kind: 'rules-not-applied' });
});

test('existing annotations and affinity are kept (replace + per-key add)', () => {
  const pod = {
    metadata: { name: 'p', annotations: { mine: 'yes' } },
    spec: { containers: [{ image: 'a' }], affinity: { podAffinity: { x: 1 } } },
  };
  const r = respond(parseReview(review(pod)), new Map([['a', compat]]), 'Ignore').answer;
  const patched = applyPatch(pod, JSON.parse(Buffer.from(r.response.patch!, 'base64').toString()));
  const meta = patched.metadata as { annotations: Record<string, string> };
  assert.equal(meta.annotations.mine, 'yes');
  assert.ok(meta.annotations[ARTIFACTS_ANNOTATION]);
  assert.deepEqual((patched.spec as { affinity: { podAffinity: unknown } }).affinity.podAffinity, { x: 1 });
});

test('no artifact: allowed without a patch; errors follow the failure policy', () => {
  const pod = { metadata: { name: 'p' }, spec: { containers: [{ image: 'a' }, { image: 'b' }] } };
  const req = parseReview(review(pod));
  const none = respond(req, new Map<string, ImageOutcome>([['a', { kind: 'none' }]]), 'Fail').answer;
  assert.deepEqual(none.response, { uid: 'u1', allowed: true });
  const outcomes = new Map<string, ImageOutcome>([
    ['a', compat],
    ['b', { kind: 'error', message: 'registry down' }],
  ]);
  const denied = respond(req, outcomes, 'Fail').answer;
  assert.equal(denied.response.allowed, false);
  assert.match(denied.response.status!.message, /b \(registry down\) \(failure policy Fail\)/);
  const ignored = respond(req, outcomes, 'Ignore').answer;
  assert.equal(ignored.response.allowed, true);
  const patched = applyPatch(pod, JSON.parse(Buffer.from(ignored.response.patch!, 'base64').toString()));
  assert.match(JSON.stringify(patched.metadata), /registry down/);
  assert.ok(ignored.response.warnings!.some((w) => /failure policy Ignore/.test(w)));
});

test('huge affinity from many images and sets: at most 64 preferred terms added, the rest counted', () => {
  // 64 images × 1,000 sets each: every set would add a preferred term (64,000 terms, an 8 MB patch).
  const images = Array.from({ length: 64 }, (_, i) => `img${i}`);
  const pod = { metadata: { name: 'p' }, spec: { containers: images.map((image) => ({ image })) } };
  const outcomes = new Map<string, ImageOutcome>(
    images.map((image, i) => [
      image,
      {
        ...compat,
        sets: Array.from({ length: 1000 }, (_, k) => ({
          label: `compat.feature.node.kubernetes.io/${String(i).padStart(12, '0')}.s${k}`,
          weight: 1 + (k % 100),
        })),
      },
    ]),
  );
  const { answer } = respond(parseReview(review(pod)), outcomes, 'Fail', 'preferred', view({}));
  assert.equal(answer.response.allowed, true);
  assert.ok(answer.response.patch!.length < 200_000, `${answer.response.patch!.length} bytes of patch`);
  const patched = patchedPod(pod, answer);
  const preferred = patched.spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution;
  assert.equal(preferred.length, MAX_PREFERRED_TERMS);
  assert.equal(patched.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution, undefined);
  assert.match(
    patched.metadata.annotations[APPLIED_ANNOTATION]!,
    /64 preferred weighted term\(s\) \(63936 more not added: at most 64 per pod\)/,
  );
  assert.ok(
    answer.response.warnings!.some(
      (w) => w === 'imgcompat: 63936 preferred affinity term(s) not added: at most 64 per pod',
    ),
    JSON.stringify(answer.response.warnings),
  );
});

test('required terms past the bounds: that image gets preferred terms only, with the reason', () => {
  const carried = (labels: string[]) => view(Object.fromEntries(labels.map((l) => [l, 1])), { nfdNodes: 1 });
  const sets = (n: number, tag: string) =>
    Array.from({ length: n }, (_, k) => ({
      label: `compat.feature.node.kubernetes.io/${tag}.s${k}`,
      weight: 1,
    }));
  const labelsOf = (xs: { label: string }[]) => xs.map((x) => x.label);

  // One image with 100 carried sets: 100 required terms (at most 64).
  const many = sets(100, 'aaaaaaaaaaaa');
  const pod = { metadata: { name: 'p' }, spec: { containers: [{ image: 'a' }] } };
  const one = respond(
    parseReview(review(pod)),
    new Map([['a', { ...compat, sets: many }]]),
    'Fail',
    'required',
    carried(labelsOf(many)),
  ).answer;
  assert.equal(one.response.allowed, true);
  const p1 = patchedPod(pod, one);
  assert.equal(p1.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution, undefined);
  assert.equal(p1.spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution.length, 64);
  assert.match(
    JSON.parse(p1.metadata.annotations[REASON_ANNOTATION]!).a,
    /required affinity not added: the pod would have 100 required nodeSelectorTerms \(at most 64\); preferred terms only/,
  );

  // The user's 10 terms of 60 expressions each, an image with 6 carried sets: 60 product terms of 61
  // expressions = 3,660 expressions (at most 512); the user's terms are kept unchanged.
  const userTerms = Array.from({ length: 10 }, (_, t) => ({
    matchExpressions: Array.from({ length: 60 }, (_, e) => ({ key: `k${t}-${e}`, operator: 'Exists' })),
  }));
  const affinity = {
    nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: userTerms } },
  };
  const userPod = { metadata: { name: 'p' }, spec: { containers: [{ image: 'b' }], affinity } };
  const six = sets(6, 'bbbbbbbbbbbb');
  const two = respond(
    parseReview(review(userPod)),
    new Map([['b', { ...compat, sets: six }]]),
    'Fail',
    'required',
    carried(labelsOf(six)),
  ).answer;
  const p2 = patchedPod(userPod, two);
  assert.deepEqual(p2.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution, {
    nodeSelectorTerms: userTerms,
  });
  assert.match(
    JSON.parse(p2.metadata.annotations[REASON_ANNOTATION]!).b,
    /the pod would have 3660 required node affinity expressions \(at most 512\)/,
  );
  assert.ok(two.response.warnings!.some((w) => /^imgcompat: b: required affinity not added: /.test(w)));

  // Few user expressions with many values: 2 terms with 1 expression of 200 values, 8 sets: 16 terms,
  // 3,216 values (at most 2,048).
  const wide = {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: Array.from({ length: 2 }, () => ({
          matchExpressions: [
            { key: 'zone', operator: 'In', values: Array.from({ length: 200 }, (_, v) => `z${v}`) },
          ],
        })),
      },
    },
  };
  const widePod = { metadata: { name: 'p' }, spec: { containers: [{ image: 'c' }], affinity: wide } };
  const eight = sets(8, 'cccccccccccc');
  const three = respond(
    parseReview(review(widePod)),
    new Map([['c', { ...compat, sets: eight }]]),
    'Fail',
    'required',
    carried(labelsOf(eight)),
  ).answer;
  assert.match(
    JSON.parse(patchedPod(widePod, three).metadata.annotations[REASON_ANNOTATION]!).c,
    /the pod would have 3216 required node affinity values \(at most 2048\)/,
  );

  // Within the bounds: required terms are added as before.
  const fits = sets(8, 'dddddddddddd');
  const four = respond(
    parseReview(review(pod)),
    new Map([['a', { ...compat, sets: fits }]]),
    'Fail',
    'required',
    carried(labelsOf(fits)),
  ).answer;
  const p4 = patchedPod(pod, four);
  assert.equal(
    p4.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms.length,
    8,
  );
  assert.equal(p4.metadata.annotations[REASON_ANNOTATION], undefined);
});
