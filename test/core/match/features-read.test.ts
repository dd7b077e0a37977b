/** src/core/match/features-read.ts: the features a spec's rules look up. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadSpec } from '../../../src/core/load/load-spec.ts';
import { featuresRead } from '../../../src/core/match/features-read.ts';

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
