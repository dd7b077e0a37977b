/**
 * Masterminds/semver v3.5.0 constraints (`NewConstraint` + `Check`), as Sprig's `semverCompare` uses
 * them. The constraint grammar is defined by Masterminds with Go regular expressions; the same
 * expressions run here on re2js, so what is accepted and how it splits is identical.
 */

import { RE2JS } from 're2js';
import { compareVersions, parseVersion, type Version } from '../go/semver.ts';
import { quote } from '../go/strconv.ts';
import { utf8Length } from '../go/utf8.ts';
import { FuncError } from './funcs.ts';
import { allMatches, matchAt } from './go-regexp.ts';

const MAX_CONSTRAINT_LEN = 512;
const MAX_CONSTRAINT_GROUPS = 32;

const CV =
  String.raw`v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?` +
  String.raw`(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?` +
  String.raw`(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?`;
const OPS = String.raw`=||!=|>|<|>=|=>|<=|=<|~|~>|\^`;

let compiled: { constraint: RE2JS; range: RE2JS; find: RE2JS; valid: RE2JS } | undefined;

function regexes(): NonNullable<typeof compiled> {
  compiled ??= {
    constraint: RE2JS.compile(String.raw`^\s*(${OPS})\s*(${CV})\s*$`),
    range: RE2JS.compile(String.raw`\s*(${CV})\s+-\s+(${CV})\s*`),
    find: RE2JS.compile(String.raw`(${OPS})\s*(${CV})`),
    valid: RE2JS.compile(String.raw`^(\s*(${OPS})\s*(${CV})\s*)((?:\s+|,\s*)(${OPS})\s*(${CV})\s*)*$`),
  };
  return compiled;
}

interface Constraint {
  con: Version;
  orig: string;
  op: string;
  dirty: boolean;
  minorDirty: boolean;
  patchDirty: boolean;
}

const isX = (x: string): boolean => x === 'x' || x === '*' || x === 'X';

function group(s: string, m: { groups: Array<[number, number] | null> }, i: number): string {
  const g = m.groups[i];
  return g ? s.slice(g[0], g[1]) : '';
}

function rewriteRange(c: string): string {
  const { range } = regexes();
  const ms = allMatches(range, c, -1);
  let o = c;
  for (const m of ms) {
    const whole = c.slice(m.start, m.end);
    const t = `>= ${group(c, m, 1)}, <= ${group(c, m, 11)} `;
    o = o.replace(whole, () => t);
  }
  return o;
}

function parseConstraint(c: string): Constraint {
  if (c.length === 0) {
    return { con: parseVersion('0.0.0'), orig: c, op: '', dirty: true, minorDirty: false, patchDirty: false };
  }
  const m = matchAt(regexes().constraint, c, 0);
  if (m === null) throw new FuncError(`improper constraint: ${quote(c)}`);
  const g = (i: number): string => group(c, m, i);
  let ver = g(2);
  let dirty = false;
  let minorDirty = false;
  let patchDirty = false;
  if (isX(g(3)) || g(3) === '') {
    ver = `0.0.0${g(6)}`;
    dirty = true;
  } else if (isX(g(4).replace(/^\./, '')) || g(4) === '') {
    minorDirty = true;
    dirty = true;
    ver = `${g(3)}.0.0${g(6)}`;
  } else if (isX(g(5).replace(/^\./, '')) || g(5) === '') {
    dirty = true;
    patchDirty = true;
    ver = `${g(3)}${g(4)}.0${g(6)}`;
  }
  let con: Version;
  try {
    con = parseVersion(ver);
  } catch {
    throw new FuncError('constraint parser error');
  }
  return { con, orig: g(2), op: g(1), dirty, minorDirty, patchDirty };
}

const cmp = (a: Version, b: Version): number => compareVersions(a, b);

function check(v: Version, c: Constraint, includePre: boolean): boolean {
  if (v.prerelease !== '' && !includePre) return false;
  const con = c.con;
  const tilde = (): boolean => {
    if (cmp(v, con) < 0) return false;
    if (con.major === 0 && con.minor === 0 && con.patch === 0 && !c.minorDirty && !c.patchDirty) return true;
    if (v.major !== con.major) return false;
    if (v.minor !== con.minor && !c.minorDirty) return false;
    return true;
  };
  switch (c.op) {
    case '':
    case '=':
      if (c.dirty) return tilde();
      return cmp(v, con) === 0;
    case '!=':
      if (c.dirty) {
        if (con.major !== v.major) return true;
        if (con.minor !== v.minor && !c.minorDirty) return true;
        if (c.minorDirty) return false;
        if (con.patch !== v.patch && !c.patchDirty) return true;
        if (c.patchDirty) {
          if (v.prerelease !== '' || con.prerelease !== '') {
            return comparePre(v.prerelease, con.prerelease) !== 0;
          }
          return false;
        }
      }
      return cmp(v, con) !== 0;
    case '>':
      if (!c.dirty) return cmp(v, con) === 1;
      if (v.major > con.major) return true;
      if (v.major < con.major) return false;
      if (c.minorDirty) return false;
      if (c.patchDirty) return v.minor > con.minor;
      return cmp(v, con) === 1;
    case '<':
      return cmp(v, con) < 0;
    case '>=':
    case '=>':
      return cmp(v, con) >= 0;
    case '<=':
    case '=<':
      if (!c.dirty) return cmp(v, con) <= 0;
      if (v.major > con.major) return false;
      if (v.major === con.major && v.minor > con.minor && !c.minorDirty) return false;
      return true;
    case '~':
    case '~>':
      return tilde();
    case '^': {
      if (cmp(v, con) < 0) return false;
      if (con.major > 0 || c.minorDirty) return v.major === con.major;
      if (con.major === 0 && v.major > 0) return false;
      if (con.minor > 0 || c.patchDirty) return v.minor === con.minor;
      if (con.minor === 0 && v.minor > 0) return false;
      return con.patch === v.patch;
    }
  }
  return false;
}

/** Masterminds comparePrerelease on two pre-release strings (via a full version comparison). */
function comparePre(a: string, b: string): number {
  const base = { major: 0, minor: 0, patch: 0, metadata: '', original: '' };
  return compareVersions({ ...base, prerelease: a }, { ...base, prerelease: b });
}

/** Sprig's semverCompare(constraint, version). Throws FuncError with Masterminds' messages. */
export function semverCompare(constraint: string, version: string): boolean {
  if (utf8Length(constraint) > MAX_CONSTRAINT_LEN) {
    throw new FuncError(`constraint string is too long (max ${MAX_CONSTRAINT_LEN} bytes)`);
  }
  const c = rewriteRange(constraint);
  const ors = c.split('||');
  if (ors.length > MAX_CONSTRAINT_GROUPS)
    throw new FuncError(`too many constraint groups (max ${MAX_CONSTRAINT_GROUPS})`);
  const { valid, find } = regexes();
  const groups: Array<{ cs: Constraint[]; hasPre: boolean }> = [];
  for (const o of ors) {
    if (matchAt(valid, o, 0) === null) throw new FuncError(`improper constraint: ${quote(o)}`);
    const found = allMatches(find, o, -1).map((m) => o.slice(m.start, m.end));
    const parts = found.length === 0 ? [o] : found;
    const cs = parts.map(parseConstraint);
    groups.push({ cs, hasPre: cs.some((x) => x.con.prerelease !== '') });
  }
  let v: Version;
  try {
    v = parseVersion(version);
  } catch (e) {
    throw new FuncError(e instanceof Error ? e.message : String(e));
  }
  return groups.some((g) => g.cs.every((x) => check(v, x, g.hasPre)));
}
