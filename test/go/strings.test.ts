import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fields, split, title, toLower, toUpper, trim, trimSpace } from '../../src/go/strings.ts';

test('Go strings helpers: Fields, TrimSpace, ToUpper', () => {
  assert.deepEqual(fields(' a \t b\u00a0c\u2003 '), ['a', 'b', 'c']);
  assert.equal(trimSpace('\u3000 x y \n'), 'x y');
  assert.equal(toUpper('rule: abc'), 'RULE: ABC');
  // Simple case mapping: no multi-rune expansions.
  assert.equal(toUpper('ß ŉ ǆ é'), 'ß ŉ Ǆ É');
  assert.equal(toUpper('ᾳ'), 'ᾼ');
});

test('Title, ToLower, Split and Trim as Go (expected values from Go 1.26)', () => {
  assert.equal(title('hello wor-ld ǆungla ᾳx ა_b'), 'Hello Wor-Ld ǅungla ᾼx ა_b');
  assert.equal(toLower('İSTANBUL ẞ Ǆ'), 'istanbul ß ǆ');
  assert.deepEqual(split('a,b,c', ',', 2), ['a', 'b,c']);
  assert.deepEqual(split('aᾳ😀', ''), ['a', 'ᾳ', '😀']);
  assert.equal(trim('xxaxyx', 'xy'), 'a');
});

test('toLower maps one rune at a time like Go', () => {
  assert.equal(toLower('CPU.CpuId'), 'cpu.cpuid');
  assert.equal(toLower('ΟΔΟΣ'), 'οδοσ', 'no final-sigma context rule');
  assert.equal(toLower('\u0130'), 'i');
});
