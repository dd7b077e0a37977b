/**
 * Go `strconv.ParseInt(s, base, 64)` and `strconv.Atoi` (64-bit platform) semantics, which NFD uses
 * for `Gt`/`Ge`/`Lt`/`Le`/`GtLt`/`GeLe` (nfd-rules.md §2.2). The full int64 range is honoured: values
 * that fit in a JS safe integer come back as `number` (the fast path), larger ones as `bigint`. JS's
 * relational operators compare `number` and `bigint` exactly, so callers can mix them freely.
 */

import { goQuote } from './go-quote.ts';

export type Int64 = number | bigint;

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN_ABS = 1n << 63n;

/** Go's `*strconv.NumError`: `strconv.<Func>: parsing "<num>": <invalid syntax|value out of range>`. */
export class NumError extends Error {
  readonly func: string;
  readonly num: string;
  readonly reason: 'syntax' | 'range';
  constructor(func: string, num: string, reason: 'syntax' | 'range') {
    super(
      `strconv.${func}: parsing ${goQuote(num)}: ${reason === 'syntax' ? 'invalid syntax' : 'value out of range'}`,
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
  // looked at; then ParseInt checks the signed range.
  const bigRadix = BigInt(radix);
  const uintMax = (1n << 64n) - 1n;
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
    if (n > uintMax) throw new NumError(func, s, 'range');
  }
  if (underscores && !underscoreOK(s)) throw new NumError(func, s, 'syntax');
  if (!neg && n > INT64_MAX) throw new NumError(func, s, 'range');
  if (neg && n > INT64_MIN_ABS) throw new NumError(func, s, 'range');
  return neg ? -n : n;
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
