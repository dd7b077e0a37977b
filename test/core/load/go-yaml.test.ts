import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { resolveGoScalar } from '../../../src/core/load/go-scalar.ts';
import {
  decodeDocument,
  INT,
  isPlainWord,
  MAX_DEPTH,
  MAX_DOCUMENTS,
  MAX_INPUT_BYTES,
  MAX_NODES,
  MAX_NODES_OUTSIDE_SUBSET,
  mapOf,
  parseYaml,
  STRING,
  struct,
  type TypeDesc,
} from '../../../src/core/load/go-yaml.ts';
import { MATCH_EXPRESSION, SPEC } from '../../../src/core/load/schema.ts';
import type { Diagnostic } from '../../../src/errors.ts';

function decode(text: string, type: TypeDesc) {
  const parsed = parseYaml(text, 'in.yaml');
  assert.deepEqual(
    parsed.diagnostics.filter((d) => d.severity === 'error'),
    [],
    'no syntax errors expected',
  );
  const doc = parsed.documents[0]!;
  return decodeDocument(doc, type, parsed.lineCounter, 'in.yaml');
}

const errors = (ds: Diagnostic[]) => ds.filter((d) => d.severity === 'error');
const warnings = (ds: Diagnostic[]) => ds.filter((d) => d.severity === 'warning');

test('plain scalars in a []string field become the strings NFD sees; quoted ones are kept', () => {
  const r = decode(
    'op: In\nvalue: [0200, 1.10, yes, 3.14159265, 2006-01-02, 0x1F, 1_000, ~, "0200", \'yes\', !!str 017]\n',
    MATCH_EXPRESSION,
  );
  assert.deepEqual(errors(r.diagnostics), []);
  assert.deepEqual(r.value, {
    op: 'In',
    value: ['128', '1.1', 'true', '3.1415927', '2006-01-02', '31', '1000', '', '0200', 'yes', '017'],
  });
  // Each conversion that changed the text is pointed out, with its column.
  const w = warnings(r.diagnostics).map((d) => `${d.position?.column} ${d.message}`);
  assert.ok(
    w.some((m) => m.startsWith('9 unquoted value 0200') && m.includes('"128"')),
    w.join('\n'),
  );
  assert.ok(w.some((m) => m.includes('unquoted value yes') && m.includes('"true"')));
});

test('a null value leaves a field unset (JSON null is a no-op in Go)', () => {
  const r = decode('op: ~\nvalue: ~\n', MATCH_EXPRESSION);
  assert.deepEqual(r.value, { op: '' });
});

test('field names match case-insensitively (with a warning) and unknown fields warn', () => {
  const r = decode('Op: Exists\nVALUE: []\nbogus: 1\n', MATCH_EXPRESSION);
  assert.deepEqual(r.value, { op: 'Exists', value: [] });
  const w = warnings(r.diagnostics);
  assert.ok(w.some((d) => d.message.includes('"Op" is read as "op"') && d.position?.line === 1));
  const unknown = w.find((d) => d.message.includes('unknown field "bogus"'));
  assert.ok(unknown);
  assert.equal(unknown.position?.line, 3);
  assert.equal(unknown.position?.column, 1);
  assert.match(unknown.message, /NFD ignores it/);
});

test("Go's case folding also maps U+017F (long s) to s", () => {
  const r = decode('\u017fpec: x\n', struct('t', { spec: STRING }));
  assert.deepEqual(r.value, { spec: 'x' });
});

test('two case variants of one field: the byte-order-last one wins, as encoding/json does', () => {
  const r = decode('op: In\nOp: Gt\n', MATCH_EXPRESSION);
  assert.equal((r.value as { op: string }).op, 'In');
  assert.ok(warnings(r.diagnostics).some((d) => d.message.includes('both set field "op"')));
});

test('duplicate keys: the later value wins, with a warning at the duplicate', () => {
  const r = decode('op: In\nop: Exists\n', MATCH_EXPRESSION);
  assert.equal((r.value as { op: string }).op, 'Exists');
  const dup = warnings(r.diagnostics).find((d) => d.message.includes('duplicate key "op"'));
  assert.equal(dup?.position?.line, 2);
});

test('merge keys and aliases are expanded as goyaml.v2 does', () => {
  const t = struct('t', { a: MATCH_EXPRESSION, b: MATCH_EXPRESSION });
  const r = decode('a: &base {op: In, value: [x]}\nb:\n  <<: *base\n  op: NotIn\n', t);
  assert.deepEqual(r.value, { a: { op: 'In', value: ['x'] }, b: { op: 'NotIn', value: ['x'] } });
  assert.deepEqual(errors(r.diagnostics), []);
  assert.deepEqual(warnings(r.diagnostics), []);
});

test('map keys are converted like values: yes -> "true", 0200 -> "128"; a null key is an error', () => {
  const r = decode('yes: a\n0200: b\nplain: c\n', mapOf(STRING));
  assert.deepEqual(r.value, { true: 'a', '128': 'b', plain: 'c' });
  const bad = decode('~: a\n', mapOf(STRING));
  assert.match(errors(bad.diagnostics)[0]!.message, /unsupported map key/);
});

test('type mismatches are errors with the position of the offending value', () => {
  const r = decode('op: In\nvalue: notalist\n', MATCH_EXPRESSION);
  const [e] = errors(r.diagnostics);
  assert.ok(e);
  assert.equal(e.position?.line, 2);
  assert.equal(e.position?.column, 8);
  assert.match(e.message, /expected a list, found the string "notalist"/);
  const m = decode('op: {a: b}\n', MATCH_EXPRESSION);
  assert.match(errors(m.diagnostics)[0]!.message, /expected a string, found a map/);
});

test('int fields take what encoding/json accepts after json.Marshal', () => {
  // (Not `n:` as the key: in YAML 1.1 a plain n is the boolean false.)
  const t = struct('t', { num: INT });
  assert.deepEqual(decode('num: 0x10\n', t).value, { num: 16 });
  // An integral float is printed without a fraction, so an int field accepts it.
  assert.deepEqual(decode('num: 3.0\n', t).value, { num: 3 });
  assert.deepEqual(decode('num: 1e3\n', t).value, { num: 1000 });
  for (const bad of ['1.5', '"3"', 'yes', '1e21', '.inf', '9223372036854775808', '[1]']) {
    const r = decode(`num: ${bad}\n`, t);
    assert.equal(errors(r.diagnostics).length, 1, bad);
  }
});

test('NaN or infinity in an unknown field: json.Marshal fails in NFD, so it is an error', () => {
  const r = decode('op: In\nextra: {x: [1, .nan]}\n', MATCH_EXPRESSION);
  assert.match(errors(r.diagnostics)[0]!.message, /unsupported value: NaN/);
});

test('a null entry in an expression set is an error (a nil *MatchExpression crashes NFD)', () => {
  const r = decode(
    'matchExpressions: {a: ~, b: {op: Exists}}\n',
    struct('t', { matchExpressions: mapOf(MATCH_EXPRESSION, 'null entry') }),
  );
  assert.deepEqual(
    errors(r.diagnostics).map((d) => [d.message, d.path]),
    [['null entry', 'matchExpressions.a']],
  );
});

test('malformed YAML: an error with line and column, no documents', () => {
  const p = parseYaml('version: v1alpha1\ncompatibilities: [a, b\nfoo: }\n', 'bad.yaml');
  assert.equal(p.documents.length, 0);
  const e = errors(p.diagnostics)[0];
  assert.ok(e);
  assert.equal(e.position?.file, 'bad.yaml');
  assert.ok(e.position!.line >= 2);
  assert.match(e.message, /^YAML syntax error: /);
});

test('malformed JSON: an error with line and column', () => {
  const p = parseYaml('{\n  "version": "v1alpha1",\n  "compatibilities": [,]\n}\n', 'bad.json');
  const e = errors(p.diagnostics)[0];
  assert.ok(e);
  assert.equal(e.position?.line, 3);
  assert.ok(e.position!.column > 1);
});

test('input over 4 MiB is refused before parsing', () => {
  const text = `version: v1alpha1\n#${'x'.repeat(MAX_INPUT_BYTES)}\n`;
  const p = parseYaml(text, 'big.yaml');
  assert.equal(p.documents.length, 0);
  assert.match(errors(p.diagnostics)[0]!.message, /4 MiB/);
});

test('deep nesting is refused before composing, without crashing, even very deep', () => {
  for (const depth of [MAX_DEPTH + 1, 5000, 200000]) {
    const p = parseYaml(`x: ${'['.repeat(depth)}${']'.repeat(depth)}\n`, 'deep.yaml');
    assert.equal(p.documents.length, 0);
    const e = errors(p.diagnostics)[0];
    assert.match(e!.message, /nesting is deeper than the limit of 200 levels/);
    assert.equal(e!.position?.line, 1);
  }
  // Block nesting counts too.
  let block = '';
  for (let i = 0; i <= MAX_DEPTH; i++) block += `${' '.repeat(i)}a:\n`;
  assert.match(errors(parseYaml(block).diagnostics)[0]!.message, /nesting is deeper/);
  // At the limit it is fine.
  const ok = parseYaml(`${'['.repeat(MAX_DEPTH)}${']'.repeat(MAX_DEPTH)}`);
  assert.deepEqual(errors(ok.diagnostics), []);
});

test('a YAML alias bomb hits the alias limit instead of expanding', () => {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  const names = 'abcdefghij';
  for (let i = 1; i < names.length; i++) {
    const prev = names[i - 1];
    lines.push(`${names[i]}: &${names[i]} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  const r = decode(`${lines.join('\n')}\nversion: v1alpha1\n`, SPEC);
  assert.match(errors(r.diagnostics)[0]!.message, /excessive aliasing/);
});

test('an anchor that contains its own alias is an error, not a loop', () => {
  const p = parseYaml('a: &x [1, *x]\n');
  assert.equal(p.documents.length, 1);
  // An open struct decodes the unknown field `a` as interface{}, following the alias into itself.
  const r = decodeDocument(p.documents[0]!, struct('t', {}, { open: true }), p.lineCounter);
  assert.deepEqual(
    errors(r.diagnostics).map((d) => d.message),
    ["anchor 'x' value contains itself"],
  );
});

test('every decoded value has a position', () => {
  const r = decode('version: v1alpha1\ncompatibilities:\n- rules:\n  - name: r\n', SPEC);
  assert.deepEqual(r.positions.value('compatibilities[0].rules[0].name'), {
    file: 'in.yaml',
    line: 4,
    column: 11,
  });
  assert.deepEqual(r.positions.key('compatibilities[0].rules[0].name'), {
    file: 'in.yaml',
    line: 4,
    column: 5,
  });
  // A missing field falls back to its parent.
  assert.deepEqual(r.positions.value('compatibilities[0].rules[0].matchFeatures'), {
    file: 'in.yaml',
    line: 4,
    column: 5,
  });
});

test('__proto__ as a map key is an ordinary key', () => {
  const r = decode('__proto__: x\nb: y\n', mapOf(STRING));
  const v = r.value as Record<string, string>;
  assert.equal(Object.getPrototypeOf(v), Object.prototype);
  assert.deepEqual(Object.keys(v), ['__proto__', 'b']);
  assert.equal(Object.getOwnPropertyDescriptor(v, '__proto__')?.value, 'x');
});

/** Runs parseYaml on generated text in a child Node with a 160 MB heap: an input that needs more dies. */
function parseInSmallHeap(makeText: string): { status: number | null; out: string; err: string } {
  const goYaml = new URL('../../../src/core/load/go-yaml.js', import.meta.url).href;
  const script = `import(${JSON.stringify(goYaml)}).then(({ parseYaml }) => {
    const p = parseYaml(${makeText}, 'hostile.yaml');
    console.log(JSON.stringify({ documents: p.documents.length, diagnostics: p.diagnostics.slice(0, 3) }));
  });`;
  const r = spawnSync(process.execPath, ['--max-old-space-size=160', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: r.status, out: r.stdout, err: r.stderr.slice(0, 2000) };
}

test('hostile YAML fails at the first violation in bounded memory: 4 MB of "[", a million documents', () => {
  for (const [text, want] of [
    ["'['.repeat(4 * 1024 * 1024 - 1)", /nesting is deeper than the limit of 200 levels/],
    ["'---\\n'.repeat(1_000_000)", /more than 10000 YAML documents \(the limit\)/],
    ["'a\\n...\\n'.repeat(MAX)".replace('MAX', String(MAX_DOCUMENTS + 1)), /more than 10000 YAML documents/],
  ] as const) {
    const r = parseInSmallHeap(text);
    assert.equal(r.status, 0, `${text}: ${r.err}`);
    const got = JSON.parse(r.out) as {
      documents: number;
      diagnostics: { message: string; position: unknown }[];
    };
    assert.equal(got.documents, 0);
    assert.match(got.diagnostics[0]!.message, want);
  }
  // The first violation is where it is reported: column 201 of line 1 for the 201st "[".
  const p = parseYaml('['.repeat(100_000), 'deep.yaml');
  assert.deepEqual(p.diagnostics[0]!.position, { file: 'deep.yaml', line: 1, column: 201 });
  // At the document limit exactly, all documents are read.
  assert.equal(parseYaml('a\n---\n'.repeat(MAX_DOCUMENTS - 1) + 'a\n').documents.length, MAX_DOCUMENTS);
  assert.equal(MAX_NODES, 1_000_000);
});

test('YAML outside the fast subset (here a tab) has its own node limit of 150,000', () => {
  assert.equal(MAX_NODES_OUTSIDE_SUBSET, 150_000);
  const list = (n: number) => `\t[${'1,'.repeat(n - 1)}1]\n`;
  // One node for the sequence, n for its scalars.
  assert.deepEqual(parseYaml(list(149_999)).diagnostics, []);
  const over = parseYaml(list(150_000), 'tab.yaml');
  assert.match(over.diagnostics[0]?.message ?? '', /^more than 150000 YAML nodes \(the limit\)$/);
  // Without the tab the same list is read by the fast reader, under the general limit.
  assert.deepEqual(parseYaml(list(150_000).slice(1)).diagnostics, []);
});

test('isPlainWord holds only for plain text goyaml.v2 reads as that same string', () => {
  const chars = [
    'a',
    'y',
    'Y',
    'n',
    'o',
    'O',
    'N',
    'e',
    's',
    'u',
    'l',
    'L',
    'f',
    'F',
    'T',
    't',
    '0',
    '1',
    '.',
    '-',
    '+',
    '~',
    '<',
    '_',
    'x',
    'b',
    'i',
  ];
  const words = new Set([
    'yes',
    'Yes',
    'YES',
    'true',
    'True',
    'TRUE',
    'false',
    'False',
    'FALSE',
    'null',
    'Null',
    'NULL',
    'off',
    'Off',
    'OFF',
    'on',
    'ON',
    'no',
    'NO',
    'No',
    '<<',
    '.inf',
    '.nan',
    '-.inf',
    '0x1f',
    '1e3',
    '0o17',
    '0b101',
    '1_000',
    '2006-01-02',
  ]);
  for (const a of chars) {
    words.add(a);
    for (const b of chars) {
      words.add(a + b);
      for (const c of chars) words.add(a + b + c);
    }
  }
  let plain = 0;
  for (const w of words) {
    if (!isPlainWord(w)) continue;
    plain++;
    assert.deepEqual(resolveGoScalar('', w), { t: 'str', v: w }, w);
  }
  assert.ok(plain > 1000);
  for (const w of ['y', 'no', 'Off', 'NULL', '~', '0', '-x', '.5', '<<', ''])
    assert.equal(isPlainWord(w), false, w);
  for (const w of ['In', 'op', 'value', 'yess', 'nul', 'cpu.cpuid']) assert.equal(isPlainWord(w), true, w);
});
