import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../src/k8s/kube-client.ts';
import { planPrune, repositoryOf } from '../../src/k8s/prune.ts';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;
const C = `sha256:${'c'.repeat(64)}`;
const SUBJECT = `sha256:${'d'.repeat(64)}`;

function nfr(digest: string, set: string, annotations: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'nfd.k8s-sigs.io/v1alpha1',
    kind: 'NodeFeatureRule',
    metadata: {
      name: `imgcompat-${digest.slice(7, 19)}-${set}`,
      annotations: { 'imgcompat.io/spec-digest': digest, ...annotations },
    },
  };
}

const users = new Map([
  ['reg.example/app:1', ['Deployment shop/web']],
  ['reg.example/other:2', ['Pod x/y']],
]);

test('objects of a spec some image carries are kept; the others are deleted', () => {
  const plan = planPrune(
    [nfr(A, 'fast'), nfr(A, 'baseline'), nfr(B, 'fast')],
    [
      { image: 'reg.example/app:1', specDigest: A, subjectDigest: SUBJECT },
      { image: 'reg.example/other:2', none: true },
    ],
    users,
  );
  assert.deepEqual(
    plan.map((d) => [d.object.metadata.name, d.action]),
    [
      [`imgcompat-${'a'.repeat(12)}-fast`, 'keep'],
      [`imgcompat-${'a'.repeat(12)}-baseline`, 'keep'],
      [`imgcompat-${'b'.repeat(12)}-fast`, 'delete'],
    ],
  );
  assert.match(plan[0]!.reason, /in use by reg\.example\/app:1 \(Deployment shop\/web\)/);
});

test('objects keyed by an image digest (before labels were keyed by the spec) count as in use', () => {
  const legacy: KubeObject = {
    apiVersion: 'nfd.k8s-sigs.io/v1alpha1',
    kind: 'NodeFeatureRule',
    metadata: { name: `imgcompat-${'d'.repeat(12)}-fast` },
  };
  const plan = planPrune(
    [legacy],
    [{ image: 'reg.example/app:1', specDigest: A, subjectDigest: SUBJECT }],
    users,
  );
  assert.equal(plan[0]!.action, 'keep');
});

test('never on doubt: an unreadable image keeps objects of its repository and objects with no image', () => {
  const plan = planPrune(
    [
      nfr(A, 'same-repo', { 'imgcompat.io/image': 'reg.example/app:0.9' }),
      nfr(B, 'other-repo', { 'imgcompat.io/image': 'reg.example/elsewhere:1' }),
      nfr(C, 'from-file'),
      { apiVersion: 'nfd.k8s-sigs.io/v1alpha1', kind: 'NodeFeatureRule', metadata: { name: 'hand-made' } },
    ],
    [{ image: 'reg.example/app:1', error: 'registry answered 503' }],
    users,
  );
  assert.deepEqual(
    plan.map((d) => d.action),
    ['keep', 'delete', 'keep', 'keep'],
  );
  assert.match(plan[0]!.reason, /kept on doubt: the artifact of reg\.example\/app:1 could not be read/);
  assert.match(plan[3]!.reason, /spec digest is unknown/);
});

test('repositoryOf normalises Docker Hub names and drops tags and digests', () => {
  assert.equal(repositoryOf('nginx'), repositoryOf('docker.io/library/nginx:1.27'));
  assert.equal(repositoryOf(`reg.example:5000/a/b@${A}`), 'reg.example:5000/a/b');
});
