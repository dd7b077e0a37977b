/**
 * What the webhook remembers about the cluster's Nodes (or NodeFeatureRules): per object, only the
 * compatibility label keys it carries (`compat.feature.node.kubernetes.io/...`) and one flag, and per key
 * the number of objects carrying it. Whole objects are never kept, so memory grows with the number of
 * compat keys, not with the size of Node objects (status, images, conditions...).
 *
 * Key strings are interned: 5,000 Nodes carrying the same key share one string.
 */
import { COMPAT_LABEL_PREFIX } from '../set-names.ts';

/** What one object contributes: its compat keys and whether it carries the flag (see the extractors). */
export interface Extracted {
  keys: string[];
  flagged: boolean;
}

export type Extractor = (obj: unknown) => Extracted;

interface Entry {
  keys: readonly string[];
  flagged: boolean;
}

const COMPAT = `${COMPAT_LABEL_PREFIX}/`;
/** nfd-master writes this annotation on every Node it labels (`pkg/nfd-master/nfd-master.go`
 * `updateNodeObject`, `FeatureLabelsAnnotation`); with `-instance` it is prefixed `<instance>.`. */
export const NFD_FEATURE_LABELS_ANNOTATION = 'nfd.node.kubernetes.io/feature-labels';

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function metadataOf(obj: unknown): Record<string, unknown> {
  return isMap(obj) && isMap(obj.metadata) ? obj.metadata : {};
}

/** A Node: its compat label keys; flagged when nfd-master has labelled it. */
export const nodeExtractor: Extractor = (obj) => {
  const md = metadataOf(obj);
  const labels = isMap(md.labels) ? md.labels : {};
  const annotations = isMap(md.annotations) ? md.annotations : {};
  const keys = Object.keys(labels).filter((k) => k.startsWith(COMPAT));
  const flagged = Object.keys(annotations).some(
    (k) => k === NFD_FEATURE_LABELS_ANNOTATION || k.endsWith(`.${NFD_FEATURE_LABELS_ANNOTATION}`),
  );
  return { keys, flagged };
};

/** A NodeFeatureRule: the compat label keys its rules set (`spec.rules[].labels`). */
export const ruleExtractor: Extractor = (obj) => {
  const spec = isMap(obj) && isMap(obj.spec) ? obj.spec : {};
  const rules = Array.isArray(spec.rules) ? spec.rules : [];
  const keys = new Set<string>();
  for (const r of rules) {
    if (!isMap(r) || !isMap(r.labels)) continue;
    for (const k of Object.keys(r.labels)) if (k.startsWith(COMPAT)) keys.add(k);
  }
  return { keys: [...keys], flagged: false };
};

export function nameOf(obj: unknown): string | undefined {
  const n = metadataOf(obj).name;
  return typeof n === 'string' ? n : undefined;
}

export class LabelIndex {
  readonly #extract: Extractor;
  /** key → its interned instance and the number of objects carrying it. */
  #counts = new Map<string, { key: string; n: number }>();
  #objects = new Map<string, Entry>();
  #flagged = 0;
  #withKeys = 0;

  constructor(extract: Extractor) {
    this.#extract = extract;
  }

  #add(e: Entry): void {
    for (const k of e.keys) {
      const c = this.#counts.get(k);
      if (c) c.n++;
      else this.#counts.set(k, { key: k, n: 1 });
    }
    if (e.flagged) this.#flagged++;
    if (e.keys.length > 0) this.#withKeys++;
  }

  #drop(e: Entry): void {
    for (const k of e.keys) {
      const c = this.#counts.get(k);
      if (c && --c.n <= 0) this.#counts.delete(k);
    }
    if (e.flagged) this.#flagged--;
    if (e.keys.length > 0) this.#withKeys--;
  }

  #entry(obj: unknown): Entry {
    const { keys, flagged } = this.#extract(obj);
    return { keys: keys.map((k) => this.#counts.get(k)?.key ?? k), flagged };
  }

  /** ADDED or MODIFIED. */
  upsert(obj: unknown): void {
    const name = nameOf(obj);
    if (name === undefined) return;
    const old = this.#objects.get(name);
    if (old) this.#drop(old);
    const e = this.#entry(obj);
    this.#objects.set(name, e);
    this.#add(e);
  }

  /** DELETED. */
  remove(obj: unknown): void {
    const name = nameOf(obj);
    const old = name === undefined ? undefined : this.#objects.get(name);
    if (!old || name === undefined) return;
    this.#drop(old);
    this.#objects.delete(name);
  }

  /** An empty index with the same extractor (to stage a list in). */
  emptyCopy(): LabelIndex {
    return new LabelIndex(this.#extract);
  }

  /** Takes over `other`'s content (a completed list replaces everything). */
  adopt(other: LabelIndex): void {
    this.#counts = other.#counts;
    this.#objects = other.#objects;
    this.#flagged = other.#flagged;
    this.#withKeys = other.#withKeys;
  }

  /** A fresh list replaces everything (after a 410 Gone or a reconnect). */
  replaceAll(objects: Iterable<unknown>): void {
    this.#counts = new Map();
    this.#objects = new Map();
    this.#flagged = 0;
    this.#withKeys = 0;
    for (const o of objects) this.upsert(o);
  }

  /** How many objects carry `key`. */
  count(key: string): number {
    return this.#counts.get(key)?.n ?? 0;
  }

  /** Objects known. */
  get size(): number {
    return this.#objects.size;
  }

  /** Objects carrying the flag (Nodes labelled by nfd-master). */
  get flagged(): number {
    return this.#flagged;
  }

  /** Distinct compat keys known. */
  get keys(): number {
    return this.#counts.size;
  }

  /** Objects carrying at least one compat key. */
  get withKeys(): number {
    return this.#withKeys;
  }
}
