import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Features } from '../../../src/core/model/features.ts';
import type { Spec } from '../../../src/core/model/spec.ts';
import {
  renderExplanation,
  undeterminedExpressions,
  validateNodeExplained,
} from '../../../src/core/report/explain.ts';
import { validateNode } from '../../../src/core/report/node-validator.ts';

const spec: Spec = {
  version: 'v1alpha1',
  compatibilities: [
    {
      tag: 'gpu',
      rules: [
        {
          name: 'modules',
          matchFeatures: [
            { feature: 'kernel.loadedmodule', matchExpressions: { 'vfio-pci': { op: 'Exists' } } },
          ],
        },
        {
          name: 'nvidia',
          matchAny: [
            {
              matchFeatures: [
                { feature: 'pci.device', matchExpressions: { vendor: { op: 'In', value: ['10de'] } } },
              ],
            },
            {
              matchFeatures: [
                {
                  feature: 'kernel.version',
                  matchExpressions: { major: { op: 'Ge', value: ['6'] }, minor: { op: 'Ge', value: ['1'] } },
                },
              ],
            },
          ],
        },
      ],
    },
    {
      description: 'plain',
      rules: [
        {
          name: 'kernel',
          matchFeatures: [
            { feature: 'kernel.version', matchExpressions: { major: { op: 'In', value: ['5'] } } },
          ],
        },
      ],
    },
  ],
};

const features: Features = {
  flags: { 'kernel.loadedmodule': { elements: { vfio_pci: {} } } },
  attributes: { 'kernel.version': { elements: { major: '5', minor: '14' } } },
  instances: { 'pci.device': { elements: [{ attributes: { vendor: '8086', class: '0200' } }] } },
};

describe('validateNodeExplained', () => {
  test("NFD's report is the one validateNode gives; set and overall verdicts", () => {
    const ex = validateNodeExplained(spec, features);
    assert.deepEqual(ex.report, validateNode(spec, features));
    assert.deepEqual(
      ex.sets.map((s) => [s.index, s.tag, s.verdict, s.rules.map((r) => r.name)]),
      [
        [0, 'gpu', 'incompatible', ['modules', 'nvidia']],
        [1, undefined, 'compatible', ['kernel']],
      ],
    );
    assert.equal(ex.verdict, 'compatible');
  });

  test('--tags: the explanations follow the sets the report kept', () => {
    const ex = validateNodeExplained(spec, features, { tags: [''] });
    assert.deepEqual(
      ex.sets.map((s) => [s.index, s.description, s.rules.map((r) => r.name)]),
      [[0, 'plain', ['kernel']]],
    );
  });

  test('the text under the table', () => {
    const ex = validateNodeExplained({ ...spec, compatibilities: [spec.compatibilities[0]!] }, features);
    assert.equal(
      renderExplanation(ex),
      [
        '',
        'Explanation:',
        'Set #1 (tag gpu): incompatible',
        '  Rule "modules": FAIL',
        '    matchFeatures:',
        '      FAIL kernel.loadedmodule vfio-pci {op: "Exists"}',
        '           host: absent',
        '           why: "vfio-pci" is not in kernel.loadedmodule (1 element); the host has "vfio_pci"',
        '  Rule "nvidia": FAIL',
        '    matchAny branch 1 of 2: FAIL (0 of 1 expression held)',
        '      FAIL pci.device vendor {op: "In", value: ["10de"]}',
        '           host: 1 instance: "8086" x1',
        '           why: no instance of pci.device satisfies it (1 instance)',
        '           closest: instance 1 of 1 (vendor="8086" class="0200"), 0 of 1 held, failed: vendor',
        '    matchAny branch 2 of 2: FAIL (1 of 2 expressions held)',
        '      FAIL kernel.version major {op: "Ge", value: ["6"]}',
        '           host: "5"',
        '           why: "5" is less than ["6"]',
        '      OK   kernel.version minor {op: "Ge", value: ["1"]}',
        '           host: "14"',
        '    no matchAny branch held; closest: branch 2',
        '',
      ].join('\n'),
    );
  });

  test('undetermined: no set passed and the failed ones failed only on unreadable features', () => {
    const noModules: Features = { attributes: features.attributes!, instances: features.instances! };
    const oneSet: Spec = {
      version: 'v1alpha1',
      compatibilities: [
        {
          rules: [
            {
              name: 'modules',
              matchFeatures: [
                { feature: 'kernel.loadedmodule', matchExpressions: { vfio_pci: { op: 'Exists' } } },
              ],
            },
          ],
        },
      ],
    };
    const unavailable = [
      { feature: 'kernel.loadedmodule', reason: '/proc/modules could not be read on this host' },
    ];
    const ex = validateNodeExplained(oneSet, noModules, { unavailable });
    assert.equal(ex.verdict, 'undetermined');
    assert.deepEqual(undeterminedExpressions(ex), [
      {
        set: 1,
        rule: 'modules',
        feature: 'kernel.loadedmodule',
        name: 'vfio_pci',
        expression: '{op: "Exists"}',
        reason: '/proc/modules could not be read on this host',
      },
    ]);
    // The same host without the list of unreadable features: plainly incompatible.
    assert.equal(validateNodeExplained(oneSet, noModules).verdict, 'incompatible');
    // A set that also fails on data the host has stays incompatible.
    const twoRules: Spec = {
      version: 'v1alpha1',
      compatibilities: [
        {
          rules: [
            oneSet.compatibilities[0]!.rules![0]!,
            {
              name: 'k',
              matchFeatures: [
                { feature: 'kernel.version', matchExpressions: { major: { op: 'In', value: ['6'] } } },
              ],
            },
          ],
        },
      ],
    };
    assert.equal(validateNodeExplained(twoRules, noModules, { unavailable }).verdict, 'incompatible');
  });
});
