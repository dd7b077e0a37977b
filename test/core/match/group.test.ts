import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluateNodeFeatureGroup, nodeNameOf } from '../../../src/core/match/group.ts';
import type { Features } from '../../../src/core/model/features.ts';
import type { GroupRule } from '../../../src/core/model/rules.ts';

function node(name: string | undefined, flags: string[]): Features {
  const f: Features = { flags: { 'cpu.cpuid': { elements: Object.fromEntries(flags.map((x) => [x, {}])) } } };
  if (name !== undefined) f.attributes = { 'system.name': { elements: { nodename: name } } };
  return f;
}

test('a node joins once when any rule matches; vars feed later rules', () => {
  const rules: GroupRule[] = [
    {
      name: 'avx',
      vars: { fast: 'true' },
      matchFeatures: [{ feature: 'cpu.cpuid', matchExpressions: { AVX: { op: 'Exists' } } }],
    },
    {
      name: 'again',
      matchFeatures: [{ feature: 'rule.matched', matchExpressions: { fast: { op: 'IsTrue' } } }],
    },
    { name: 'bad', matchFeatures: [{ feature: 'cpu.cpuid', matchName: { op: 'In' } }] },
  ];
  const nodes = [node('n1', ['AVX']), node('n2', ['SSE']), node(undefined, ['AVX']), node('n1', ['AVX'])];
  assert.deepEqual(evaluateNodeFeatureGroup(rules, nodes), [{ name: 'n1' }, { name: '' }]);
  assert.deepEqual(nodes[0]?.attributes?.['rule.matched']?.elements, { fast: 'true' });
  assert.deepEqual(
    nodes[1]?.attributes?.['rule.matched']?.elements,
    {},
    'non-matching rules insert nil vars',
  );
});

test('nodeNameOf reads system.name.nodename', () => {
  assert.equal(nodeNameOf(node('x', [])), 'x');
  assert.equal(nodeNameOf({}), '');
});
