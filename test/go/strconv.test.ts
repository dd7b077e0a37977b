import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  atoi,
  compareInt64,
  formatFloat,
  NumError,
  parseInt64,
  parseUint64,
  quote,
} from '../../src/go/strconv.ts';

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

test('FormatFloat(f, g, -1, 32): shortest float32 digits, %e outside [1e-4, 1e6)', () => {
  const cases: Array<[number, string]> = [
    // biome-ignore lint/suspicious/noApproximativeNumericConstant: the literal from the issue, not π
    [3.14159265, '3.1415927'],
    [1.1, '1.1'],
    [0.1, '0.1'],
    [100, '100'],
    [123456, '123456'],
    [1e6, '1e+06'],
    [1234567, '1.234567e+06'],
    [16777217, '1.6777216e+07'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [2.5e-5, '2.5e-05'],
    [1e21, '1e+21'],
    [1e39, '+Inf'],
    [-1e39, '-Inf'],
    [Number.NaN, 'NaN'],
    [0, '0'],
    [-0, '-0'],
    [-1.5, '-1.5'],
    [3.4028234663852886e38, '3.4028235e+38'],
    [1e-45, '1e-45'],
  ];
  for (const [f, s] of cases) assert.equal(formatFloat(f, 32), s, String(f));
});

test('every formatted float32 reads back as the same float32 and has no shorter form', () => {
  // Deterministic pseudo-random float32 bit patterns.
  let x = 0x12345678;
  const buf = new DataView(new ArrayBuffer(4));
  for (let i = 0; i < 3000; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    buf.setUint32(0, x);
    const f = buf.getFloat32(0);
    if (!Number.isFinite(f) || f === 0) continue;
    const s = formatFloat(f, 32);
    assert.equal(Math.fround(Number(s)), f, `${f} -> ${s}`);
    const digits = s.replace(/^-/, '').replace(/e.*$/, '').replace('.', '').replace(/^0+/, '');
    if (digits.length > 1) {
      const shorter = Math.fround(Number(f.toPrecision(digits.length - 1)));
      assert.notEqual(shorter, f, `${f} has a shorter form than ${s}`);
    }
  }
});

test('quote is strconv.Quote: printable runes kept, Go escapes for the rest', () => {
  // Expected text from Go 1.26 strconv.Quote.
  assert.equal(
    quote('a"\\\u0007\u007f\u00ad\u0378é😀\ufeff\u3000 '),
    '"a\\"\\\\\\a\\x7f\\u00ad\\u0378é😀\\ufeff\\u3000 "',
  );
  assert.equal(quote('\ud800'), '"\\ufffd"');
});

test('parseUint64 is strconv.ParseUint: no sign, base-0 prefixes and underscores', () => {
  assert.equal(parseUint64('0x_ff', 0), 255n);
  assert.equal(parseUint64('18446744073709551615'), 18446744073709551615n);
  assert.throws(() => parseUint64('-1', 0), { message: 'strconv.ParseUint: parsing "-1": invalid syntax' });
  assert.throws(() => parseUint64('18446744073709551616'), /value out of range/);
});
