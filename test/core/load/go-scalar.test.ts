import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type GoScalar,
  goScalarToKey,
  goScalarToString,
  isGoYamlTimestamp,
  ResolveError,
  resolveGoScalar,
  TAG_FLOAT,
  TAG_INT,
  TAG_STR,
  TAG_TIMESTAMP,
} from '../../../src/core/load/go-scalar.ts';

/** What NFD sees in a Go `string` field for a plain YAML scalar. */
function asString(text: string): string | null {
  return goScalarToString(resolveGoScalar('', text));
}

test('YAML 1.1 words resolve as goyaml.v2 does', () => {
  for (const w of ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']) {
    assert.deepEqual(resolveGoScalar('', w), { t: 'bool', v: true }, w);
  }
  for (const w of ['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']) {
    assert.deepEqual(resolveGoScalar('', w), { t: 'bool', v: false }, w);
  }
  for (const w of ['', '~', 'null', 'Null', 'NULL'])
    assert.deepEqual(resolveGoScalar('', w), { t: 'null' }, w);
  // Mixed case outside the table stays text.
  for (const w of ['yES', 'tRUE', 'nULL', 'oN'])
    assert.deepEqual(resolveGoScalar('', w), { t: 'str', v: w }, w);
});

test('integers: strconv.ParseInt base 0 after removing underscores', () => {
  const cases: Array<[string, bigint]> = [
    ['0200', 128n],
    ['017', 15n],
    ['0x1F', 31n],
    ['0X1f', 31n],
    ['0o17', 15n],
    ['0b101', 5n],
    ['-0b11', -3n],
    ['1_000', 1000n],
    ['+7', 7n],
    ['-0', 0n],
    ['9223372036854775807', 9223372036854775807n],
  ];
  for (const [text, v] of cases) assert.deepEqual(resolveGoScalar('', text), { t: 'int', v }, text);
  // Beyond int64 but within uint64 is a uint64; beyond that, a float.
  assert.deepEqual(resolveGoScalar('', '18446744073709551615'), { t: 'uint', v: 18446744073709551615n });
  assert.deepEqual(resolveGoScalar('', '18446744073709551616'), { t: 'float', v: 2 ** 64 });
});

test('floats, the float regexp and values that stay text', () => {
  assert.deepEqual(resolveGoScalar('', '1.10'), { t: 'float', v: 1.1 });
  assert.deepEqual(resolveGoScalar('', '.5'), { t: 'float', v: 0.5 });
  // After a leading dot Go's ParseFloat takes `_` between digits (go.yaml.in/yaml/v2 reads 0.55 and
  // 5.5e9), but not next to the dot, the exponent marker or another `_`.
  assert.deepEqual(resolveGoScalar('', '.5_5'), { t: 'float', v: 0.55 });
  assert.deepEqual(resolveGoScalar('', '.5_5e1_0'), { t: 'float', v: 5.5e9 });
  for (const text of ['._5', '.5__5', '.5_', '.5e_1', '.5e+_1']) {
    assert.deepEqual(resolveGoScalar('', text), { t: 'str', v: text }, text);
  }
  assert.deepEqual(resolveGoScalar('', '1.'), { t: 'float', v: 1 });
  assert.deepEqual(resolveGoScalar('', '1e3'), { t: 'float', v: 1000 });
  // 08 is not octal: ParseInt fails, the float regexp accepts it.
  assert.deepEqual(resolveGoScalar('', '08'), { t: 'float', v: 8 });
  const inf = resolveGoScalar('', '.inf');
  assert.equal(inf.t === 'float' && inf.v, Number.POSITIVE_INFINITY);
  const nan = resolveGoScalar('', '.NaN');
  assert.ok(nan.t === 'float' && Number.isNaN(nan.v));
  // ParseFloat overflow is an error in Go, so the scalar stays text.
  for (const text of ['1e400', '1,000', '1:20', '0x', '-', '.', '.e5', '1_0.5x', 'abc', '+-1']) {
    assert.deepEqual(resolveGoScalar('', text), { t: 'str', v: text }, text);
  }
});

test('timestamps keep their text when decoded into interface{}', () => {
  assert.deepEqual(resolveGoScalar('', '2006-01-02'), { t: 'str', v: '2006-01-02' });
  assert.deepEqual(resolveGoScalar('', '2006-1-2'), { t: 'str', v: '2006-1-2' });
  assert.ok(isGoYamlTimestamp('2001-12-14t21:59:43.10-05:00'));
  assert.ok(isGoYamlTimestamp('2001-12-14 21:59:43.10'));
  assert.ok(!isGoYamlTimestamp('2001-02-30'));
  assert.ok(!isGoYamlTimestamp('20011-02-03'));
  assert.deepEqual(resolveGoScalar(TAG_TIMESTAMP, '2006-01-02'), { t: 'str', v: '2006-01-02' });
});

test('explicit tags: !!str keeps text, !!float widens ints, mismatches are errors', () => {
  assert.deepEqual(resolveGoScalar(TAG_STR, '0200'), { t: 'str', v: '0200' });
  assert.deepEqual(resolveGoScalar(TAG_INT, '0200'), { t: 'int', v: 128n });
  assert.deepEqual(resolveGoScalar(TAG_FLOAT, '3'), { t: 'float', v: 3 });
  assert.throws(
    () => resolveGoScalar(TAG_INT, 'abc'),
    (e: unknown) => {
      assert.ok(e instanceof ResolveError);
      assert.equal(e.message, 'cannot decode !!str `abc` as a !!int');
      return true;
    },
  );
  // A tag goyaml.v2 does not resolve leaves the text alone.
  assert.deepEqual(resolveGoScalar('!custom', 'yes'), { t: 'str', v: 'yes' });
});

test('issue 2: value: [0200, 1.10, yes, 3.14159265, 2006-01-02, 0x1F, 1_000, ~] as NFD reads it', () => {
  const got = ['0200', '1.10', 'yes', '3.14159265', '2006-01-02', '0x1F', '1_000', '~'].map(asString);
  assert.deepEqual(got, ['128', '1.1', 'true', '3.1415927', '2006-01-02', '31', '1000', null]);
});

test('map keys: floats use YAML spellings for infinities, null is unsupported', () => {
  const key = (s: GoScalar) => goScalarToKey(s);
  assert.equal(key({ t: 'float', v: Number.POSITIVE_INFINITY }), '.inf');
  assert.equal(key({ t: 'float', v: Number.NEGATIVE_INFINITY }), '-.inf');
  assert.equal(key({ t: 'float', v: Number.NaN }), '.nan');
  assert.equal(key({ t: 'bool', v: true }), 'true');
  assert.equal(key({ t: 'int', v: 128n }), '128');
  assert.equal(key({ t: 'null' }), null);
  // sigs.k8s.io/yaml has no case for uint64 keys.
  assert.equal(key({ t: 'uint', v: 18446744073709551615n }), null);
});

test('goyaml.v2 0b branch: strconv.ParseInt(rest, 2, 64) takes its own sign', () => {
  // resolve.go: `0b` + ParseInt(plain[2:], 2, 64), then ParseUint; `-0b` + ParseInt("-"+plain[3:], 2, 64).
  assert.deepEqual(resolveGoScalar('', '0b+0'), { t: 'int', v: 0n });
  assert.deepEqual(resolveGoScalar('', '0b-101'), { t: 'int', v: -5n });
  assert.deepEqual(resolveGoScalar('', '0b+1_1'), { t: 'int', v: 3n });
  assert.deepEqual(resolveGoScalar('', `0b${'1'.repeat(64)}`), { t: 'uint', v: (1n << 64n) - 1n });
  for (const text of ['0b+', '0b-', '-0b-1', '-0b+1', '0b+-1', '0b2', `0b+${'1'.repeat(64)}`]) {
    assert.deepEqual(resolveGoScalar('', text), { t: 'str', v: text }, text);
  }
});
