import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { defaultVectorsFile } from '../../../tools/conformance/cli.ts';
import { runVector } from '../../../tools/conformance/kinds/validate.ts';
import type { Vector } from '../../../tools/conformance/vector.ts';

const shared = defaultVectorsFile();

test('every shared validate vector passes', async () => {
  const vectors = (JSON.parse(readFileSync(shared, 'utf8')) as Vector[]).filter((v) => v.kind === 'validate');
  assert.ok(vectors.length > 0);
  const failures: string[] = [];
  for (const v of vectors) {
    const diff = await runVector(v);
    if (diff) failures.push(`${v.id}: ${diff}`);
  }
  assert.deepEqual(failures, []);
});

test('a wrong expectation is reported, not passed', async () => {
  const v: Vector = {
    id: 'x',
    kind: 'validate',
    fn: 'label',
    key: 'vendor.io/x',
    value: 'true',
    expect: { error: true, errorIs: 'ErrNSNotAllowed' },
  };
  assert.match((await runVector(v)) ?? '', /expected an error, got no error/);
  const list: Vector = {
    id: 'y',
    kind: 'validate',
    fn: 'labels',
    input: { b: '1', 'kubernetes.io/a': '2' },
    expect: {
      error: true,
      errors: [
        {
          errorIs: 'ErrNSNotAllowed',
          errorMessage: 'invalid label "kubernetes.io/a":"2" namespace is not allowed',
        },
        {
          errorIs: 'ErrUnprefixedKeysNotAllowed',
          errorMessage: 'invalid label "b":"1" unprefixed keys are not allowed',
        },
      ],
    },
  };
  // Sorted by message, as the Go test does: "invalid label \"b\"..." sorts before "invalid label \"kubernetes.io/a\"".
  assert.match((await runVector(list)) ?? '', /error 0: expected errors.Is ErrNSNotAllowed/);
  list.expect.errors = [...(list.expect.errors as unknown[])].reverse();
  assert.equal(await runVector(list), undefined);
});

test('value_repeat and template vectors', async () => {
  assert.equal(
    await runVector({
      id: 'r',
      kind: 'validate',
      fn: 'annotation',
      key: 'feature.node.kubernetes.io/a',
      value_repeat: { unit: 'é', count: 600 },
      expect: { error: true, errorContains: 'too long' },
    }),
    undefined,
  );
  assert.equal(
    await runVector({
      id: 't',
      kind: 'validate',
      fn: 'template',
      input: '{{ nosuchfunc }}',
      expect: {
        error: true,
        errors: [{ errorMessage: 'invalid template: template: :1: function "nosuchfunc" not defined' }],
      },
    }),
    undefined,
  );
});
