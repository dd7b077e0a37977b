/**
 * NodeFeature objects → one feature set per node, the way nfd-master builds it before it evaluates
 * NodeFeatureRules (pkg/nfd-master/nfd-master.go `getAndMergeNodeFeatures`):
 *
 * - a node's objects are those labelled `nfd.node.kubernetes.io/node-name=<node>`, in any namespace
 *   (nfd-worker's own object is named after the node in the master's namespace; third parties add more);
 * - they are sorted with the master's namespace first, then by name, then by namespace;
 * - the first is deep-copied and every other one is merged into it: flag and attribute elements are
 *   overwritten key by key (later objects win), instance lists are appended.
 *
 * `cluster validate` reads the objects page by page (node-stream.ts) and merges each node once all its
 * objects are read; `groupByNode` groups a list already in memory.
 *
 * The API server's CRD schema already types the objects, but a NodeFeature can still be unusable (a
 * feature whose `elements` is missing or of the wrong shape when the schema was relaxed, an object written
 * by a buggy third party); such a node is reported with the reason and skipped, the others are evaluated.
 */
import type { Features } from '../core/model/features.ts';
import { NODE_NAME_LABEL, type NodeFeatureObject } from './kube-client.ts';

/** nfd-master's default namespace (its kustomize/Helm deployments). */
export const DEFAULT_NFD_NAMESPACE = 'node-feature-discovery';

export interface NodeObjects {
  node: string;
  /** In nfd-master's merge order. */
  objects: NodeFeatureObject[];
}

/** `namespace/name` of an object, for messages. */
export function objectKey(o: NodeFeatureObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

function byteCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** nfd-master's order: its own namespace first, then by name, then by namespace. */
export function mergeOrder(masterNamespace: string): (a: NodeFeatureObject, b: NodeFeatureObject) => number {
  return (a, b) => {
    const an = a.metadata.namespace === masterNamespace ? 0 : 1;
    const bn = b.metadata.namespace === masterNamespace ? 0 : 1;
    if (an !== bn) return an - bn;
    return (
      byteCompare(a.metadata.name, b.metadata.name) ||
      byteCompare(a.metadata.namespace ?? '', b.metadata.namespace ?? '')
    );
  };
}

/**
 * Groups objects by their node-name label (objects without it are ignored, as nfd-master never selects
 * them), each group in merge order, nodes sorted by name.
 */
export function groupByNode(objects: readonly NodeFeatureObject[], masterNamespace: string): NodeObjects[] {
  const byNode = new Map<string, NodeFeatureObject[]>();
  for (const o of objects) {
    const node = o.metadata?.labels?.[NODE_NAME_LABEL];
    if (!node) continue;
    const list = byNode.get(node);
    if (list) list.push(o);
    else byNode.set(node, [o]);
  }
  const order = mergeOrder(masterNamespace);
  return [...byNode.entries()]
    .sort(([a], [b]) => byteCompare(a, b))
    .map(([node, list]) => ({ node, objects: list.sort(order) }));
}

/** A NodeFeature whose features cannot be read; the message says which object and what. */
export class MalformedFeaturesError extends Error {}

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function bad(o: NodeFeatureObject, path: string, what: string): never {
  throw new MalformedFeaturesError(`NodeFeature ${objectKey(o)}: spec.features.${path} ${what}`);
}

/**
 * Checks one object's features and returns them without copying (a cluster holds thousands of nodes of
 * hundreds of elements each: copying them all would cost more than evaluating them). Flag element values
 * are not looked at: NFD only uses their names. Throws MalformedFeaturesError.
 */
export function checkFeatures(o: NodeFeatureObject): Features {
  const raw = o.spec?.features;
  if (raw === undefined || raw === null) return {};
  if (!isMap(raw)) bad(o, '', 'is not an object');
  const flags = raw.flags;
  if (flags !== undefined && flags !== null) {
    if (!isMap(flags)) bad(o, 'flags', 'is not an object');
    for (const name in flags) {
      const set = flags[name];
      if (!isMap(set)) bad(o, `flags[${JSON.stringify(name)}]`, 'is not an object');
      const el = set.elements;
      if (el !== null && el !== undefined && !isMap(el)) {
        bad(o, `flags[${JSON.stringify(name)}].elements`, 'is not a map of names');
      }
    }
  }
  const attrs = raw.attributes;
  if (attrs !== undefined && attrs !== null) {
    if (!isMap(attrs)) bad(o, 'attributes', 'is not an object');
    for (const name in attrs) {
      const set = attrs[name];
      if (!isMap(set)) bad(o, `attributes[${JSON.stringify(name)}]`, 'is not an object');
      const el = set.elements;
      if (el === null || el === undefined) continue;
      if (!isMap(el)) bad(o, `attributes[${JSON.stringify(name)}].elements`, 'is not a map of strings');
      for (const k in el) {
        const v = el[k];
        if (typeof v !== 'string') {
          bad(
            o,
            `attributes[${JSON.stringify(name)}].elements[${JSON.stringify(k)}]`,
            `is ${typeof v}, not a string`,
          );
        }
      }
    }
  }
  const inst = raw.instances;
  if (inst !== undefined && inst !== null) {
    if (!isMap(inst)) bad(o, 'instances', 'is not an object');
    for (const name in inst) {
      const set = inst[name];
      if (!isMap(set)) bad(o, `instances[${JSON.stringify(name)}]`, 'is not an object');
      const el = set.elements;
      if (el === null || el === undefined) continue;
      if (!Array.isArray(el)) bad(o, `instances[${JSON.stringify(name)}].elements`, 'is not a list');
      for (let i = 0; i < el.length; i++) {
        const e: unknown = el[i];
        const a = isMap(e) ? e.attributes : undefined;
        if (!isMap(a))
          bad(o, `instances[${JSON.stringify(name)}].elements[${i}].attributes`, 'is not a map of strings');
        for (const k in a) {
          const v = a[k];
          if (typeof v !== 'string') {
            bad(
              o,
              `instances[${JSON.stringify(name)}].elements[${i}].attributes[${JSON.stringify(k)}]`,
              `is ${typeof v}, not a string`,
            );
          }
        }
      }
    }
  }
  return raw as Features;
}

/**
 * NFD's `Features.MergeInto`, copy-on-write: `into` is a fresh top level whose feature sets may still be
 * shared with the first object; a set is copied only when `from` changes it.
 */
function mergeInto(from: Features, into: Required<Features>): void {
  for (const name in from.flags ?? {}) {
    const set = from.flags![name]!;
    const prev = into.flags[name];
    if (set.elements === null || set.elements === undefined) {
      if (!prev) into.flags[name] = { elements: null };
      continue;
    }
    into.flags[name] = { elements: { ...(prev?.elements ?? {}), ...set.elements } };
  }
  for (const name in from.attributes ?? {}) {
    const set = from.attributes![name]!;
    const prev = into.attributes[name];
    if (set.elements === null || set.elements === undefined) {
      if (!prev) into.attributes[name] = { elements: null };
      continue;
    }
    into.attributes[name] = { elements: { ...(prev?.elements ?? {}), ...set.elements } };
  }
  for (const name in from.instances ?? {}) {
    const set = from.instances![name]!;
    const prev = into.instances[name];
    const added = (set.elements ?? []).map((e) => ({ attributes: { ...e.attributes } }));
    if (!prev) into.instances[name] = { elements: set.elements == null ? null : added };
    else if (added.length > 0) into.instances[name] = { elements: [...(prev.elements ?? []), ...added] };
  }
}

/**
 * One node's merged features (objects already in merge order); throws MalformedFeaturesError. The result
 * shares structure with the objects (nfd-master deep-copies; we copy only what a merge changes), so callers
 * must not modify it: validateNode does not, executeRuleSequence and evaluateNodeFeatureGroup do (clone
 * first).
 */
export function mergeNodeFeatures(objects: readonly NodeFeatureObject[]): Features {
  const [first, ...rest] = objects;
  if (!first) return {};
  const base = checkFeatures(first);
  if (rest.length === 0) return base;
  const merged: Required<Features> = {
    flags: { ...(base.flags ?? {}) },
    attributes: { ...(base.attributes ?? {}) },
    instances: { ...(base.instances ?? {}) },
  };
  for (const o of rest) mergeInto(checkFeatures(o), merged);
  return merged;
}
