import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { marshal, marshalIndent, quote } from '../../src/go/json.ts';

test('quote escapes like Go json.Marshal (HTML-safe)', () => {
  assert.equal(quote('a<b>&c'), '"a\\u003cb\\u003e\\u0026c"');
  assert.equal(quote('q"\\'), '"q\\"\\\\"');
  assert.equal(quote('line\u2028para\u2029'), '"line\\u2028para\\u2029"');
  // Short forms for \b \f \n \r \t (Go >= 1.22), \u00XX with lower-case hex for other controls.
  assert.equal(quote('\b\f\n\r\t'), '"\\b\\f\\n\\r\\t"');
  assert.equal(quote('\u0001\u001f\u001b'), '"\\u0001\\u001f\\u001b"');
  // DEL and non-ASCII text are written as they are; so is a valid surrogate pair.
  assert.equal(quote('\u007fé€😀'), '"\u007fé€😀"');
  // A lone surrogate is what invalid UTF-8 would be in Go: U+FFFD, written as an escape.
  assert.equal(quote('x\ud800y'), '"x\\ufffdy"');
  assert.equal(quote('\udc00'), '"\\ufffd"');
  assert.equal(quote(''), '""');
});

test('quote output is valid JSON that decodes back to the input', () => {
  const samples = [
    'plain',
    '<script>&amp;</script>',
    'tab\tnew\nline',
    '\u0000\u0007\u007f',
    'ü\u2028😀',
    '"\\/',
  ];
  for (const s of samples) assert.equal(JSON.parse(quote(s)), s);
});

test('Marshal and MarshalIndent: maps sorted by bytes, empty containers inline, prefix on every new line', () => {
  // Expected bytes from Go 1.26 encoding/json (the differential suite checks generated values).
  assert.equal(
    marshalIndent({ b: [1, { x: null }], a: {}, c: [], d: '<é>' }, '> ', '\t'),
    '{\n> \t"a": {},\n> \t"b": [\n> \t\t1,\n> \t\t{\n> \t\t\t"x": null\n> \t\t}\n> \t],\n> \t"c": [],\n> \t"d": "\\u003cé\\u003e"\n> }',
  );
  assert.equal(
    marshal({ b: [1e21, 1e-7, 0.000001, -1.5], a: true }),
    '{"a":true,"b":[1e+21,1e-7,0.000001,-1.5]}',
  );
  assert.equal(marshal('<&>\u2028', { escapeHTML: false }), '"<&>\\u2028"');
  assert.equal(
    marshal(
      new Map<string, unknown>([
        ['b', 1n],
        ['a', -0],
      ]),
    ),
    '{"a":-0,"b":1}',
  );
  assert.equal(marshal({ b: 1, a: 2 }, { isMap: () => false }), '{"b":1,"a":2}');
  assert.throws(() => marshal(Number.NaN), /^UnsupportedValueError: json: unsupported value: NaN$/);
});

test('quote output decodes back to the input (well-formed strings)', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), (s) => {
      assert.equal(JSON.parse(quote(s)), s);
    }),
  );
});
