import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Affinity, affinityFor, MAX_REQUIRED_TERMS, mergeAffinity } from '../../src/k8s/affinity.ts';
import { nameSets } from '../../src/k8s/set-names.ts';

const D = 'sha256:aaaaaaaaaaaabbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const sets = nameSets(
  {
    version: 'v1alpha1',
    compatibilities: [
      { rules: [], tag: 'x', weight: 500 },
      { rules: [], tag: 'y' },
    ],
  },
  D,
);
const ours = affinityFor(sets);
const req = (key: string) => ({ key, operator: 'In', values: ['true'] });

test('required = one term per set (OR), preferred = one weighted term per set', () => {
  assert.deepEqual(ours.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms, [
    { matchExpressions: [req(sets[0]!.label)] },
    { matchExpressions: [req(sets[1]!.label)] },
  ]);
  assert.deepEqual(
    ours.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.map((p) => p.weight),
    [100, 1],
  );
  assert.deepEqual(affinityFor([]), {});
});

test('merging keeps every user term: user required terms x our terms, user preferences first', () => {
  const user: Affinity = {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [
          { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] },
          { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] },
        ],
      },
      preferredDuringSchedulingIgnoredDuringExecution: [
        { weight: 3, preference: { matchExpressions: [req('u')] } },
      ],
    },
    podAffinity: { keep: true },
  };
  const snapshot = structuredClone(user);
  const merged = mergeAffinity(user, ours);
  assert.deepEqual(user, snapshot, 'input not modified');
  const terms = merged.nodeAffinity!.requiredDuringSchedulingIgnoredDuringExecution!.nodeSelectorTerms;
  assert.equal(terms.length, 4);
  assert.deepEqual(terms[0], {
    matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }, req(sets[0]!.label)],
  });
  assert.deepEqual(terms[3], {
    matchExpressions: [req(sets[1]!.label)],
    matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }],
  });
  assert.equal(merged.nodeAffinity!.preferredDuringSchedulingIgnoredDuringExecution!.length, 3);
  assert.deepEqual(merged.podAffinity, { keep: true });
  // Merging the same image twice adds no duplicate preference.
  const twice = mergeAffinity(mergeAffinity(undefined, ours), ours);
  assert.equal(twice.nodeAffinity!.preferredDuringSchedulingIgnoredDuringExecution!.length, 2);
});

test('the product of required terms is bounded', () => {
  let a: Affinity | undefined;
  assert.throws(
    () => {
      for (let i = 0; i < 10; i++) a = mergeAffinity(a, ours);
    },
    new RegExp(`more than ${MAX_REQUIRED_TERMS}`),
  );
});
