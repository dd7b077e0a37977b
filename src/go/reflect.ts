/**
 * The Go values a template sees, with just enough of Go's type system to reproduce text/template's
 * behaviour: which argument types a function accepts ("wrong type for value; expected int; got
 * int64"), the zero value `index` returns for a missing map key, Go's comparison kinds, and `%T`.
 *
 * Representation:
 *   undefined       an invalid reflect.Value ("<no value>")
 *   null            a nil interface{} (prints "<nil>")
 *   string, boolean Go string and bool
 *   GoInt/GoFloat   numbers with their Go type
 *   GoMap/GoSlice   typed containers (a null payload is a typed nil)
 *   GoObject        an opaque pointer with methods (Sprig's *semver.Version)
 */

import { compareBytes } from './utf8.ts';

export type GoType =
  | { k: 'iface' }
  | { k: 'string' }
  | { k: 'bool' }
  | { k: 'int'; name: 'int' | 'int8' | 'int16' | 'int32' | 'int64' }
  | { k: 'uint'; name: 'uint' | 'uint8' | 'uint16' | 'uint32' | 'uint64' | 'uintptr' }
  | { k: 'float'; name: 'float32' | 'float64' }
  | { k: 'map'; key: GoType; elem: GoType; name?: string }
  | { k: 'slice'; elem: GoType; name?: string }
  | { k: 'object'; name: string };

export const T_IFACE: GoType = { k: 'iface' };
export const T_STRING: GoType = { k: 'string' };
export const T_BOOL: GoType = { k: 'bool' };
export const T_INT: GoType = { k: 'int', name: 'int' };
export const T_INT64: GoType = { k: 'int', name: 'int64' };
export const T_UINT8: GoType = { k: 'uint', name: 'uint8' };
export const T_FLOAT64: GoType = { k: 'float', name: 'float64' };
export const T_MAP_STRING_IFACE: GoType = { k: 'map', key: T_STRING, elem: T_IFACE };
export const T_MAP_STRING_STRING: GoType = { k: 'map', key: T_STRING, elem: T_STRING };
export const T_SLICE_IFACE: GoType = { k: 'slice', elem: T_IFACE };
export const T_SLICE_STRING: GoType = { k: 'slice', elem: T_STRING };
export const T_SLICE_INT: GoType = { k: 'slice', elem: T_INT };

/** NFD's template data types (pkg/apis/nfd/nodefeaturerule: MatchedElement, domainMatchedFeatures, matchedFeatures). */
export const T_NFD_ELEMENT: GoType = {
  k: 'map',
  key: T_STRING,
  elem: T_STRING,
  name: 'nodefeaturerule.MatchedElement',
};
export const T_NFD_DOMAIN: GoType = {
  k: 'map',
  key: T_STRING,
  elem: { k: 'slice', elem: T_NFD_ELEMENT },
  name: 'nodefeaturerule.domainMatchedFeatures',
};
export const T_NFD_DATA: GoType = {
  k: 'map',
  key: T_STRING,
  elem: T_NFD_DOMAIN,
  name: 'nodefeaturerule.matchedFeatures',
};

export class GoInt {
  readonly t: GoType;
  readonly v: bigint;
  constructor(t: GoType, v: bigint) {
    this.t = t;
    this.v = v;
  }
}
export class GoFloat {
  readonly t: GoType;
  readonly v: number;
  constructor(t: GoType, v: number) {
    this.t = t;
    this.v = v;
  }
}
export class GoMap {
  readonly t: Extract<GoType, { k: 'map' }>;
  /** null: a nil map. */
  readonly m: Map<string, GoValue> | null;
  constructor(t: GoType, m: Map<string, GoValue> | null) {
    this.t = t as Extract<GoType, { k: 'map' }>;
    this.m = m;
  }
}
export class GoSlice {
  readonly t: Extract<GoType, { k: 'slice' }>;
  /** null: a nil slice. */
  readonly a: GoValue[] | null;
  constructor(t: GoType, a: GoValue[] | null) {
    this.t = t as Extract<GoType, { k: 'slice' }>;
    this.a = a;
  }
}
export class GoObject {
  readonly t: GoType;
  readonly methods: Record<string, (...args: GoValue[]) => GoValue>;
  readonly str: () => string;
  constructor(name: string, methods: Record<string, (...args: GoValue[]) => GoValue>, str: () => string) {
    this.t = { k: 'object', name };
    this.methods = methods;
    this.str = str;
  }
}

export type GoValue = undefined | null | string | boolean | GoInt | GoFloat | GoMap | GoSlice | GoObject;

export const int = (v: number | bigint): GoInt => new GoInt(T_INT, BigInt(v));
export const int64 = (v: number | bigint): GoInt => new GoInt(T_INT64, BigInt(v));
export const float64 = (v: number): GoFloat => new GoFloat(T_FLOAT64, v);
export const ifaceSlice = (a: GoValue[]): GoSlice => new GoSlice(T_SLICE_IFACE, a);
export const stringSlice = (a: string[]): GoSlice => new GoSlice(T_SLICE_STRING, a);

/** The Go type of a value; undefined for an invalid value, iface for a nil interface. */
export function typeOf(v: GoValue): GoType | undefined {
  if (v === undefined) return undefined;
  if (v === null) return T_IFACE;
  if (typeof v === 'string') return T_STRING;
  if (typeof v === 'boolean') return T_BOOL;
  return v.t;
}

/** Go's reflect.Type.String(): `map[string]interface {}`, `[]string`, named types by name. */
export function typeString(t: GoType | undefined): string {
  if (t === undefined) return '<nil>';
  switch (t.k) {
    case 'iface':
      return 'interface {}';
    case 'string':
      return 'string';
    case 'bool':
      return 'bool';
    case 'int':
    case 'uint':
    case 'float':
      return t.name;
    case 'map':
      return t.name ?? `map[${typeString(t.key)}]${typeString(t.elem)}`;
    case 'slice':
      return t.name ?? `[]${typeString(t.elem)}`;
    case 'object':
      return t.name;
  }
}

export function sameType(a: GoType, b: GoType): boolean {
  if (a === b) return true;
  if (a.k !== b.k) return false;
  switch (a.k) {
    case 'int':
    case 'uint':
    case 'float':
    case 'object':
      return a.name === (b as typeof a).name;
    case 'map': {
      const bm = b as typeof a;
      return a.name === bm.name && sameType(a.key, bm.key) && sameType(a.elem, bm.elem);
    }
    case 'slice': {
      const bs = b as typeof a;
      return a.name === bs.name && sameType(a.elem, bs.elem);
    }
  }
  return true;
}

function sameUnderlying(a: GoType, b: GoType): boolean {
  if (a.k === 'map' && b.k === 'map') return sameType(a.key, b.key) && sameType(a.elem, b.elem);
  if (a.k === 'slice' && b.k === 'slice') return sameType(a.elem, b.elem);
  return false;
}

/** Go's AssignableTo for the types templates meet. */
export function assignable(from: GoType, to: GoType): boolean {
  if (to.k === 'iface') return true;
  if (sameType(from, to)) return true;
  const named = (t: GoType): boolean => (t.k === 'map' || t.k === 'slice') && t.name !== undefined;
  return (!named(from) || !named(to)) && sameUnderlying(from, to);
}

/** Go's reflect.Zero(t) as a value. */
export function zeroValue(t: GoType): GoValue {
  switch (t.k) {
    case 'iface':
      return null;
    case 'string':
      return '';
    case 'bool':
      return false;
    case 'int':
    case 'uint':
      return new GoInt(t, 0n);
    case 'float':
      return new GoFloat(t, 0);
    case 'map':
      return new GoMap(t, null);
    case 'slice':
      return new GoSlice(t, null);
    case 'object':
      return null;
  }
}

export function canBeNil(t: GoType): boolean {
  return t.k === 'iface' || t.k === 'map' || t.k === 'slice' || t.k === 'object';
}

export class DataError extends Error {}

/**
 * Converts a plain JS value into a Go value of static type `t`, as encoding/json would decode it
 * into that type: numbers into interface{} become float64, objects map[string]interface{}, arrays
 * []interface{}.
 */
export function fromJs(x: unknown, t: GoType = T_IFACE): GoValue {
  switch (t.k) {
    case 'iface':
      if (x === null || x === undefined) return null;
      if (typeof x === 'string' || typeof x === 'boolean') return x;
      if (typeof x === 'number') return float64(x);
      if (typeof x === 'bigint') return int64(x);
      if (Array.isArray(x)) return ifaceSlice(x.map((e) => fromJs(e)));
      if (typeof x === 'object') return fromJs(x, T_MAP_STRING_IFACE);
      throw new DataError(`unsupported template data value of type ${typeof x}`);
    case 'string':
      if (typeof x === 'string') return x;
      break;
    case 'bool':
      if (typeof x === 'boolean') return x;
      break;
    case 'int':
    case 'uint':
      if (typeof x === 'number' && Number.isInteger(x)) return new GoInt(t, BigInt(x));
      if (typeof x === 'bigint') return new GoInt(t, x);
      break;
    case 'float':
      if (typeof x === 'number') return new GoFloat(t, x);
      break;
    case 'map':
      if (x === null || x === undefined) return new GoMap(t, null);
      if (typeof x === 'object' && !Array.isArray(x)) {
        const m = new Map<string, GoValue>();
        for (const [k, v] of Object.entries(x as Record<string, unknown>)) m.set(k, fromJs(v, t.elem));
        return new GoMap(t, m);
      }
      break;
    case 'slice':
      if (x === null || x === undefined) return new GoSlice(t, null);
      if (Array.isArray(x))
        return new GoSlice(
          t,
          x.map((e) => fromJs(e, t.elem)),
        );
      break;
    case 'object':
      break;
  }
  throw new DataError(`template data does not fit Go type ${typeString(t)}`);
}

/**
 * True when `x` has the shape of NFD's template data: {domain: {feature: [{key: "string"}]}}. A feature
 * list may be null (NFD appends nothing to a nil slice when a term matched no element).
 */
export function isNfdShaped(x: unknown): boolean {
  const isObj = (o: unknown): o is Record<string, unknown> =>
    typeof o === 'object' && o !== null && !Array.isArray(o);
  if (!isObj(x)) return false;
  for (const dom of Object.values(x)) {
    if (!isObj(dom)) return false;
    for (const list of Object.values(dom)) {
      if (list === null) continue;
      if (!Array.isArray(list)) return false;
      for (const el of list) {
        if (!isObj(el)) return false;
        for (const v of Object.values(el)) if (typeof v !== 'string') return false;
      }
    }
  }
  return true;
}

/** Converts a Go value back to plain JS (for toJson-like uses and tests). */
export function toJs(v: GoValue): unknown {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof GoInt) return v.v >= -(2n ** 53n) && v.v <= 2n ** 53n ? Number(v.v) : v.v;
  if (v instanceof GoFloat) return v.v;
  if (v instanceof GoMap) {
    if (v.m === null) return null;
    const o: Record<string, unknown> = {};
    for (const [k, e] of v.m) o[k] = toJs(e);
    return o;
  }
  if (v instanceof GoSlice) return v.a === null ? null : v.a.map(toJs);
  return v.str();
}

export type BasicKind = 'bool' | 'int' | 'uint' | 'float' | 'string' | 'invalid';

export function basicKind(v: GoValue): BasicKind {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (v instanceof GoInt) return v.t.k === 'uint' ? 'uint' : 'int';
  if (v instanceof GoFloat) return 'float';
  return 'invalid';
}

/** Go's text/template isTrue. Returns undefined when truth is not defined for the value. */
export function isTrue(v: GoValue): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'string') return v.length > 0;
  if (typeof v === 'boolean') return v;
  if (v instanceof GoInt) return v.v !== 0n;
  if (v instanceof GoFloat) return v.v !== 0;
  if (v instanceof GoMap) return v.m !== null && v.m.size > 0;
  if (v instanceof GoSlice) return v.a !== null && v.a.length > 0;
  return true;
}

/** The keys of a Go map in the order fmt and encoding/json print them (byte order). */
export function sortedKeys(m: Map<string, GoValue>): string[] {
  return [...m.keys()].sort(compareBytes);
}
