/**
 * Go's `strconv`: `ParseInt`/`ParseUint`/`Atoi` (64-bit platform), `Quote`, and `FormatFloat` in the
 * shortest `'g'` form. NFD parses integers with `strconv.Atoi`/`ParseInt` for `Gt`/`Ge`/`Lt`/`Le`/
 * `GtLt`/`GeLe` (pkg/apis/nfd/nodefeaturerule/expression.go). The full int64 range is honoured: values
 * that fit in a JS safe integer come back as `number` (the fast path), larger ones as `bigint`; JS's
 * relational operators compare `number` and `bigint` exactly, so callers can mix them freely.
 */

import { isPrint } from './unicode.ts';

export type Int64 = number | bigint;

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN_ABS = 1n << 63n;
const UINT64_MAX = (1n << 64n) - 1n;

/** Go's `*strconv.NumError`: `strconv.<Func>: parsing "<num>": <invalid syntax|value out of range>`. */
export class NumError extends Error {
  readonly func: string;
  readonly num: string;
  readonly reason: 'syntax' | 'range';
  constructor(func: string, num: string, reason: 'syntax' | 'range') {
    super(
      `strconv.${func}: parsing ${quote(num)}: ${reason === 'syntax' ? 'invalid syntax' : 'value out of range'}`,
    );
    this.name = 'NumError';
    this.func = func;
    this.num = num;
    this.reason = reason;
  }
}

function digitValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  if (lower >= 0x61 && lower <= 0x7a) return lower - 0x61 + 10;
  return 99;
}

/** Go's `underscoreOK`: underscores only between digits (or right after a base prefix). */
function underscoreOK(s: string): boolean {
  let saw = '^';
  let i = 0;
  if (s.length >= 1 && (s[0] === '-' || s[0] === '+')) s = s.slice(1);
  let isHex = false;
  if (s.length >= 2 && s[0] === '0') {
    const p = s[1]!.toLowerCase();
    if (p === 'b' || p === 'o' || p === 'x') {
      i = 2;
      saw = '0';
      isHex = p === 'x';
    }
  }
  for (; i < s.length; i++) {
    const c = s[i]!;
    const lc = c.toLowerCase();
    if ((c >= '0' && c <= '9') || (isHex && lc >= 'a' && lc <= 'f')) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

/** The digits after the sign: Go's `ParseUint` core, for `ParseInt` and `ParseUint`. */
function parseUintBody(s: string, body: string, base: 0 | 10, func: string): bigint {
  if (body.length === 0) throw new NumError(func, s, 'syntax');
  let radix = 10;
  const base0 = base === 0;
  if (base0 && body[0] === '0') {
    const p = body.length >= 3 ? body[1]!.toLowerCase() : '';
    if (p === 'b') {
      radix = 2;
      body = body.slice(2);
    } else if (p === 'o') {
      radix = 8;
      body = body.slice(2);
    } else if (p === 'x') {
      radix = 16;
      body = body.slice(2);
    } else {
      radix = 8;
      body = body.slice(1);
    }
  }
  // Go's ParseUint: uint64 overflow is reported as soon as it happens, before later characters are
  // looked at.
  const bigRadix = BigInt(radix);
  let n = 0n;
  let underscores = false;
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (c === 0x5f && base0) {
      underscores = true;
      continue;
    }
    const d = digitValue(c);
    if (d >= radix) throw new NumError(func, s, 'syntax');
    n = n * bigRadix + BigInt(d);
    if (n > UINT64_MAX) throw new NumError(func, s, 'range');
  }
  if (underscores && !underscoreOK(s)) throw new NumError(func, s, 'syntax');
  return n;
}

/**
 * Go `strconv.ParseInt(s, base, 64)` for base 10 or 0 (0: `0x`/`0o`/`0b`/leading-`0` prefixes and `_`
 * separators, as Go's literal syntax). Throws `NumError` with Go's message.
 */
export function parseInt64(s: string, base: 0 | 10 = 10, func = 'ParseInt'): bigint {
  if (s.length === 0) throw new NumError(func, s, 'syntax');
  let body = s;
  let neg = false;
  if (body[0] === '+' || body[0] === '-') {
    neg = body[0] === '-';
    body = body.slice(1);
  }
  const n = parseUintBody(s, body, base, func);
  if (!neg && n > INT64_MAX) throw new NumError(func, s, 'range');
  if (neg && n > INT64_MIN_ABS) throw new NumError(func, s, 'range');
  return neg ? -n : n;
}

/** Go `strconv.ParseUint(s, base, 64)` for base 10 or 0: no sign. Throws `NumError`. */
export function parseUint64(s: string, base: 0 | 10 = 10): bigint {
  if (s.length === 0) throw new NumError('ParseUint', s, 'syntax');
  return parseUintBody(s, s, base, 'ParseUint');
}

/**
 * Go `strconv.Atoi` on a 64-bit platform: optional sign, ASCII digits, int64 range. Returns a `number`
 * when the value is a safe integer (up to 15 digits), otherwise a `bigint`.
 */
export function atoi(s: string): Int64 {
  const len = s.length;
  // Fast path: up to 15 digits always fit in a double exactly.
  if (len > 0 && len <= 16) {
    let i = 0;
    let neg = false;
    const c0 = s.charCodeAt(0);
    if (c0 === 0x2b || c0 === 0x2d) {
      neg = c0 === 0x2d;
      i = 1;
    }
    if (i < len && len - i <= 15) {
      let n = 0;
      for (; i < len; i++) {
        const c = s.charCodeAt(i) - 0x30;
        if (c < 0 || c > 9) throw new NumError('Atoi', s, 'syntax');
        n = n * 10 + c;
      }
      // `-0` is 0 (avoid a JS negative zero).
      return neg ? 0 - n || 0 : n;
    }
  }
  const v = parseInt64(s, 10, 'Atoi');
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** -1, 0 or 1, exact across `number` and `bigint`. */
export function compareInt64(a: Int64, b: Int64): -1 | 0 | 1 {
  return a < b ? -1 : a > b ? 1 : 0;
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/**
 * `strconv.Quote` (what `%q` prints for a string): printable runes (`unicode.IsPrint`) stay, `"` and
 * `\` are backslashed, `\a \b \f \n \r \t \v` use their short forms, other ASCII controls `\xXX`,
 * other runes `\uXXXX` or `\UXXXXXXXX`. A lone surrogate cannot come from valid UTF-8; it is written
 * as the escape of U+FFFD.
 */
export function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const r = ch.codePointAt(0)!;
    switch (r) {
      case 0x22:
        out += '\\"';
        continue;
      case 0x5c:
        out += '\\\\';
        continue;
      case 0x07:
        out += '\\a';
        continue;
      case 0x08:
        out += '\\b';
        continue;
      case 0x0c:
        out += '\\f';
        continue;
      case 0x0a:
        out += '\\n';
        continue;
      case 0x0d:
        out += '\\r';
        continue;
      case 0x09:
        out += '\\t';
        continue;
      case 0x0b:
        out += '\\v';
        continue;
    }
    if (r >= 0xd800 && r <= 0xdfff) out += '\\ufffd';
    else if (isPrint(r)) out += ch;
    else if (r < 0x20 || r === 0x7f) out += `\\x${hex(r, 2)}`;
    else if (r < 0x10000) out += `\\u${hex(r, 4)}`;
    else out += `\\U${hex(r, 8)}`;
  }
  return `${out}"`;
}

// ---- FormatFloat(f, 'g', -1, bitSize) --------------------------------------------------------------

function splitExponential(s: string): [string, number] {
  const e = s.indexOf('e');
  const mant = s.slice(0, e).replace('.', '');
  return [mant, Number(s.slice(e + 1))];
}

/**
 * When `a` lies exactly halfway between two p-digit decimals, Go rounds to the even one (strconv's
 * `decimal.Round`), where `toExponential` takes the larger: the even one if it reads back as `a`.
 */
function tieToEven(a: number, p: number): [string, number] | undefined {
  const t = a.toExponential(p);
  // A (p+1)-digit decimal equal to `a` in float64 is `a` exactly (p+1 <= 10 digits, far above an ulp).
  if (Number(t) !== a) return undefined;
  const [digits, exp] = splitExponential(t);
  if (!digits.endsWith('5')) return undefined;
  const down = BigInt(digits.slice(0, -1));
  const even = down % 2n === 0n ? down : down + 1n;
  let evenDigits = even.toString();
  let evenExp = exp;
  if (evenDigits.length > p) {
    evenDigits = evenDigits.slice(0, p);
    evenExp++;
  }
  return Math.fround(Number(`${evenDigits}e${evenExp - p + 1}`)) === a ? [evenDigits, evenExp] : undefined;
}

/** Shortest decimal digits that read back as the float32 `a` (> 0): `[digits, exp]` for d.ddd × 10^exp. */
function shortestFloat32(a: number): [string, number] {
  for (let p = 1; p <= 9; p++) {
    const tie = tieToEven(a, p);
    if (tie !== undefined) return tie;
    const [digits, exp] = splitExponential(a.toExponential(p - 1));
    if (Math.fround(Number(`${digits}e${exp - p + 1}`)) === a) return [digits, exp];
    // The nearest p-digit decimal missed; the one on the other side of `a` may still round-trip
    // (the round-trip interval is lopsided at powers of two).
    const nearest = Number(`${digits}e${exp - p + 1}`);
    const step = nearest > a ? -1n : 1n;
    let other = (BigInt(digits) + step).toString();
    let otherExp = exp;
    if (other.length > p) {
      other = other.slice(0, p);
      otherExp++;
    } else if (other.length < p || other === '0') {
      other = `${other}9`.slice(0, p);
      otherExp--;
    }
    if (other !== '0' && Math.fround(Number(`${other}e${otherExp - p + 1}`)) === a) return [other, otherExp];
  }
  return splitExponential(a.toExponential(8));
}

/**
 * `strconv.FormatFloat(f, 'g', -1, bitSize)`, which is also fmt's `%v`: the shortest digits that read
 * back as the same float64 (or float32), in exponent form (`1e+06`, two exponent digits at least) when
 * the exponent is < -4 or >= `expThreshold` (21 for `%v` in fmt, 6 otherwise), else plain decimal.
 */
export function formatFloat(f: number, bitSize: 32 | 64 = 64, expThreshold = 6): string {
  const x = bitSize === 32 ? Math.fround(f) : f;
  if (Number.isNaN(x)) return 'NaN';
  if (x === Number.POSITIVE_INFINITY) return '+Inf';
  if (x === Number.NEGATIVE_INFINITY) return '-Inf';
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  if (x === 0) return `${sign}0`;
  const a = Math.abs(x);
  let [digits, exp] = bitSize === 32 ? shortestFloat32(a) : splitExponential(a.toExponential());
  digits = digits.replace(/0+$/, '') || '0';
  if (exp < -4 || exp >= expThreshold) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const ae = Math.abs(exp);
    return `${sign}${mant}e${exp < 0 ? '-' : '+'}${ae < 10 ? `0${ae}` : ae}`;
  }
  const dp = exp + 1; // digits before the decimal point
  if (dp <= 0) return `${sign}0.${'0'.repeat(-dp)}${digits}`;
  if (dp >= digits.length) return `${sign}${digits}${'0'.repeat(dp - digits.length)}`;
  return `${sign}${digits.slice(0, dp)}.${digits.slice(dp)}`;
}
