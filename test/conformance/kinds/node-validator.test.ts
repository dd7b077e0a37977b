import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runVector } from '../../../tools/conformance/kinds/node-validator.ts';
import type { Vector } from '../../../tools/conformance/vector.ts';

const vector = (): Vector => ({
  id: 'local-flag',
  kind: 'node-validator',
  features: { flags: { 'fake.flag': { elements: { flag_1: {} } } } },
  input: {
    version: 'v1alpha1',
    compatibilities: [
      {
        rules: [
          {
            name: 'r',
            matchFeatures: [{ feature: 'fake.flag', matchName: { op: 'In', value: ['flag_1'] } }],
          },
        ],
      },
    ],
  },
  tags: [],
  expect: {
    error: false,
    match: true,
    report: [
      {
        rules: [
          {
            name: 'r',
            isMatch: true,
            matchedExpressions: [
              {
                feature: 'fake.flag',
                name: '',
                expression: { op: 'In', value: ['flag_1'] },
                matcherType: 'matchName',
                isMatch: true,
              },
            ],
          },
        ],
      },
    ],
    json_text:
      '[{"rules":[{"name":"r","isMatch":true,"matchedExpressions":[{"feature":"fake.flag","name":"",' +
      '"expression":{"op":"In","value":["flag_1"]},"matcherType":"matchName","isMatch":true}]}]}]',
  },
});

test('a matching vector passes', async () => {
  assert.equal(await runVector(vector()), undefined);
});

test('a wrong expectation is reported with what differed', async () => {
  const v = vector();
  v.expect.json_text = (v.expect.json_text as string).replace(
    '"isMatch":true}]}]}]',
    '"isMatch":false}]}]}]',
  );
  v.expect.match = false;
  const msg = await runVector(v);
  assert.match(msg ?? '', /match: expected false, got true/);
  assert.match(msg ?? '', /json_text: first difference at offset \d+/);
});

test('expect.error: an evaluation error passes, a report fails', async () => {
  const v = vector();
  v.features = { attributes: { 'a.b': { elements: { k: 'x' } } } };
  v.input = {
    version: 'v1alpha1',
    compatibilities: [
      {
        rules: [
          {
            name: 'e',
            matchFeatures: [{ feature: 'a.b', matchExpressions: { k: { op: 'Gt', value: ['1'] } } }],
          },
        ],
      },
    ],
  };
  v.expect = { error: true, match: false };
  assert.equal(await runVector(v), undefined);
  assert.equal(await runVector({ ...vector(), expect: { error: true } }), 'expected an error, got a report');
});
