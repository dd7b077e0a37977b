/**
 * text/template's predefined functions (Go's text/template/funcs.go): and or not len index slice print
 * printf println eq ne lt le gt ge html js urlquery call. `and`/`or` short-circuit in the executor.
 */

import { formatV, sprint, sprintf, sprintln } from '../go/fmt.ts';
import {
  assignable,
  basicKind,
  canBeNil,
  GoFloat,
  GoInt,
  GoMap,
  GoSlice,
  type GoType,
  type GoValue,
  isTrue,
  T_INT,
  T_UINT8,
  typeOf,
  typeString,
  zeroValue,
} from '../go/reflect.ts';
import { compareBytes, utf8Length } from '../go/utf8.ts';
import { FuncError, type FuncMap, type GoFunc } from './funcs.ts';

const R = 'reflect' as const;

function indexArg(index: GoValue, cap: number): number {
  let x: bigint;
  if (index instanceof GoInt) x = index.v;
  else if (index === undefined || index === null) throw new FuncError('cannot index slice/array with nil');
  else throw new FuncError(`cannot index slice/array with type ${typeString(typeOf(index))}`);
  if (x < 0n || x > BigInt(cap)) throw new FuncError(`index out of range: ${x}`);
  return Number(x);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function stringBytes(s: string): Uint8Array {
  return encoder.encode(s);
}

function indexItem(item: GoValue, indexes: GoValue[]): GoValue {
  let cur = item;
  if (cur === undefined || cur === null) throw new FuncError('index of untyped nil');
  for (const arg of indexes) {
    const index = indirectInterface(arg);
    if (cur === null || cur === undefined) throw new FuncError('index of nil pointer');
    if (cur instanceof GoSlice || typeof cur === 'string') {
      if (typeof cur === 'string') {
        const bytes = stringBytes(cur);
        const x = indexArg(index, bytes.length);
        if (x >= bytes.length) throw new FuncError(`reflect: string index out of range`);
        cur = new GoInt(T_UINT8, BigInt(bytes[x] ?? 0));
      } else {
        const len = cur.a?.length ?? 0;
        const x = indexArg(index, len);
        if (x >= len) throw new FuncError('reflect: slice index out of range');
        cur = cur.a?.[x];
      }
    } else if (cur instanceof GoMap) {
      const key = prepareArg(index, cur.t.key) as string;
      const m = cur.m;
      cur = m?.has(key) ? m.get(key) : zeroValue(cur.t.elem);
    } else {
      throw new FuncError(`can't index item of type ${typeString(typeOf(cur))}`);
    }
  }
  return cur;
}

function prepareArg(value: GoValue, argType: GoType): GoValue {
  let v = value;
  if (v === undefined) {
    if (!canBeNil(argType)) throw new FuncError(`value is nil; should be of type ${typeString(argType)}`);
    v = zeroValue(argType);
  }
  const t = typeOf(v);
  if (t !== undefined && assignable(t, argType)) return v;
  if (v instanceof GoInt && (argType.k === 'int' || argType.k === 'uint')) return new GoInt(argType, v.v);
  throw new FuncError(`value has type ${typeString(t)}; should be ${typeString(argType)}`);
}

function sliceItem(item: GoValue, indexes: GoValue[]): GoValue {
  if (item === undefined || item === null) throw new FuncError('slice of untyped nil');
  if (indexes.length > 3) throw new FuncError(`too many slice indexes: ${indexes.length}`);
  let cap: number;
  if (typeof item === 'string') {
    if (indexes.length === 3) throw new FuncError('cannot 3-index slice a string');
    cap = utf8Length(item);
  } else if (item instanceof GoSlice) cap = item.a?.length ?? 0;
  else throw new FuncError(`can't slice item of type ${typeString(typeOf(item))}`);
  const idx = [0, cap];
  indexes.forEach((x, i) => {
    idx[i] = indexArg(x, cap);
  });
  const [lo = 0, hi = cap] = idx;
  if (lo > hi) throw new FuncError(`invalid slice index: ${lo} > ${hi}`);
  if (indexes.length === 3) {
    const max = idx[2] ?? cap;
    if (hi > max) throw new FuncError(`invalid slice index: ${hi} > ${max}`);
  }
  if (typeof item === 'string') return decoder.decode(stringBytes(item).subarray(lo, hi));
  return new GoSlice(item.t, (item.a ?? []).slice(lo, hi));
}

function lenOf(v: GoValue): GoValue {
  if (v === undefined) throw new FuncError('reflect: call of reflect.Value.Type on zero Value');
  if (v === null) throw new FuncError('len of nil pointer');
  if (typeof v === 'string') return new GoInt(T_INT, BigInt(utf8Length(v)));
  if (v instanceof GoSlice) return new GoInt(T_INT, BigInt(v.a?.length ?? 0));
  if (v instanceof GoMap) return new GoInt(T_INT, BigInt(v.m?.size ?? 0));
  throw new FuncError(`len of type ${typeString(typeOf(v))}`);
}

const errBadComparisonType = 'invalid type for comparison';
const errBadComparison = 'incompatible types for comparison';
const errNoComparison = 'missing argument for comparison';

/** funcs.go `isNil` of an argument `eq` has unwrapped (indirectInterface: no null here). */
function isNilish(v: GoValue): boolean {
  return v === undefined || (v instanceof GoMap && v.m === null) || (v instanceof GoSlice && v.a === null);
}

/**
 * funcs.go `indirectInterface`, which `index` and `eq` apply to each argument first: a value taken out
 * of its interface, so a nil interface (JSON null) becomes no value at all (an invalid reflect.Value,
 * our `undefined`), not an interface{}.
 */
function indirectInterface(v: GoValue): GoValue {
  return v === null ? undefined : v;
}

function kindOf(v: GoValue): string {
  if (v instanceof GoMap) return 'map';
  if (v instanceof GoSlice) return 'slice';
  return typeof v;
}

function numOf(v: GoValue): bigint | number {
  if (v instanceof GoInt) return v.v;
  if (v instanceof GoFloat) return v.v;
  return 0;
}

export function eq(first: GoValue, ...rest: GoValue[]): boolean {
  const arg1 = indirectInterface(first);
  if (rest.length === 0) throw new FuncError(errNoComparison);
  const k1 = basicKind(arg1);
  for (const next of rest) {
    const arg = indirectInterface(next);
    const k2 = basicKind(arg);
    let truth = false;
    if (k1 !== k2) {
      if (k1 === 'int' && k2 === 'uint') truth = (numOf(arg1) as bigint) === (numOf(arg) as bigint);
      else if (k1 === 'uint' && k2 === 'int') truth = (numOf(arg1) as bigint) === (numOf(arg) as bigint);
      // An invalid value (a nil interface, unwrapped) compares unequal to anything, without an error.
      else if (arg1 !== undefined && arg !== undefined) {
        throw new FuncError(
          `${errBadComparison}: ${typeString(typeOf(arg1))} and ${typeString(typeOf(arg))}`,
        );
      }
    } else {
      switch (k1) {
        case 'bool':
        case 'string':
          truth = arg1 === arg;
          break;
        case 'int':
        case 'uint':
        case 'float':
          truth = numOf(arg1) === numOf(arg);
          break;
        default: {
          // Non-basic kinds: nil-ness is comparable; maps and slices themselves are not.
          // funcs.go `canCompare`: the same kind, or either one invalid (nil).
          if (kindOf(arg1) !== kindOf(arg) && arg1 !== undefined && arg !== undefined) {
            throw new FuncError(
              `non-comparable types ${sprintf('%s', [arg1])}: ${typeString(typeOf(arg1))}, ${typeString(typeOf(arg))}: ${formatV(arg)}`,
            );
          }
          if (isNilish(arg1) || isNilish(arg)) truth = isNilish(arg1) === isNilish(arg);
          else throw new FuncError(`non-comparable type ${sprintf('%s', [arg])}: ${typeString(typeOf(arg))}`);
        }
      }
    }
    if (truth) return true;
  }
  return false;
}

export function lt(arg1: GoValue, arg2: GoValue): boolean {
  const k1 = basicKind(arg1);
  if (k1 === 'invalid') throw new FuncError(errBadComparisonType);
  const k2 = basicKind(arg2);
  if (k2 === 'invalid') throw new FuncError(errBadComparisonType);
  if (k1 !== k2) {
    if ((k1 === 'int' && k2 === 'uint') || (k1 === 'uint' && k2 === 'int')) {
      return (numOf(arg1) as bigint) < (numOf(arg2) as bigint);
    }
    throw new FuncError(`${errBadComparison}: ${typeString(typeOf(arg1))} and ${typeString(typeOf(arg2))}`);
  }
  switch (k1) {
    case 'bool':
      throw new FuncError(errBadComparisonType);
    case 'string':
      return compareBytes(arg1 as string, arg2 as string) < 0;
    default:
      return numOf(arg1) < numOf(arg2);
  }
}

/** Go's template.HTMLEscapeString. */
export function htmlEscape(s: string): string {
  return s.replace(/[\0"'&<>]/g, (c) => {
    switch (c) {
      case '\0':
        return '\uFFFD';
      case '"':
        return '&#34;';
      case "'":
        return '&#39;';
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      default:
        return '&gt;';
    }
  });
}

/** Go's template.JSEscapeString. */
export function jsEscape(s: string): string {
  let out = '';
  for (const c of s) {
    const cp = c.codePointAt(0) ?? 0;
    switch (c) {
      case '\\':
        out += '\\\\';
        continue;
      case "'":
        out += "\\'";
        continue;
      case '"':
        out += '\\"';
        continue;
      case '<':
        out += '\\u003C';
        continue;
      case '>':
        out += '\\u003E';
        continue;
      case '&':
        out += '\\u0026';
        continue;
      case '=':
        out += '\\u003D';
        continue;
    }
    if (cp < 0x80) {
      if (cp >= 0x20 && cp < 0x7f) out += c;
      else out += `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`;
      continue;
    }
    if (/^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(c)) out += c;
    else out += `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return out;
}

/** Go's url.QueryEscape. */
export function queryEscape(s: string): string {
  let out = '';
  for (const b of stringBytes(s)) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The single string argument, or fmt.Sprint of all of them (Go's evalArgs). */
function evalArgs(args: GoValue[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  // printableValue(reflect.ValueOf(nil)) is the string "<no value>".
  return sprint(args.map((a) => (a === undefined || a === null ? '<no value>' : a)));
}

const IFACE: GoType = { k: 'iface' };

export function builtinFuncs(): FuncMap {
  const m = new Map<string, GoFunc>();
  const def = (name: string, f: Omit<GoFunc, 'builtin'>): void => {
    m.set(name, { ...f, builtin: true });
  };
  // and/or are evaluated by the executor (short-circuit); these bodies are not reached.
  def('and', { params: [R], variadic: R, fn: (a) => a });
  def('or', { params: [R], variadic: R, fn: (a) => a });
  def('not', { params: [R], fn: (a) => !isTrue(a) });
  def('len', { params: [R], fn: (a) => lenOf(a) });
  def('index', { params: [R], variadic: R, fn: (item, ...idx) => indexItem(item, idx) });
  def('slice', { params: [R], variadic: R, fn: (item, ...idx) => sliceItem(item, idx) });
  def('print', { params: [], variadic: IFACE, fn: (...a) => sprint(a) });
  def('printf', {
    params: [{ k: 'string' }],
    variadic: IFACE,
    fn: (f, ...a) => sprintf(f as string, a),
  });
  def('println', { params: [], variadic: IFACE, fn: (...a) => sprintln(a) });
  def('eq', { params: [R], variadic: R, fn: (a, ...b) => eq(a, ...b) });
  def('ne', { params: [R, R], fn: (a, b) => !eq(a, b) });
  def('lt', { params: [R, R], fn: (a, b) => lt(a, b) });
  def('le', { params: [R, R], fn: (a, b) => lt(a, b) || eq(a, b) });
  def('gt', { params: [R, R], fn: (a, b) => !(lt(a, b) || eq(a, b)) });
  def('ge', { params: [R, R], fn: (a, b) => !lt(a, b) });
  def('html', { params: [], variadic: IFACE, fn: (...a) => htmlEscape(evalArgs(a)) });
  def('js', { params: [], variadic: IFACE, fn: (...a) => jsEscape(evalArgs(a)) });
  def('urlquery', { params: [], variadic: IFACE, fn: (...a) => queryEscape(evalArgs(a)) });
  def('call', {
    params: [R],
    variadic: R,
    fn: (f) => {
      // Template data never holds Go functions here (NFD passes maps of strings).
      if (f === undefined || f === null) throw new FuncError('call of nil');
      throw new FuncError(`non-function of type ${typeString(typeOf(f))}`);
    },
  });
  return m;
}
