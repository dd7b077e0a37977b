import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadSpec } from '../../src/core/load/load-spec.ts';
import { featuresRead, type NodeVerdict, verdictInterner } from '../../src/k8s/cluster-eval.ts';

test('featuresRead: the lower-cased feature names of the kept sets, matchAny included', () => {
  const spec = loadSpec(
    `version: v1alpha1
compatibilities:
  - tag: a
    rules:
      - name: r1
        matchFeatures:
          - feature: CPU.cpuid
            matchExpressions: {AVX: {op: Exists}}
        matchAny:
          - matchFeatures:
              - feature: pci.device
                matchExpressions: {vendor: {op: In, value: ["8086"]}}
  - tag: b
    rules:
      - name: r2
        matchFeatures:
          - feature: kernel.version
            matchExpressions: {major: {op: Gt, value: ["4"]}}
`,
    { file: 'spec.yaml' },
  ).spec;
  assert.deepEqual([...featuresRead(spec, [])].sort(), ['cpu.cpuid', 'kernel.version', 'pci.device']);
  assert.deepEqual([...featuresRead(spec, ['b'])], ['kernel.version']);
});

test('verdictInterner shares equal set lists and keeps different ones apart', () => {
  const v = (node: string, firstFailure?: string): NodeVerdict => ({
    node,
    objects: [`nfd/${node}`],
    compatible: firstFailure === undefined,
    sets: [{ index: 1, compatible: firstFailure === undefined, ...(firstFailure ? { firstFailure } : {}) }],
  });
  const compact = verdictInterner();
  const a = compact(v('a', 'r: x Exists'));
  const b = compact(v('b', 'r: x Exists'));
  const c = compact(v('c'));
  assert.equal(a.sets, b.sets);
  assert.notEqual(a.sets, c.sets);
  assert.deepEqual(c.sets, [{ index: 1, compatible: true }]);
  assert.equal(b.node, 'b');
});
