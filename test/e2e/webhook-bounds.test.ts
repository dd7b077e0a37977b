/**
 * The webhook's affinity at its bounds (src/k8s/webhook/admission.ts: MAX_REQUIRED_TERMS,
 * MAX_REQUIRED_EXPRESSIONS, MAX_REQUIRED_VALUES, MAX_PREFERRED_TERMS, MAX_ANNOTATION_CHARS), fed to the
 * real API server: each JSON patch `respond` answers is applied BY THE API SERVER (RFC 6902, its own
 * implementation) to a PodTemplate holding the pod — a pod's affinity cannot be patched after creation,
 * a PodTemplate's can, and the API server validates and stores its template as it would a pod
 * (k8s.io/kubernetes pkg/apis/core/validation `ValidatePodTemplate`), etcd's size limit included.
 * Label keys are Kubernetes' longest qualified names (317 characters).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MAX_REQUIRED_TERMS } from '../../src/k8s/affinity.ts';
import {
  APPLIED_ANNOTATION,
  type ClusterView,
  type ImageOutcome,
  MAX_PREFERRED_TERMS,
  MAX_REQUIRED_EXPRESSIONS,
  MAX_REQUIRED_VALUES,
  parseReview,
  REASON_ANNOTATION,
  respond,
} from '../../src/k8s/webhook/admission.ts';
import { type KubeApiServer, startKubeApiServer } from './harness/kube.ts';
import { podReview } from './harness/webhook-client.ts';

let kube: KubeApiServer;
before(async () => {
  kube = await startKubeApiServer();
});
after(async () => {
  await kube?.stop();
});

/** A DNS subdomain of 253 characters: the longest label-key prefix. */
const PREFIX = ['a'.repeat(63), 'b'.repeat(63), 'c'.repeat(63), 'd'.repeat(61)].join('.');
/** The longest qualified name, 317 characters, unique per `n`. */
const longKey = (n: number) => `${PREFIX}/${`k${n}`.padEnd(63, 'x')}`;
const longValue = (n: number) => `v${n}`.padEnd(63, 'y');

/** An image whose artifact has `n` sets, each label carried by one node (the webhook's `required` mode). */
function image(n: number): { outcome: ImageOutcome; view: ClusterView } {
  const sets = Array.from({ length: n }, (_, k) => ({ label: longKey(100_000 + k), weight: (k % 100) + 1 }));
  const carried = new Set(sets.map((s) => s.label));
  return {
    outcome: {
      kind: 'compat',
      subject: `sha256:${'cd'.repeat(32)}`,
      artifact: `sha256:${'ef'.repeat(32)}`,
      spec: `sha256:${'ab'.repeat(32)}`,
      sets,
    },
    view: {
      nodesFresh: true,
      nodesWith: (l) => (carried.has(l) ? 1 : 0),
      nfdNodes: 1,
      rulesFresh: true,
      rulesSetting: () => 0,
    },
  };
}

interface PatchOp {
  op: string;
  path: string;
  value?: unknown;
}

let templates = 0;
/**
 * Puts `pod` in a PodTemplate, has the API server apply the webhook's patch to it, and returns the
 * stored template (status and body).
 */
async function throughApiServer(
  { outcome, view }: ReturnType<typeof image>,
  pod: { metadata: Record<string, unknown>; spec: Record<string, unknown> },
) {
  const { answer } = respond(
    parseReview(JSON.stringify(podReview(pod))),
    new Map([['app', outcome]]),
    'Fail',
    'required',
    view,
  );
  assert.equal(answer.response.allowed, true);
  const ops = JSON.parse(Buffer.from(answer.response.patch!, 'base64').toString()) as PatchOp[];
  const name = `t${++templates}`;
  const created = await kube.api('POST', '/api/v1/namespaces/default/podtemplates', {
    apiVersion: 'v1',
    kind: 'PodTemplate',
    metadata: { name },
    template: pod,
  });
  assert.equal(created.status, 201, JSON.stringify(created.body).slice(0, 2000));
  // The pod's paths, one level down in the template.
  const moved = ops.map((o) => ({ ...o, path: `/template${o.path}` }));
  const patched = await kube.api(
    'PATCH',
    `/api/v1/namespaces/default/podtemplates/${name}`,
    moved,
    undefined,
    'application/json-patch+json',
  );
  assert.equal(patched.status, 200, JSON.stringify(patched.body).slice(0, 2000));
  return { patched, bytes: JSON.stringify(patched.body).length };
}

const baseSpec = { containers: [{ name: 'c', image: 'app' }] };

/** A pod with the user's own required node affinity terms. */
function podRequiring(nodeSelectorTerms: unknown[], metadata: Record<string, unknown> = {}) {
  return {
    metadata,
    spec: {
      ...baseSpec,
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms } } },
    },
  };
}

describe('the webhook affinity at its bounds, applied and stored by the API server', () => {
  test('required terms at the bounds: 64 terms, 512 expressions, 1,856 values of the longest keys', async () => {
    // 8 user terms of 7 expressions of 4 values, an image with 8 carried sets: 8 × 8 = 64 terms of
    // 7 + 1 expressions (512), 64 × (7 × 4 + 1) = 1,856 values.
    const userTerms = Array.from({ length: 8 }, (_, t) => ({
      matchExpressions: Array.from({ length: 7 }, (_, e) => ({
        key: longKey(t * 10 + e),
        operator: 'In',
        values: [0, 1, 2, 3].map((v) => longValue(v)),
      })),
    }));
    const { patched, bytes } = await throughApiServer(
      image(8),
      podRequiring(userTerms, { labels: { app: 'x' } }),
    );
    const na = patched.body.template.spec.affinity.nodeAffinity;
    const terms = na.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms as {
      matchExpressions: { values?: string[] }[];
    }[];
    assert.equal(terms.length, MAX_REQUIRED_TERMS);
    const expressions = terms.flatMap((t) => t.matchExpressions);
    assert.equal(expressions.length, MAX_REQUIRED_EXPRESSIONS);
    const values = expressions.reduce((n, e) => n + (e.values?.length ?? 0), 0);
    assert.ok(values <= MAX_REQUIRED_VALUES, String(values));
    assert.equal(values, 1856);
    assert.equal(na.preferredDuringSchedulingIgnoredDuringExecution.length, 8);
    assert.match(
      patched.body.template.metadata.annotations[APPLIED_ANNOTATION],
      /64 required nodeSelectorTerm/,
    );
    assert.ok(bytes > 300_000, `the stored template is ${bytes} bytes`);
  });

  test('past the bounds: 100 sets become 64 preferred terms and a reason, stored as is', async () => {
    const { patched } = await throughApiServer(image(100), { metadata: {}, spec: baseSpec });
    const na = patched.body.template.spec.affinity.nodeAffinity;
    assert.equal(na.requiredDuringSchedulingIgnoredDuringExecution, undefined);
    assert.equal(na.preferredDuringSchedulingIgnoredDuringExecution.length, MAX_PREFERRED_TERMS);
    assert.match(
      JSON.parse(patched.body.template.metadata.annotations[REASON_ANNOTATION]).app,
      /required affinity not added: the pod would have 100 required nodeSelectorTerms \(at most 64\)/,
    );
  });

  test("the user's terms past the expression bound: kept unchanged, preferred terms added", async () => {
    const userTerms = Array.from({ length: 10 }, (_, t) => ({
      matchExpressions: Array.from({ length: 60 }, (_, e) => ({
        key: longKey(1000 + t * 100 + e),
        operator: 'Exists',
      })),
    }));
    const { patched } = await throughApiServer(image(6), podRequiring(userTerms));
    const na = patched.body.template.spec.affinity.nodeAffinity;
    assert.deepEqual(na.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms, userTerms);
    assert.equal(na.preferredDuringSchedulingIgnoredDuringExecution.length, 6);
    assert.match(
      JSON.parse(patched.body.template.metadata.annotations[REASON_ANNOTATION]).app,
      /the pod would have 3660 required node affinity expressions \(at most 512\)/,
    );
  });
});
