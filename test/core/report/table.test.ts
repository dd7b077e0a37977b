import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type {
  CompatibilityStatus,
  MatchedExpression,
  ProcessedRuleStatus,
} from '../../../src/core/model/report.ts';
import { marshalReport } from '../../../src/core/report/go-json.ts';
import { nfdColorEnabled, renderReport, renderRuleTable } from '../../../src/core/report/table.ts';

const exists = (feature: string, name: string, isMatch: boolean): MatchedExpression => ({
  feature,
  name,
  expression: { op: 'Exists' },
  matcherType: 'matchExpression',
  isMatch,
});

test('a table with 10 rows has a two-digit, right-aligned index column', () => {
  const rows = Array.from({ length: 10 }, (_, i) => exists('d.f', `k${i}`, i % 2 === 0));
  const out = renderRuleTable({ name: 'ten', isMatch: true, matchedExpressions: rows }, { color: false });
  const lines = out.split('\n');
  assert.equal(lines[0], '┌──────────────────────────────────────────────────────────┐');
  assert.equal(lines[1], '│ RULE: TEN -  OK                                          │');
  assert.equal(lines[2], '├────┬─────────┬────────────────┬─────────────────┬────────┤');
  assert.equal(lines[3], '│    │ Feature │ Expression     │ Matcher Type    │ Status │');
  assert.equal(lines[4], '├────┼─────────┼────────────────┼─────────────────┼────────┤');
  assert.equal(lines[5], '│  1 │ d.f.k0  │ {op: "Exists"} │ matchExpression │ OK     │');
  assert.equal(lines[6], '│  2 │ d.f.k1  │ {op: "Exists"} │ matchExpression │ FAIL   │');
  assert.equal(lines[14], '│ 10 │ d.f.k9  │ {op: "Exists"} │ matchExpression │ FAIL   │');
  assert.equal(lines[15], '└────┴─────────┴────────────────┴─────────────────┴────────┘');
  assert.equal(lines[16], '');
  assert.equal(lines.length, 17);
});

test('matchAny groups: separators only between rows, merged, never first or last', () => {
  const rule: ProcessedRuleStatus = {
    name: 'any',
    isMatch: false,
    matchedAny: [
      { matchedExpressions: null },
      { matchedExpressions: [exists('f.x', 'a', true)] },
      { matchedExpressions: null },
      { matchedExpressions: [] },
      {
        matchedExpressions: [
          {
            feature: 'f.y',
            name: '',
            expression: { op: 'In', value: ['x', 'y'] },
            matcherType: 'matchName',
            isMatch: false,
          },
          exists('f.z', 'c', true),
        ],
      },
      { matchedExpressions: null },
    ],
  };
  // 73 columns wide: the title line is padded to the inner width 69.
  const expected = `┌${'─'.repeat(71)}┐
│ RULE: ANY -  FAIL${' '.repeat(52)} │
├───┬─────────┬──────────────────────────────┬─────────────────┬────────┤
│   │ Feature │ Expression                   │ Matcher Type    │ Status │
├───┼─────────┼──────────────────────────────┼─────────────────┼────────┤
│ 1 │ f.x.a   │ {op: "Exists"}               │ matchExpression │ OK     │
├───┼─────────┼──────────────────────────────┼─────────────────┼────────┤
│ 2 │ f.y     │ {op: "In", value: ["x" "y"]} │ matchName       │ FAIL   │
│ 3 │ f.z.c   │ {op: "Exists"}               │ matchExpression │ OK     │
└───┴─────────┴──────────────────────────────┴─────────────────┴────────┘
`;
  assert.equal(renderRuleTable(rule, { color: false }), expected);
});

test('matchFeatures rows come first, then a separator before each matchAny group', () => {
  const rule: ProcessedRuleStatus = {
    name: 'r',
    isMatch: true,
    matchedExpressions: [exists('a.b', 'c', true)],
    matchedAny: [{ matchedExpressions: [exists('a.b', 'd', true)] }],
  };
  const lines = renderRuleTable(rule, { color: false }).split('\n');
  assert.equal(lines[5], '│ 1 │ a.b.c   │ {op: "Exists"} │ matchExpression │ OK     │');
  assert.equal(lines[6], '├───┼─────────┼────────────────┼─────────────────┼────────┤');
  assert.equal(lines[7], '│ 2 │ a.b.d   │ {op: "Exists"} │ matchExpression │ OK     │');
});

test('an empty table prints title, header, one separator and the bottom border', () => {
  const expected = `┌──────────────────────────────────────────────────┐
│ RULE: EMPTY -  OK                                │
├───┬─────────┬────────────┬──────────────┬────────┤
│   │ Feature │ Expression │ Matcher Type │ Status │
├───┼─────────┼────────────┼──────────────┼────────┤
└───┴─────────┴────────────┴──────────────┴────────┘
`;
  assert.equal(renderRuleTable({ name: 'empty', isMatch: true }, { color: false }), expected);
});

test('colour: SGR codes for the set heading, title status and row status', () => {
  const report: CompatibilityStatus[] = [
    {
      rules: [{ name: 'x', isMatch: false, matchedExpressions: [exists('a.b', 'c', false)] }],
      weight: 3,
      tag: 'gpu',
    },
  ];
  const expected =
    '\x1b[36;1mCOMPATIBILITY SET #1 \x1b[0m\x1b[36mWeight: 3\x1b[0m\x1b[36m; Tag: gpu\x1b[0m\n' +
    '\x1b[37mDescription: \x1b[0m\n' +
    `┌${'─'.repeat(57)}┐\n` +
    // Visible "RULE: X -  FAIL " is 16 columns of the inner 55.
    `│ \x1b[1mRULE: X - \x1b[41m FAIL \x1b[0m${' '.repeat(39)} │\n` +
    '├───┬─────────┬────────────────┬─────────────────┬────────┤\n' +
    '│   │ Feature │ Expression     │ Matcher Type    │ Status │\n' +
    '├───┼─────────┼────────────────┼─────────────────┼────────┤\n' +
    '│ 1 │ a.b.c   │ {op: "Exists"} │ matchExpression │ \x1b[91mFAIL\x1b[0m   │\n' +
    '└───┴─────────┴────────────────┴─────────────────┴────────┘\n' +
    '\n';
  assert.equal(renderReport(report, { color: true }), expected);
  // Without colour: the same layout, no escape codes; the two spaces before the status stay.
  const plain = renderReport(report, { color: false });
  assert.ok(!plain.includes('\x1b'));
  assert.ok(plain.startsWith('COMPATIBILITY SET #1 Weight: 3; Tag: gpu\nDescription: \n'));
  assert.ok(plain.includes(`│ RULE: X -  FAIL${' '.repeat(40)} │\n`));
});

test('a title wider than the table is hard-wrapped at the inner width', () => {
  const name = 'abcdefghij '.repeat(6).trim();
  const out = renderRuleTable({ name, isMatch: true }, { color: false }).split('\n');
  // Inner width of the empty table is 48: words are packed, the last one broken at the edge.
  assert.equal(out[1], '│ RULE: ABCDEFGHIJ ABCDEFGHIJ ABCDEFGHIJ ABCDEFGHI │');
  assert.equal(out[2], `│ J ABCDEFGHIJ ABCDEFGHIJ - OK${' '.repeat(20)} │`);
  // In colour the bold is closed at the end of each line and reopened on the next.
  const ansi = renderRuleTable({ name, isMatch: true }, { color: true }).split('\n');
  assert.equal(ansi[1], '│ \x1b[1mRULE: ABCDEFGHIJ ABCDEFGHIJ ABCDEFGHIJ ABCDEFGHI\x1b[0m │');
  assert.equal(ansi[2], `│ \x1b[1mJ ABCDEFGHIJ ABCDEFGHIJ - \x1b[42m OK \x1b[0m${' '.repeat(18)} │`);
});

test('cells: tabs become four spaces, wide characters count two columns', () => {
  const rule: ProcessedRuleStatus = {
    name: 'w',
    isMatch: true,
    matchedExpressions: [exists('a.b', 'x\ty', true), exists('a.b', '日本', true)],
  };
  const lines = renderRuleTable(rule, { color: false }).split('\n');
  assert.equal(lines[3], '│   │ Feature    │ Expression     │ Matcher Type    │ Status │');
  assert.equal(lines[5], '│ 1 │ a.b.x    y │ {op: "Exists"} │ matchExpression │ OK     │');
  assert.equal(lines[6], '│ 2 │ a.b.日本   │ {op: "Exists"} │ matchExpression │ OK     │');
});

test('set headings: weight 0 shown, tag only when set, description always', () => {
  const out = renderReport(
    [
      { rules: null, description: 'first' },
      { rules: null, tag: 't', weight: 7 },
    ],
    { color: false },
  );
  assert.equal(
    out,
    'COMPATIBILITY SET #1 Weight: 0\nDescription: first\n\nCOMPATIBILITY SET #2 Weight: 7; Tag: t\nDescription: \n\n',
  );
  assert.equal(renderReport([], { color: true }), '');
});

test('rule names are upper-cased with Go rules (no ß → SS expansion)', () => {
  const out = renderRuleTable({ name: 'straße ǆ', isMatch: true }, { color: false });
  assert.match(out, /│ RULE: STRAßE Ǆ - {2}OK +│/);
});

test('nfdColorEnabled follows go-pretty: TERM=dumb wins, FORCE_COLOR beats NO_COLOR', () => {
  assert.equal(nfdColorEnabled({}), true);
  assert.equal(nfdColorEnabled({ TERM: 'xterm' }), true);
  assert.equal(nfdColorEnabled({ TERM: 'dumb' }), false);
  assert.equal(nfdColorEnabled({ NO_COLOR: '1' }), false);
  assert.equal(nfdColorEnabled({ NO_COLOR: '0' }), true);
  assert.equal(nfdColorEnabled({ NO_COLOR: '' }), true);
  assert.equal(nfdColorEnabled({ NO_COLOR: '1', FORCE_COLOR: '1' }), true);
  assert.equal(nfdColorEnabled({ NO_COLOR: '1', FORCE_COLOR: 'false' }), false);
  assert.equal(nfdColorEnabled({ NO_COLOR: '1', FORCE_COLOR: '0' }), false);
  assert.equal(nfdColorEnabled({ TERM: 'dumb', FORCE_COLOR: '1' }), false);
});

// The shared node-validator vectors carry NFD's exact output for their reports: render the expected
// report and compare (this checks the renderer independently of the engine).
const VECTORS = new URL('../../../../test/conformance/vectors.json', import.meta.url);
test('pretty and JSON output of every node-validator vector report', () => {
  const vectors = (
    JSON.parse(readFileSync(VECTORS, 'utf8')) as {
      kind: string;
      id: string;
      expect: Record<string, unknown>;
    }[]
  ).filter((v) => v.kind === 'node-validator' && Array.isArray(v.expect.report));
  assert.ok(vectors.length > 0);
  for (const v of vectors) {
    const report = v.expect.report as CompatibilityStatus[];
    assert.equal(marshalReport(report), v.expect.json_text, `${v.id} json_text`);
    assert.equal(renderReport(report, { color: false }), v.expect.pretty_text, `${v.id} pretty_text`);
    assert.equal(renderReport(report, { color: true }), v.expect.pretty_ansi, `${v.id} pretty_ansi`);
  }
});
