/**
 * Go regexp behaviour on top of re2js: leftmost-first matching is the same, but Go's iteration over
 * successive matches (`allMatches`: no empty match right after a previous match), `ReplaceAllString`
 * with `$1`/`${name}` expansion, and `Split` are reproduced here, since re2js follows Java's rules.
 */

import { RE2JS } from 're2js';
import { GoSlice, type GoType, type GoValue, stringSlice, T_STRING } from '../go/reflect.ts';
import { compileRegexp } from '../go/regexp.ts';
import { quote } from '../go/strconv.ts';
import { FuncError } from './funcs.ts';

const programs = new Map<string, RE2JS>();

/** Go's regexp quote() for MustCompile's panic text: backquoted when possible. */
function quoteExpr(s: string): string {
  return /^[^`\x00-\x08\x0a-\x1f\x7f\ufeff]*$/.test(s) ? `\`${s}\`` : quote(s);
}

/**
 * A compiled RE2 program for `pattern`. Validation (and Go's error text) comes from the project's
 * regexp adapter, so templates accept exactly the patterns match expressions accept; the program
 * itself is compiled here because Sprig needs find/replace/split, not only a match test.
 */
export function re2(pattern: string): RE2JS {
  const cached = programs.get(pattern);
  if (cached) return cached;
  try {
    compileRegexp(pattern);
  } catch (e) {
    // regexp.MustCompile panics with this text.
    throw new FuncError(
      `regexp: Compile(${quoteExpr(pattern)}): ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern);
  } catch (e) {
    throw new FuncError(
      `regexp: Compile(${quoteExpr(pattern)}): ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  if (programs.size >= 256) programs.clear();
  programs.set(pattern, re);
  return re;
}

export interface Match {
  start: number;
  end: number;
  groups: Array<[number, number] | null>;
}

function runeWidthAt(s: string, i: number): number {
  if (i >= s.length) return 0;
  const c = s.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1;
}

export function matchAt(re: RE2JS, s: string, pos: number): Match | null {
  const m = re.matcher(s);
  if (!m.find(pos)) return null;
  const groups: Array<[number, number] | null> = [];
  for (let g = 0; g <= m.groupCount(); g++) {
    const st = m.start(g);
    groups.push(st < 0 ? null : [st, m.end(g)]);
  }
  return { start: m.start(), end: m.end(), groups };
}

/** Go's (*Regexp).allMatches. */
export function allMatches(re: RE2JS, s: string, n: number): Match[] {
  const out: Match[] = [];
  const limit = n < 0 ? s.length + 1 : n;
  let pos = 0;
  let prevEnd = -1;
  while (out.length < limit && pos <= s.length) {
    const m = matchAt(re, s, pos);
    if (m === null) break;
    let accept = true;
    if (m.end === pos) {
      if (m.start === prevEnd) accept = false;
      pos += runeWidthAt(s, pos) || 1;
    } else pos = m.end;
    prevEnd = m.end;
    if (accept) out.push(m);
  }
  return out;
}

/** Go's Regexp.expand for `$1`, `${name}`, `$$`. */
export function expand(re: RE2JS, template: string, src: string, m: Match): string {
  const names = re.namedGroups() as Record<string, number>;
  let out = '';
  let t = template;
  for (;;) {
    const i = t.indexOf('$');
    if (i < 0) break;
    out += t.slice(0, i);
    t = t.slice(i + 1);
    if (t.startsWith('$')) {
      out += '$';
      t = t.slice(1);
      continue;
    }
    let str = t;
    let brace = false;
    if (str.startsWith('{')) {
      brace = true;
      str = str.slice(1);
    }
    const nm = /^[\p{L}\p{Nd}_]+/u.exec(str);
    if (!nm || (brace && str[nm[0].length] !== '}')) {
      out += '$';
      continue;
    }
    const name = nm[0];
    t = str.slice(name.length + (brace ? 1 : 0));
    let num = -1;
    if (/^\d+$/.test(name) && !(name.length > 1 && name[0] === '0') && name.length <= 8) num = Number(name);
    const idx = num >= 0 ? num : Object.hasOwn(names, name) ? names[name] : undefined;
    if (idx !== undefined) {
      const g = m.groups[idx];
      if (g) out += src.slice(g[0], g[1]);
    }
  }
  return out + t;
}

export function replaceAll(re: RE2JS, src: string, repl: (m: Match) => string): string {
  let out = '';
  let lastEnd = 0;
  let searchPos = 0;
  while (searchPos <= src.length) {
    const m = matchAt(re, src, searchPos);
    if (m === null) break;
    out += src.slice(lastEnd, m.start);
    if (m.end > lastEnd || m.start === 0) out += repl(m);
    lastEnd = m.end;
    const width = runeWidthAt(src, searchPos);
    if (searchPos + width > m.end) searchPos += width;
    else if (searchPos + 1 > m.end) searchPos++;
    else searchPos = m.end;
  }
  return out + src.slice(lastEnd);
}

export function regexSplit(re: RE2JS, s: string, n: number, exprEmpty: boolean): GoValue {
  if (n === 0) return new GoSlice(T_STRING_SLICE, null);
  if (!exprEmpty && s === '') return stringSlice(['']);
  const matches = allMatches(re, s, n);
  const parts: string[] = [];
  let beg = 0;
  let end = 0;
  for (const m of matches) {
    if (n > 0 && parts.length === n - 1) break;
    end = m.start;
    if (m.end !== 0) parts.push(s.slice(beg, end));
    beg = m.end;
  }
  if (end !== s.length) parts.push(s.slice(beg));
  return stringSlice(parts);
}

export const T_STRING_SLICE: GoType = { k: 'slice', elem: T_STRING };

export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, (c) => `\\${c}`);
}
