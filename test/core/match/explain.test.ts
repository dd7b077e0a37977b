import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { explainRule, type UnavailableFeature } from '../../../src/core/match/explain.ts';
import { executeGroupRule } from '../../../src/core/match/rule.ts';
import type { Features } from '../../../src/core/model/features.ts';
import type { GroupRule } from '../../../src/core/model/rules.ts';

const features: Features = {
  flags: { 'kernel.loadedmodule': { elements: { vfio_pci: {}, kvm: {} } } },
  attributes: { 'kernel.version': { elements: { major: '5', minor: '14' } } },
  instances: {
    'pci.device': {
      elements: [
        { attributes: { vendor: '8086', class: '0200' } },
        { attributes: { vendor: '10de', class: '0300' } },
        { attributes: { vendor: '8086', class: '0300' } },
      ],
    },
  },
};

function explain(rule: GroupRule, f: Features = features, unavailable: UnavailableFeature[] = []) {
  const { matchStatus } = executeGroupRule(rule, f, false);
  return explainRule(rule, f, matchStatus, unavailable);
}

describe('explainRule: flags and attributes', () => {
  test('a missing module names the element the host has under the other spelling', () => {
    const r = explain({
      name: 'm',
      matchFeatures: [{ feature: 'kernel.loadedmodule', matchExpressions: { 'vfio-pci': { op: 'Exists' } } }],
    });
    assert.equal(r.isMatch, false);
    assert.equal(r.undetermined, undefined);
    const e = r.matchFeatures!.terms[0]!.expressions[0]!;
    assert.deepEqual(e.actual, { present: false });
    assert.equal(e.isMatch, false);
    assert.equal(e.reason, '"vfio-pci" is not in kernel.loadedmodule (2 elements); the host has "vfio_pci"');
  });

  test('a value op on a flag feature says flags have no value', () => {
    const r = explain({
      name: 'm',
      matchFeatures: [{ feature: 'kernel.loadedmodule', matchExpressions: { kvm: { op: 'IsTrue' } } }],
    });
    const e = r.matchFeatures!.terms[0]!.expressions[0]!;
    assert.deepEqual(e.actual, { present: true });
    assert.equal(
      e.reason,
      'kernel.loadedmodule is a flag feature: its elements have no value, so only Exists and DoesNotExist can hold',
    );
  });

  test('DoesNotExist on a present flag', () => {
    const r = explain({
      name: 'm',
      matchFeatures: [{ feature: 'kernel.loadedmodule', matchExpressions: { kvm: { op: 'DoesNotExist' } } }],
    });
    assert.equal(
      r.matchFeatures!.terms[0]!.expressions[0]!.reason,
      '"kvm" is present in kernel.loadedmodule',
    );
  });

  test("an attribute's value and the comparison that failed; a held expression has no reason", () => {
    const r = explain({
      name: 'k',
      matchFeatures: [
        {
          feature: 'kernel.version',
          matchExpressions: { major: { op: 'Gt', value: ['5'] }, minor: { op: 'Ge', value: ['10'] } },
        },
      ],
    });
    const [major, minor] = r.matchFeatures!.terms[0]!.expressions;
    assert.deepEqual(major, {
      name: 'major',
      matcherType: 'matchExpression',
      expression: { op: 'Gt', value: ['5'] },
      isMatch: false,
      actual: { value: '5' },
      reason: '"5" is not greater than ["5"]',
    });
    assert.deepEqual(minor, {
      name: 'minor',
      matcherType: 'matchExpression',
      expression: { op: 'Ge', value: ['10'] },
      isMatch: true,
      actual: { value: '14' },
    });
    assert.equal(r.matchFeatures!.held, 1);
    assert.equal(r.matchFeatures!.total, 2);
  });

  test('an absent attribute element', () => {
    const r = explain({
      name: 'k',
      matchFeatures: [
        { feature: 'kernel.version', matchExpressions: { revision: { op: 'In', value: ['1'] } } },
      ],
    });
    const e = r.matchFeatures!.terms[0]!.expressions[0]!;
    assert.deepEqual(e.actual, { value: null });
    assert.equal(e.reason, 'no element "revision" in kernel.version');
  });

  test('matchName lists the names that matched', () => {
    const r = explain({
      name: 'n',
      matchFeatures: [{ feature: 'kernel.loadedmodule', matchName: { op: 'InRegexp', value: ['^vfio'] } }],
    });
    const e = r.matchFeatures!.terms[0]!.expressions[0]!;
    assert.equal(e.isMatch, true);
    assert.deepEqual(e.actual, { matchedNames: ['vfio_pci'], names: 2 });
  });
});

describe('explainRule: instances', () => {
  test('each attribute holds on some device but no one device satisfies both: the closest device', () => {
    const r = explain({
      name: 'gpu',
      matchFeatures: [
        {
          feature: 'pci.device',
          matchExpressions: { vendor: { op: 'In', value: ['10de'] }, class: { op: 'In', value: ['0200'] } },
        },
      ],
    });
    assert.equal(r.isMatch, false);
    const t = r.matchFeatures!.terms[0]!;
    assert.equal(t.isMatch, false);
    assert.equal(t.instances, 3);
    assert.equal(t.matchingInstances, 0);
    // Sorted by name: class, then vendor.
    const [cls, vendor] = t.expressions;
    assert.equal(cls!.isMatch, true);
    assert.deepEqual(cls!.actual.instances, [
      { value: '0300', count: 2, isMatch: false },
      { value: '0200', count: 1, isMatch: true },
    ]);
    assert.equal(vendor!.isMatch, true);
    assert.deepEqual(vendor!.actual.instances, [
      { value: '8086', count: 2, isMatch: false },
      { value: '10de', count: 1, isMatch: true },
    ]);
    // Devices 0 and 1 each satisfy one of two; the first wins.
    assert.deepEqual(t.closestInstance, {
      index: 0,
      attributes: { vendor: '8086', class: '0200' },
      held: 1,
      of: 2,
      failed: ['vendor'],
    });
  });

  test('an attribute no device has, with its value list', () => {
    const r = explain({
      name: 'x',
      matchFeatures: [{ feature: 'pci.device', matchExpressions: { Vendor: { op: 'Exists' } } }],
    });
    const e = r.matchFeatures!.terms[0]!.expressions[0]!;
    assert.deepEqual(e.actual.instances, [{ value: null, count: 3, isMatch: false }]);
    assert.equal(e.reason, 'no instance of pci.device has attribute "Vendor"; the host has "vendor"');
  });
});

describe('explainRule: matchAny and missing data', () => {
  test('the closest matchAny branch is the one with most expressions held', () => {
    const r = explain({
      name: 'nic',
      matchAny: [
        { matchFeatures: [{ feature: 'kernel.loadedmodule', matchExpressions: { ice: { op: 'Exists' } } }] },
        {
          matchFeatures: [
            {
              feature: 'kernel.version',
              matchExpressions: { major: { op: 'In', value: ['5'] }, minor: { op: 'In', value: ['15'] } },
            },
          ],
        },
      ],
    });
    assert.equal(r.isMatch, false);
    assert.deepEqual(
      r.matchAny!.map((b) => [b.isMatch, b.held, b.total]),
      [
        [false, 0, 1],
        [false, 1, 2],
      ],
    );
    assert.equal(r.closestBranch, 1);
  });

  test('a rule failing only on an unreadable feature is undetermined; with another failure it is not', () => {
    const noModules: Features = { attributes: features.attributes! };
    const unavailable = [
      { feature: 'kernel.loadedmodule', reason: '/proc/modules could not be read on this host' },
    ];
    const needsModule = {
      feature: 'kernel.loadedmodule',
      matchExpressions: { vfio_pci: { op: 'Exists' as const } },
    };
    const r = explain({ name: 'm', matchFeatures: [needsModule] }, noModules, unavailable);
    assert.equal(r.undetermined, true);
    const t = r.matchFeatures!.terms[0]!;
    assert.equal(t.missing, true);
    assert.equal(t.unavailable, '/proc/modules could not be read on this host');
    assert.equal(
      t.expressions[0]!.reason,
      'kernel.loadedmodule unavailable: /proc/modules could not be read on this host',
    );

    const both = explain(
      {
        name: 'm',
        matchFeatures: [
          needsModule,
          { feature: 'kernel.version', matchExpressions: { major: { op: 'In', value: ['6'] } } },
        ],
      },
      noModules,
      unavailable,
    );
    assert.equal(both.undetermined, undefined);

    // Without the unavailable list the same missing feature is just missing.
    const plain = explain({ name: 'm', matchFeatures: [needsModule] }, noModules);
    assert.equal(plain.undetermined, undefined);
    assert.equal(
      plain.matchFeatures!.terms[0]!.expressions[0]!.reason,
      "feature kernel.loadedmodule is not in this host's features",
    );
  });

  test('a source-wide entry (pci.*) covers the features of that source, present but empty ones too', () => {
    const empty: Features = { instances: { 'pci.device': { elements: [] } } };
    const r = explain(
      {
        name: 'p',
        matchFeatures: [
          { feature: 'pci.device', matchExpressions: { vendor: { op: 'In', value: ['10de'] } } },
        ],
      },
      empty,
      [{ feature: 'pci.*', reason: 'there is no /sys/devices' }],
    );
    assert.equal(r.undetermined, true);
    assert.equal(r.matchFeatures!.terms[0]!.unavailable, 'there is no /sys/devices');
  });
});

test('a term shared by two rules on rule.matched is explained on the back-references as each rule saw them', async () => {
  const { validateNodeExplained } = await import('../../../src/core/report/explain.ts');
  const shared = { feature: 'rule.matched', matchExpressions: { gpu: { op: 'IsTrue' as const } } };
  const ex = validateNodeExplained(
    {
      version: 'v1alpha1',
      compatibilities: [
        {
          rules: [
            { name: 'zero', vars: { other: 'x' } },
            { name: 'first', matchFeatures: [shared] },
            { name: 'sets', vars: { gpu: 'true' } },
            { name: 'again', matchFeatures: [shared] },
          ],
        },
      ],
    },
    features,
  );
  const [, first, , again] = ex.sets[0]!.rules;
  assert.deepEqual(first!.matchFeatures!.terms[0]!.expressions[0]!.actual, { value: null });
  assert.deepEqual(again!.matchFeatures!.terms[0]!.expressions[0]!.actual, { value: 'true' });
  assert.equal(again!.isMatch, true);
});
