/**
 * How Go reads a YAML scalar on NFD's path (gopkg.in/yaml.v2 resolve.go and sigs.k8s.io/yaml): goyaml.v2 `resolve()` turns the
 * scalar text into a typed value (YAML 1.1 rules), and sigs.k8s.io/yaml `convertToJSONableObject`
 * turns numbers and booleans back into text when the target field is a Go `string`
 * (`strconv.FormatFloat(f, 'g', -1, 32)` for floats, `FormatInt` for integers, `"true"`/`"false"`).
 *
 * Timestamps: goyaml.v2 recognises `2006-01-02`-style scalars, but when it decodes into `interface{}`
 * (which is what sigs.k8s.io/yaml does first) it keeps the original text "for backward compatibility"
 * (goyaml.v2 decode.go, `case reflect.Interface: ... tag == yaml_TIMESTAMP_TAG`). So a plain date
 * reaches NFD as the text that was written, never as an RFC 3339 string.
 */
import { formatFloat, parseInt64, parseUint64 } from '../../go/strconv.ts';

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

/** Go `strconv.ParseUint(s, 0, 64)` as a bigint, or undefined. */
const INT64_MAX = (1n << 63n) - 1n;

/** strconv.ParseInt(s, 2, 64) (`signed`) or strconv.ParseUint(s, 2, 64): digits 0/1, ParseInt alone
 * takes one leading sign; undefined on a syntax or range error. */
function parseBinary(s: string, signed: boolean): bigint | undefined {
  let digits = s;
  let negative = false;
  if (signed && (s[0] === '+' || s[0] === '-')) {
    negative = s[0] === '-';
    digits = s.slice(1);
  }
  if (!/^[01]+$/.test(digits)) return undefined;
  const v = BigInt(`0b${digits}`);
  if (signed) {
    if (negative ? v > INT64_MAX + 1n : v > INT64_MAX) return undefined;
    return negative ? -v : v;
  }
  return v < 1n << 64n ? v : undefined;
}

function parseUintBase0(s: string): bigint | undefined {
  try {
    return parseUint64(s, 0);
  } catch {
    return undefined;
  }
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
    // goyaml.v2's own `0b`/`-0b` branches (resolve.go): strconv.ParseInt(rest, 2, 64), which takes a
    // sign of its own, so `0b+1` and `0b-1` are ints too; `0b1` was already read by ParseInt base 0.
    if (plain.startsWith('0b')) {
      const v = parseBinary(plain.slice(2), true) ?? parseBinary(plain.slice(2), false);
      if (v !== undefined) return { value: v < 0n || v <= INT64_MAX ? intScalar(v) : { t: 'uint', v } };
    } else if (plain.startsWith('-0b')) {
      const v = parseBinary(`-${plain.slice(3)}`, true);
      if (v !== undefined) return { value: intScalar(v) };
    }
  }
  return { value: { t: 'str', v: text } };
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
      return formatFloat(s.v, 32);
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
      const k = formatFloat(s.v, 32);
      return k === '+Inf' ? '.inf' : k === '-Inf' ? '-.inf' : k === 'NaN' ? '.nan' : k;
    }
    default:
      return goScalarToString(s);
  }
}
