/**
 * The JSON text `nfd export features|labels` prints: Go `json.MarshalIndent(v, "", "    ")`. Map keys
 * are sorted by bytes (Go sorts map keys); struct-like objects we build already have Go's field order
 * (`flags`, `attributes`, `instances`), so only maps should be sorted — `isMap` picks them. The bytes
 * are src/go/json.ts's `marshalIndent`; a JSON.stringify fast path serves the common case.
 */

import { marshalIndent } from '../go/json.ts';

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
const NOT_GO_COMPATIBLE = /[<>&\u2028\u2029]|\\u/;

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

/** The portable serialiser: Go's `json.MarshalIndent(v, "", "    ")`. */
export function slowGoJsonIndent(value: unknown, isMap: (depth: number, topKey: string) => boolean): string {
  return marshalIndent(value, '', '    ', { isMap });
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
