/**
 * The JSON text `nfd export features|labels` prints: Go `json.MarshalIndent(v, "", "    ")`. Map keys
 * are sorted by bytes (Go sorts map keys); struct-like objects we build already have Go's field order
 * (`flags`, `attributes`, `instances`), so only maps should be sorted — `isMap` picks them. Strings
 * are escaped as Go does: `<`, `>`, `&`, U+2028, U+2029 as `\u00xx`/`\u20xx`, control characters other
 * than `\n`, `\r`, `\t` as `\u00xx`, lone surrogates as U+FFFD.
 */

/** Characters that need Go's escaping (anything else is copied as is). */
const NEEDS_ESCAPE = /["\\\u0000-\u001f<>&\u2028\u2029\ud800-\udfff]/;

function goString(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`;
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c < 0x20 || c === 0x3c || c === 0x3e || c === 0x26 || c === 0x2028 || c === 0x2029) {
      out += `\\u${c.toString(16).padStart(4, '0')}`;
    } else if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += s[i]! + s[i + 1]!;
        i++;
      } else {
        out += '\ufffd';
      }
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      out += '\ufffd';
    } else {
      out += s[i]!;
    }
  }
  return `${out}"`;
}

/** Byte-wise (UTF-8) order, as Go sorts map keys. UTF-16 order agrees with it unless a key has an astral
 * character (a surrogate sorts below U+E000..U+FFFF in UTF-16, above them in UTF-8). */
function sortGoKeys<T>(entries: [string, T][]): void {
  if (entries.every(([k]) => !/[\ud800-\udfff]/.test(k))) {
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return;
  }
  const keyed = entries.map((e) => [Buffer.from(e[0], 'utf8'), e] as const);
  keyed.sort((x, y) => Buffer.compare(x[0], y[0]));
  keyed.forEach(([, e], i) => {
    entries[i] = e;
  });
}

/**
 * Serialises `value` like Go's MarshalIndent with a 4-space indent. `isMap(depth, topKey)` says whether
 * the object at that depth (0 = the value itself; array elements count as one level) under that top-level
 * key is a Go map (keys sorted) or a struct (keys kept in insertion order).
 */
export function goJsonIndent(value: unknown, isMap: (depth: number, topKey: string) => boolean): string {
  return fastGoJsonIndent(value, isMap) ?? slowGoJsonIndent(value, isMap);
}

const BAIL = Symbol('bail');
/** A key JS objects would reorder (array index) — insertion order could not express Go's sort. */
const INDEX_KEY = /^(?:0|[1-9]\d{0,9})$/;
/** Output that JSON.stringify escapes differently from Go (or that Go escapes and it does not). */
const NOT_GO_COMPATIBLE = /[<>&\u2028\u2029]|\\[bfu]/;

/**
 * The common case through the native JSON.stringify (the printed host features have ~2,000 entries and a
 * cold process cannot afford a JS serialiser): copy with map keys inserted in sorted order, stringify
 * with a 4-space indent, and give up (undefined) whenever the result could differ from Go's bytes.
 */
export function fastGoJsonIndent(
  value: unknown,
  isMap: (depth: number, topKey: string) => boolean,
): string | undefined {
  const copy = (v: unknown, depth: number, top: string): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) {
      const out = new Array(v.length);
      for (let i = 0; i < v.length; i++) {
        const c = copy(v[i], depth + 1, top);
        if (c === BAIL) return BAIL;
        out[i] = c;
      }
      return out;
    }
    const obj = v as Record<string, unknown>;
    let keys = Object.keys(obj);
    if (isMap(depth, top)) {
      // Default sort is UTF-16 order, which is UTF-8 byte order unless a key has surrogates.
      if (/[\ud800-\udfff]/.test(keys.join(''))) return BAIL;
      keys = keys.sort();
    }
    const out: Record<string, unknown> = {};
    for (const k of keys) {
      if (INDEX_KEY.test(k) || k === '__proto__') return BAIL;
      const c = copy(obj[k], depth + 1, depth === 0 ? k : top);
      if (c === BAIL) return BAIL;
      out[k] = c;
    }
    return out;
  };
  const c = copy(value, 0, '');
  if (c === BAIL) return undefined;
  const text = JSON.stringify(c, null, 4);
  return NOT_GO_COMPATIBLE.test(text) ? undefined : text;
}

export function slowGoJsonIndent(value: unknown, isMap: (depth: number, topKey: string) => boolean): string {
  const walk = (v: unknown, indent: string, depth: number, top: string): string => {
    if (v === null || v === undefined) return 'null';
    if (typeof v === 'string') return goString(v);
    if (typeof v === 'number' || typeof v === 'boolean') return JSON.stringify(v);
    const inner = `${indent}    `;
    if (Array.isArray(v)) {
      if (v.length === 0) return '[]';
      return `[\n${v.map((x) => inner + walk(x, inner, depth + 1, top)).join(',\n')}\n${indent}]`;
    }
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    if (entries.length === 0) return '{}';
    if (isMap(depth, top)) sortGoKeys(entries);
    const parts = entries.map(
      ([k, x]) => `${inner}${goString(k)}: ${walk(x, inner, depth + 1, depth === 0 ? k : top)}`,
    );
    return `{\n${parts.join(',\n')}\n${indent}}`;
  };
  return walk(value, '', 0, '');
}

/**
 * NFD `Features` as `nfd export features` prints it. Structs: the top level (`flags`, `attributes`,
 * `instances`), each feature set (`elements`), each instance (`attributes`), and NFD's `Nil{}` flag
 * values (empty anyway). Everything else is a map.
 */
export function featuresJson(features: unknown): string {
  return goJsonIndent(features, (depth, top) => {
    if (depth === 0) return false; // Features struct
    if (depth === 1) return true; // map[name]FeatureSet
    if (depth === 2) return false; // FeatureSet struct {elements}
    // instances: elements [] → each InstanceFeature struct {attributes} at depth 4, its map at depth 5
    if (top === 'instances') return depth === 5;
    return depth === 3; // flags/attributes elements map
  });
}

/** A flat string map (the label map) as `nfd export labels` prints it. */
export function labelsJson(labels: Record<string, string>): string {
  return goJsonIndent(labels, () => true);
}
