import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatRfc3339, parseGoDuration, parseRfc3339 } from '../../src/go/time.ts';

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

const S = 1_000_000_000n;
const MS = 1_000_000n;
const MIN = 60n * S;
const H = 60n * MIN;

test("parseGoDuration: the cases of Go's time.ParseDuration (time/time_test.go parseDurationTests)", () => {
  const cases: [string, bigint][] = [
    ['0', 0n],
    ['-0', 0n],
    ['+0', 0n],
    ['5s', 5n * S],
    ['-5s', -5n * S],
    ['+5s', 5n * S],
    ['5.6s', 5n * S + 600n * MS],
    ['5.s', 5n * S],
    ['.5s', 500n * MS],
    ['1.004s', S + 4n * MS],
    ['100.00100s', 100n * S + MS],
    ['10ns', 10n],
    ['11us', 11_000n],
    ['12\u00b5s', 12_000n],
    ['12\u03bcs', 12_000n],
    ['13ms', 13n * MS],
    ['15m', 15n * MIN],
    ['16h', 16n * H],
    ['3h30m', 3n * H + 30n * MIN],
    ['1m30s', 90n * S],
    ['10.5s4m', 4n * MIN + 10n * S + 500n * MS],
    ['-2m3.4s', -(2n * MIN + 3n * S + 400n * MS)],
    ['1h2m3s4ms5us6ns', H + 2n * MIN + 3n * S + 4n * MS + 5_000n + 6n],
    ['39h9m14.425s', 39n * H + 9n * MIN + 14n * S + 425n * MS],
    ['52763797000ns', 52_763_797_000n],
    ['0.3333333333333333333h', 20n * MIN],
    ['9007199254740993ns', (1n << 53n) + 1n],
    ['9223372036854775807ns', (1n << 63n) - 1n],
    ['9223372036854775.807us', (1n << 63n) - 1n],
    ['9223372036854.775807ms', (1n << 63n) - 1n],
    ['-9223372036854775808ns', -(1n << 63n)],
    ['-9223372036854775.808us', -(1n << 63n)],
    ['0.100000000000000000000h', 6n * MIN],
    // The fraction goes through float64 in Go: 49m48.372539827s, not ...539828.
    ['0.830103483285477580700h', 49n * MIN + 48n * S + 372_539_827n],
  ];
  for (const [text, nanos] of cases) assert.equal(parseGoDuration(text), nanos, text);
  for (const bad of [
    '',
    '3',
    '-',
    's',
    '.',
    '-.',
    '.s',
    '+.s',
    '1d',
    '1.5',
    '1m30',
    'x1s',
    '9223372036854775808ns',
    '9223372036854775.808us',
    '9223372036854.775808ms',
    '-9223372036854775809ns',
    '1 s',
  ]) {
    assert.equal(parseGoDuration(bad), undefined, JSON.stringify(bad));
  }
});
