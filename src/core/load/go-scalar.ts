/**
 * How Go reads a YAML scalar on NFD's path (ts-ecosystem.md §2.2): goyaml.v2 `resolve()` turns the
 * scalar text into a typed value (YAML 1.1 rules), and sigs.k8s.io/yaml `convertToJSONableObject`
 * turns numbers and booleans back into text when the target field is a Go `string`
 * (`strconv.FormatFloat(f, 'g', -1, 32)` for floats, `FormatInt` for integers, `"true"`/`"false"`).
 *
 * Timestamps: goyaml.v2 recognises `2006-01-02`-style scalars, but when it decodes into `interface{}`
 * (which is what sigs.k8s.io/yaml does first) it keeps the original text "for backward compatibility"
 * (goyaml.v2 decode.go, `case reflect.Interface: ... tag == yaml_TIMESTAMP_TAG`). So a plain date
 * reaches NFD as the text that was written, never as an RFC 3339 string.
 */
import { parseInt64 } from '../values/int64.ts';

/** A scalar as goyaml.v2 resolves it into `interface{}`. `int` is Go int/int64, `uint` is uint64. */
export type GoScalar =
  | { t: 'null' }
  | { t: 'bool'; v: boolean }
  | { t: 'int'; v: bigint }
  | { t: 'uint'; v: bigint }
  | { t: 'float'; v: number }
  | { t: 'str'; v: string };

export const TAG_STR = 'tag:yaml.org,2002:str';
export const TAG_BOOL = 'tag:yaml.org,2002:bool';
export const TAG_INT = 'tag:yaml.org,2002:int';
export const TAG_FLOAT = 'tag:yaml.org,2002:float';
export const TAG_NULL = 'tag:yaml.org,2002:null';
export const TAG_TIMESTAMP = 'tag:yaml.org,2002:timestamp';
export const TAG_BINARY = 'tag:yaml.org,2002:binary';
export const TAG_MERGE = 'tag:yaml.org,2002:merge';

/** goyaml.v2 `resolveMap`: the YAML 1.1 words that are not strings. */
const RESOLVE_MAP = new Map<string, GoScalar>();
for (const w of ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']) {
  RESOLVE_MAP.set(w, { t: 'bool', v: true });
}
for (const w of ['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']) {
  RESOLVE_MAP.set(w, { t: 'bool', v: false });
}
for (const w of ['', '~', 'null', 'Null', 'NULL']) RESOLVE_MAP.set(w, { t: 'null' });
for (const w of ['.nan', '.NaN', '.NAN']) RESOLVE_MAP.set(w, { t: 'float', v: Number.NaN });
for (const w of ['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF']) {
  RESOLVE_MAP.set(w, { t: 'float', v: Number.POSITIVE_INFINITY });
}
for (const w of ['-.inf', '-.Inf', '-.INF']) RESOLVE_MAP.set(w, { t: 'float', v: Number.NEGATIVE_INFINITY });

/** goyaml.v2 `yamlStyleFloat`. A fixed internal pattern. */
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
/**
 * What Go's `strconv.ParseFloat` accepts for text starting with `.`: no base prefix, and `_` only
 * between two digits (`atof.go` `readFloat` + `underscoreOK`), so `.5_5` is 0.55 but `._5` is text.
 */
const DOT_FLOAT = /^\.[0-9]+(?:_[0-9]+)*(?:[eE][-+]?[0-9]+(?:_[0-9]+)*)?$/;

/** goyaml.v2 `resolveTable` hint of the first byte: `M` map word, `D` digit, `S` sign, `.` dot, or none. */
function hint(c: string | undefined): string {
  if (c === undefined) return 'N';
  if (c >= '0' && c <= '9') return 'D';
  if (c === '+' || c === '-') return 'S';
  if (c === '.') return '.';
  if ('yYnNtTfFoO~'.includes(c)) return 'M';
  return '';
}

const INT_MAX = (1n << 63n) - 1n;
const INT_MIN = -(1n << 63n);

/** Go `strconv.ParseInt(s, 0, 64)` as a bigint, or undefined. */
function parseIntBase0(s: string): bigint | undefined {
  try {
    const v = parseInt64(s, 0);
    return v >= INT_MIN && v <= INT_MAX ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Go `strconv.ParseUint(s, 0, 64)`: no sign allowed. */
function parseUintBase0(s: string): bigint | undefined {
  if (s.startsWith('+') || s.startsWith('-')) return undefined;
  // ParseUint has the same prefix and digit rules as ParseInt; reuse it on a value that cannot be
  // negative and check the uint64 range ourselves.
  let radix = 10;
  let body = s;
  if (s.length > 1 && s[0] === '0') {
    const p = s[1]!.toLowerCase();
    if (p === 'x') {
      radix = 16;
      body = s.slice(2);
    } else if (p === 'o') {
      radix = 8;
      body = s.slice(2);
    } else if (p === 'b') {
      radix = 2;
      body = s.slice(2);
    } else {
      radix = 8;
      body = s.slice(1);
    }
  }
  if (body === '') return undefined;
  let n = 0n;
  const r = BigInt(radix);
  for (const ch of body) {
    const d = Number.parseInt(ch, 36);
    if (Number.isNaN(d) || d >= radix) return undefined;
    n = n * r + BigInt(d);
  }
  return n < 1n << 64n ? n : undefined;
}

/** Go `strconv.ParseFloat(s, 64)` for the decimal forms that reach it here; undefined on error. */
function parseFloat64(s: string): number | undefined {
  const v = Number(s);
  // Go reports ErrRange (an error) on overflow to ±Inf; underflow to 0 is not an error.
  if (!Number.isFinite(v)) return undefined;
  return v;
}

/** The integer value goyaml.v2 stores: `int` when it fits, else int64 (both signed here). */
function intScalar(v: bigint): GoScalar {
  return { t: 'int', v };
}

/** An approximation of goyaml.v2 `parseTimestamp` (Go `time.Parse` on four layouts). */
export function isGoYamlTimestamp(s: string): boolean {
  const m =
    /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt]|[ ])(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})?)?$/.exec(
      s,
    );
  if (!m) return false;
  const sep = s.charAt(m[1]!.length + m[2]!.length + m[3]!.length + 2);
  // "T"/"t" layouts need a zone; the space layout has none.
  if (m[4] !== undefined && (sep === ' ') === (m[7] !== undefined)) return false;
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  const year = Number(m[1]);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  if (day > days) return false;
  if (m[4] !== undefined && (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 59)) return false;
  return true;
}

export class ResolveError extends Error {}

function shortTag(tag: string): string {
  return tag.startsWith('tag:yaml.org,2002:') ? `!!${tag.slice('tag:yaml.org,2002:'.length)}` : tag;
}

function tagOf(s: GoScalar): string {
  switch (s.t) {
    case 'null':
      return TAG_NULL;
    case 'bool':
      return TAG_BOOL;
    case 'int':
    case 'uint':
      return TAG_INT;
    case 'float':
      return TAG_FLOAT;
    default:
      return TAG_STR;
  }
}

/** The tags goyaml.v2 `resolve()` works on; any other tag leaves the text as it is. */
function resolvableTag(tag: string): boolean {
  return (
    tag === '' ||
    tag === TAG_STR ||
    tag === TAG_BOOL ||
    tag === TAG_INT ||
    tag === TAG_FLOAT ||
    tag === TAG_TIMESTAMP
  );
}

/**
 * goyaml.v2 `resolve(tag, in)` followed by its `interface{}` decoding. `tag` is `''` for an untagged
 * plain scalar (quoted untagged scalars are always strings and never come here). Throws
 * `ResolveError` with goyaml's message when an explicit tag does not fit the text.
 */
export function resolveGoScalar(tag: string, text: string): GoScalar {
  if (!resolvableTag(tag)) return { t: 'str', v: text };
  const out = resolveUntyped(tag, text);
  const rtag = out.timestamp ? TAG_TIMESTAMP : tagOf(out.value);
  if (tag === '' || tag === rtag || tag === TAG_STR) return out.value;
  if (tag === TAG_FLOAT && out.value.t === 'int') return { t: 'float', v: Number(out.value.v) };
  throw new ResolveError(`cannot decode ${shortTag(rtag)} \`${text}\` as a ${shortTag(tag)}`);
}

function resolveUntyped(tag: string, text: string): { value: GoScalar; timestamp?: boolean } {
  const h = hint(text[0]);
  if (h === '' || tag === TAG_STR) return { value: { t: 'str', v: text } };
  const fromMap = RESOLVE_MAP.get(text);
  if (fromMap) return { value: fromMap };
  if (h === '.') {
    if (DOT_FLOAT.test(text)) {
      const f = parseFloat64(text.replaceAll('_', ''));
      if (f !== undefined) return { value: { t: 'float', v: f } };
    }
  } else if (h === 'D' || h === 'S') {
    if ((tag === '' || tag === TAG_TIMESTAMP) && isGoYamlTimestamp(text)) {
      // Decoded into interface{} a timestamp keeps its text (see the file comment).
      return { value: { t: 'str', v: text }, timestamp: true };
    }
    const plain = text.replaceAll('_', '');
    const i = parseIntBase0(plain);
    if (i !== undefined) return { value: intScalar(i) };
    const u = parseUintBase0(plain);
    if (u !== undefined) return { value: { t: 'uint', v: u } };
    if (YAML_STYLE_FLOAT.test(plain)) {
      const f = parseFloat64(plain);
      if (f !== undefined) return { value: { t: 'float', v: f } };
    }
    // goyaml.v2's own `0b`/`-0b` branches are covered by ParseInt base 0 above.
  }
  return { value: { t: 'str', v: text } };
}

// ---------------------------------------------------------------------------------------------------
// strconv.FormatFloat(f, 'g', -1, 32)

/** Shortest decimal digits that read back as the float32 `a` (> 0): `[digits, exp]` for d.ddd × 10^exp. */
function shortestFloat32(a: number): [string, number] {
  for (let p = 1; p <= 9; p++) {
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
  const [digits, exp] = splitExponential(a.toExponential(8));
  return [digits, exp];
}

function splitExponential(s: string): [string, number] {
  const e = s.indexOf('e');
  const mant = s.slice(0, e).replace('.', '');
  return [mant, Number(s.slice(e + 1))];
}

/** Go `strconv.FormatFloat(f, 'g', -1, 32)`. */
export function formatFloat32g(f: number): string {
  const a32 = Math.fround(f);
  if (Number.isNaN(a32)) return 'NaN';
  if (a32 === Number.POSITIVE_INFINITY) return '+Inf';
  if (a32 === Number.NEGATIVE_INFINITY) return '-Inf';
  const neg = a32 < 0 || Object.is(a32, -0);
  const a = Math.abs(a32);
  let digits: string;
  let exp: number;
  if (a === 0) {
    digits = '0';
    exp = 0;
  } else {
    [digits, exp] = shortestFloat32(a);
    digits = digits.replace(/0+$/, '') || '0';
  }
  const sign = neg ? '-' : '';
  // %e when the exponent is < -4 or >= 6 (the shortest-precision rule of 'g').
  if (exp < -4 || exp >= 6) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const ae = Math.abs(exp);
    return `${sign}${mant}e${exp < 0 ? '-' : '+'}${ae < 10 ? `0${ae}` : ae}`;
  }
  const dp = exp + 1; // digits before the decimal point
  if (dp <= 0) return `${sign}0.${'0'.repeat(-dp)}${digits}`;
  if (dp >= digits.length) return `${sign}${digits}${'0'.repeat(dp - digits.length)}`;
  return `${sign}${digits.slice(0, dp)}.${digits.slice(dp)}`;
}

/**
 * sigs.k8s.io/yaml's conversion of a resolved scalar into a `string` field. `null` stays null (JSON
 * null has no effect on a Go string).
 */
export function goScalarToString(s: GoScalar): string | null {
  switch (s.t) {
    case 'null':
      return null;
    case 'bool':
      return s.v ? 'true' : 'false';
    case 'int':
    case 'uint':
      return s.v.toString();
    case 'float':
      return formatFloat32g(s.v);
    default:
      return s.v;
  }
}

/**
 * A map key as sigs.k8s.io/yaml `convertToJSONableObject` turns it into a JSON object key; `null` for
 * a key type it does not support (nil, and uint64: only int, int64, float64, bool and string are).
 */
export function goScalarToKey(s: GoScalar): string | null {
  switch (s.t) {
    case 'null':
    case 'uint':
      return null;
    case 'float': {
      const k = formatFloat32g(s.v);
      return k === '+Inf' ? '.inf' : k === '-Inf' ? '-.inf' : k === 'NaN' ? '.nan' : k;
    }
    default:
      return goScalarToString(s);
  }
}
