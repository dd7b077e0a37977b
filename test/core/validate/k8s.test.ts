import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isDNS1123Subdomain, isQualifiedName, isValidLabelValue } from '../../../src/core/validate/k8s.ts';

const NAME_REGEX_MSG =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

test('IsQualifiedName accepts what Kubernetes accepts', () => {
  for (const ok of [
    'a',
    'A',
    '1',
    'my.name',
    'my_name',
    'MyName',
    'example.com/MyName',
    'a.b-c/d_e.f',
    `${'a'.repeat(63)}`,
    `${'a'.repeat(253)}/x`,
  ]) {
    assert.deepEqual(isQualifiedName(ok), [], ok);
  }
});

test('IsQualifiedName messages are Kubernetes messages', () => {
  assert.deepEqual(isQualifiedName(''), ['name part must be non-empty', `name part ${NAME_REGEX_MSG}`]);
  assert.deepEqual(isQualifiedName('-a'), [`name part ${NAME_REGEX_MSG}`]);
  assert.deepEqual(isQualifiedName('a'.repeat(64)), ['name part must be no more than 63 characters']);
  assert.deepEqual(isQualifiedName('/a'), ['prefix part must be non-empty']);
  assert.deepEqual(isQualifiedName('Example.com/a'), [
    "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
  ]);
  assert.deepEqual(isQualifiedName('a/b/c'), [
    `a qualified name ${NAME_REGEX_MSG} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
  ]);
  assert.equal(isQualifiedName('invalid-key:').length, 1);
  // A trailing newline is not an alphanumeric end (Go's $ matches only at the very end).
  assert.equal(isQualifiedName('abc\n').length, 1);
});

test('IsDNS1123Subdomain length is in bytes', () => {
  assert.deepEqual(isDNS1123Subdomain('a'.repeat(253)), []);
  assert.deepEqual(isDNS1123Subdomain('a'.repeat(254)), ['must be no more than 253 characters']);
});

test('IsValidLabelValue: empty allowed, 63 bytes max, alphanumeric ends', () => {
  assert.deepEqual(isValidLabelValue(''), []);
  assert.deepEqual(isValidLabelValue('true'), []);
  assert.deepEqual(isValidLabelValue('a-b_c.d'), []);
  assert.deepEqual(isValidLabelValue('a'.repeat(64)), ['must be no more than 63 characters']);
  const m = isValidLabelValue('invalid value');
  assert.equal(m.length, 1);
  assert.match(m[0]!, /^a valid label must be an empty string or consist of alphanumeric characters/);
  assert.match(
    m[0]!,
    /\(e\.g\. 'MyValue', {2}or 'my_value', {2}or '12345', regex used for validation is '\(\(\[A-Za-z0-9\]/,
  );
  // Non-ASCII: over 63 bytes and not matching.
  assert.equal(isValidLabelValue('é'.repeat(32)).length, 2);
});
