/**
 * The light YAML node tree the Go-compatible decoder (go-yaml.ts) walks: only what it needs (the
 * scalar's text, style and tag, collections' items, aliases resolved to their anchored node) plus the
 * start offset of each node in the text. Line and column are computed from the offset only when a
 * diagnostic or a position lookup needs them. Both readers produce it: the fast reader of the common
 * YAML subset (yaml-subset.ts) and the conversion of the `yaml` package's document (go-yaml.ts).
 */

export type YNode = YScalar | YSeq | YMap | YAlias;

export class YScalar {
  /** Offset of the node's first character (-1: unknown). */
  readonly offset: number;
  /** The scalar's text (a `Uint8Array` for a `!!binary` scalar the `yaml` package decoded). */
  readonly value: string | Uint8Array;
  /** Written without quotes (only plain scalars are resolved to numbers, booleans, null). */
  readonly plain: boolean;
  /** The explicit tag, resolved to its full name (`tag:yaml.org,2002:str`), if any. */
  readonly tag: string | undefined;
  constructor(offset: number, value: string | Uint8Array, plain: boolean, tag: string | undefined) {
    this.offset = offset;
    this.value = value;
    this.plain = plain;
    this.tag = tag;
  }
}

export class YSeq {
  readonly offset: number;
  readonly items: (YNode | null)[];
  constructor(offset: number, items: (YNode | null)[]) {
    this.offset = offset;
    this.items = items;
  }
}

export interface YPair {
  key: YNode | null;
  value: YNode | null;
}

export class YMap {
  readonly offset: number;
  readonly items: YPair[];
  constructor(offset: number, items: YPair[]) {
    this.offset = offset;
    this.items = items;
  }
}

export class YAlias {
  readonly offset: number;
  /** The anchor name. */
  readonly source: string;
  /** The node of the nearest preceding anchor of that name (undefined: none). */
  readonly target: YNode | undefined;
  constructor(offset: number, source: string, target: YNode | undefined) {
    this.offset = offset;
    this.source = source;
    this.target = target;
  }
}

export interface YDocument {
  /** `range[0]`: offset where the document starts (its `---`, or its first line of content). */
  readonly range: readonly [number];
  /** The root node; null for an empty document. */
  readonly contents: YNode | null;
}
