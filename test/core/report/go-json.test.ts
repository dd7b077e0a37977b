import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CompatibilityStatus } from '../../../src/core/model/report.ts';
import { goJsonString, marshalMatchExpression, marshalReport } from '../../../src/core/report/go-json.ts';

test('goJsonString escapes like Go json.Marshal (HTML-safe)', () => {
  assert.equal(goJsonString('a<b>&c'), '"a\\u003cb\\u003e\\u0026c"');
  assert.equal(goJsonString('q"\\'), '"q\\"\\\\"');
  assert.equal(goJsonString('line\u2028para\u2029'), '"line\\u2028para\\u2029"');
  // Short forms for \b \f \n \r \t (Go >= 1.22), \u00XX with lower-case hex for other controls.
  assert.equal(goJsonString('\b\f\n\r\t'), '"\\b\\f\\n\\r\\t"');
  assert.equal(goJsonString('\u0001\u001f\u001b'), '"\\u0001\\u001f\\u001b"');
  // DEL and non-ASCII text are written as they are; so is a valid surrogate pair.
  assert.equal(goJsonString('\u007fé€😀'), '"\u007fé€😀"');
  // A lone surrogate is what invalid UTF-8 would be in Go: U+FFFD, written as an escape.
  assert.equal(goJsonString('x\ud800y'), '"x\\ufffdy"');
  assert.equal(goJsonString('\udc00'), '"\\ufffd"');
  assert.equal(goJsonString(''), '""');
});

test('goJsonString output is valid JSON that decodes back to the input', () => {
  const samples = [
    'plain',
    '<script>&amp;</script>',
    'tab\tnew\nline',
    '\u0000\u0007\u007f',
    'ü\u2028😀',
    '"\\/',
  ];
  for (const s of samples) assert.equal(JSON.parse(goJsonString(s)), s);
});

test('MatchExpression: value and type are omitempty', () => {
  assert.equal(marshalMatchExpression({ op: 'Exists' }), '{"op":"Exists"}');
  assert.equal(marshalMatchExpression({ op: 'In', value: [] }), '{"op":"In"}');
  assert.equal(
    marshalMatchExpression({ op: 'Gt', value: ['1'], type: 'version' }),
    '{"op":"Gt","value":["1"],"type":"version"}',
  );
  assert.equal(
    marshalMatchExpression({ op: 'In', value: ['a', 'b<'] }),
    '{"op":"In","value":["a","b\\u003c"]}',
  );
});

test('report: struct key order, omitempty, null rules and null matchAny elements', () => {
  const report: CompatibilityStatus[] = [
    { rules: null, description: 'no rules' },
    {
      rules: [
        { name: 'empty', isMatch: true },
        {
          name: 'r',
          isMatch: false,
          matchedExpressions: [
            {
              feature: 'cpu.cpuid',
              name: 'AVX',
              expression: { op: 'Exists' },
              matcherType: 'matchExpression',
              isMatch: true,
            },
          ],
          matchedAny: [{ matchedExpressions: null }, { matchedExpressions: [] }],
        },
      ],
      weight: 10,
      tag: 't',
    },
    { rules: [], weight: 0, description: '', tag: '' },
  ];
  assert.equal(
    marshalReport(report),
    '[{"rules":null,"description":"no rules"},' +
      '{"rules":[{"name":"empty","isMatch":true},{"name":"r","isMatch":false,"matchedExpressions":[' +
      '{"feature":"cpu.cpuid","name":"AVX","expression":{"op":"Exists"},"matcherType":"matchExpression","isMatch":true}],' +
      '"matchedAny":[{"matchedExpressions":null},{"matchedExpressions":[]}]}],"weight":10,"tag":"t"},' +
      '{"rules":[]}]',
  );
  assert.equal(marshalReport([]), '[]');
});

test('negative weights are kept (Go int, omitempty drops only zero)', () => {
  assert.equal(marshalReport([{ rules: null, weight: -3 }]), '[{"rules":null,"weight":-3}]');
});
