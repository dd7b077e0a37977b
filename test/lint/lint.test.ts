import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Finding, lintText } from '../../src/lint/lint.ts';

/** A one-rule spec whose only term is `feature` with the given matchExpressions lines (line 8 on). */
function one(feature: string, ...exprs: string[]): string {
  return `version: v1alpha1
compatibilities:
- rules:
  - name: r
    matchFeatures:
    - feature: ${feature}
      matchExpressions:
${exprs.map((e) => `        ${e}\n`).join('')}`;
}

function lint(text: string, file = 'f.yaml'): Finding[] {
  const r = lintText(text, file);
  assert.notEqual(r.kind, 'unrecognized', JSON.stringify(r));
  return r.kind === 'unrecognized' ? [] : r.findings;
}

function only(text: string, id: string): Finding[] {
  return lint(text).filter((f) => f.id === id);
}

/** Exactly one finding `id`, at line:col, with the given severity and fix. */
function expectOne(
  text: string,
  id: string,
  want: { line: number; column?: number; severity?: string; fix?: RegExp; message?: RegExp },
): void {
  const got = only(text, id);
  assert.equal(got.length, 1, `${id}: ${JSON.stringify(lint(text), null, 1)}`);
  const f = got[0]!;
  assert.equal(f.position?.file, 'f.yaml');
  assert.equal(f.position?.line, want.line);
  if (want.column !== undefined) assert.equal(f.position?.column, want.column);
  if (want.severity) assert.equal(f.severity, want.severity);
  if (want.fix) assert.match(f.fix ?? '', want.fix);
  if (want.message) assert.match(f.message, want.message);
}

function expectNone(text: string, id: string): void {
  assert.deepEqual(only(text, id), [], `${id} must not fire`);
}

describe('IC1000 the file does not load', () => {
  test('an unknown op is reported with the loader message', () => {
    expectOne(one('cpu.cpuid', 'AVX2: {op: Foo}'), 'IC1000', { line: 8, severity: 'error', message: /Foo/ });
  });
  test('a valid spec has none', () => expectNone(one('cpu.cpuid', 'AVX2: {op: Exists}'), 'IC1000'));
});

describe('IC1001 unknown feature', () => {
  test('cpu.cpuidd, with did-you-mean', () => {
    expectOne(one('cpu.cpuidd', 'AVX2: {op: Exists}'), 'IC1001', {
      line: 6,
      column: 16,
      severity: 'error',
      fix: /did you mean cpu\.cpuid\?/,
    });
  });
  test('kernel.loadedmodules', () => {
    expectOne(one('kernel.loadedmodules', 'vfio_pci: {op: Exists}'), 'IC1001', {
      line: 6,
      fix: /did you mean kernel\.loadedmodule\?/,
    });
  });
  test('a name far from every feature lists the known ones', () => {
    expectOne(one('gpu.things', 'x: {op: Exists}'), 'IC1001', {
      line: 6,
      fix: /known features: cpu\.coprocessor/,
    });
  });
  test('known names, any case (NFD lower-cases feature names), pass', () => {
    expectNone(one('cpu.cpuid', 'AVX2: {op: Exists}'), 'IC1001');
    expectNone(one('CPU.CPUID', 'AVX2: {op: Exists}'), 'IC1001');
    expectNone(one('rule.matched', 'x: {op: Exists}'), 'IC1001');
  });
});

describe('IC1002 unknown element', () => {
  test('cpuid avx2 instead of AVX2 is an error with the right case', () => {
    expectOne(one('cpu.cpuid', 'avx2: {op: Exists}'), 'IC1002', {
      line: 8,
      column: 9,
      severity: 'error',
      fix: /did you mean AVX2\?/,
    });
  });
  test('a pci.device attribute that the source never reads', () => {
    expectOne(one('pci.device', 'vendorid: {op: In, value: ["8086"]}'), 'IC1002', {
      line: 8,
      severity: 'error',
      fix: /did you mean vendor\?/,
    });
  });
  test('network, usb, storage, memory, system attributes are checked too', () => {
    for (const [feature, bad] of [
      ['network.device', 'speeed'],
      ['usb.device', 'product'],
      ['storage.block', 'rotation'],
      ['memory.numa', 'numa_nodes'],
      ['system.dmiid', 'serial_number'],
    ] as const) {
      expectOne(one(feature, `${bad}: {op: Exists}`), 'IC1002', { line: 8, severity: 'error' });
    }
  });
  test('a cpuid name in no table is a warning (tables may grow)', () => {
    expectOne(one('cpu.cpuid', 'NOTAFLAGATALL: {op: Exists}'), 'IC1002', { line: 8, severity: 'warning' });
  });
  test('known names pass, including X86_64_V3, arm hwcaps and open sets', () => {
    expectNone(
      one('cpu.cpuid', 'AVX2: {op: Exists}', 'X86_64_V3: {op: Exists}', 'ASIMD: {op: Exists}'),
      'IC1002',
    );
    expectNone(
      one('pci.device', 'vendor: {op: In, value: ["8086"]}', 'sriov_totalvfs: {op: Gt, value: ["0"]}'),
      'IC1002',
    );
    expectNone(one('system.osrelease', 'PRETTY_NAME: {op: Exists}'), 'IC1002');
    expectNone(one('memory.hugepages', 'hugepages-2Mi: {op: Gt, value: ["0"]}'), 'IC1002');
  });
});

describe('IC1003 kernel module names with "-"', () => {
  test('vfio-pci on loadedmodule and enabledmodule', () => {
    for (const feature of ['kernel.loadedmodule', 'kernel.enabledmodule']) {
      expectOne(one(feature, 'vfio-pci: {op: Exists}'), 'IC1003', {
        line: 8,
        column: 9,
        severity: 'error',
        fix: /did you mean "vfio_pci"\?/,
      });
    }
  });
  test('vfio_pci passes', () => expectNone(one('kernel.loadedmodule', 'vfio_pci: {op: Exists}'), 'IC1003'));
});

describe('IC1004 value op on a flag feature', () => {
  test('IsTrue and In on cpu.cpuid', () => {
    expectOne(one('cpu.cpuid', 'AVX2: {op: IsTrue}'), 'IC1004', {
      line: 8,
      severity: 'error',
      fix: /Exists/,
    });
    expectOne(one('cpu.cpuid', 'AVX2: {op: In, value: ["true"]}'), 'IC1004', { line: 8 });
  });
  test('Exists and DoesNotExist pass', () => {
    expectNone(one('cpu.cpuid', 'AVX2: {op: Exists}', 'SSE4: {op: DoesNotExist}'), 'IC1004');
  });
});

describe('IC1005 op that cannot hold on the element values', () => {
  test('Gt on a string, Gt on a boolean, IsTrue on an integer', () => {
    expectOne(one('cpu.model', 'vendor_id: {op: Gt, value: ["5"]}'), 'IC1005', { line: 8, fix: /In/ });
    expectOne(one('storage.block', 'rotational: {op: Gt, value: ["0"]}'), 'IC1005', {
      line: 8,
      fix: /IsTrue/,
    });
    expectOne(one('kernel.version', 'major: {op: IsTrue}'), 'IC1005', { line: 8 });
  });
  test('Gt on an integer and IsTrue on a boolean pass', () => {
    expectNone(one('kernel.version', 'major: {op: Gt, value: ["5"]}'), 'IC1005');
    expectNone(one('storage.block', 'rotational: {op: IsFalse}'), 'IC1005');
  });
});

describe('IC1006 type: version on non-versions', () => {
  test('kernel.version full with type: version', () => {
    expectOne(one('kernel.version', 'full: {op: Ge, value: ["4.18"], type: version}'), 'IC1006', {
      line: 8,
      severity: 'warning',
      message: /el9_4/,
      fix: /major\/minor\/revision/,
    });
  });
  test('integers compared without type pass', () => {
    expectNone(one('kernel.version', 'major: {op: Ge, value: ["4"]}'), 'IC1006');
    expectNone(one('system.osrelease', 'VERSION_ID: {op: Ge, value: ["9.2"], type: version}'), 'IC1006');
  });
});

describe('IC1007 unsatisfiable', () => {
  test('GtLt with the bounds the wrong way round', () => {
    expectOne(one('kernel.version', 'major: {op: GtLt, value: ["5", "3"]}'), 'IC1007', {
      line: 8,
      severity: 'error',
    });
  });
  test('Gt 5 and Lt 3 on one element in two terms', () => {
    const text = `version: v1alpha1
compatibilities:
- rules:
  - name: r
    matchFeatures:
    - feature: kernel.version
      matchExpressions:
        major: {op: Gt, value: ["5"]}
    - feature: kernel.version
      matchExpressions:
        major: {op: Lt, value: ["3"]}
`;
    expectOne(text, 'IC1007', { line: 11, message: /matchFeatures\[0\]/ });
  });
  test('In []', () => {
    expectOne(one('cpu.model', 'vendor_id: {op: In, value: []}'), 'IC1007', { line: 8 });
  });
  test('Gt 3 and Lt 5 in two terms, and on different elements, pass', () => {
    const text = `version: v1alpha1
compatibilities:
- rules:
  - name: r
    matchFeatures:
    - feature: kernel.version
      matchExpressions:
        major: {op: Gt, value: ["3"]}
        minor: {op: Lt, value: ["3"]}
    - feature: kernel.version
      matchExpressions:
        major: {op: Lt, value: ["5"]}
`;
    expectNone(text, 'IC1007');
    expectNone(one('kernel.version', 'major: {op: GtLt, value: ["3", "5"]}'), 'IC1007');
  });
});

describe('IC1008 matchName NotIn', () => {
  const term = (op: string) => `version: v1alpha1
compatibilities:
- rules:
  - name: r
    matchFeatures:
    - feature: kernel.loadedmodule
      matchName: {op: ${op}, value: ["nouveau"]}
`;
  test('NotIn is flagged', () =>
    expectOne(term('NotIn'), 'IC1008', { line: 7, severity: 'warning', fix: /DoesNotExist/ }));
  test('In passes', () => expectNone(term('In'), 'IC1008'));
});

describe('IC1009 DoesNotExist and a missing feature', () => {
  test('DoesNotExist is noted', () => {
    expectOne(one('kernel.loadedmodule', 'nouveau: {op: DoesNotExist}'), 'IC1009', {
      line: 8,
      severity: 'info',
    });
  });
  test('Exists is not', () => expectNone(one('kernel.loadedmodule', 'nouveau: {op: Exists}'), 'IC1009'));
});

function nfr(...rules: string[]): string {
  return `apiVersion: nfd.k8s-sigs.io/v1alpha1
kind: NodeFeatureRule
metadata:
  name: x
spec:
  rules:
${rules.join('')}`;
}
const labelRule = (name: string, label: string) => `  - name: ${name}
    labels:
      ${label}: "true"
    matchFeatures:
    - feature: cpu.cpuid
      matchExpressions:
        AVX2: {op: Exists}
`;
const usesRule = (name: string, label: string) => `  - name: ${name}
    labels:
      other-${name}: "true"
    matchFeatures:
    - feature: rule.matched
      matchExpressions:
        ${label}: {op: IsTrue}
`;

describe('IC1010 rule.matched back-references', () => {
  test('a label set by a later rule', () => {
    expectOne(nfr(usesRule('b', 'feature-a'), labelRule('a', 'feature-a')), 'IC1010', {
      line: 13,
      column: 9,
      severity: 'error',
      message: /rule 2, which is evaluated after/,
    });
  });
  test('a label set by no rule of a NodeFeatureRule: a warning (an earlier NodeFeatureRule may set it)', () => {
    expectOne(nfr(labelRule('a', 'feature-a'), usesRule('b', 'feature-z')), 'IC1010', {
      line: 20,
      severity: 'warning',
      message: /NodeFeatureRule evaluated before/,
    });
  });
  const specRefs = (first: string, second: string) => `version: v1alpha1
compatibilities:
- rules:
${first}- rules:
${second}`;
  const setsVar = `  - name: a
    vars:
      v1: "true"
    matchFeatures:
    - feature: cpu.cpuid
      matchExpressions:
        AVX2: {op: Exists}
`;
  const usesVar = (v: string) => `  - name: b
    matchFeatures:
    - feature: rule.matched
      matchExpressions:
        ${v}: {op: IsTrue}
`;
  test('a spec var set by no rule: an error (the spec is all NFD evaluates)', () => {
    expectOne(specRefs(setsVar, usesVar('v2')), 'IC1010', {
      line: 16,
      severity: 'error',
      message: /the var "v2"/,
    });
  });
  test('a spec var set in a later compatibility set', () => {
    expectOne(specRefs(usesVar('v1'), setsVar), 'IC1010', {
      line: 8,
      severity: 'error',
      message:
        /rule 1 of compatibility set 2, which is evaluated after this one \(rule 1 of compatibility set 1\)/,
    });
  });
  test('a spec var set in an earlier compatibility set passes (one features map for the whole spec)', () => {
    expectNone(specRefs(setsVar, usesVar('v1')), 'IC1010');
  });
  test('a label of an earlier rule passes; a var of an earlier spec rule passes', () => {
    expectNone(nfr(labelRule('a', 'feature-a'), usesRule('b', 'feature-a')), 'IC1010');
    const text = `version: v1alpha1
compatibilities:
- rules:
  - name: a
    vars:
      v1: "true"
    matchFeatures:
    - feature: cpu.cpuid
      matchExpressions:
        AVX2: {op: Exists}
  - name: b
    matchFeatures:
    - feature: rule.matched
      matchExpressions:
        v1: {op: IsTrue}
`;
    expectNone(text, 'IC1010');
  });
});

describe('IC1011 duplicate rule names', () => {
  test('two rules named a', () => {
    expectOne(nfr(labelRule('a', 'x'), labelRule('a', 'y')), 'IC1011', { line: 14, severity: 'error' });
  });
  test('distinct names pass', () => expectNone(nfr(labelRule('a', 'x'), labelRule('b', 'y')), 'IC1011'));
});

function sets(...extras: string[]): string {
  return `version: v1alpha1
compatibilities:
${extras
  .map(
    (x) => `- ${x}
  rules:
  - name: r
    matchFeatures:
    - feature: cpu.cpuid
      matchExpressions:
        AVX2: {op: Exists}
`,
  )
  .join('')}`;
}

describe('IC1012 weights', () => {
  test('a negative weight', () => expectOne(sets('weight: -1'), 'IC1012', { line: 3, severity: 'warning' }));
  test('0 and positive weights pass', () => expectNone(sets('weight: 0', 'weight: 10'), 'IC1012'));
});

describe('IC1013 tags', () => {
  test('two sets tagged gpu', () =>
    expectOne(sets('tag: gpu', 'tag: gpu'), 'IC1013', { line: 10, severity: 'warning' }));
  test('distinct tags pass', () => expectNone(sets('tag: gpu', 'tag: cpu'), 'IC1013'));
});

describe('IC1014 and IC1015 kernel.config', () => {
  test('CONFIG_ prefix', () => {
    expectOne(one('kernel.config', 'CONFIG_NO_HZ: {op: In, value: ["y"]}'), 'IC1014', {
      line: 8,
      fix: /did you mean "NO_HZ"\?/,
    });
  });
  test('IsTrue on a config option', () => {
    expectOne(one('kernel.config', 'NO_HZ: {op: IsTrue}'), 'IC1015', {
      line: 8,
      fix: /In, value: \["y", "m"\]/,
    });
  });
  test('NO_HZ In [y, m] passes both', () => {
    const text = one('kernel.config', 'NO_HZ: {op: In, value: ["y", "m"]}');
    expectNone(text, 'IC1014');
    expectNone(text, 'IC1015');
  });
});

describe('NodeFeatureGroup and multi-document files', () => {
  test('findings in the second document of a file carry its line', () => {
    const text = `${nfr(labelRule('a', 'x'))}---
apiVersion: nfd.k8s-sigs.io/v1alpha1
kind: NodeFeatureGroup
metadata:
  name: g
spec:
  featureGroupRules:
  - name: g1
    matchFeatures:
    - feature: cpu.cpuidd
`;
    expectOne(text, 'IC1001', { line: 23, column: 16 });
  });
});

describe('files that are not specs or rules', () => {
  const NEITHER = /^not an image compatibility spec .*nor a NodeFeatureRule\/NodeFeatureGroup \(no "kind"\)$/;
  const NOT_A_MAP =
    /^not an image compatibility spec, NodeFeatureRule or NodeFeatureGroup \(not a mapping\)$/;
  const EMPTY = /^not an image compatibility spec, NodeFeatureRule or NodeFeatureGroup \(empty\)$/;
  const KIND =
    /^unsupported resource kind "(ConfigMap|NodeFeature)": must be NodeFeatureRule or NodeFeatureGroup$/;
  for (const [what, text, why, line, column] of [
    ['a features file', '{"flags": {}}', NEITHER, 1, 1],
    ['a JSON features file', '{"flags": {"cpu.cpuid": {"elements": {}}}}', NEITHER, 1, 1],
    ['a Markdown file', '# Title\n\nSome text: here\n', NEITHER, 1, 1],
    ['a list', '- a\n- b\n', NOT_A_MAP, 1, 1],
    ['a plain word', 'hello\n', NOT_A_MAP, 1, 1],
    ['binary bytes', '\u0000\u0001\u0002PNG\r\n', NOT_A_MAP, 1, 1],
    ['an empty file', '', EMPTY, 1, 1],
    ['only comments', '# nothing\n', EMPTY, 1, 1],
    ['a YAML syntax error', 'version: [\n', /^YAML syntax error: /, 2, 1],
    ['a Kubernetes object of another kind', 'apiVersion: v1\nkind: ConfigMap\n', KIND, 2, 7],
    [
      'a NodeFeature (features, not rules)',
      'apiVersion: nfd.k8s-sigs.io/v1alpha1\nkind: NodeFeature\nmetadata:\n  name: x\nspec: {}\n',
      KIND,
      2,
      7,
    ],
  ] as const) {
    test(`${what}: a clear error at line ${line}`, () => {
      const r = lintText(text, 'x.yaml');
      assert.equal(r.kind, 'unrecognized');
      if (r.kind !== 'unrecognized') return;
      assert.match(r.problem.message, why);
      assert.deepEqual(r.problem.position, { file: 'x.yaml', line, column });
    });
  }
});
