import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluateMatchExpression } from '../../../src/core/match/expression.ts';
import type { MatchExpression } from '../../../src/core/model/rules.ts';
import { validateMatchExpression } from '../../../src/core/validate/expression.ts';

const check = (e: MatchExpression) => validateMatchExpression(e, 'x');
const errorsOf = (e: MatchExpression) =>
  check(e)
    .filter((i) => i.severity === 'error')
    .map((i) => i.message);

test('valid expressions of every op give no issue', () => {
  const ok: MatchExpression[] = [
    { op: 'In', value: ['a'] },
    { op: 'NotIn', value: ['a', 'b'] },
    { op: 'InRegexp', value: ['^a', '(a+)+$'] },
    { op: 'Exists' },
    { op: 'DoesNotExist', value: [] },
    { op: 'Gt', value: ['-9223372036854775808'] },
    { op: 'Ge', value: ['007'] },
    { op: 'Lt', value: ['1.2.3'], type: 'version' },
    { op: 'Le', value: ['v1'], type: 'version' },
    { op: 'GtLt', value: ['1', '3'] },
    { op: 'GeLe', value: ['5.0', '4.0'], type: 'version' },
    { op: 'IsTrue' },
    { op: 'IsFalse' },
  ];
  for (const e of ok) assert.deepEqual(check(e), [], JSON.stringify(e));
});

test('every error NFD raises when the element exists is an error here, without needing one', () => {
  const cases: Array<[MatchExpression, RegExp]> = [
    [
      { op: 'Foo' as MatchExpression['op'] },
      /^invalid Op "Foo": the valid ops are In, NotIn, InRegexp, Exists, DoesNotExist, Gt, Ge, Lt, Le, GtLt, GeLe, IsTrue, IsFalse$/,
    ],
    [{ op: 'Exists', value: ['a', 'b'] }, /must be empty for Op "Exists" \(have \[a b\]\)/],
    [{ op: 'IsFalse', value: ['x'] }, /must be empty for Op "IsFalse"/],
    [{ op: 'NotIn' }, /must be non-empty for Op "NotIn"/],
    [
      { op: 'InRegexp', value: ['a', '['] },
      /invalid regexp "\[" for Op "InRegexp": error parsing regexp: missing closing \]: `\[`/,
    ],
    [{ op: 'Lt', value: [] }, /exactly one element for Op "Lt"/],
    [{ op: 'GeLe', value: ['1', '2', '3'] }, /exactly two elements for Op "GeLe"/],
    [{ op: 'Gt', value: ['1.0'] }, /not a number "1.0"/],
    [{ op: 'Gt', value: ['9223372036854775808'] }, /not a number/],
    [{ op: 'GtLt', value: ['3', '1'] }, /value\[0\] must be less than Value\[1\]/],
    [
      { op: 'Gt', value: ['1'], type: 'Version' },
      /'type' field only accepts "version" value for Op "Gt" \(have "Version"\)/,
    ],
    [{ op: 'Ge', value: ['3.10.0-1160.el7.x86_64'], type: 'version' }, /not a version/],
  ];
  for (const [e, re] of cases) {
    const errs = errorsOf(e);
    assert.equal(errs.length, 1, `${JSON.stringify(e)}: ${errs.join(' | ')}`);
    assert.match(errs[0]!, re);
    // The engine agrees this expression is broken when it meets a value.
    assert.throws(() => evaluateMatchExpression(e, true, '5'), JSON.stringify(e));
  }
});

test('issue paths point at the offending part', () => {
  assert.equal(check({ op: 'Bad' as MatchExpression['op'] })[0]!.path, 'x.op');
  assert.equal(check({ op: 'In' })[0]!.path, 'x.value');
  assert.equal(check({ op: 'InRegexp', value: ['ok', '('] })[0]!.path, 'x.value[1]');
  assert.equal(check({ op: 'Gt', value: ['1'], type: 'x' })[0]!.path, 'x.type');
});

test('warnings: missing op, type on an op that ignores it', () => {
  const missing = check({ op: '' });
  assert.equal(missing.length, 1);
  assert.equal(missing[0]!.severity, 'warning');
  assert.match(missing[0]!.message, /missing op/);
  const typed = check({ op: 'In', value: ['1'], type: 'version' });
  assert.deepEqual(
    typed.map((i) => i.severity),
    ['warning'],
  );
});

test('(a+)+$ on a long input: valid, and it matches correctly (RE2, linear time)', () => {
  const e: MatchExpression = { op: 'InRegexp', value: ['(a+)+$'] };
  assert.deepEqual(check(e), []);
  const long = 'a'.repeat(100_000);
  assert.equal(evaluateMatchExpression(e, true, `${long}b`), false);
  assert.equal(evaluateMatchExpression(e, true, `b${long}`), true);
});
