import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { checkSpec, loadSpec } from '../../../src/core/load/load-spec.ts';
import { type Diagnostic, SpecError } from '../../../src/errors.ts';

const EXAMPLE = readFileSync(new URL('../../../../examples/spec.yaml', import.meta.url), 'utf8');

function expectInvalid(text: string, re: RegExp): Diagnostic {
  const r = checkSpec(text, { file: 'spec.yaml' });
  const hit = r.diagnostics.find((d) => d.severity === 'error' && re.test(d.message));
  assert.ok(hit, `no error matching ${re}; got:\n${r.diagnostics.map((d) => d.message).join('\n')}`);
  assert.equal(hit.position?.file, 'spec.yaml');
  assert.throws(() => loadSpec(text, { file: 'spec.yaml' }), SpecError);
  return hit;
}

function spec(matchExpressions: string): string {
  return `version: v1alpha1
compatibilities:
- rules:
  - name: r
    matchFeatures:
    - feature: cpu.cpuid
      matchExpressions:
        ${matchExpressions}
`;
}

test('examples/spec.yaml loads with no warnings', () => {
  const { spec: s, warnings } = loadSpec(EXAMPLE, { file: 'examples/spec.yaml' });
  assert.deepEqual(warnings, []);
  assert.equal(s.version, 'v1alpha1');
  assert.equal(s.compatibilities.length, 1);
  const rules = s.compatibilities[0]!.rules;
  assert.deepEqual(
    rules.map((r) => r.name),
    ['kernel and cpu', 'one of available nics'],
  );
  // "0200" is quoted in the example, so it stays "0200" (unquoted it would be "128").
  assert.deepEqual(rules[1]!.matchAny![0]!.matchFeatures[0]!.matchExpressions!.class, {
    op: 'In',
    value: ['0200'],
  });
});

test('the same spec written as JSON loads to the same value', () => {
  const yaml = loadSpec(EXAMPLE).spec;
  const json = loadSpec(JSON.stringify(yaml, null, 2), { file: 'spec.json' });
  assert.deepEqual(json.spec, yaml);
  assert.deepEqual(json.warnings, []);
});

test('unquoted YAML 1.1 values reach the spec as NFD reads them, with warnings', () => {
  const r = loadSpec(spec('class: {op: In, value: [0200, yes, 1.10]}'));
  const expr = r.spec.compatibilities[0]!.rules[0]!.matchFeatures![0]!.matchExpressions!.class!;
  assert.deepEqual(expr.value, ['128', 'true', '1.1']);
  assert.equal(r.warnings.length, 3);
});

test('version other than v1alpha1 is rejected naming the supported version', () => {
  const d = expectInvalid(
    EXAMPLE.replace('version: v1alpha1', 'version: v2'),
    /unsupported spec version "v2"/,
  );
  assert.match(d.message, /the supported version is "v1alpha1"/);
  assert.equal(d.position?.line, 2);
  expectInvalid(EXAMPLE.replace('version: v1alpha1\n', ''), /missing "version".*v1alpha1/);
});

test('empty compatibilities is an error', () => {
  expectInvalid('version: v1alpha1\ncompatibilities: []\n', /"compatibilities" is empty/);
  expectInvalid('version: v1alpha1\n', /"compatibilities" is empty/);
});

test('an empty document, a list, a scalar are not specs', () => {
  expectInvalid('', /the document is empty/);
  expectInvalid('# only a comment\n', /the document is empty/);
  expectInvalid('- a\n- b\n', /found a list/);
  expectInvalid('hello\n', /found a scalar/);
});

test('malformed YAML and JSON: syntax errors with line:column', () => {
  const y = expectInvalid('version: v1alpha1\ncompatibilities:\n  - rules: [\n', /YAML syntax error/);
  assert.ok(y.position!.line >= 3);
  const j = expectInvalid('{"version": "v1alpha1", "compatibilities": [}\n', /YAML syntax error/);
  assert.equal(j.position?.line, 1);
});

test('unknown op: the message lists the valid ops', () => {
  const d = expectInvalid(spec('AVX: {op: Bigger, value: ["1"]}'), /invalid Op "Bigger"/);
  assert.match(
    d.message,
    /In, NotIn, InRegexp, Exists, DoesNotExist, Gt, Ge, Lt, Le, GtLt, GeLe, IsTrue, IsFalse/,
  );
  assert.equal(d.position?.line, 8);
  assert.equal(d.path, 'compatibilities[0].rules[0].matchFeatures[0].matchExpressions.AVX.op');
});

test('wrong number of values per op', () => {
  expectInvalid(spec('AVX: {op: Gt, value: ["1", "2"]}'), /exactly one element for Op "Gt"/);
  expectInvalid(spec('AVX: {op: GtLt, value: ["1"]}'), /exactly two elements for Op "GtLt"/);
  expectInvalid(spec('AVX: {op: In}'), /must be non-empty for Op "In"/);
  expectInvalid(spec('AVX: {op: Exists, value: ["x"]}'), /must be empty for Op "Exists"/);
  expectInvalid(spec('AVX: {op: IsTrue, value: ["x"]}'), /must be empty for Op "IsTrue"/);
});

test("invalid regex: Go's error text", () => {
  const d = expectInvalid(
    spec('AVX: {op: InRegexp, value: ["ok", "(a"]}'),
    /error parsing regexp: missing closing \): `\(a`/,
  );
  assert.equal(d.path, 'compatibilities[0].rules[0].matchFeatures[0].matchExpressions.AVX.value[1]');
  expectInvalid(
    spec('AVX: {op: InRegexp, value: ["(?=x)"]}'),
    /error parsing regexp: invalid or unsupported Perl syntax/,
  );
});

test('(a+)+$ is a valid RE2 pattern', () => {
  const r = loadSpec(spec('AVX: {op: InRegexp, value: ["(a+)+$"]}'));
  assert.deepEqual(r.warnings, []);
});

test('a non-integer under Gt is an error; with type: version it must be a version', () => {
  expectInvalid(spec('AVX: {op: Gt, value: ["1.5"]}'), /not a number "1.5"/);
  expectInvalid(spec('AVX: {op: GeLe, value: ["5", "5"]}'), /value\[0\] must be less than Value\[1\]/);
  expectInvalid(spec('AVX: {op: Lt, value: ["x"], type: version}'), /not a version "x"/);
  expectInvalid(spec('AVX: {op: Gt, value: ["1"], type: semver}'), /'type' field only accepts "version"/);
  // Fine as a version.
  assert.deepEqual(loadSpec(spec('AVX: {op: Gt, value: ["1.5"], type: version}')).warnings, []);
});

test('a template using an unsupported function fails at load time', () => {
  const text = EXAMPLE.replace(
    '  - name: "kernel and cpu"\n',
    '  - name: "kernel and cpu"\n    varsTemplate: "{{ env \\"HOME\\" }}"\n',
  );
  expectInvalid(text, /invalid template: template: :1: function "env" not defined/);
});

test('warnings: unknown fields, type on a non-comparison op, missing op; the spec still loads', () => {
  const r = loadSpec(spec('AVX: {op: In, value: ["1"], type: version, extra: 1}\n        SSE: {}'));
  const msgs = r.warnings.map((w) => w.message);
  assert.ok(msgs.some((m) => m.includes('unknown field "extra"')));
  assert.ok(msgs.some((m) => m.includes('\'type\' is ignored by Op "In"')));
  assert.ok(msgs.some((m) => m.startsWith('missing op')));
  assert.ok(r.warnings.every((w) => w.position?.line !== undefined));
});

test('every problem is reported at once, in file order', () => {
  const r = checkSpec(
    `version: v9
compatibilities:
- weight: heavy
  rules:
  - matchFeatures:
    - feature: cpu.cpuid
      matchExpressions:
        A: {op: Nope}
        B: {op: Gt, value: [x]}
`,
    { file: 's.yaml' },
  );
  const errs = r.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(
    errs.map((d) => d.position?.line),
    [1, 3, 5, 8, 9],
  );
});

test('only the first YAML document is read, with a warning at the second', () => {
  const r = loadSpec(`${EXAMPLE}---\nversion: v2\n`, { file: 's.yaml' });
  assert.equal(r.spec.version, 'v1alpha1');
  assert.equal(r.warnings.length, 1);
  assert.match(r.warnings[0]!.message, /holds 2 YAML documents; only the first is read/);
  assert.equal(r.warnings[0]!.position?.line, EXAMPLE.split('\n').length);
});

test('SpecError carries every diagnostic with file:line:column', () => {
  try {
    loadSpec('version: v1alpha1\ncompatibilities: []\n', { file: 'f.yaml' });
    assert.fail('expected SpecError');
  } catch (e) {
    assert.ok(e instanceof SpecError);
    assert.equal(e.kind, 'invalid-input');
    assert.match(e.message, /^f\.yaml: invalid compatibility spec \(1 error\)$/);
    assert.deepEqual(e.diagnostics[0]!.position, { file: 'f.yaml', line: 2, column: 18 });
  }
});
