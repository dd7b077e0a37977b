/**
 * matchGetInstances evaluates short instance lists instance by instance with each expression's results
 * remembered per value, and long ones once per group of instances with the same values
 * (issue 11 class 12: 2,000 rules against 85,000 PCI instances). This checks on generated input that
 * the result, and the first error, are those of NFD's instance-by-instance MatchGetInstances
 * (pkg/apis/nfd/nodefeaturerule/expression.go): MatchValues on each instance in order, matched
 * instances in order, the subset the union over instances of what held (only instances that matched
 * under fail-fast).
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { matchGetInstances, matchGetValues } from '../../../src/core/match/expression.ts';
import type { InstanceFeature } from '../../../src/core/model/features.ts';
import type { MatchExpression, MatchExpressionSet } from '../../../src/core/model/rules.ts';

type Outcome = { error: string } | { isMatch: boolean; matched: unknown; subset: string[] };

function reference(set: MatchExpressionSet, instances: InstanceFeature[], failFast: boolean): Outcome {
  try {
    const matched: unknown[] = [];
    const subset = new Set<string>();
    for (const inst of instances) {
      const r = matchGetValues(set, inst.attributes, failFast);
      if (r.isMatch) matched.push(inst.attributes ?? {});
      if (r.matchedExpressions !== null) for (const k of Object.keys(r.matchedExpressions)) subset.add(k);
    }
    return { isMatch: matched.length > 0, matched, subset: [...subset].sort() };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

function grouped(set: MatchExpressionSet, instances: InstanceFeature[], failFast: boolean): Outcome {
  try {
    const r = matchGetInstances(set, instances, failFast);
    return { isMatch: r.isMatch, matched: r.matched, subset: Object.keys(r.matchedExpressions ?? {}).sort() };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

const NAMES = ['vendor', 'class', 'vfs', 'absent'];
const VALUES = ['8086', '10de', '0300', '0200', '3', '12', 'six', ''];

const expression: fc.Arbitrary<MatchExpression> = fc.oneof(
  fc.record({ op: fc.constantFrom('In', 'NotIn'), value: fc.subarray(VALUES, { minLength: 1 }) }),
  fc.record({ op: fc.constant('InRegexp'), value: fc.constantFrom<string[]>(['^8'], ['0$', 'd'], ['(']) }),
  fc.record({ op: fc.constantFrom('Exists', 'DoesNotExist') }),
  fc.record({ op: fc.constantFrom('Gt', 'Lt'), value: fc.constantFrom<string[]>(['5'], ['x']) }),
  fc.record({ op: fc.constant('IsTrue') }),
);

const expressionSet: fc.Arbitrary<MatchExpressionSet> = fc
  .uniqueArray(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 4 })
  .chain((names) =>
    fc
      .tuple(...names.map(() => expression))
      .map((es) => Object.fromEntries(names.map((n, i) => [n, es[i]!]))),
  );

const instance: fc.Arbitrary<InstanceFeature> = fc
  .dictionary(fc.constantFrom('vendor', 'class', 'vfs'), fc.constantFrom(...VALUES), { maxKeys: 3 })
  .map((attributes) => ({ attributes }));

test('grouped instance evaluation equals the instance-by-instance evaluation, errors included', () => {
  fc.assert(
    fc.property(
      expressionSet,
      fc.array(instance, { maxLength: 30 }),
      fc.boolean(),
      (set, instances, failFast) => {
        assert.deepEqual(grouped(set, instances, failFast), reference(set, instances, failFast));
        // A second run uses the cached groups of the same instance list.
        assert.deepEqual(grouped(set, instances, failFast), reference(set, instances, failFast));
      },
    ),
    { numRuns: 2000 },
  );
});

test('long instance lists: evaluated directly first, then through cached groups, with the same outcome', () => {
  // Lists of 256 instances and more are indexed (grouped) from their second evaluation on.
  fc.assert(
    fc.property(
      expressionSet,
      fc.array(instance, { minLength: 256, maxLength: 300 }),
      fc.boolean(),
      (set, instances, failFast) => {
        const want = reference(set, instances, failFast);
        for (let run = 0; run < 3; run++) assert.deepEqual(grouped(set, instances, failFast), want);
      },
    ),
    { numRuns: 200 },
  );
});

test('an expression changed in place after an evaluation is evaluated afresh', () => {
  const instances: InstanceFeature[] = [
    { attributes: { vendor: '8086' } },
    { attributes: { vendor: '10de' } },
  ];
  const e: MatchExpression = { op: 'In', value: ['8086'] };
  const set: MatchExpressionSet = { vendor: e };
  assert.deepEqual(grouped(set, instances, false), reference(set, instances, false));
  e.value![0] = '10de';
  assert.deepEqual(grouped(set, instances, false), {
    isMatch: true,
    matched: [{ vendor: '10de' }],
    subset: ['vendor'],
  });
  e.op = 'NotIn';
  assert.deepEqual(grouped(set, instances, false), {
    isMatch: true,
    matched: [{ vendor: '8086' }],
    subset: ['vendor'],
  });
});
