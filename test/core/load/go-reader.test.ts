import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readGoYamlText } from '../../../src/core/load/go-reader.ts';

const bytes = (...b: number[]) => new Uint8Array(b);
const utf8 = (s: string) => new TextEncoder().encode(s);

test("invalid UTF-8 and control characters: goyaml.v2's reader errors with the byte offset", () => {
  const cases: [Uint8Array, string, number][] = [
    [bytes(0x61, 0x3a, 0x20, 0xff), 'invalid leading UTF-8 octet', 3],
    [bytes(0x61, 0xc3), 'incomplete UTF-8 octet sequence', 1],
    [bytes(0x61, 0xc3, 0x41), 'invalid trailing UTF-8 octet', 2],
    [bytes(0xc0, 0x80), 'invalid length of a UTF-8 sequence', 0],
    [bytes(0xed, 0xa0, 0x80), 'invalid Unicode character', 0],
    [utf8('a: b\u0001'), 'control characters are not allowed', 4],
    [utf8('a: \u001b[2J'), 'control characters are not allowed', 3],
    [utf8('a: \u007f'), 'control characters are not allowed', 3],
  ];
  for (const [b, problem, offset] of cases) assert.deepEqual(readGoYamlText(b), { problem, offset }, problem);
  // Allowed: tab, CR, NEL, BOM, astral characters.
  assert.deepEqual(readGoYamlText(utf8('\ufeffa:\tb\r\n\u0085c: 😀')), { text: 'a:\tb\r\n\u0085c: 😀' });
});

test('UTF-16 with a byte order mark is decoded (little and big endian), as goyaml.v2 does', () => {
  const text = 'version: v1alpha1\nname: é😀\n';
  const le = new Uint8Array(2 + text.length * 2 + 2);
  const be = new Uint8Array(le.length);
  le.set([0xff, 0xfe]);
  be.set([0xfe, 0xff]);
  let n = 2;
  for (let i = 0; i < text.length; i++) {
    const u = text.charCodeAt(i);
    le[n] = u & 0xff;
    le[n + 1] = u >> 8;
    be[n] = u >> 8;
    be[n + 1] = u & 0xff;
    n += 2;
  }
  assert.deepEqual(readGoYamlText(le.subarray(0, n)), { text });
  assert.deepEqual(readGoYamlText(be.subarray(0, n)), { text });
  assert.deepEqual(readGoYamlText(bytes(0xff, 0xfe, 0x61)), {
    problem: 'incomplete UTF-16 character',
    offset: 2,
  });
});
