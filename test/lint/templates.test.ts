/**
 * Template findings (IC1016-IC1018). Every triggering template is also run by the Go oracle (Go's
 * text/template with Sprig and NFD's missingkey=error, tools/oracle) on the data NFD builds for the
 * branch it is flagged on, to show it really fails there (or, for IC1018, really reads octal); every
 * template that must not trigger runs clean on the data of each branch.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { executeGroupRule, executeRule } from '../../src/core/match/rule.ts';
import type { Features } from '../../src/core/model/features.ts';
import type { GroupRule, Rule } from '../../src/core/model/rules.ts';
import { type Finding, lintText } from '../../src/lint/lint.ts';
import { checkTemplate } from '../../src/lint/templates.ts';
import { useOracle } from '../go/oracle-client.ts';
import { labelsTemplateArb, templateArb } from '../template/arbitraries.ts';

const oracle = useOracle(before, after);

/** A NodeFeatureRule with one rule: `labelsTemplate` as a literal block (template line 1 = file line 9). */
function nfr(template: string, matchers: string): string {
  return `apiVersion: nfd.k8s-sigs.io/v1alpha1
kind: NodeFeatureRule
metadata:
  name: t
spec:
  rules:
  - name: r
    labelsTemplate: |
${template
  .split('\n')
  .map((l) => `      ${l}`)
  .join('\n')}
${matchers}`;
}

const PCI_BRANCH = `    - matchFeatures:
      - feature: pci.device
        matchExpressions:
          vendor: {op: In, value: ["10de"]}`;
const MODULE_BRANCH = `    - matchFeatures:
      - feature: kernel.loadedmodule
        matchExpressions:
          nvidia: {op: Exists}`;

/** What NFD's evaluateFeatureMatcher gives the template for the branches above. */
const PCI_DATA = { pci: { device: [{ vendor: '10de', device: '2330', class: '0302' }] } };
const MODULE_DATA = { kernel: { loadedmodule: [{ Name: 'nvidia' }] } };

/** The file column of `needle` on the template's first line (the block is indented by 6). */
function column(template: string, needle: string): number {
  return 6 + template.indexOf(needle) + 1;
}

function findings(text: string, id: string): Finding[] {
  const r = lintText(text, 'f.yaml');
  assert.notEqual(r.kind, 'unrecognized', JSON.stringify(r));
  return r.kind === 'unrecognized' ? [] : r.findings.filter((f) => f.id === id);
}

async function runGo(template: string, data: unknown) {
  return oracle().query({ op: 'template', fn: 'expandMap', template, data, dataType: 'nfd' });
}

describe('IC1016 a template reads a feature its branch does not match', () => {
  const template = '{{range .pci.device}}gpu-{{.vendor}}=true\n{{end}}';
  test('a matchAny branch without the pci.device term: flagged at the reference, naming the branch', async () => {
    const got = findings(nfr(template, `    matchAny:\n${PCI_BRANCH}\n${MODULE_BRANCH}\n`), 'IC1016');
    assert.equal(got.length, 1, JSON.stringify(got));
    const f = got[0]!;
    assert.equal(f.severity, 'error');
    assert.deepEqual([f.position?.line, f.position?.column], [9, column(template, '.pci')]);
    assert.match(f.message, /reads \.pci\.device, but matchAny\[1\] has no term on it/);
    assert.match(f.fix ?? '', /index/);
    // NFD runs the template on branch 1's own matched features: it fails there.
    const go = await runGo(template, MODULE_DATA);
    assert.equal(go.ok, false);
    assert.match(go.err ?? '', /map has no entry for key "pci"/);
  });
  test('one template over two matchAny features (the cstate/pstate pattern of NFD v0.19.0 deployment/nodefeaturerule/samples/nodefeaturerule-cpu.yaml): each branch misses the other', async () => {
    const t =
      '{{ range .cpu.cstate }}cpu-cstate.{{ .Name }}={{ .Value }}\n{{ end }}\n{{ range .cpu.pstate }}cpu-pstate.{{ .Name }}={{ .Value }}\n{{ end }}';
    const branches = `    matchAny:
    - matchFeatures:
      - feature: cpu.cstate
        matchName: {op: Exists}
    - matchFeatures:
      - feature: cpu.pstate
        matchName: {op: Exists}
`;
    const got = findings(nfr(t, branches), 'IC1016');
    assert.deepEqual(
      got.map((f) => [f.position?.line, f.message.match(/reads (\S+), but (\S+)/)?.slice(1)]),
      [
        [9, ['.cpu.cstate', 'matchAny[1]']],
        [11, ['.cpu.pstate', 'matchAny[0]']],
      ],
    );
    const go = await runGo(t, { cpu: { cstate: [{ Name: 'enabled', Value: 'true' }] } });
    assert.equal(go.ok, false);
    assert.match(go.err ?? '', /map has no entry for key "pstate"/);
  });
  test('matchFeatures and matchAny are separate runs: a feature only in matchFeatures is missing in matchAny', () => {
    const text = nfr(
      template,
      `    matchFeatures:\n${PCI_BRANCH.replace('    - matchFeatures:\n', '')}\n    matchAny:\n${MODULE_BRANCH}\n`,
    );
    const got = findings(text, 'IC1016');
    assert.equal(got.length, 1);
    assert.match(got[0]!.message, /matchAny\[0\] has no term/);
  });
  test('the term spelled PCI.device: the data is keyed PCI, the fix says so', async () => {
    const text = nfr(
      template,
      `    matchFeatures:\n      - feature: PCI.device\n        matchExpressions:\n          vendor: {op: In, value: ["10de"]}\n`,
    );
    const got = findings(text, 'IC1016');
    assert.equal(got.length, 1);
    assert.match(got[0]!.fix ?? '', /keyed as the terms spell them: PCI/);
    const go = await runGo(template, { PCI: PCI_DATA.pci });
    assert.equal(go.ok, false);
  });
  test('a variable bound to the root ($) is followed too', () => {
    const t = '{{range .pci.device}}{{range $.kernel.loadedmodule}}m-{{.Name}}=1\n{{end}}{{end}}';
    const got = findings(
      nfr(t, `    matchFeatures:\n${PCI_BRANCH.replace('    - matchFeatures:\n', '')}\n`),
      'IC1016',
    );
    assert.equal(got.length, 1);
    assert.match(got[0]!.message, /reads \$\.kernel\.loadedmodule, but matchFeatures has no term/);
  });
  test('every branch carries the feature, or index is used: nothing, and Go runs it on each branch', async () => {
    const both = `    matchAny:\n${PCI_BRANCH}\n${PCI_BRANCH.replace('10de', '1002')}\n`;
    assert.deepEqual(findings(nfr(template, both), 'IC1016'), []);
    const viaIndex = '{{range index . "pci" "device"}}gpu-{{.vendor}}=true\n{{end}}';
    const mixed = `    matchAny:\n${PCI_BRANCH}\n${MODULE_BRANCH}\n`;
    assert.deepEqual(findings(nfr(viaIndex, mixed), 'IC1016'), []);
    for (const data of [PCI_DATA, MODULE_DATA]) {
      const go = await runGo(viaIndex, data);
      assert.equal(go.ok, true, go.err);
    }
    assert.equal((await runGo(template, PCI_DATA)).ok, true);
  });
  test('code that may not run is not flagged: an if body, and/or arguments, after a break, a range over a bare term', async () => {
    const pci = `    matchFeatures:\n${PCI_BRANCH.replace('    - matchFeatures:\n', '')}\n`;
    const bare = '    matchFeatures:\n      - feature: pci.device\n';
    for (const [t, m] of [
      ['{{if false}}{{.cpu.cpuid}}{{end}}a=b', pci],
      ['{{if or true .cpu.cpuid}}a=b{{end}}', pci],
      ['{{range .pci.device}}{{break}}{{.Name}}{{end}}a=b', pci],
      ['{{range .pci.device}}{{.Name}}=1\n{{end}}a=b', bare],
    ] as const) {
      const text = nfr(t, m);
      assert.deepEqual([...findings(text, 'IC1016'), ...findings(text, 'IC1017')], [], t);
      const data = m === bare ? { pci: { device: null } } : PCI_DATA;
      assert.deepEqual((await runGo(t, data)).map, { a: 'b' }, t);
    }
    // The condition itself is evaluated: flagged.
    assert.equal(findings(nfr('{{if .cpu.cpuid}}a=b{{end}}', pci), 'IC1016').length, 1);
  });
  test('a variable assigned in a block (Go shares it with the block): not guessed, nothing flagged', async () => {
    const t = '{{$d := .}}{{with .pci}}{{$d = .}}{{end}}{{range $d.device}}x-{{.vendor}}=1\n{{end}}';
    const pci = `    matchFeatures:\n${PCI_BRANCH.replace('    - matchFeatures:\n', '')}\n`;
    assert.deepEqual(findings(nfr(t, pci), 'IC1016'), []);
    assert.deepEqual((await runGo(t, PCI_DATA)).map, { 'x-10de': '1' });
  });
});

describe('IC1017 a template reads a key the matched elements never have', () => {
  const cases = [
    {
      what: '.Value of a flag (kernel.loadedmodule elements are {Name})',
      template: '{{range .kernel.loadedmodule}}mod-{{.Name}}={{.Value}}\n{{end}}',
      matchers: `    matchFeatures:\n${MODULE_BRANCH.replace('    - matchFeatures:\n', '')}\n`,
      data: MODULE_DATA,
      at: '.Value',
      message: /\.Value .* flag feature: its matched elements have only Name/,
      goErr: /map has no entry for key "Value"/,
    },
    {
      what: '.Name of a pci.device instance (instances are their attributes)',
      template: '{{range .pci.device}}gpu-{{.Name}}=true\n{{end}}',
      matchers: `    matchFeatures:\n${PCI_BRANCH.replace('    - matchFeatures:\n', '')}\n`,
      data: PCI_DATA,
      at: '.Name',
      message: /pci\.device elements are the instance's attributes \(class, vendor/,
      goErr: /map has no entry for key "Name"/,
    },
    {
      what: 'a field of the list itself (.pci.device.vendor)',
      template: 'gpu-{{.pci.device.vendor}}=true',
      matchers: `    matchFeatures:\n${PCI_BRANCH.replace('    - matchFeatures:\n', '')}\n`,
      data: PCI_DATA,
      at: '.pci',
      message: /is a list of matched elements/,
      goErr: /can't evaluate field vendor/,
    },
    {
      what: 'a misspelt instance attribute through a range variable ($d.vendr)',
      template: '{{range $i, $d := .pci.device}}gpu-{{$d.vendr}}=true\n{{end}}',
      matchers: `    matchFeatures:\n${PCI_BRANCH.replace('    - matchFeatures:\n', '')}\n`,
      data: PCI_DATA,
      at: '$d.vendr',
      message: /reads \$d\.vendr/,
      goErr: /map has no entry for key "vendr"/,
    },
  ];
  for (const c of cases) {
    test(c.what, async () => {
      const got = findings(nfr(c.template, c.matchers), 'IC1017');
      assert.equal(got.length, 1, JSON.stringify(got));
      assert.deepEqual([got[0]!.position?.line, got[0]!.position?.column], [9, column(c.template, c.at)]);
      assert.match(got[0]!.message, c.message);
      const go = await runGo(c.template, c.data);
      assert.equal(go.ok, false);
      assert.match(go.err ?? '', c.goErr);
    });
  }
  test('cpu.cpuid: .Value of flags fails, .Value of the AVX10_VERSION attribute does not', async () => {
    const t = '{{range .cpu.cpuid}}{{.Name}}={{.Value}}\n{{end}}';
    const term = (names: string) =>
      `    matchFeatures:\n      - feature: cpu.cpuid\n        matchName: {op: In, value: [${names}]}\n`;
    const got = findings(nfr(t, term('AVX512F, AVX10_VERSION')), 'IC1017');
    assert.equal(got.length, 1);
    assert.match(got[0]!.message, /flags, which have only Name/);
    const flagged = await runGo(t, {
      cpu: { cpuid: [{ Name: 'AVX10_VERSION', Value: '1' }, { Name: 'AVX512F' }] },
    });
    assert.match(flagged.err ?? '', /map has no entry for key "Value"/);
    assert.deepEqual(findings(nfr(t, term('AVX10_VERSION')), 'IC1017'), []);
    const ok = await runGo(t, { cpu: { cpuid: [{ Name: 'AVX10_VERSION', Value: '1' }] } });
    assert.deepEqual(ok.map, { AVX10_VERSION: '1' });
  });
  test('the did-you-mean for a misspelt attribute', () => {
    const got = findings(nfr(cases[3]!.template, cases[3]!.matchers), 'IC1017');
    assert.equal(got[0]!.fix, 'did you mean .vendor?');
  });
  test('.Name of a flag, .Value of an attribute, attributes of an instance: nothing, and Go runs them', async () => {
    const ok = [
      {
        template: cases[0]!.template.replace('={{.Value}}', '=1'),
        matchers: cases[0]!.matchers,
        data: MODULE_DATA,
      },
      {
        template: '{{range .kernel.version}}k-{{.Name}}={{.Value}}\n{{end}}',
        matchers:
          '    matchFeatures:\n      - feature: kernel.version\n        matchExpressions:\n          major: {op: Gt, value: ["4"]}\n',
        data: { kernel: { version: [{ Name: 'major', Value: '6' }] } },
      },
      {
        template: '{{range $i, $d := .pci.device}}gpu-{{$d.vendor}}-{{.class}}=true\n{{end}}',
        matchers: cases[1]!.matchers,
        data: PCI_DATA,
      },
      // A feature outside the catalogue: its keys are unknown, nothing is claimed.
      {
        template: '{{range .my.feature}}x-{{.whatever}}=1\n{{end}}',
        matchers:
          '    matchFeatures:\n      - feature: my.feature\n        matchExpressions:\n          a: {op: Exists}\n',
        data: { my: { feature: [{ whatever: 'y' }] } },
      },
    ];
    for (const c of ok) {
      assert.deepEqual(findings(nfr(c.template, c.matchers), 'IC1017'), [], c.template);
      assert.deepEqual(findings(nfr(c.template, c.matchers), 'IC1016'), [], c.template);
      const go = await runGo(c.template, c.data);
      assert.equal(go.ok, true, `${c.template}: ${go.err}`);
    }
  });
});

describe('IC1018 Sprig integer functions on leading-zero and hexadecimal values', () => {
  const pci = `    matchFeatures:\n${PCI_BRANCH.replace('    - matchFeatures:\n', '')}\n`;
  test('add on a PCI class: flagged, and Go reads "0302" as octal', async () => {
    const template = '{{range .pci.device}}class-plus-one={{add .class 1}}\n{{end}}';
    const got = findings(nfr(template, pci), 'IC1018');
    assert.equal(got.length, 1);
    assert.equal(got[0]!.severity, 'warning');
    assert.deepEqual([got[0]!.position?.line, got[0]!.position?.column], [9, column(template, 'add')]);
    assert.match(got[0]!.message, /pci\.device class is a hexadecimal id/);
    const go = await runGo(template, PCI_DATA);
    assert.deepEqual(go.map, { 'class-plus-one': '195' }); // 0302 octal is 194
  });
  test('a pipe into int, through trim; a vendor into int64', async () => {
    const template = '{{range .pci.device}}c={{.class | trim | int}}\nv={{int64 .vendor}}\n{{end}}';
    const got = findings(nfr(template, pci), 'IC1018');
    assert.equal(got.length, 2);
    const go = await runGo(template, { pci: { device: [{ class: '0302', vendor: '10de' }] } });
    assert.deepEqual(go.map, { c: '194', v: '0' });
  });
  test('an attribute value the rule matches with a leading zero', () => {
    const template = '{{range .local.feature}}{{.Name}}={{add1 .Value}}\n{{end}}';
    const text = nfr(
      template,
      '    matchFeatures:\n      - feature: local.feature\n        matchExpressions:\n          fw: {op: In, value: ["0302", "0400"]}\n',
    );
    const got = findings(text, 'IC1018');
    assert.equal(got.length, 1);
    assert.match(got[0]!.message, /values such as "0302"/);
  });
  test('decimal values into add, and atoi on a class (strconv.Atoi is decimal): nothing', async () => {
    const decimal = '{{range .kernel.version}}{{.Name}}-next={{add .Value 1}}\n{{end}}';
    const kv =
      '    matchFeatures:\n      - feature: kernel.version\n        matchExpressions:\n          major: {op: Gt, value: ["4"]}\n';
    assert.deepEqual(findings(nfr(decimal, kv), 'IC1018'), []);
    const atoi = '{{range .pci.device}}c={{atoi .class}}\n{{end}}';
    assert.deepEqual(findings(nfr(atoi, pci), 'IC1018'), []);
    const go = await runGo(atoi, PCI_DATA);
    assert.deepEqual(go.map, { c: '302' });
  });
});

describe('templates of image-compatibility specs (varsTemplate)', () => {
  test('a spec rule whose varsTemplate reads a feature of no term', () => {
    const text = `version: v1alpha1
compatibilities:
- rules:
  - name: r
    varsTemplate: "{{range .cpu.cpuid}}{{.Name}}=1\\n{{end}}"
    matchFeatures:
    - feature: kernel.loadedmodule
      matchExpressions:
        vfio_pci: {op: Exists}
`;
    const got = findings(text, 'IC1016');
    assert.equal(got.length, 1);
    assert.deepEqual([got[0]!.position?.line, got[0]!.position?.column], [5, 19]);
    assert.match(got[0]!.message, /^varsTemplate reads \.cpu\.cpuid/);
  });
});

describe('the NFD conformance vectors with templates', () => {
  const repo = fileURLToPath(new URL('../../../', import.meta.url));
  interface V {
    id: string;
    kind: string;
    features?: Features;
    input: Rule;
    failFast?: boolean;
  }
  const vectors = ['vectors.json', 'derived-vectors.json']
    .flatMap((f) => JSON.parse(readFileSync(join(repo, 'test/conformance', f), 'utf8')) as V[])
    .filter((v) => (v.kind === 'rule' || v.kind === 'grouprule') && /Template/.test(JSON.stringify(v.input)));

  test('every vector whose template fails on a missing key or field is flagged (IC1016/IC1017)', () => {
    let failing = 0;
    for (const v of vectors) {
      let error = '';
      try {
        // The engine that passes these vectors (test/conformance): what NFD does with the rule.
        const features = structuredClone(v.features ?? {});
        if (v.kind === 'rule') executeRule(v.input, features, v.failFast ?? true);
        else executeGroupRule(v.input as GroupRule, features, v.failFast ?? true);
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
      }
      const doc =
        v.kind === 'rule'
          ? { kind: 'NodeFeatureRule', spec: { rules: [{ ...v.input, name: v.input.name ?? 'r' }] } }
          : {
              kind: 'NodeFeatureGroup',
              spec: { featureGroupRules: [{ ...v.input, name: v.input.name ?? 'r' }] },
            };
      const text = JSON.stringify({
        apiVersion: 'nfd.k8s-sigs.io/v1alpha1',
        metadata: { name: 'x' },
        ...doc,
      });
      const r = lintText(text, 'v.json');
      const ids = r.kind === 'unrecognized' ? [] : r.findings.map((f) => f.id);
      if (/map has no entry for key|can't evaluate field/.test(error)) {
        failing++;
        assert.ok(ids.includes('IC1016') || ids.includes('IC1017'), `${v.id}: ${error}`);
      }
    }
    assert.ok(vectors.length > 20 && failing >= 3, `${vectors.length} vectors, ${failing} failing`);
  });
});

describe('generated templates, against Go', () => {
  /** Terms a generated rule may carry, and the elements NFD gives the template for each. */
  const TERMS = {
    'cpu.cpuid': { term: { AVX2: { op: 'Exists' } }, data: [{ Name: 'AVX2' }] },
    'kernel.loadedmodule': { term: { nvidia: { op: 'Exists' } }, data: [{ Name: 'nvidia' }] },
    'pci.device': {
      term: { vendor: { op: 'In', value: ['10de'] } },
      data: [{ vendor: '10de', class: '0302', device: '2330' }],
    },
    'rule.matched': { term: { x: { op: 'IsTrue' } }, data: [{ Name: 'x', Value: 'true' }] },
  } as const;
  type Name = keyof typeof TERMS;
  const KEY_ERROR = /map has no entry for key|can't evaluate field/;

  test('IC1016/IC1017 exactly when Go fails on a missing key, for NFD-style range templates', async () => {
    let flagged = 0;
    let clean = 0;
    await fc.assert(
      fc.asyncProperty(
        labelsTemplateArb,
        fc.subarray(Object.keys(TERMS) as Name[], { minLength: 1 }),
        async (template, names) => {
          const rule = {
            name: 'r',
            labelsTemplate: template,
            matchFeatures: names.map((n) => ({ feature: n, matchExpressions: TERMS[n].term })),
          };
          const doc = {
            apiVersion: 'nfd.k8s-sigs.io/v1alpha1',
            kind: 'NodeFeatureRule',
            metadata: { name: 'x' },
            spec: { rules: [rule] },
          };
          const r = lintText(JSON.stringify(doc), 'g.json');
          assert.notEqual(r.kind, 'unrecognized');
          const ids = r.kind === 'unrecognized' ? [] : r.findings.map((f) => f.id);
          const lint = ids.includes('IC1016') || ids.includes('IC1017');
          const data: Record<string, Record<string, unknown>> = {};
          for (const n of names) {
            const [dom, feat] = n.split('.') as [string, string];
            data[dom] = { ...data[dom], [feat]: TERMS[n].data };
          }
          const go = await runGo(template, data);
          const goKeyError = !go.ok && KEY_ERROR.test(go.err ?? '');
          if (lint) flagged++;
          else clean++;
          assert.equal(lint, goKeyError, `${template} on ${names.join(',')}: lint ${ids} go ${go.err}`);
        },
      ),
      { numRuns: 200 },
    );
    assert.ok(flagged > 20 && clean > 20, `${flagged} flagged, ${clean} clean`);
  });

  test('any generated template: the checks never throw', () => {
    fc.assert(
      fc.property(templateArb, (template) => {
        const doc = {
          apiVersion: 'nfd.k8s-sigs.io/v1alpha1',
          kind: 'NodeFeatureRule',
          metadata: { name: 'x' },
          spec: {
            rules: [
              {
                name: 'r',
                labelsTemplate: template,
                matchAny: [
                  { matchFeatures: [{ feature: 'cpu.cpuid', matchExpressions: { AVX2: { op: 'Exists' } } }] },
                ],
                matchFeatures: [
                  { feature: 'pci.device', matchExpressions: { vendor: { op: 'In', value: ['10de'] } } },
                ],
              },
            ],
          },
        };
        assert.notEqual(lintText(JSON.stringify(doc), 'g.json').kind, 'unrecognized');
      }),
      { numRuns: 500 },
    );
  });
});

describe('bounds', () => {
  const rule = (branches: number) => ({
    name: 'r',
    matchAny: Array.from({ length: branches }, (_, i) => ({
      matchFeatures: [
        { feature: 'kernel.loadedmodule', matchExpressions: { [`m${i}`]: { op: 'Exists' as const } } },
      ],
    })),
  });
  test('many branches: one walk per data shape, and the message names five and counts the rest', () => {
    const got = checkTemplate('{{range .pci.device}}a=b{{end}}', 'labelsTemplate', rule(8));
    assert.equal(got.length, 1);
    assert.match(got[0]!.message, /matchAny\[0\] or .* or matchAny\[4\] \(and 3 more\) has no term on it/);
  });
  test('a node budget: checks stop when it runs out, with what was found so far', () => {
    const template = '{{.cpu.cpuid}}{{.pci.device}}'.repeat(50);
    const all = checkTemplate(template, 'labelsTemplate', rule(1));
    assert.equal(all.length, 100);
    const budget = { left: 10 };
    const some = checkTemplate(template, 'labelsTemplate', rule(1), budget);
    assert.ok(some.length > 0 && some.length <= 10, String(some.length));
    assert.ok(budget.left < 0);
  });
});
