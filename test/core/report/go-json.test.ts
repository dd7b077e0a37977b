import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CompatibilityStatus } from '../../../src/core/model/report.ts';
import { marshalMatchExpression, marshalReport } from '../../../src/core/report/go-json.ts';

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
