/**
 * Go's `encoding/json` output, byte for byte: `Marshal` (compact), `MarshalIndent`, and the string
 * escaping of `encodeState.string` with or without HTML escaping (`Encoder.SetEscapeHTML`).
 *
 * Values: `null`/`undefined` → `null`; strings; booleans; numbers as float64 (`'f'` form, `'e'` below
 * 1e-6 and from 1e21, as `floatEncoder`), bigints as integers; arrays; a `Map` is a Go map (keys in
 * byte order); a plain object is a map too, unless `isMap` says it is a struct (fields in insertion
 * order). Object fields that are `undefined` are left out, as `omitempty` would.
 */

import { formatFloat } from './strconv.ts';
import { foldRune } from './unicode.ts';
import { compareBytes } from './utf8.ts';

/** Go's `*json.UnsupportedValueError` (NaN and ±Inf cannot be encoded). */
export class UnsupportedValueError extends Error {
  constructor(shown: string) {
    super(`json: unsupported value: ${shown}`);
    this.name = 'UnsupportedValueError';
  }
}

export interface MarshalOptions {
  /** Escape `<`, `>`, `&` as `\u003c`, `\u003e`, `\u0026` (json.Marshal does; default true). */
  escapeHTML?: boolean;
  /**
   * Whether the plain object at `depth` (0 = the value itself; array elements count as one level)
   * below the top-level key `topKey` is a Go map (keys sorted) or a struct (keys kept). Default: map.
   */
  isMap?: (depth: number, topKey: string) => boolean;
}

const HEX = '0123456789abcdef';

/** Characters `quote` may change (anything else is copied as is). */
const NEEDS_ESCAPE = /["\\\u0000-\u001f<>&\u2028\u2029\ud800-\udfff]/;

/**
 * Go's `encodeState.string`: the JSON string literal of `s`.
 * - `"` and `\` are backslash-escaped; `\b \f \n \r \t` use their short forms (Go >= 1.22; older Go
 *   wrote `\u0008` and `\u000c`), other bytes below 0x20 become `\u00xx` (lower-case hex).
 * - With `escapeHTML`, `<`, `>`, `&` become `\u003c`, `\u003e`, `\u0026`.
 * - U+2028 and U+2029 always become `\u2028` / `\u2029`.
 * - Go writes `\ufffd` for invalid UTF-8; a JS string cannot hold invalid UTF-8, but a lone surrogate
 *   is the same situation, so it is written as `\ufffd` too.
 * - DEL (0x7f) and every other code point are written as they are.
 */
export function quote(s: string, escapeHTML = true): string {
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`;
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | undefined;
    if (c < 0x20) {
      switch (c) {
        case 0x08:
          esc = '\\b';
          break;
        case 0x0c:
          esc = '\\f';
          break;
        case 0x0a:
          esc = '\\n';
          break;
        case 0x0d:
          esc = '\\r';
          break;
        case 0x09:
          esc = '\\t';
          break;
        default:
          esc = `\\u00${HEX[c >> 4]}${HEX[c & 0xf]}`;
      }
    } else if (c === 0x22) {
      esc = '\\"';
    } else if (c === 0x5c) {
      esc = '\\\\';
    } else if (escapeHTML && (c === 0x3c || c === 0x3e || c === 0x26)) {
      esc = `\\u00${HEX[c >> 4]}${HEX[c & 0xf]}`;
    } else if (c === 0x2028 || c === 0x2029) {
      esc = `\\u${c.toString(16)}`;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++; // a valid pair: written as is
        continue;
      }
      esc = '\\ufffd';
    }
    if (esc !== undefined) {
      out += s.slice(start, i) + esc;
      start = i + 1;
    }
  }
  return `${out}${s.slice(start)}"`;
}

/** Go's `floatEncoder` for a float64. */
export function formatNumber(f: number): string {
  if (!Number.isFinite(f)) throw new UnsupportedValueError(formatFloat(f));
  // 'f' format unless |f| < 1e-6 or >= 1e21, then 'e' with `e-07` cleaned to `e-7`: exactly
  // JavaScript's Number#toString, except for negative zero.
  return Object.is(f, -0) ? '-0' : String(f);
}

const MAP_ALWAYS = (): boolean => true;

function encode(
  value: unknown,
  opts: MarshalOptions,
  pretty: boolean,
  prefix: string,
  indent: string,
): string {
  const escapeHTML = opts.escapeHTML ?? true;
  const isMap = opts.isMap ?? MAP_ALWAYS;
  const colon = pretty ? ': ' : ':';
  const walk = (v: unknown, depth: number, top: string): string => {
    if (v === null || v === undefined) return 'null';
    switch (typeof v) {
      case 'string':
        return quote(v, escapeHTML);
      case 'boolean':
        return v ? 'true' : 'false';
      case 'number':
        return formatNumber(v);
      case 'bigint':
        return v.toString();
    }
    const inner = pretty ? `\n${prefix}${indent.repeat(depth + 1)}` : '';
    const close = pretty ? `\n${prefix}${indent.repeat(depth)}` : '';
    if (Array.isArray(v)) {
      if (v.length === 0) return '[]';
      return `[${v.map((x) => inner + walk(x, depth + 1, top)).join(',')}${close}]`;
    }
    let entries: Array<[string, unknown]>;
    if (v instanceof Map) {
      entries = [...(v as Map<string, unknown>)].sort((a, b) => compareBytes(a[0], b[0]));
    } else {
      entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
      if (isMap(depth, top)) entries.sort((a, b) => compareBytes(a[0], b[0]));
    }
    if (entries.length === 0) return '{}';
    const parts = entries.map(
      ([k, x]) => `${inner}${quote(k, escapeHTML)}${colon}${walk(x, depth + 1, depth === 0 ? k : top)}`,
    );
    return `{${parts.join(',')}${close}}`;
  };
  return walk(value, 0, '');
}

/** `json.Marshal(v)` (compact; HTML escaping unless `escapeHTML: false`). */
export function marshal(value: unknown, opts: MarshalOptions = {}): string {
  return encode(value, opts, false, '', '');
}

/** `json.MarshalIndent(v, prefix, indent)`. */
export function marshalIndent(
  value: unknown,
  prefix: string,
  indent: string,
  opts: MarshalOptions = {},
): string {
  return encode(value, opts, true, prefix, indent);
}

/**
 * encoding/json's `foldName`: a key and a struct field name match case-insensitively when their folded
 * names are equal (the same as `bytes.EqualFold`). ASCII letters are upper-cased, every other rune
 * becomes the smallest rune of its case-folding orbit.
 */
export function foldName(s: string): string {
  let out = '';
  for (const ch of s) {
    const r = ch.codePointAt(0)!;
    if (r < 0x80) out += r >= 0x61 && r <= 0x7a ? String.fromCharCode(r - 0x20) : ch;
    else {
      const f = foldRune(r);
      out += f === r ? ch : String.fromCodePoint(f);
    }
  }
  return out;
}
