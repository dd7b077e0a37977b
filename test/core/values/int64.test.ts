import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { atoi, compareInt64, NumError, parseInt64 } from '../../../src/core/values/int64.ts';

describe('atoi (Go strconv.Atoi, 64-bit)', () => {
  test('accepts an optional sign, leading zeros and -0', () => {
    assert.equal(atoi('42'), 42);
    assert.equal(atoi('+7'), 7);
    assert.equal(atoi('-13'), -13);
    assert.equal(atoi('007'), 7);
    assert.ok(Object.is(atoi('-0'), 0), '-0 must be 0, not a JS negative zero');
  });

  test('covers the whole int64 range exactly', () => {
    assert.equal(atoi('9223372036854775807'), 9223372036854775807n);
    assert.equal(atoi('-9223372036854775808'), -9223372036854775808n);
    // Beyond 2^53 a double would round; the bigint keeps neighbours apart.
    const a = atoi('9007199254740993');
    const b = atoi('9007199254740992');
    assert.equal(compareInt64(a, b), 1);
    assert.equal(typeof atoi('123456789012345'), 'number');
  });

  test('rejects what Go rejects, with Go error text', () => {
    for (const bad of ['', '+', '-', ' 1', '1 ', '1_000', '0x10', '1.0', '٣', '++1', '1e3']) {
      assert.throws(() => atoi(bad), NumError, bad);
    }
    assert.throws(() => atoi('x1'), { message: 'strconv.Atoi: parsing "x1": invalid syntax' });
    assert.throws(() => atoi('9223372036854775808'), {
      message: 'strconv.Atoi: parsing "9223372036854775808": value out of range',
    });
    assert.throws(() => atoi('-9223372036854775809'), /value out of range/);
  });
});

describe('parseInt64 (Go strconv.ParseInt)', () => {
  test('base 10 is plain decimal', () => {
    assert.equal(parseInt64('-12'), -12n);
    assert.throws(() => parseInt64('0x1'), { message: 'strconv.ParseInt: parsing "0x1": invalid syntax' });
  });

  test('base 0 follows Go literal syntax: prefixes, octal and underscores', () => {
    assert.equal(parseInt64('0x1F', 0), 31n);
    assert.equal(parseInt64('0o17', 0), 15n);
    assert.equal(parseInt64('017', 0), 15n);
    assert.equal(parseInt64('0b101', 0), 5n);
    assert.equal(parseInt64('1_000', 0), 1000n);
    assert.equal(parseInt64('0x_1F', 0), 31n);
    assert.equal(parseInt64('-0', 0), 0n);
    for (const bad of ['08', '0x', '0b', '_1', '1_', '1__0', '0x1_', '0_x1']) {
      assert.throws(() => parseInt64(bad, 0), NumError, bad);
    }
  });

  test('reports uint64 overflow before a later bad character, as Go does', () => {
    assert.throws(() => parseInt64('99999999999999999999x'), /value out of range/);
    assert.throws(() => parseInt64('9x'), /invalid syntax/);
  });
});
