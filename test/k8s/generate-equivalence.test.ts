/**
 * The generated NodeFeatureRules and NodeFeatureGroups select exactly the nodes validate-node passes, for
 * random specs (multi-rule sets, matchAny, instance terms, matchName, vars read back through rule.matched
 * within and across sets) over random node features. The NodeFeatureRules run as nfd-master runs them
 * (pkg/nfd-master/nfd-master.go `processNodeFeatureRule`): all objects in name order on one feature copy.
 * (test/e2e/nfd-master-equivalence.test.ts checks the same against the real nfd-master.)
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { evaluateNodeFeatureGroup } from '../../src/core/match/group.ts';
import { executeRuleSequence } from '../../src/core/match/sequence.ts';
import type { Features } from '../../src/core/model/features.ts';
import type { FeatureMatcherTerm, GroupRule } from '../../src/core/model/rules.ts';
import type { Spec } from '../../src/core/model/spec.ts';
import { isSetCompatible, validateNode } from '../../src/core/report/node-validator.ts';
import { generateNodeFeatureGroups } from '../../src/k8s/generate-nfg.ts';
import { generateNodeFeatureRules } from '../../src/k8s/generate-nfr.ts';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const CPU = ['AVX', 'AVX2', 'AVX512F', 'SSE4'];
const MODULES = ['vfio-pci', 'ext4', 'nvidia'];

const features = (name: string): fc.Arbitrary<Features> =>
  fc
    .record({
      cpu: fc.subarray(CPU),
      modules: fc.subarray(MODULES),
      major: fc.constantFrom('3', '4', '5', '6'),
      devices: fc.array(
        fc.record({ vendor: fc.constantFrom('8086', '10de'), class: fc.constantFrom('0300', '0200') }),
        {
          maxLength: 2,
        },
      ),
    })
    .map((f) => ({
      flags: {
        'cpu.cpuid': { elements: Object.fromEntries(f.cpu.map((c) => [c, {}])) },
        'kernel.loadedmodule': { elements: Object.fromEntries(f.modules.map((m) => [m, {}])) },
      },
      attributes: {
        'kernel.version': { elements: { major: f.major } },
        'system.name': { elements: { nodename: name } },
      },
      instances: { 'pci.device': { elements: f.devices.map((d) => ({ attributes: { ...d } })) } },
    }));

const term: fc.Arbitrary<FeatureMatcherTerm> = fc.oneof(
  fc
    .record({ f: fc.constantFrom(...CPU), op: fc.constantFrom('Exists', 'DoesNotExist') })
    .map(({ f, op }) => ({
      feature: 'cpu.cpuid',
      matchExpressions: { [f]: { op: op as 'Exists' } },
    })),
  fc
    .record({ n: fc.constantFrom('3', '4', '5'), op: fc.constantFrom('Gt', 'Lt', 'In') })
    .map(({ n, op }) => ({
      feature: 'kernel.version',
      matchExpressions: { major: { op: op as 'Gt', value: [n] } },
    })),
  fc.record({ v: fc.constantFrom('8086', '10de'), c: fc.constantFrom('0300', '0200') }).map(({ v, c }) => ({
    feature: 'pci.device',
    matchExpressions: { vendor: { op: 'In' as const, value: [v] }, class: { op: 'In' as const, value: [c] } },
  })),
  fc
    .constantFrom(...MODULES)
    .map((m) => ({ feature: 'kernel.loadedmodule', matchName: { op: 'In' as const, value: [m] } })),
  fc
    .record({ v: fc.constantFrom('v1', 'v2'), op: fc.constantFrom('IsTrue', 'Exists', 'DoesNotExist') })
    .map(({ v, op }) => ({ feature: 'rule.matched', matchExpressions: { [v]: { op: op as 'IsTrue' } } })),
);

const rule: fc.Arbitrary<GroupRule> = fc
  .record({
    name: fc.constantFrom('r1', 'r2', 'r3'),
    matchFeatures: fc.option(fc.array(term, { minLength: 1, maxLength: 2 }), { nil: undefined }),
    matchAny: fc.option(
      fc.array(fc.array(term, { minLength: 1, maxLength: 2 }), { minLength: 1, maxLength: 2 }),
      {
        nil: undefined,
      },
    ),
    vars: fc.option(
      fc.constantFrom<Record<string, string>>({ v1: 'true' }, { v2: 'true' }, { v1: 'false' }),
      { nil: undefined },
    ),
  })
  .map((r) => {
    const out: GroupRule = { name: r.name };
    if (r.matchFeatures) out.matchFeatures = r.matchFeatures;
    if (r.matchAny) out.matchAny = r.matchAny.map((m) => ({ matchFeatures: m }));
    if (r.vars) out.vars = r.vars;
    return out;
  });

const spec: fc.Arbitrary<Spec> = fc
  .array(
    fc.record({
      rules: fc.array(rule, { maxLength: 3 }),
      tag: fc.option(fc.constantFrom('a', 'b'), { nil: undefined }),
    }),
    {
      minLength: 1,
      maxLength: 3,
    },
  )
  .map((sets) => ({
    version: 'v1alpha1',
    compatibilities: sets.map((s) => ({ rules: s.rules, ...(s.tag ? { tag: s.tag } : {}) })),
  }));

const nodes = fc.tuple(features('n0'), features('n1'), features('n2'), features('n3'));

test('NodeFeatureRule labels and NodeFeatureGroup members equal the validate-node verdict per set', () => {
  fc.assert(
    fc.property(spec, nodes, (s, ns) => {
      const rules = generateNodeFeatureRules(s, { digest: DIGEST }).objects;
      const groups = generateNodeFeatureGroups(s, { digest: DIGEST, namespace: 'nfd' }).objects;
      const verdicts = ns.map((f) => validateNode(s, f).map(isSetCompatible));
      const inNameOrder = [...rules].sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1));
      const nodeLabels = ns.map(
        (f) =>
          executeRuleSequence(
            inNameOrder.flatMap((o) => o.spec.rules),
            structuredClone(f),
          ).labels,
      );
      s.compatibilities.forEach((_, i) => {
        const label = Object.keys(rules[i]!.spec.rules.at(-1)!.labels!)[0]!;
        const expected = ns.map((_, n) => `n${n}`).filter((_, n) => verdicts[n]![i]);
        const labelled = nodeLabels
          .map((l, n) => (l[label] === 'true' ? `n${n}` : ''))
          .filter((x) => x !== '');
        assert.deepEqual(labelled, expected, `NodeFeatureRule of set #${i + 1}`);
        // nfd-master evaluates each NodeFeatureGroup on its own feature copy: rule.matched does not
        // carry over from one set to the next, so groups are compared only for specs that never read it.
        if (JSON.stringify(s).includes('"rule.matched"')) return;
        const members = evaluateNodeFeatureGroup(groups[i]!.spec.featureGroupRules, structuredClone(ns)).map(
          (m) => m.name,
        );
        assert.deepEqual(members, expected, `NodeFeatureGroup of set #${i + 1}`);
      });
    }),
    { numRuns: 300 },
  );
});
