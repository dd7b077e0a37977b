import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatRfc3339, parseRfc3339 } from '../../src/go/time.ts';

test('RFC 3339 parsing as Go: offsets, fractions to the nanosecond, invalid dates', () => {
  assert.equal(parseRfc3339('1970-01-01T00:00:01Z'), 1_000_000_000n);
  assert.equal(parseRfc3339('1970-01-01T01:00:01+01:00'), 1_000_000_000n);
  assert.equal(parseRfc3339('1970-01-01T00:00:00.000000001Z'), 1n);
  assert.equal(parseRfc3339('1970-01-01T00:00:00,5Z'), 500_000_000n);
  assert.equal(parseRfc3339('1970-01-01T00:00:00.1234567899Z'), 123_456_789n);
  assert.equal(parseRfc3339('0001-01-01T00:00:00Z'), -62_135_596_800_000_000_000n);
  // Year 0 is a leap year (proleptic Gregorian); 1900, which Date.UTC would make of it, is not.
  assert.equal(parseRfc3339('0000-02-29T00:00:00Z'), -62_162_121_600_000_000_000n);
  assert.equal(parseRfc3339('0100-02-29T00:00:00Z'), undefined);
  for (const bad of [
    '1970-01-01t00:00:00.5z',
    '1970-01-01T00:00:00z',
    '2026-02-30T00:00:00Z',
    '2026-01-01 00:00:00Z',
    '2026-01-01T00:00:00',
    '2026-01-01T24:00:00Z',
    '2026-01-01T00:00:00+25:00',
    'yesterday',
    '',
  ]) {
    assert.equal(parseRfc3339(bad), undefined, bad);
  }
});

test('formatRfc3339 writes UTC to the second', () => {
  assert.equal(formatRfc3339(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678))), '2026-01-02T03:04:05Z');
});
