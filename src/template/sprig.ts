/**
 * The Sprig v3.3.0 functions imgcompat implements, with Sprig's Go signatures (which decide what
 * text/template accepts as arguments) and behaviour, including Sprig's quirks: argument order made
 * for pipelines (`"foobar" | contains "foo"`), non-`must` variants that panic (reported by the
 * executor as `error calling X: ...`), and spf13/cast conversions for the math functions.
 *
 * NFD uses sprig.TxtFuncMap() minus env, expandenv and getHostByName. The Sprig functions that are
 * not deterministic or not implemented here (dates, random, crypto, UUIDs, ...) are listed in
 * UNSUPPORTED_SPRIG: a template using one fails at parse time with a message naming it.
 */

import { formatV, sprintf } from '../go/fmt.ts';
import * as json from '../go/json.ts';
import {
  float64,
  GoFloat,
  GoInt,
  GoMap,
  GoObject,
  GoSlice,
  type GoType,
  type GoValue,
  ifaceSlice,
  int,
  int64,
  sortedKeys,
  stringSlice,
  T_BOOL,
  T_IFACE,
  T_INT,
  T_MAP_STRING_IFACE,
  T_MAP_STRING_STRING,
  T_SLICE_INT,
  T_STRING,
  typeOf,
} from '../go/reflect.ts';
import { compareVersions, parseVersion, type Version } from '../go/semver.ts';
import { quote } from '../go/strconv.ts';
import * as strings from '../go/strings.ts';
import { isSpace } from '../go/unicode.ts';
import { compareBytes, utf8Length } from '../go/utf8.ts';
import { eq } from './builtins.ts';
import { FuncError, type FuncMap, type GoFunc } from './funcs.ts';
import {
  allMatches,
  expand,
  matchAt,
  quoteMeta,
  re2,
  regexSplit,
  replaceAll,
  T_STRING_SLICE,
} from './go-regexp.ts';
import { checkList, checkString } from './limits.ts';
import { semverCompare } from './semver-constraint.ts';

const S = T_STRING;
const I = T_INT;
const A = T_IFACE;
const B = T_BOOL;
const MSI = T_MAP_STRING_IFACE;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const NIL_DEREF = 'runtime error: invalid memory address or nil pointer dereference';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const ASCII = /^[\x00-\x7f]*$/;

/** s[a:b] on the UTF-8 bytes of s, with Go's bounds panic. */
function byteSlice(s: string, a: number, b?: number): string {
  const len = ASCII.test(s) ? s.length : utf8Length(s);
  const end = b ?? len;
  if (a < 0 || end > len || a > end) {
    throw new FuncError(`runtime error: slice bounds out of range [${a}:${end}] with length ${len}`);
  }
  if (len === s.length) return s.slice(a, end);
  return decoder.decode(encoder.encode(s).subarray(a, end));
}

/** Sprig's strval: strings as-is, Stringers via String(), everything else with %v. */
export function strval(v: GoValue): string {
  if (typeof v === 'string') return v;
  if (v instanceof GoObject) return v.str();
  return formatV(v);
}

/** Sprig's strslice. */
function strslice(v: GoValue): string[] {
  if (v instanceof GoSlice) {
    const out: string[] = [];
    for (const e of v.a ?? []) if (e !== null && e !== undefined) out.push(strval(e));
    return out;
  }
  if (v === null || v === undefined) return [];
  return [strval(v)];
}

/** Go's int64(f) conversion of a float on amd64 (out of range gives the minimum int64). */
function floatToInt64(f: number): bigint {
  if (!Number.isFinite(f) || f >= 2 ** 63 || f < -(2 ** 63)) return INT64_MIN;
  return BigInt(Math.trunc(f));
}

function bigMax(a: bigint, b: bigint): bigint {
  return b > a ? b : a;
}

function bigMin(a: bigint, b: bigint): bigint {
  return b < a ? b : a;
}

function wrapInt64(v: bigint): bigint {
  return BigInt.asIntN(64, v);
}

function trimZeroDecimal(s: string): string {
  let foundZero = false;
  for (let i = s.length; i > 0; i--) {
    const c = s[i - 1];
    if (c === '.') {
      if (foundZero) return s.slice(0, i - 1);
    } else if (c === '0') foundZero = true;
    else return s;
  }
  return s;
}

/** strconv.ParseInt(s, 0, 64). */
function parseIntBase0(s: string): bigint | undefined {
  const m = /^([+-]?)(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|0[0-7_]*|[1-9][0-9_]*)$/.exec(s);
  if (!m) return undefined;
  let body = m[2] ?? '';
  if (body.includes('_')) {
    if (/__|_$/.test(body) || /^[1-9]/.test(body) === false ? /^0_?$/.test(body) : false) return undefined;
    if (/^_|__|_$/.test(body.replace(/^0[xXoObB]?/, 'p'))) return undefined;
    body = body.replaceAll('_', '');
  }
  let v: bigint;
  if (/^0[xX]/.test(body)) v = BigInt(body);
  else if (/^0[oO]/.test(body)) v = BigInt(`0o${body.slice(2)}`);
  else if (/^0[bB]/.test(body)) v = BigInt(body);
  else if (body.length > 1 && body[0] === '0') v = BigInt(`0o${body.slice(1)}`);
  else v = BigInt(body);
  if (m[1] === '-') v = -v;
  if (v < INT64_MIN || v > INT64_MAX) return undefined;
  return v;
}

/** spf13/cast ToInt64 (errors become 0, as Sprig ignores them). */
export function castToInt64(v: GoValue): bigint {
  if (v instanceof GoInt) return wrapInt64(v.v);
  if (v instanceof GoFloat) return floatToInt64(v.v);
  if (typeof v === 'string') return parseIntBase0(trimZeroDecimal(v)) ?? 0n;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  return 0n;
}

/** spf13/cast ToFloat64. */
export function castToFloat64(v: GoValue): number {
  if (v instanceof GoInt) return Number(v.v);
  if (v instanceof GoFloat) return v.v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const s = v.replaceAll('_', '');
    if (/^[+-]?(inf|infinity)$/i.test(v)) return v.startsWith('-') ? -Infinity : Infinity;
    if (/^[+-]?nan$/i.test(v)) return Number.NaN;
    if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s) && !/^_|_$|__/.test(v)) {
      const f = Number(s);
      return Number.isFinite(f) ? f : 0;
    }
    return 0;
  }
  return 0;
}

/** The list payload of a slice argument, or Sprig's error for other kinds. */
function listOf(v: GoValue, what: string, suffix = ''): GoValue[] {
  if (v instanceof GoSlice) return v.a ?? [];
  if (v === null || v === undefined) throw new FuncError(NIL_DEREF);
  throw new FuncError(`${what} ${kindName(v)}${suffix}`);
}

/** reflect.Kind's name of a value, as Sprig's messages print it. */
function kindName(v: GoValue): string {
  const t = typeOf(v);
  if (t === undefined) return 'invalid';
  switch (t.k) {
    case 'iface':
      return 'interface';
    case 'int':
    case 'uint':
    case 'float':
      return t.name;
    case 'object':
      return 'ptr';
  }
  return t.k;
}

/** reflect.DeepEqual for template values. */
export function deepEqual(a: GoValue, b: GoValue): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return a === b;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  const ta = typeOf(a);
  const tb = typeOf(b);
  if (ta === undefined || tb === undefined || formatType(ta) !== formatType(tb)) return false;
  if (a instanceof GoInt && b instanceof GoInt) return a.v === b.v;
  if (a instanceof GoFloat && b instanceof GoFloat) return a.v === b.v;
  if (a instanceof GoSlice && b instanceof GoSlice) {
    if ((a.a === null) !== (b.a === null)) return false;
    const x = a.a ?? [];
    const y = b.a ?? [];
    return x.length === y.length && x.every((e, i) => deepEqual(e, y[i]));
  }
  if (a instanceof GoMap && b instanceof GoMap) {
    if ((a.m === null) !== (b.m === null)) return false;
    const x = a.m ?? new Map();
    const y = b.m ?? new Map();
    if (x.size !== y.size) return false;
    for (const [k, v] of x) if (!y.has(k) || !deepEqual(v, y.get(k))) return false;
    return true;
  }
  return false;
}

function formatType(t: GoType): string {
  return JSON.stringify(t);
}

/** Sprig's `empty`. */
function isEmpty(v: GoValue): boolean {
  if (v === null || v === undefined) return true;
  if (typeof v === 'string') return v.length === 0;
  if (typeof v === 'boolean') return !v;
  if (v instanceof GoInt) return v.v === 0n;
  if (v instanceof GoFloat) return v.v === 0;
  if (v instanceof GoSlice) return (v.a?.length ?? 0) === 0;
  if (v instanceof GoMap) return (v.m?.size ?? 0) === 0;
  return false;
}

function mapOf(v: GoValue): Map<string, GoValue> {
  return (v as GoMap).m ?? new Map();
}

/**
 * Go's encoding/json `Marshal` or `MarshalIndent(v, "", indent)` of a template value (Sprig's toJson,
 * toPrettyJson, toRawJson): typed nils are `null`, Go maps print with sorted keys.
 */
function jsonMarshal(v: GoValue, escapeHTML: boolean, indent = ''): string {
  const plain = (x: GoValue): unknown => {
    if (x === null || x === undefined || typeof x === 'string' || typeof x === 'boolean') return x ?? null;
    if (x instanceof GoInt) return x.v;
    if (x instanceof GoFloat) {
      if (!Number.isFinite(x.v)) throw new FuncError(`json: unsupported value: ${formatV(x)}`);
      return x.v;
    }
    if (x instanceof GoSlice) return x.a === null ? null : x.a.map(plain);
    if (x instanceof GoMap) {
      if (x.m === null) return null;
      const m = new Map<string, unknown>();
      for (const [k, e] of x.m) m.set(k, plain(e));
      return m;
    }
    return x.str();
  };
  const p = plain(v);
  return indent === '' ? json.marshal(p, { escapeHTML }) : json.marshalIndent(p, '', indent, { escapeHTML });
}

function fromJsonText(s: string): GoValue {
  let parsed: unknown;
  try {
    parsed = JSON.parse(s);
  } catch (e) {
    throw new FuncError(e instanceof Error ? e.message : String(e));
  }
  const conv = (x: unknown): GoValue => {
    if (x === null) return null;
    if (typeof x === 'string' || typeof x === 'boolean') return x;
    if (typeof x === 'number') return float64(x);
    if (Array.isArray(x)) return ifaceSlice(x.map(conv));
    const m = new Map<string, GoValue>();
    for (const [k, v] of Object.entries(x as Record<string, unknown>)) m.set(k, conv(v));
    return new GoMap(MSI, m);
  };
  return conv(parsed);
}

// ---- semver ---------------------------------------------------------------------------------------

function versionString(v: Version): string {
  let s = `${v.major}.${v.minor}.${v.patch}`;
  if (v.prerelease) s += `-${v.prerelease}`;
  if (v.metadata) s += `+${v.metadata}`;
  return s;
}

function versionObject(v: Version): GoObject {
  const u64 = (x: number | bigint): GoValue => new GoInt({ k: 'uint', name: 'uint64' }, BigInt(x));
  return new GoObject(
    '*semver.Version',
    {
      Major: () => u64(v.major),
      Minor: () => u64(v.minor),
      Patch: () => u64(v.patch),
      Prerelease: () => v.prerelease,
      Metadata: () => v.metadata,
      Original: () => v.original,
      String: () => versionString(v),
    },
    () => versionString(v),
  );
}

// ---- the function map -----------------------------------------------------------------------------

/** Sprig functions that exist in Sprig v3.3.0 but that imgcompat does not implement. */
export const UNSUPPORTED_SPRIG: ReadonlySet<string> = new Set([
  'hello',
  'ago',
  'date',
  'dateInZone',
  'dateModify',
  'duration',
  'durationRound',
  'htmlDate',
  'htmlDateInZone',
  'mustDateModify',
  'mustToDate',
  'now',
  'toDate',
  'unixEpoch',
  'abbrev',
  'abbrevboth',
  'initials',
  'randAlphaNum',
  'randAlpha',
  'randAscii',
  'randNumeric',
  'swapcase',
  'shuffle',
  'snakecase',
  'camelcase',
  'kebabcase',
  'wrap',
  'wrapWith',
  'sha1sum',
  'sha256sum',
  'sha512sum',
  'adler32sum',
  'toDecimal',
  'seq',
  'randInt',
  'add1f',
  'addf',
  'subf',
  'divf',
  'mulf',
  'maxf',
  'minf',
  'ceil',
  'floor',
  'round',
  'deepCopy',
  'mustDeepCopy',
  'typeOf',
  'typeIs',
  'typeIsLike',
  'kindOf',
  'kindIs',
  'deepEqual',
  'osBase',
  'osClean',
  'osDir',
  'osExt',
  'osIsAbs',
  'b32enc',
  'b32dec',
  'merge',
  'mergeOverwrite',
  'mustMerge',
  'mustMergeOverwrite',
  'chunk',
  'mustChunk',
  'bcrypt',
  'htpasswd',
  'genPrivateKey',
  'derivePassword',
  'buildCustomCert',
  'genCA',
  'genCAWithKey',
  'genSelfSignedCert',
  'genSelfSignedCertWithKey',
  'genSignedCert',
  'genSignedCertWithKey',
  'encryptAES',
  'decryptAES',
  'randBytes',
  'uuidv4',
  'urlParse',
  'urlJoin',
  'dig',
]);

/** Sprig functions NFD removes from the map; Go reports them as undefined. */
export const REMOVED_BY_NFD: ReadonlySet<string> = new Set(['env', 'expandenv', 'getHostByName']);

function mustAsError<T>(f: () => T): T {
  return f();
}

export function sprigFuncs(): FuncMap {
  const m = new Map<string, GoFunc>();
  const def = (
    name: string,
    params: GoFunc['params'],
    fn: GoFunc['fn'],
    variadic?: GoFunc['variadic'],
  ): void => {
    m.set(name, variadic === undefined ? { params, fn } : { params, variadic, fn });
  };

  // strings
  def('trim', [S], (s) => strings.trimSpace(s as string));
  def('upper', [S], (s) => strings.toUpper(s as string));
  def('lower', [S], (s) => strings.toLower(s as string));
  def('title', [S], (s) => strings.title(s as string));
  // goutils.Uncapitalize: lower-case the first letter of every whitespace-separated word.
  def('untitle', [S], (s) => {
    let next = true;
    let out = '';
    for (const c of s as string) {
      if (isSpace(c.codePointAt(0)!)) {
        next = true;
        out += c;
      } else if (next) {
        out += strings.toLower(c);
        next = false;
      } else out += c;
    }
    return out;
  });
  def('substr', [I, I, S], (a, b, s) => {
    const start = Number((a as GoInt).v);
    const end = Number((b as GoInt).v);
    const str = s as string;
    if (start < 0) return byteSlice(str, 0, end);
    if (end < 0 || end > utf8Length(str)) return byteSlice(str, start);
    return byteSlice(str, start, end);
  });
  def('trunc', [I, S], (c, s) => {
    const n = Number((c as GoInt).v);
    const str = s as string;
    const len = utf8Length(str);
    if (n < 0 && len + n > 0) return byteSlice(str, len + n);
    if (n >= 0 && len > n) return byteSlice(str, 0, n);
    return str;
  });
  def('repeat', [I, S], (c, s) => {
    const n = Number((c as GoInt).v);
    if (n < 0) throw new FuncError('strings: negative Repeat count');
    checkString(n * (s as string).length);
    return (s as string).repeat(n);
  });
  for (const name of ['trimall', 'trimAll'])
    def(name, [S, S], (a, b) => strings.trim(b as string, a as string));
  def('trimSuffix', [S, S], (a, b) => {
    const [x, y] = [a as string, b as string];
    return x !== '' && y.endsWith(x) ? y.slice(0, y.length - x.length) : y;
  });
  def('trimPrefix', [S, S], (a, b) => {
    const [x, y] = [a as string, b as string];
    return y.startsWith(x) ? y.slice(x.length) : y;
  });
  // goutils.DeleteWhiteSpace walks bytes, not runes: each byte is taken as a Latin-1 rune, so a
  // multi-byte character is re-encoded as several (and 0x85/0xA0 continuation bytes count as space).
  def('nospace', [S], (s) => {
    const str = s as string;
    const bytes = encoder.encode(str);
    let out = '';
    let removed = false;
    for (const b of bytes) {
      const c = String.fromCharCode(b);
      if (isSpace(c.codePointAt(0)!)) removed = true;
      else out += c;
    }
    return removed ? out : str;
  });
  def('contains', [S, S], (sub, s) => (s as string).includes(sub as string));
  def('hasPrefix', [S, S], (sub, s) => (s as string).startsWith(sub as string));
  def('hasSuffix', [S, S], (sub, s) => (s as string).endsWith(sub as string));
  def(
    'quote',
    [],
    (...a) =>
      a
        .filter((x) => x !== null && x !== undefined)
        .map((x) => quote(strval(x)))
        .join(' '),
    A,
  );
  def(
    'squote',
    [],
    (...a) =>
      a
        .filter((x) => x !== null && x !== undefined)
        .map((x) => `'${formatV(x)}'`)
        .join(' '),
    A,
  );
  def(
    'cat',
    [],
    (...a) => {
      const v = a.filter((x) => x !== null && x !== undefined);
      return sprintf(Array(v.length).fill('%v').join(' '), v);
    },
    A,
  );
  const indent = (n: GoValue, s: GoValue): string => {
    const width = Number((n as GoInt).v);
    if (width < 0) throw new FuncError('strings: negative Repeat count');
    const str = s as string;
    checkString(str.length + width * (countOf(str, '\n') + 1));
    const pad = ' '.repeat(width);
    return pad + str.replaceAll('\n', `\n${pad}`);
  };
  def('indent', [I, S], indent);
  def('nindent', [I, S], (n, s) => `\n${indent(n, s)}`);
  def('replace', [S, S, S], (o, n, s) => {
    const [old, next, str] = [o as string, n as string, s as string];
    // strings.Replace with an empty old inserts at every rune boundary: at most length + 1 places.
    const count = old === '' ? str.length + 1 : countOf(str, old);
    checkString(str.length + count * (next.length - old.length));
    return str.replaceAll(old, next);
  });
  def('plural', [S, S, I], (one, many, c) => ((c as GoInt).v === 1n ? one : many));
  def('toString', [A], (v) => strval(v));
  def('atoi', [S], (s) => {
    const m = /^[+-]?\d+$/.exec(s as string);
    if (!m) return int(0);
    const v = BigInt(s as string);
    return int(v < INT64_MIN || v > INT64_MAX ? 0n : v);
  });
  def('int64', [A], (v) => int64(castToInt64(v)));
  def('int', [A], (v) => int(castToInt64(v)));
  def('float64', [A], (v) => float64(castToFloat64(v)));
  def('split', [S, S], (sep, s) => {
    const parts = strings.split(s as string, sep as string);
    return new GoMap(T_MAP_STRING_STRING, new Map(parts.map((p, i) => [`_${i}`, p])));
  });
  def('splitList', [S, S], (sep, s) => stringSlice(strings.split(s as string, sep as string)));
  def('splitn', [S, I, S], (sep, n, s) => {
    const parts = strings.split(s as string, sep as string, Number((n as GoInt).v));
    return new GoMap(T_MAP_STRING_STRING, new Map(parts.map((p, i) => [`_${i}`, p])));
  });
  def('toStrings', [A], (v) => stringSlice(strslice(v)));
  def('join', [S, A], (sep, v) => {
    const parts = strslice(v);
    let n = (sep as string).length * Math.max(0, parts.length - 1);
    for (const p of parts) n += p.length;
    checkString(n);
    return parts.join(sep as string);
  });
  def('sortAlpha', [A], (v) => {
    if (v instanceof GoSlice) return stringSlice(strslice(v).sort(compareBytes));
    return stringSlice([strval(v)]);
  });
  def('until', [I], (c) => {
    const n = Number((c as GoInt).v);
    const step = n < 0 ? -1 : 1;
    return untilStep(0, n, step);
  });
  def('untilStep', [I, I, I], (a, b, c) =>
    untilStep(Number((a as GoInt).v), Number((b as GoInt).v), Number((c as GoInt).v)),
  );

  // math (int64 results, spf13/cast conversions, wrap-around like Go)
  def('add1', [A], (v) => int64(wrapInt64(castToInt64(v) + 1n)));
  def('add', [], (...a) => int64(a.reduce<bigint>((s, x) => wrapInt64(s + castToInt64(x)), 0n)), A);
  def('sub', [A, A], (a, b) => int64(wrapInt64(castToInt64(a) - castToInt64(b))));
  def('div', [A, A], (a, b) => {
    const d = castToInt64(b);
    if (d === 0n) throw new FuncError('runtime error: integer divide by zero');
    return int64(wrapInt64(castToInt64(a) / d));
  });
  def('mod', [A, A], (a, b) => {
    const d = castToInt64(b);
    if (d === 0n) throw new FuncError('runtime error: integer divide by zero');
    return int64(castToInt64(a) % d);
  });
  def(
    'mul',
    [A],
    (a, ...v) => int64(v.reduce<bigint>((s, x) => wrapInt64(s * castToInt64(x)), castToInt64(a))),
    A,
  );
  const maxFn = (a: GoValue, ...v: GoValue[]): GoValue =>
    int64(v.reduce<bigint>((s, x) => bigMax(s, castToInt64(x)), castToInt64(a)));
  def('max', [A], maxFn, A);
  def('biggest', [A], maxFn, A);
  def(
    'min',
    [A],
    (a, ...v) => int64(v.reduce<bigint>((s, x) => bigMin(s, castToInt64(x)), castToInt64(a))),
    A,
  );

  // defaults
  def(
    'default',
    [A],
    (d, ...given) => (given.length === 0 || isEmpty(given[0]) ? d : (given[0] as GoValue)),
    A,
  );
  def('empty', [A], (v) => isEmpty(v));
  def('coalesce', [], (...v) => v.find((x) => !isEmpty(x)) ?? null, A);
  def('all', [], (...v) => v.every((x) => !isEmpty(x)), A);
  def('any', [], (...v) => v.some((x) => !isEmpty(x)), A);
  def('compact', [A], (l) => ifaceSlice(listOf(l, 'Cannot compact on type').filter((x) => !isEmpty(x))));
  def('mustCompact', [A], (l) => ifaceSlice(listOf(l, 'Cannot compact on type').filter((x) => !isEmpty(x))));
  def('ternary', [A, A, B], (vt, vf, c) => (c ? vt : vf));
  def('fail', [S], (msg) => {
    throw new FuncError(msg as string);
  });
  // Sprig's toJson family: the must* form fails with the encoding error, the plain one prints ''.
  for (const [name, escapeHTML, indent] of [
    ['ToJson', true, ''],
    ['ToPrettyJson', true, '  '],
    ['ToRawJson', false, ''],
  ] as const) {
    def(`to${name.slice(2)}`, [A], (v) => {
      try {
        return jsonMarshal(v, escapeHTML, indent);
      } catch {
        return '';
      }
    });
    def(`must${name}`, [A], (v) => jsonMarshal(v, escapeHTML, indent));
  }
  def('fromJson', [S], (s) => {
    try {
      return fromJsonText(s as string);
    } catch {
      return null;
    }
  });
  def('mustFromJson', [S], (s) => fromJsonText(s as string));

  // paths (Go's path package)
  def('base', [S], (p) => pathBase(p as string));
  def('dir', [S], (p) => pathDir(p as string));
  def('clean', [S], (p) => pathClean(p as string));
  def('ext', [S], (p) => {
    const s = p as string;
    for (let i = s.length - 1; i >= 0 && s[i] !== '/'; i--) if (s[i] === '.') return s.slice(i);
    return '';
  });
  def('isAbs', [S], (p) => (p as string).startsWith('/'));
  def('b64enc', [S], (s) => bytesToBase64(encoder.encode(s as string)));
  def('b64dec', [S], (s) => {
    const b = base64ToBytes(s as string);
    return typeof b === 'number' ? `illegal base64 data at input byte ${b}` : decoder.decode(b);
  });

  // lists
  def('list', [], (...v) => ifaceSlice(v), A);
  def('tuple', [], (...v) => ifaceSlice(v), A);
  for (const [name, must] of [
    ['append', false],
    ['mustAppend', true],
  ] as const) {
    void must;
    def(name, [A, A], (l, v) => ifaceSlice([...listOf(l, 'Cannot push on type'), v]));
  }
  for (const name of ['prepend', 'mustPrepend']) {
    def(name, [A, A], (l, v) => ifaceSlice([v, ...listOf(l, 'Cannot prepend on type')]));
  }
  for (const name of ['first', 'mustFirst']) {
    def(name, [A], (l) => {
      const a = listOf(l, 'Cannot find first on type');
      return a.length === 0 ? null : (a[0] as GoValue);
    });
  }
  for (const name of ['last', 'mustLast']) {
    def(name, [A], (l) => {
      const a = listOf(l, 'Cannot find last on type');
      return a.length === 0 ? null : (a[a.length - 1] as GoValue);
    });
  }
  for (const name of ['rest', 'mustRest']) {
    def(name, [A], (l) => {
      const a = listOf(l, 'Cannot find rest on type');
      return a.length === 0 ? new GoSlice({ k: 'slice', elem: T_IFACE }, null) : ifaceSlice(a.slice(1));
    });
  }
  for (const name of ['initial', 'mustInitial']) {
    def(name, [A], (l) => {
      const a = listOf(l, 'Cannot find initial on type');
      return a.length === 0 ? new GoSlice({ k: 'slice', elem: T_IFACE }, null) : ifaceSlice(a.slice(0, -1));
    });
  }
  for (const name of ['reverse', 'mustReverse']) {
    def(name, [A], (l) => ifaceSlice([...listOf(l, 'Cannot find reverse on type')].reverse()));
  }
  for (const name of ['uniq', 'mustUniq']) {
    def(name, [A], (l) => {
      const out: GoValue[] = [];
      for (const x of listOf(l, 'Cannot find uniq on type'))
        if (!out.some((y) => deepEqual(x, y))) out.push(x);
      return ifaceSlice(out);
    });
  }
  for (const name of ['without', 'mustWithout']) {
    def(
      name,
      [A],
      (l, ...omit) =>
        ifaceSlice(
          listOf(l, 'Cannot find without on type').filter((x) => !omit.some((o) => deepEqual(x, o))),
        ),
      A,
    );
  }
  for (const name of ['has', 'mustHas']) {
    def(name, [A, A], (needle, hay) => {
      if (hay === null || hay === undefined) return false;
      return listOf(hay, 'Cannot find has on type').some((x) => deepEqual(needle, x));
    });
  }
  for (const name of ['slice', 'mustSlice']) {
    def(
      name,
      [A],
      (l, ...idx) => {
        const sl = l as GoSlice;
        const a = listOf(l, 'list should be type of slice or array but');
        if (a.length === 0) return null;
        const start = idx.length > 0 ? Number(castToInt64(idx[0])) : 0;
        const end = idx.length < 2 ? a.length : Number(castToInt64(idx[1]));
        if (start < 0 || end > a.length || start > end) {
          throw new FuncError('reflect.Value.Slice: slice index out of bounds');
        }
        return new GoSlice(sl.t, a.slice(start, end));
      },
      A,
    );
  }
  def(
    'concat',
    [],
    (...lists) => {
      const res: GoValue[] = [];
      for (const l of lists) {
        const items = listOf(l, 'Cannot concat type', ' as list');
        checkList(res.length + items.length);
        // One push per element: spreading a long list as arguments overflows the stack.
        for (const item of items) res.push(item);
      }
      return lists.length === 0 || res.length === 0
        ? new GoSlice({ k: 'slice', elem: T_IFACE }, null)
        : ifaceSlice(res);
    },
    A,
  );

  // dicts (map[string]interface{} only, like Sprig's signatures)
  def(
    'dict',
    [],
    (...v) => {
      const d = new Map<string, GoValue>();
      for (let i = 0; i < v.length; i += 2)
        d.set(strval(v[i]), i + 1 < v.length ? (v[i + 1] as GoValue) : '');
      return new GoMap(MSI, d);
    },
    A,
  );
  def('get', [MSI, S], (d, k) => {
    const mm = mapOf(d);
    return mm.has(k as string) ? (mm.get(k as string) as GoValue) : '';
  });
  def('set', [MSI, S, A], (d, k, v) => {
    if ((d as GoMap).m === null) throw new FuncError('assignment to entry in nil map');
    mapOf(d).set(k as string, v);
    return d;
  });
  def('unset', [MSI, S], (d, k) => {
    mapOf(d).delete(k as string);
    return d;
  });
  def('hasKey', [MSI, S], (d, k) => mapOf(d).has(k as string));
  def(
    'pluck',
    [S],
    (k, ...ds) => {
      const out: GoValue[] = [];
      for (const d of ds) {
        const mm = mapOf(d);
        if (mm.has(k as string)) out.push(mm.get(k as string) as GoValue);
      }
      return ifaceSlice(out);
    },
    MSI,
  );
  // Go map iteration order is random; we return sorted keys, one of the orders Go can produce.
  def('keys', [], (...ds) => stringSlice(ds.flatMap((d) => sortedKeys(mapOf(d)))), MSI);
  def('values', [MSI], (d) => {
    const mm = mapOf(d);
    return ifaceSlice(sortedKeys(mm).map((k) => mm.get(k) as GoValue));
  });
  def(
    'pick',
    [MSI],
    (d, ...ks) => {
      const mm = mapOf(d);
      const out = new Map<string, GoValue>();
      for (const k of ks) if (mm.has(k as string)) out.set(k as string, mm.get(k as string) as GoValue);
      return new GoMap(MSI, out);
    },
    S,
  );
  def(
    'omit',
    [MSI],
    (d, ...ks) => {
      const out = new Map(mapOf(d));
      for (const k of ks) out.delete(k as string);
      return new GoMap(MSI, out);
    },
    S,
  );

  // regular expressions (Go regexp = RE2, via the project's re2js adapter)
  def('regexMatch', [S, S], (r, s) => {
    try {
      return re2(r as string)
        .matcher(s as string)
        .find();
    } catch {
      return false;
    }
  });
  def('mustRegexMatch', [S, S], (r, s) =>
    mustAsError(() =>
      re2(r as string)
        .matcher(s as string)
        .find(),
    ),
  );
  for (const name of ['regexFindAll', 'mustRegexFindAll']) {
    def(name, [S, S, I], (r, s, n) => {
      const re = re2(r as string);
      const ms = allMatches(re, s as string, Number((n as GoInt).v));
      return ms.length === 0
        ? new GoSlice(T_STRING_SLICE, null)
        : stringSlice(ms.map((x) => (s as string).slice(x.start, x.end)));
    });
  }
  for (const name of ['regexFind', 'mustRegexFind']) {
    def(name, [S, S], (r, s) => {
      const mm = matchAt(re2(r as string), s as string, 0);
      return mm === null ? '' : (s as string).slice(mm.start, mm.end);
    });
  }
  for (const name of ['regexReplaceAll', 'mustRegexReplaceAll']) {
    def(name, [S, S, S], (r, s, repl) => {
      const re = re2(r as string);
      return replaceAll(re, s as string, (mm) => expand(re, repl as string, s as string, mm));
    });
  }
  for (const name of ['regexReplaceAllLiteral', 'mustRegexReplaceAllLiteral']) {
    def(name, [S, S, S], (r, s, repl) => replaceAll(re2(r as string), s as string, () => repl as string));
  }
  for (const name of ['regexSplit', 'mustRegexSplit']) {
    def(name, [S, S, I], (r, s, n) =>
      regexSplit(re2(r as string), s as string, Number((n as GoInt).v), r === ''),
    );
  }
  def('regexQuoteMeta', [S], (s) => quoteMeta(s as string));

  // semver (Masterminds/semver v3, via the project's version parser)
  def('semver', [S], (s) => {
    try {
      return versionObject(parseVersion(s as string));
    } catch (e) {
      throw new FuncError(e instanceof Error ? e.message : String(e));
    }
  });
  def('semverCompare', [S, S], (c, v) => semverCompare(c as string, v as string));

  void compareVersions;
  void eq;
  return m;
}

function untilStep(start: number, stop: number, step: number): GoValue {
  const out: GoValue[] = [];
  if (step === 0) return new GoSlice(T_SLICE_INT, out);
  if (stop < start) {
    if (step >= 0) return new GoSlice(T_SLICE_INT, out);
    checkList(Math.ceil((start - stop) / -step));
    for (let i = start; i > stop; i += step) out.push(int(i));
    return new GoSlice(T_SLICE_INT, out);
  }
  if (step <= 0) return new GoSlice(T_SLICE_INT, out);
  checkList(Math.ceil((stop - start) / step));
  for (let i = start; i < stop; i += step) out.push(int(i));
  return new GoSlice(T_SLICE_INT, out);
}

/** Non-overlapping occurrences of `sub` (not empty) in `s`, as strings.Count. */
function countOf(s: string, sub: string): number {
  let n = 0;
  for (let i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + sub.length)) n++;
  return n;
}

/** Go's path.Clean. */
export function pathClean(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const parts: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
      else if (!rooted) parts.push('..');
      continue;
    }
    parts.push(seg);
  }
  const out = (rooted ? '/' : '') + parts.join('/');
  return out === '' ? '.' : out;
}

function pathBase(p: string): string {
  if (p === '') return '.';
  const s = p.replace(/\/+$/, '');
  if (s === '') return '/';
  return s.slice(s.lastIndexOf('/') + 1);
}

function pathDir(p: string): string {
  const i = p.lastIndexOf('/');
  return pathClean(p.slice(0, i + 1));
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function bytesToBase64(b: Uint8Array): string {
  let out = '';
  for (let i = 0; i < b.length; i += 3) {
    const n = ((b[i] ?? 0) << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);
    out += B64[(n >> 18) & 63];
    out += B64[(n >> 12) & 63];
    out += i + 1 < b.length ? B64[(n >> 6) & 63] : '=';
    out += i + 2 < b.length ? B64[n & 63] : '=';
  }
  return out;
}

/** Go's base64.StdEncoding.DecodeString, with its error offsets (`illegal base64 data at input byte N`). */
function base64ToBytes(s: string): Uint8Array | number {
  const src = encoder.encode(s);
  const out: number[] = [];
  let si = 0;
  const isNl = (b: number | undefined): boolean => b === 10 || b === 13;
  while (si < src.length) {
    const dbuf = [0, 0, 0, 0];
    let dlen = 4;
    let err: number | undefined;
    for (let j = 0; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return new Uint8Array(out);
        return si - j;
      }
      const c = src[si] ?? 0;
      si++;
      const d = c < 128 ? B64.indexOf(String.fromCharCode(c)) : -1;
      if (d >= 0) {
        dbuf[j] = d;
        continue;
      }
      if (isNl(c)) {
        j--;
        continue;
      }
      if (c !== 61 /* = */) return si - 1;
      if (j === 0 || j === 1) return si - 1;
      if (j === 2) {
        while (si < src.length && isNl(src[si])) si++;
        if (si === src.length) return src.length;
        if (src[si] !== 61) return si - 1;
        si++;
      }
      while (si < src.length && isNl(src[si])) si++;
      if (si < src.length) err = si;
      dlen = j;
      break;
    }
    const val = ((dbuf[0] ?? 0) << 18) | ((dbuf[1] ?? 0) << 12) | ((dbuf[2] ?? 0) << 6) | (dbuf[3] ?? 0);
    const bytes = [(val >> 16) & 0xff, (val >> 8) & 0xff, val & 0xff];
    out.push(...bytes.slice(0, dlen - 1));
    if (err !== undefined) return err;
    if (dlen < 4) break;
  }
  return new Uint8Array(out);
}
