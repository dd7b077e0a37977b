import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  evaluateMatchExpression as ev,
  evaluateMatchExpressionKeys,
  evaluateMatchExpressionValues,
  matchGetInstances,
  matchGetKeys,
  matchGetValues,
  matchInstanceAttributeNames,
  matchKeyNames,
  matchMulti,
  matchNamesMulti,
  matchValueNames,
} from '../../../src/core/match/expression.ts';
import type { MatchExpression, MatchOp } from '../../../src/core/model/rules.ts';
import { RuleEvaluationError } from '../../../src/errors.ts';

const e = (op: MatchOp, value?: string[], type?: string): MatchExpression =>
  type === undefined ? { op, ...(value ? { value } : {}) } : { op, value: value ?? [], type };

describe('evaluateMatchExpression', () => {
  test('unknown op is an error even for a missing element', () => {
    assert.throws(() => ev(e('Foo' as MatchOp), false, null), { message: 'invalid Op "Foo"' });
  });

  test('eager ops ignore the value and check their value list always', () => {
    assert.equal(ev(e(''), false, null), true);
    assert.equal(ev(e('Exists'), true, null), true);
    assert.equal(ev(e('Exists'), false, null), false);
    assert.equal(ev(e('DoesNotExist'), false, null), true);
    assert.throws(() => ev(e('Exists', ['x', 'y']), false, null), {
      message: `invalid expression, 'value' field must be empty for Op "Exists" (have [x y])`,
    });
    assert.throws(() => ev(e('', ['x']), false, null), RuleEvaluationError);
  });

  test('lazy validation: other ops are false, not errors, without a real value', () => {
    assert.equal(ev(e('In'), false, 'x'), false);
    assert.equal(ev(e('Gt', ['x']), false, '1'), false);
    assert.equal(ev(e('InRegexp', ['(']), true, null), false);
    assert.equal(ev(e('Gt', ['1'], 'foo'), false, '2'), false);
    assert.throws(() => ev(e('In'), true, 'x'), {
      message: `invalid expression, 'value' field must be non-empty for Op "In"`,
    });
  });

  test('In / NotIn are exact string comparisons; type is ignored', () => {
    assert.equal(ev(e('In', ['a', 'b']), true, 'b'), true);
    assert.equal(ev(e('In', ['a']), true, 'A'), false);
    assert.equal(ev(e('NotIn', ['a']), true, ''), true);
    assert.equal(ev(e('In', ['1.0'], 'version'), true, '1'), false);
  });

  test('InRegexp compiles every pattern first, then searches unanchored', () => {
    assert.equal(ev(e('InRegexp', ['^x', 'AVX']), true, 'AVX512'), true);
    assert.throws(() => ev(e('InRegexp', ['AVX', '(']), true, 'AVX512'), {
      message: `invalid expressiom, 'value' field must only contain valid regexps for Op "InRegexp" (have [AVX (])`,
    });
    assert.throws(() => ev(e('InRegexp', ['a(?=b)']), true, 'ab'), RuleEvaluationError);
  });

  test('InRegexp is linear time: (a+)+$ on a long non-matching value answers correctly', () => {
    const value = `${'a'.repeat(200_000)}b`;
    assert.equal(ev(e('InRegexp', ['(a+)+$']), true, value), false);
    assert.equal(ev(e('InRegexp', ['(a+)+b$']), true, value), true);
  });

  test('integer ops use the int64 range and reject non-integers', () => {
    assert.equal(ev(e('Gt', ['9223372036854775806']), true, '9223372036854775807'), true);
    assert.equal(ev(e('Lt', ['-9223372036854775807']), true, '-9223372036854775808'), true);
    assert.equal(ev(e('Ge', ['5']), true, '5'), true);
    assert.equal(ev(e('Le', ['5']), true, '6'), false);
    assert.throws(() => ev(e('Gt', ['1']), true, '1.0'), { message: 'not a number "1.0"' });
    assert.throws(() => ev(e('Gt', ['x']), true, '1'), {
      message: 'not a number "x" in {op: "Gt", value: ["x"]}',
    });
    assert.throws(() => ev(e('Gt', ['1', '2']), true, '1'), /exactly one element/);
    assert.throws(() => ev(e('Gt', ['1'], 'foo'), true, '1'), {
      message: `invalid expression, 'type' field only accepts "version" value for Op "Gt" (have "foo")`,
    });
  });

  test('integer ranges need lo < hi, GeLe included; input parsed before bounds', () => {
    assert.equal(ev(e('GtLt', ['1', '3']), true, '2'), true);
    assert.equal(ev(e('GtLt', ['1', '3']), true, '3'), false);
    assert.equal(ev(e('GeLe', ['1', '3']), true, '3'), true);
    assert.throws(() => ev(e('GeLe', ['5', '5']), true, '5'), /must be less than/);
    assert.throws(() => ev(e('GtLt', ['1']), true, '5'), /exactly two elements/);
    assert.throws(() => ev(e('GtLt', ['1', '3']), true, 'x'), { message: 'not a number "x"' });
  });

  test('version ops follow Masterminds and drop the pre-release', () => {
    assert.equal(ev(e('Gt', ['1.9'], 'version'), true, '1.10'), true);
    assert.equal(ev(e('Lt', ['1.2.3'], 'version'), true, '1.2.3-rc1'), false);
    assert.equal(ev(e('Ge', ['1.2.3'], 'version'), true, '1.2.3-rc1'), true);
    assert.equal(ev(e('GeLe', ['5.4', '5.4'], 'version'), true, '5.4.0'), true);
    assert.equal(ev(e('GtLt', ['6', '5'], 'version'), true, '5.5'), false, 'reversed range is just false');
    assert.throws(() => ev(e('Gt', ['1'], 'version'), true, '3.10.0-1160.el7.x86_64'), {
      message: 'not a version "3.10.0-1160.el7.x86_64"',
    });
  });

  test('IsTrue / IsFalse are case-sensitive and take no values', () => {
    assert.equal(ev(e('IsTrue'), true, 'true'), true);
    assert.equal(ev(e('IsTrue'), true, 'True'), false);
    assert.equal(ev(e('IsFalse'), true, 'false'), true);
    assert.throws(() => ev(e('IsTrue', ['x']), true, 'true'), RuleEvaluationError);
  });
});

describe('element lookups', () => {
  test('flags pass a nil value: only "", Exists and DoesNotExist can hold', () => {
    const keys = { AVX: {} };
    assert.equal(evaluateMatchExpressionKeys(e('Exists'), 'AVX', keys), true);
    assert.equal(evaluateMatchExpressionKeys(e('In'), 'AVX', keys), false);
    assert.equal(evaluateMatchExpressionKeys(e('Gt', ['garbage']), 'AVX', keys), false);
    assert.equal(evaluateMatchExpressionKeys(e('DoesNotExist'), 'SSE', null), true);
  });

  test('lookups never see Object.prototype members', () => {
    assert.equal(evaluateMatchExpressionKeys(e('Exists'), 'constructor', {}), false);
    assert.equal(evaluateMatchExpressionValues(e('Exists'), 'toString', {}), false);
    assert.equal(evaluateMatchExpressionValues(e('In', ['1']), 'a', { a: '1' }), true);
  });
});

describe('expression sets', () => {
  test('matchGetKeys: all must hold; matched includes DoesNotExist keys, sorted; nil on miss', () => {
    const r = matchGetKeys({ z: e('DoesNotExist'), a: e('Exists') }, { a: {} });
    assert.deepEqual(r.matched, [{ Name: 'a' }, { Name: 'z' }]);
    assert.deepEqual(Object.keys(r.matchedExpressions ?? {}).sort(), ['a', 'z']);
    const miss = matchGetKeys({ a: e('Exists'), b: e('Exists') }, { a: {} });
    assert.deepEqual(miss, { isMatch: false, matched: null, matchedExpressions: null });
    assert.deepEqual(matchGetKeys({}, null), { isMatch: true, matched: [], matchedExpressions: {} });
  });

  test('matchGetValues: without fail-fast the hits are kept', () => {
    const values = { a: '1', b: '2' };
    const set = { a: e('In', ['1']), b: e('In', ['x']), c: e('DoesNotExist') };
    assert.deepEqual(matchGetValues(set, values, true).matched, null);
    const r = matchGetValues(set, values, false);
    assert.equal(r.isMatch, false);
    assert.deepEqual(r.matched, [
      { Name: 'a', Value: '1' },
      { Name: 'c', Value: '' },
    ]);
    assert.deepEqual(Object.keys(r.matchedExpressions ?? {}), ['a', 'c']);
  });

  test('matchGetInstances: per instance; subset is the union of what held', () => {
    const instances = [{ attributes: { v: '1', d: 'x' } }, { attributes: { v: '2', d: 'y' } }];
    const r = matchGetInstances({ v: e('In', ['1']), d: e('In', ['y']) }, instances, false);
    assert.equal(r.isMatch, false);
    assert.deepEqual(r.matched, []);
    assert.deepEqual(Object.keys(r.matchedExpressions ?? {}).sort(), ['d', 'v']);
    const ok = matchGetInstances({ v: e('In', ['2']) }, instances, true);
    assert.deepEqual(ok.matched, [instances[1]!.attributes]);
    assert.equal(matchGetInstances({}, [], true).isMatch, false);
  });

  test('matchMulti: flags and attributes are a union; DoesNotExist must hold in both', () => {
    const keys = { x: {} };
    const values = { y: '1' };
    const union = matchMulti({ x: e('Exists'), y: e('Exists') }, keys, values, null, true);
    assert.equal(union.isMatch, true);
    assert.deepEqual(union.matched, [{ Name: 'x' }, { Name: 'y', Value: '1' }]);
    assert.equal(matchMulti({ y: e('DoesNotExist') }, keys, values, null, true).isMatch, false);
    const both = matchMulti({ z: e('DoesNotExist') }, keys, values, null, true);
    assert.deepEqual(both.matched, [{ Name: 'z' }, { Name: 'z', Value: '' }]);
  });

  test('matchMulti: empty set matches a present flag/attribute set, not an instance-only one', () => {
    assert.equal(matchMulti({}, {}, null, null, true).isMatch, true);
    assert.equal(matchMulti({}, null, null, [], true).isMatch, false);
    assert.equal(matchMulti({}, null, null, [{ attributes: {} }], true).isMatch, true);
  });

  test('matchMulti: an instance can rescue the term; fail-fast clears the flag part', () => {
    const inst = [{ attributes: { a: '1' } }];
    const r = matchMulti({ a: e('In', ['1']) }, { b: {} }, null, inst, true);
    assert.equal(r.isMatch, true);
    assert.deepEqual(r.matched, [{ a: '1' }]);
    const nf = matchMulti({ a: e('In', ['1']), b: e('Exists') }, { b: {} }, null, [], false);
    assert.equal(nf.isMatch, false);
    assert.deepEqual(nf.matched, [{ Name: 'b' }]);
  });

  test('errors propagate', () => {
    assert.throws(() => matchMulti({ a: e('Gt', ['x']) }, null, { a: '1' }, null, true), RuleEvaluationError);
    assert.throws(
      () => matchGetInstances({ a: e('Lt', ['10']) }, [{ attributes: { a: '0x1' } }], true),
      RuleEvaluationError,
    );
  });
});

describe('name matching', () => {
  test('matchKeyNames / matchValueNames sort by byte order', () => {
    const r = matchKeyNames(e('InRegexp', ['^[aB]']), { b: {}, a: {}, B: {} });
    assert.deepEqual(r.matched, [{ Name: 'B' }, { Name: 'a' }]);
    const v = matchValueNames(e('Exists'), { k: 'v' });
    assert.deepEqual(v, { isMatch: true, matched: [{ Name: 'k', Value: 'v' }] });
    assert.equal(matchKeyNames(e('DoesNotExist'), { a: {} }).isMatch, false);
  });

  test('matchInstanceAttributeNames adds each matching instance once, in order', () => {
    const i1 = { attributes: { vendor: 'a', device: 'b' } };
    const i2 = { attributes: { class: 'c' } };
    const r = matchInstanceAttributeNames(e('In', ['vendor', 'device', 'class']), [i2, i1]);
    assert.deepEqual(r.matched, [i2.attributes, i1.attributes]);
  });

  test('matchNamesMulti: flags then attributes stable-sorted, then instances; ordering ops need integer names', () => {
    const r = matchNamesMulti(e('Exists'), { x: {} }, { x: '1', a: '2' }, [{ attributes: { q: '1' } }]);
    assert.deepEqual(r.matched, [
      { Name: 'a', Value: '2' },
      { Name: 'x' },
      { Name: 'x', Value: '1' },
      { q: '1' },
    ]);
    assert.throws(() => matchNamesMulti(e('Gt', ['1']), { abc: {} }, null, null), RuleEvaluationError);
    assert.equal(matchNamesMulti(e('Gt', ['1']), { 2: {}, 0: {} }, null, null).matched.length, 1);
  });
});

test('a missing op is the empty op (Go zero value)', () => {
  assert.equal(ev({} as MatchExpression, false, null), true);
  assert.throws(
    () => ev({ value: ['x'] } as unknown as MatchExpression, false, null),
    /must be empty for Op ""/,
  );
});
