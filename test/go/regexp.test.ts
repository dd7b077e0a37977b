import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileRegexp, REGEXP_CACHE_LIMIT, RegexpError, regexpCacheSize } from '../../src/go/regexp.ts';

const m = (pattern: string, s: string) => compileRegexp(pattern).test(s);

describe('compileRegexp (Go RE2 via re2js)', () => {
  test('is an unanchored search like MatchString', () => {
    assert.equal(m('AVX', 'XAVX512'), true);
    assert.equal(m('^AVX$', 'XAVX512'), false);
    assert.equal(m('', 'anything'), true);
  });

  test('follows Go semantics where JS RegExp differs', () => {
    assert.equal(m('a$', 'a\n'), false, '$ is end of text only');
    assert.equal(m('^.$', 'a\n'.slice(1)), false, '. does not match newline');
    assert.equal(m('(?s)^.$', '\n'), true);
    assert.equal(m('^.$', '😀'), true, '. is one code point');
    assert.equal(m('\\s', '\v'), false, 'Go \\s has no \\v');
    assert.equal(m('\\d', '٣'), false, '\\d is ASCII only');
    assert.equal(m('^[[:alpha:]]+$', 'abc'), true);
    assert.equal(m('^\\pL+$', 'héllo'), true);
    assert.equal(m('^\\p{Greek}$', 'σ'), true);
    assert.equal(m('\\Qa.b\\E', 'a.b'), true);
    assert.equal(m('\\Qa.b\\E', 'axb'), false);
    assert.equal(m('a\\z', 'a'), true);
    assert.equal(m('(?i)abc', 'ABC'), true);
  });

  test('rejects constructs Go rejects, with Go error text', () => {
    const cases: [string, string][] = [
      ['(abc', 'error parsing regexp: missing closing ): `(abc`'],
      ['a(?=b)', 'error parsing regexp: invalid or unsupported Perl syntax: `(?=`'],
      ['(a)\\1', 'error parsing regexp: invalid escape sequence: `\\1`'],
      ['a{1001}', 'error parsing regexp: invalid repeat count: `{1001}`'],
      ['a**', 'error parsing regexp: invalid nested repetition operator: `**`'],
      ['\\', 'error parsing regexp: trailing backslash at end of expression: ``'],
      ['a(?<=b)', 'error parsing regexp: invalid named capture: `(?<=b)`'],
    ];
    for (const [pattern, message] of cases) {
      assert.throws(() => compileRegexp(pattern), { name: 'RegexpError', message }, pattern);
    }
  });

  test('accepts duplicate group names as Go 1.26 does', () => {
    assert.equal(m('(?P<a>x)(?P<a>y)', 'xy'), true);
    // Group syntax inside a class or \Q…\E is literal text and stays untouched.
    assert.equal(m('^(?<a>x)[(?<a>](?<a>y)\\Q(?<a>\\E$', 'x<y(?<a>'), true);
    assert.equal(m('^(?<a>x)[(?<a>](?<a>y)$', 'x(y'), true);
    assert.throws(() => compileRegexp('(?P<a>x)(?P<a>y)('), {
      message: 'error parsing regexp: missing closing ): `(?P<a>x)(?P<a>y)(`',
    });
  });

  test('catastrophic backtracking pattern completes on a long input with the right answer', () => {
    const long = `${'a'.repeat(100_000)}!`;
    assert.equal(m('(a+)+$', long), false);
    assert.equal(m('(a+)+$', long.slice(0, -1)), true);
    assert.equal(m('^(a|aa)+$', `${'a'.repeat(50_000)}b`), false);
  });

  test('caches compiled patterns and compile errors, within a bound', () => {
    const re = compileRegexp('^cache-me$');
    assert.equal(compileRegexp('^cache-me$'), re);
    const e1 = (() => {
      try {
        compileRegexp('(cache');
      } catch (e) {
        return e;
      }
    })();
    assert.ok(e1 instanceof RegexpError);
    assert.throws(() => compileRegexp('(cache'), RegexpError);
    for (let i = 0; i < REGEXP_CACHE_LIMIT + 10; i++) compileRegexp(`^bound-${i}$`);
    assert.ok(regexpCacheSize() <= REGEXP_CACHE_LIMIT);
  });
});
