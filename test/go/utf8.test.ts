import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareBytes, sortedKeys, utf8Length } from '../../src/go/utf8.ts';

test('compareBytes orders by UTF-8 bytes (code points), not UTF-16 units', () => {
  // U+FF21 (fullwidth A) is below U+1F600 in code points, above its surrogates in UTF-16.
  assert.ok('\u{1F600}' < '\uFF21', 'JS order differs here');
  assert.ok(compareBytes('\uFF21', '\u{1F600}') < 0);
  assert.ok(compareBytes('\u{1F600}', '\uFF21') > 0);
  assert.ok(compareBytes('B', 'a') < 0);
  assert.ok(compareBytes('a', 'ab') < 0);
  assert.equal(compareBytes('x', 'x'), 0);
  const utf8 = (s: string) => Buffer.from(s, 'utf8');
  const words = ['\u{1F600}', '\uFF21', 'z', 'é', 'A', '', '\uE000', '\u{10000}'];
  const ours = [...words].sort(compareBytes);
  const bytes = [...words].sort((a, b) => Buffer.compare(utf8(a), utf8(b)));
  assert.deepEqual(ours, bytes);
});

test('sortedKeys sorts object keys by byte order', () => {
  assert.deepEqual(sortedKeys({ b: 1, a: 2, B: 3 }), ['B', 'a', 'b']);
});

test("utf8Length is Go's len(s): UTF-8 bytes; a lone surrogate counts as U+FFFD", () => {
  for (const s of ['', 'a', 'é', '€', '😀', 'a😀é', '\ud800', '\udc00x', '\ud800\ud800']) {
    assert.equal(utf8Length(s), new TextEncoder().encode(s).length, JSON.stringify(s));
  }
});
