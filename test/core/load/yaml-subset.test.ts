import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseWithYamlPackage, topLevelKind } from '../../../src/core/load/go-yaml.ts';
import { type YDocument, YMap, type YNode, YScalar, YSeq } from '../../../src/core/load/yaml-nodes.ts';
import { readSubset, type SubsetLimits } from '../../../src/core/load/yaml-subset.ts';
import { prng as rng } from '../../e2e/harness/varied-cluster.ts';

const LIMITS: SubsetLimits = { maxDepth: 200, maxDocuments: 10_000, maxNodes: 1_000_000 };

function shape(n: YNode | null): unknown {
  if (n === null) return null;
  if (n instanceof YScalar) return ['scalar', n.offset, n.value, n.plain, n.tag];
  if (n instanceof YSeq) return ['seq', n.offset, n.items.map(shape)];
  if (n instanceof YMap) return ['map', n.offset, n.items.map((p) => [shape(p.key), shape(p.value)])];
  return ['alias', n.offset, n.source, n.target?.offset];
}

/** An empty document is a null root for the fast reader and an empty plain scalar for `yaml`. */
const docShape = (d: YDocument) => [d.range[0], topLevelKind(d) === 'empty' ? 'empty' : shape(d.contents)];

/**
 * Reads `text` both ways. When the fast reader takes it, its documents (nodes, offsets, document
 * starts, line starts) or its limit error must be exactly those of the `yaml` package's reading, which
 * must have had nothing else to say. Returns whether the fast reader took the text.
 */
function agree(text: string, limits: SubsetLimits = LIMITS): boolean {
  const fast = readSubset(text, limits);
  if (fast === undefined) return false;
  const ref = parseWithYamlPackage(text, undefined, limits);
  const label = JSON.stringify(text.length > 300 ? `${text.slice(0, 300)}...` : text);
  if ('problem' in fast) {
    const at = fast.lineCounter.linePos(fast.offset);
    assert.deepEqual(
      ref.diagnostics.map((d) => [d.message, d.position]),
      [[fast.problem, { line: at.line, column: at.col }]],
      label,
    );
    return true;
  }
  assert.deepEqual(ref.diagnostics, [], label);
  assert.deepEqual(fast.documents.map(docShape), ref.documents.map(docShape), label);
  assert.deepEqual(fast.lineCounter.lineStarts, ref.lineCounter.lineStarts, label);
  return true;
}

/** Small texts in the subset, and next to its edges. */
const CASES = [
  'a: 1\n',
  'a:\nb: 1\n',
  'a:   \n',
  'a:  # c\nb: 1',
  '- \n- a\n',
  '-\n',
  '- # c\n- a',
  '# c\n\n---\na: 1\n---\n---  \nb\n',
  '# only\na: 1',
  '\n\na: 1',
  '  a: 1\n',
  '  # c\na: 1\n',
  '# c\n  a: 1\n',
  'x: [a, b,]\n',
  '[a, , b]',
  '{a, b: }',
  'a: # c\n  b: 1',
  '---\n',
  '---\n---\n',
  '',
  '# only\n',
  'a:\n- x\n',
  'a: [\n b\n]\n',
  'a: [\nb]\n',
  'a: [\n  b\n  ]\n',
  '{"a":1}',
  '{"a":\n 1}',
  '"a" : 1',
  'a : 1',
  'x: - a',
  '- a: 1\n  b: 2\n- c',
  '- a:\n  - 1',
  '- a:\n- b',
  'a:\n\n  b: 1\n',
  '---\na: 1\n---\nb: 2\n',
  '--- # c\na: 1',
  '[\n]',
  '{\n  "a": [1,\n 2],\n  "b": {}\n}\n',
  '{\n"a": 1\n}\n',
  '[\na,\nb\n]\n',
  'a: {}',
  'a: []',
  "a: 'it''s'",
  'a: "x\\ty\\u00e9\\"\\\\\\/"',
  'a: "\\ud83d\\ude00 \\U0001F600 \\x41"',
  'a: "\\q"',
  'a: x  \nb: y',
  'a:\n  -\n  - b',
  '[a, \'b\' , "c"]',
  '- a\n-\n  b: 1',
  'a: b: c',
  'a: b #c\nd: e#f',
  'a: x, y]\n',
  'a: x{y}\n',
  'url: http://x.io:80/a\n',
  'a:b: c\n',
  'a b: c d\n',
  'a: -1\nb: -x\n',
  'a: -\n',
  '- - a\n',
  'a: 1\n  b: 2\n',
  'a: 1\n- b\n',
  'a:\n  b: 1\n c: 2\n',
  'a: x\n  y\n',
  '- x\n  y\n',
  'a: [x\n y]\n',
  'a: [x, # c\n y]\n',
  'a: [x,# c\n y]\n',
  '[a: b]\n',
  '{a: b, c}\n',
  '{a: b,}\n',
  '{a:b}\n',
  '{"a" :b}\n',
  '["a": b]\n',
  'a: [b]]\n',
  'a: [b] c\n',
  "a: 'b' c\n",
  'a: "b\n c"\n',
  'a\n',
  '"a"\n',
  'a\nb\n',
  '[a]\n[b]\n',
  'a: 1\n...\n',
  '%YAML 1.1\n---\na: 1\n',
  '---a\n',
  '--- a\n',
  'a: ---\n',
  'a: 1\r\nb: [x,\r\n y]\r\n',
  'a: 1\r\n\r\n---\r\nb: 2\r\n',
  'a: 1\tb\n',
  '\ufeffa: 1\n',
  'a: &x 1\nb: *x\n',
  'a: !!str 1\n',
  'a: &x {op: In, value: [a]}\nb:\n  <<: *x\n  op: NotIn\n',
  'a: &x [1, *x]\n',
  'a: &x [1, &x 2, *x]\nb: *x\n',
  'a: &x 1\nb: &x 2\nc: *x\n',
  'a: *x\n',
  '---\na: &x 1\n---\nb: *x\n',
  'a: [&x 1, *x, !!int 2, ! 3, !foo 4, !!binary 5]\n',
  'a: {k: &v x, l: *v}\n',
  'a: &x\n  - 1\n',
  '- &a x\n- *a\n- !!str &b y\n- &c !!int 1\n- *b\n',
  'a: !!map {b: 1}\n',
  'a: &x, b\n',
  '[&x]\n',
  'a: *x y\n',
  '&x a: 1\n',
  'a: !!str\n',
  'a: &a:b 1\n',
  'a: |\n  x\n',
  'a: |\n  x\n  y\nb: 1\n',
  'a: |-\n  x\n\n  y\n\n\nb: 1\n',
  'a: | # c\n    x\n      y\n',
  '- |\n  x\n- y',
  '- |\n x\n',
  'a: |\n  x',
  'a: |\n\n  x\n',
  'a: |\nb: 1',
  'a: |\n\nb: 1',
  'a: |\n    x\n  y\n',
  'a: |\n  x\n  # not a comment\n# a comment\nb: |-\n  {{ .x }}\n',
  'a: |\n  x\n   \n  y\n',
  'a: |2\n  x\n',
  'a: |+\n  x\n\n',
  'a: >\n  x\n  y\n',
  '- a: |\n    x\n  b: 1\n',
  '- a: |\n  x\n',
  'a: &t |\n  x\nb: *t\n',
  'a: |\r\n  x\r\n',
  '|\n  x\n',
  '? a\n: b\n',
  `${'k'.repeat(1030)}: v\n`,
  `${'k'.repeat(990)}: v\n`,
  'a:\n  - b:\n      c: [1, {d: e}]\n    f: g\n  - h\n',
  'a: [[[]]]\n',
  '- [a, [b, {c: d}], {}]\n- {e: [f]}\n',
  'matchExpressions:\n  AVX: {op: Exists}\n  X: {op: In, value: ["1", \'2\', 3]}\n',
  'a: [\n  {b: 1},\n  {c: [\n    2]}\n]\n',
  '- a: [\n  b]\n',
  '- a: [\n   b]\n',
  '- a: [\n    b]\n',
  '- a: [\n]\n',
  '  - a\n  - b\nc: d\n',
  'a:\n  b: 1\n  c: 2\nd: 3\n',
  'a: 1 # c\n# d\n  # e\nb: 2\n',
];

test('the fast reader and the yaml package read the subset the same, and it gives up on the rest', () => {
  let taken = 0;
  for (const text of CASES) if (agree(text)) taken++;
  assert.ok(taken > 50, `only ${taken} of ${CASES.length} cases were read by the fast reader`);
});

test('the fast reader takes the repository examples and fixtures, with the same result', () => {
  const files = [
    'examples/spec.yaml',
    'examples/image-spec.yaml',
    'examples/features.json',
    ...readdirSync('test/fixtures/hosts', { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => `test/fixtures/hosts/${d.name}/expected-features.json`),
  ];
  for (const f of files) assert.ok(agree(readFileSync(f, 'utf8')), `${f} was not read by the fast reader`);
  assert.ok(agree(RULE_FILE), 'the rule file was not read by the fast reader');
});

/** Two rule documents in the shapes NodeFeatureRule files take (block and flow, quoted and not). */
const RULE_FILE = `apiVersion: nfd.k8s-sigs.io/v1alpha1
kind: NodeFeatureRule
metadata:
  name: r1
  labels: {a: b}
spec:
  rules:
    - name: "rule 1"
      labels:
        "vendor.io/x": "true"
        y: 1
      matchFeatures:
        - feature: kernel.version
          matchExpressions:
            major: {op: Gt, value: ["4"]}
            minor:
              op: In
              value:
                - "1"
                - 2
      matchAny:
      - matchFeatures:
        - feature: cpu.cpuid
          matchExpressions: {AVX: {op: Exists}}
---
apiVersion: nfd.k8s-sigs.io/v1alpha1
kind: NodeFeatureGroup
metadata: {name: g}
spec:
  featureGroupRules:
  - name: g1
    matchFeatures: []
`;

const SNIPPETS = [
  ' ',
  '  ',
  '\n',
  '\r\n',
  ':',
  ': ',
  '-',
  '- ',
  '#',
  ' #',
  ',',
  '[',
  ']',
  '{',
  '}',
  '"',
  "'",
];
const SNIPPETS2 = [
  'a',
  '0',
  '---',
  '\\',
  '\\n',
  'x: y',
  '\n- ',
  '\n  ',
  'é',
  '?',
  '&',
  '*',
  '!',
  '|',
  '...',
  '\n    ',
  '{a: [b, c]}',
  '"k":',
];

test('mutated texts: wherever the fast reader reads one, it agrees with the yaml package', () => {
  const seeds = [
    ...CASES.filter((c) => c.length < 200),
    readFileSync('examples/spec.yaml', 'utf8'),
    RULE_FILE,
    readFileSync('examples/features.json', 'utf8').slice(0, 2000),
  ];
  const random = rng(11);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  let taken = 0;
  const runs = 6000;
  for (let i = 0; i < runs; i++) {
    let text = pick(seeds);
    const edits = 1 + Math.floor(random() * 3);
    for (let e = 0; e < edits; e++) {
      const at = Math.floor(random() * (text.length + 1));
      const r = random();
      if (r < 0.45) text = text.slice(0, at) + pick(SNIPPETS) + text.slice(at);
      else if (r < 0.6) text = text.slice(0, at) + pick(SNIPPETS2) + text.slice(at);
      else text = text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 3));
    }
    if (agree(text)) taken++;
  }
  // Most mutations stay readable YAML; the comparison means nothing if the fast reader took none.
  assert.ok(taken > runs / 4, `the fast reader took only ${taken} of ${runs} texts`);
});

test('limits: the fast reader fails at the same first violation, with the same message and place', () => {
  const small: SubsetLimits = { maxDepth: 4, maxDocuments: 3, maxNodes: 12 };
  const cases = [
    '[[[[[a]]]]]',
    '[[[[a]]]]',
    'a: [[[[b]]]]',
    'a:\n  b:\n    c:\n      d: [e]\n',
    'a:\n  b:\n    c:\n      d: e\n',
    '- - - - - a\n',
    '[a, b, c, d, e, f, g, h, i, j, k, l, m]',
    'a: 1\nb: 2\nc: 3\nd: 4\ne: 5\nf: 6\ng: 7\n',
    '- a\n- b\n- c\n- d\n- e\n- f\n- g\n',
    '---\n'.repeat(5),
    'a\n---\nb\n---\nc\n---\nd\n',
    'a\n---\nb\n---\nc\n---\nd\n---\n',
    'a\n---\nb\n---\nc\n',
    '[a, b, c, d, e, f, [[[[x]]]]]',
    'x: [a, b, c, d, e, f, g, h, i, j, k, l, m, [[[[[[[x]]]]]]]]',
    '{a: [b, {c: [d, [e]]}]}',
  ];
  let taken = 0;
  for (const text of cases) if (agree(text, small)) taken++;
  assert.ok(taken >= 10, `only ${taken} limit cases were read by the fast reader`);
  // The hostile inputs of issue 11 are read by the fast reader, at full size.
  for (const text of [
    '['.repeat(4 * 1024 * 1024 - 1),
    '---\n'.repeat(1_000_000),
    `[${'ab, '.repeat(1_000_001)}]`,
  ]) {
    const r = readSubset(text, LIMITS);
    assert.ok(r !== undefined && 'problem' in r, text.slice(0, 20));
  }
});
