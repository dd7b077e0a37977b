/**
 * Issue 11 classes 2 and 10: template execution has a budget (steps, output, size of the strings and
 * lists functions return, nesting of values), functions that multiply sizes refuse before allocating,
 * and an error raised while evaluating a spec names the spec, the compatibility set and the rule.
 */

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { memoryIo } from '../../src/cli/io.ts';
import { run } from '../../src/cli/main.ts';
import { parseTemplate, TemplateError } from '../../src/template/index.ts';
import {
  MAX_ALLOCATED,
  MAX_LIST,
  MAX_OUTPUT,
  MAX_STEPS,
  MAX_STRING,
  MAX_VALUE_DEPTH,
} from '../../src/template/limits.ts';

function execError(text: string): string {
  const t = parseTemplate(text);
  try {
    t.execute({});
  } catch (e) {
    assert.ok(e instanceof TemplateError, String(e));
    assert.equal(e.phase, 'exec');
    return e.message;
  }
  assert.fail(`expected ${text} to fail`);
}

/** [name, template, expected error]: each took minutes or gigabytes before the budget. */
const OVER_BUDGET: [string, string, RegExp][] = [
  [
    'three nested range until 1000',
    '{{range until 1000}}{{range until 1000}}{{range until 1000}}x{{end}}{{end}}{{end}}',
    new RegExp(`budget exceeded: more than ${MAX_STEPS} steps`),
  ],
  [
    'replace over repeat',
    '{{$s := repeat 1000000 "a"}}{{replace "a" (repeat 1000 "b") $s}}',
    new RegExp(
      `error calling replace: the result would be 1000000000 characters, over the template limit of ${MAX_STRING}`,
    ),
  ],
  ['repeat', '{{repeat 1000000000 "ab"}}', /error calling repeat: the result would be 2000000000 characters/],
  [
    'until',
    '{{until 1000000000}}',
    new RegExp(
      `error calling until: the result would have 1000000000 elements, over the template limit of ${MAX_LIST}`,
    ),
  ],
  [
    'untilStep',
    '{{untilStep 0 2000000000 2}}',
    /error calling untilStep: the result would have 1000000000 elements/,
  ],
  [
    'indent',
    '{{indent 100000000 "a\\nb"}}',
    /error calling indent: the result would be 200000003 characters/,
  ],
  ['nindent', '{{nindent 100000000 "a"}}', /error calling nindent: the result would be 100000001 characters/],
  [
    'join',
    '{{join (repeat 100000 "x") (until 1000)}}',
    /error calling join: the result would be 99902890 characters/,
  ],
  [
    'printf widths',
    `{{printf "${'%9999999d'.repeat(50)}" ${'1 '.repeat(50)}}}`,
    /error calling printf: the formatted string would be over/,
  ],
  [
    'output',
    `{{range until 100}}{{repeat 1000000 "x"}}{{end}}`,
    new RegExp(`template output over the limit of ${MAX_OUTPUT} characters`),
  ],
  [
    'doubling lists',
    '{{$a := list 1}}{{range until 100}}{{$a = list $a $a}}{{end}}',
    new RegExp(`functions returned more than ${MAX_ALLOCATED}`),
  ],
  [
    'nested lists',
    '{{$a := list 1}}{{range until 1000}}{{$a = list $a}}{{end}}{{$a}}',
    new RegExp(`nested over the template limit of ${MAX_VALUE_DEPTH}`),
  ],
  ['a map holding itself', '{{$d := dict}}{{$_ := set $d "x" $d}}{{$d}}', /error calling set: /],
  [
    'string doubling',
    '{{$s := "ab"}}{{range until 100}}{{$s = printf "%s%s" $s $s}}{{end}}',
    /error calling printf: the formatted string would be over/,
  ],
];

describe('template execution budget', () => {
  for (const [name, text, re] of OVER_BUDGET) {
    test(`${name}: a clear execution error`, () => {
      const message = execError(text);
      assert.match(message, re);
      // The error shows where, not the huge value.
      assert.ok(message.length < 2000, `message of ${message.length} characters`);
    });
  }

  test('printf "%.999999999f" prints what Go prints instead of allocating', () => {
    assert.equal(parseTemplate('{{printf "%.999999999f" 1.0}}').execute({}), '%!(NOVERB)%!(EXTRA float64=1)');
    assert.equal(parseTemplate('{{printf "%.*f" 99999999 1.0}}').execute({}), '%!(BADPREC)1.000000');
  });

  test('concat of long lists (no argument spread) and large work under the budget still run', () => {
    assert.equal(parseTemplate('{{$l := until 300000}}{{len (concat $l $l)}}').execute({}), '600000');
    assert.equal(
      parseTemplate('{{range until 1000}}{{range until 100}}x{{end}}{{end}}').execute({}).length,
      100000,
    );
    assert.equal(parseTemplate('{{len (repeat 1000000 "ab")}}').execute({}), '2000000');
  });
});

describe('errors raised while evaluating name the spec, the set and the rule', () => {
  const dir = mkdtempSync(join(tmpdir(), 'imgcompat-limits-budget-'));
  const spec = (rule: string) => `version: v1alpha1
compatibilities:
- rules:
  - name: fine
    matchFeatures:
    - feature: cpu.cpuid
      matchExpressions:
        AVX: {op: Exists}
- tag: gpu
  rules:
  - name: fine
    matchFeatures:
    - feature: cpu.cpuid
      matchExpressions:
        AVX: {op: Exists}
${rule}`;
  writeFileSync(
    join(dir, 'f.json'),
    JSON.stringify({
      flags: { 'cpu.cpuid': { elements: { AVX: {} } } },
      attributes: { 'kernel.version': { elements: { major: 'six' } } },
    }),
  );

  async function evalCli(file: string) {
    const io = memoryIo({ cwd: dir });
    const code = await run(['eval', '--spec', file, '--features', 'f.json'], io);
    return { code, err: io.err() };
  }

  test('a template over budget: exit 3, spec file, set and rule', async () => {
    writeFileSync(
      join(dir, 'budget.yaml'),
      spec(`  - name: loops
    varsTemplate: '{{range until 1000}}{{range until 1000}}{{range until 1000}}x{{end}}{{end}}{{end}}'
    matchFeatures:
    - feature: cpu.cpuid
      matchExpressions:
        AVX: {op: Exists}
`),
    );
    const r = await evalCli('budget.yaml');
    assert.equal(r.code, 3, r.err);
    assert.match(
      r.err,
      /^imgcompat: budget\.yaml: compatibility set 2 \(tag "gpu"\), rule "loops": failed to expand template: .*budget exceeded/m,
    );
  });

  test('not a number "six" from the features: exit 3, spec file, set and rule', async () => {
    writeFileSync(
      join(dir, 'gt.yaml'),
      spec(`  - name: kernel
    matchFeatures:
    - feature: kernel.version
      matchExpressions:
        major: {op: Gt, value: ["5"]}
`),
    );
    const r = await evalCli('gt.yaml');
    assert.equal(r.code, 3, r.err);
    assert.match(
      r.err,
      /^imgcompat: gt\.yaml: compatibility set 2 \(tag "gpu"\), rule "kernel": not a number "six"$/m,
    );
  });
});
