import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ERR_FORMAT_WRONG,
  ERR_NUMERIC,
  ERR_SUFFIX,
  parseQuantity,
  QuantityError,
} from '../../../src/core/validate/quantity.ts';

function err(s: string): string | undefined {
  try {
    parseQuantity(s);
    return undefined;
  } catch (e) {
    assert.ok(e instanceof QuantityError);
    return e.message;
  }
}

test('ParseQuantity accepts what Kubernetes accepts', () => {
  const ok = [
    '0',
    '1',
    '123',
    '+1',
    '-1',
    '1.5',
    '.5',
    '1.',
    '100m',
    '1k',
    '1M',
    '1G',
    '1T',
    '1P',
    '1E',
    '1Ki',
    '1Mi',
    '1Gi',
    '1Ti',
    '1Pi',
    '1Ei',
    '1e3',
    '1E3',
    '1e-3',
    '1e+3',
    '2.5Gi',
    '0.1Ki',
    '12345678901234567890',
    '1n',
    '1.5n',
    '-',
    '+',
    '.',
    'e5',
    'm',
    '1023Ti',
    '0e-10',
    '1e99999999999',
  ];
  for (const s of ok) assert.equal(err(s), undefined, s);
});

test('ParseQuantity errors are Kubernetes errors', () => {
  assert.equal(
    ERR_FORMAT_WRONG,
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
  );
  for (const s of ['', 'abc', 'invalid value', '1 ', ' 1', '1e3e', '1Mi5x', '1..5', '1KiB'])
    assert.equal(err(s), ERR_FORMAT_WRONG, s);
  for (const s of ['1e', '1iK', '1Mi5', '1ee5', '1e+', '1e999999999999999999999', '1mi', '--1'])
    assert.equal(err(s), ERR_SUFFIX, s);
  // No digit at all and a suffix that takes the slow path.
  for (const s of ['.e-10', '-e-10', 'Ei', '-Pi']) assert.equal(err(s), ERR_NUMERIC, s);
});
