/**
 * Go's `strings` functions whose answers differ from JavaScript's built-ins: case mapping with Go's
 * simple (one rune to one rune) mappings from Go's Unicode tables (`ß` stays `ß`, `ᾳ` becomes `ᾼ`;
 * JavaScript gives `SS` and `ΑΙ`), Go's space class for trimming and splitting, and `Split`'s `n`.
 */

import {
  isDigit,
  isLetter,
  isSpace,
  toLower as lowerRune,
  toTitle,
  toUpper as upperRune,
} from './unicode.ts';

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
  return true;
}

/** `strings.Map(f, s)` for a one-to-one rune mapping. */
function mapRunes(s: string, f: (r: number) => number): string {
  let out = '';
  for (const ch of s) {
    const r = ch.codePointAt(0)!;
    const m = f(r);
    out += m === r ? ch : String.fromCodePoint(m);
  }
  return out;
}

/** `strings.ToUpper`: `unicode.ToUpper` on every rune. */
export function toUpper(s: string): string {
  return isAscii(s) ? s.toUpperCase() : mapRunes(s, upperRune);
}

/** `strings.ToLower`: `unicode.ToLower` on every rune. */
export function toLower(s: string): string {
  return isAscii(s) ? s.toLowerCase() : mapRunes(s, lowerRune);
}

/** strings.Title's `isSeparator`: ASCII non-alphanumerics (but `_`), and spaces. */
function isSeparator(r: number): boolean {
  if (r <= 0x7f) {
    const l = r | 0x20;
    return !((r >= 0x30 && r <= 0x39) || (l >= 0x61 && l <= 0x7a) || r === 0x5f);
  }
  if (isLetter(r) || isDigit(r)) return false;
  return isSpace(r);
}

/** `strings.Title` (deprecated in Go, used by Sprig's `title`): `unicode.ToTitle` on each word's first rune. */
export function title(s: string): string {
  let prev = 0x20;
  let out = '';
  for (const ch of s) {
    const r = ch.codePointAt(0)!;
    if (isSeparator(prev)) {
      const t = toTitle(r);
      out += t === r ? ch : String.fromCodePoint(t);
    } else {
      out += ch;
    }
    prev = r;
  }
  return out;
}

function isSpaceAt(s: string, i: number): boolean {
  return isSpace(s.codePointAt(i)!);
}

/** `strings.TrimSpace`: strip leading and trailing `unicode.IsSpace` runes (all are in the BMP). */
export function trimSpace(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isSpaceAt(s, a)) a++;
  while (b > a && isSpaceAt(s, b - 1)) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/** `strings.Trim(s, cutset)`: strip leading and trailing runes that are in `cutset`. */
export function trim(s: string, cutset: string): string {
  if (s === '' || cutset === '') return s;
  const set = new Set(cutset);
  const chars = [...s];
  let a = 0;
  let b = chars.length;
  while (a < b && set.has(chars[a]!)) a++;
  while (b > a && set.has(chars[b - 1]!)) b--;
  return chars.slice(a, b).join('');
}

/** `strings.Fields`: the runs of non-space runes. */
export function fields(s: string): string[] {
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i < s.length; i++) {
    if (isSpaceAt(s, i)) {
      if (start >= 0) out.push(s.slice(start, i));
      start = -1;
    } else if (start < 0) {
      start = i;
    }
  }
  if (start >= 0) out.push(s.slice(start));
  return out;
}

/** `strings.SplitN(s, sep, n)`; `n < 0` is `strings.Split`. An empty `sep` splits into runes. */
export function split(s: string, sep: string, n = -1): string[] {
  if (n === 0) return [];
  if (sep === '') {
    const chars = [...s];
    if (n < 0 || n >= chars.length) return chars;
    return [...chars.slice(0, n - 1), chars.slice(n - 1).join('')];
  }
  const parts: string[] = [];
  let rest = s;
  while (n < 0 || parts.length < n - 1) {
    const i = rest.indexOf(sep);
    if (i < 0) break;
    parts.push(rest.slice(0, i));
    rest = rest.slice(i + sep.length);
  }
  parts.push(rest);
  return parts;
}
