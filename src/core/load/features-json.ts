/**
 * A fast path for the common case of `loadFeatures`: a features file that is plain JSON in exactly the
 * shape `nfd export features` (or the API server, for NodeFeature objects) writes. `JSON.parse` reads it
 * two orders of magnitude faster than the position-keeping YAML decoder. Anything the strict shape check
 * does not accept — other key spellings, non-string values, unknown fields, YAML — returns `undefined`
 * and goes through the full decoder, which reports it with line:column, so nothing is accepted here that
 * the full path would warn about or reject.
 */
import type { Features } from '../model/features.ts';

type Json = unknown;

function isPlainObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function onlyKeys(o: Record<string, Json>, allowed: readonly string[]): boolean {
  return Object.keys(o).every((k) => allowed.includes(k));
}

function stringMap(v: Json): v is Record<string, string> {
  return isPlainObject(v) && Object.values(v).every((x) => typeof x === 'string');
}

/** `{NAME: {elements: ...}}` where every element passes `ok`; `null` elements are Go nil (absent). */
function featureMap(v: Json, ok: (elements: Json) => boolean): boolean {
  if (!isPlainObject(v)) return false;
  for (const set of Object.values(v)) {
    if (!isPlainObject(set) || !onlyKeys(set, ['elements'])) return false;
    if (set.elements !== null && set.elements !== undefined && !ok(set.elements)) return false;
  }
  return true;
}

const flagElements = (e: Json) =>
  isPlainObject(e) && Object.values(e).every((x) => isPlainObject(x) && Object.keys(x).length === 0);
const attributeElements = stringMap;
const instanceElements = (e: Json) =>
  Array.isArray(e) &&
  e.every((i: Json) => isPlainObject(i) && onlyKeys(i, ['attributes']) && stringMap(i.attributes));

function isFeatures(v: Json): v is Features {
  return (
    isPlainObject(v) &&
    onlyKeys(v, ['flags', 'attributes', 'instances']) &&
    (v.flags === undefined || featureMap(v.flags, flagElements)) &&
    (v.attributes === undefined || featureMap(v.attributes, attributeElements)) &&
    (v.instances === undefined || featureMap(v.instances, instanceElements))
  );
}

interface NodeFeatureJson {
  metadata?: { name?: string; labels?: Record<string, string> };
  spec: { features?: Features };
}

function isNodeFeature(v: Json): v is NodeFeatureJson {
  if (!isPlainObject(v) || !onlyKeys(v, ['apiVersion', 'kind', 'metadata', 'spec', 'status'])) return false;
  if (v.kind !== 'NodeFeature' || typeof v.apiVersion !== 'string') return false;
  const { metadata, spec } = v;
  if (metadata !== undefined && !isPlainObject(metadata)) return false;
  if (isPlainObject(metadata)) {
    if (metadata.name !== undefined && typeof metadata.name !== 'string') return false;
    if (metadata.labels !== undefined && !stringMap(metadata.labels)) return false;
  }
  return (
    isPlainObject(spec) &&
    onlyKeys(spec, ['features', 'labels']) &&
    (spec.features === undefined || isFeatures(spec.features)) &&
    (spec.labels === undefined || stringMap(spec.labels))
  );
}

export type StrictJsonFeatures =
  | { format: 'Features'; features: Features }
  | { format: 'NodeFeature'; object: NodeFeatureJson }
  | { format: 'NodeFeatureList'; objects: NodeFeatureJson[] };

/** The document, when it is strict JSON of one of the three accepted shapes; else `undefined`. */
export function parseStrictJsonFeatures(text: string): StrictJsonFeatures | undefined {
  const trimmed = text.trimStart();
  if (!trimmed.startsWith('{')) return undefined;
  let v: Json;
  try {
    v = JSON.parse(trimmed);
  } catch {
    return undefined;
  }
  if (isFeatures(v)) return { format: 'Features', features: v };
  if (isNodeFeature(v)) return { format: 'NodeFeature', object: v };
  if (
    isPlainObject(v) &&
    onlyKeys(v, ['apiVersion', 'kind', 'metadata', 'items']) &&
    v.kind === 'NodeFeatureList' &&
    Array.isArray(v.items) &&
    v.items.every(isNodeFeature)
  ) {
    return { format: 'NodeFeatureList', objects: v.items as NodeFeatureJson[] };
  }
  return undefined;
}
