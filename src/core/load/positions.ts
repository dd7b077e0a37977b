/**
 * Source positions of decoded values, keyed by their path in the decoded document (the same path
 * strings `Diagnostic.path` uses): `compatibilities[0].rules[1].name`, `labels["vendor.io/x"]`.
 * Every value the loader produces gets the position of its YAML node; entries of mappings also get
 * the position of their key, which is where "unknown field" and "duplicate key" point.
 */
import type { SourcePosition } from '../../errors.ts';

/** A field or map key that can be written with `.name`; anything else is written `["key"]`. */
const SIMPLE_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `base` + one step: a list index, or a field / map key. */
export function childPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  if (SIMPLE_KEY.test(key)) return base === '' ? key : `${base}.${key}`;
  return `${base}[${JSON.stringify(key)}]`;
}

/** Turns a text offset into a 1-based line and column (yaml's `LineCounter` has this shape). */
export interface LineIndex {
  linePos(offset: number): { line: number; col: number };
}

/** A recorded position: a text offset (resolved through the line index when asked), or a given one. */
type At = number | SourcePosition | undefined;

/**
 * One step of a path in the tree of recorded positions. Positions are kept as text offsets and turned
 * into line:column only when asked for, and paths are a tree rather than strings: a 4 MB spec has
 * about a million values, and a string path and position object for each took hundreds of megabytes.
 */
export class PathNode {
  /** Where the value starts. */
  v: At = undefined;
  /** Where the key of the mapping entry starts. */
  k: At = undefined;
  kids: Map<string | number, PathNode> | undefined = undefined;
  readonly parent: PathNode | undefined;
  readonly key: string | number;
  constructor(parent: PathNode | undefined, key: string | number) {
    this.parent = parent;
    this.key = key;
  }
}

/** The steps of a path written by `childPath` (`a.b[0]["x.y"]`), or undefined if it is not one. */
export function splitPath(path: string): (string | number)[] | undefined {
  const steps: (string | number)[] = [];
  let i = 0;
  const n = path.length;
  while (i < n) {
    const c = path[i];
    if (c === '[') {
      if (path[i + 1] === '"') {
        let j = i + 2;
        while (j < n && path[j] !== '"') j += path[j] === '\\' ? 2 : 1;
        if (j >= n || path[j + 1] !== ']') return undefined;
        try {
          steps.push(JSON.parse(path.slice(i + 1, j + 1)) as string);
        } catch {
          return undefined;
        }
        i = j + 2;
      } else {
        const j = path.indexOf(']', i);
        if (j < 0) return undefined;
        const index = Number(path.slice(i + 1, j));
        if (!Number.isInteger(index)) return undefined;
        steps.push(index);
        i = j + 1;
      }
    } else {
      if (c === '.') {
        if (i === 0) return undefined;
        i++;
      } else if (i !== 0) return undefined;
      let j = i;
      while (j < n && path[j] !== '.' && path[j] !== '[') j++;
      if (j === i) return undefined;
      steps.push(path.slice(i, j));
      i = j;
    }
  }
  return steps;
}

export class Positions {
  readonly file: string | undefined;
  private readonly lines: LineIndex | undefined;
  /** The document's root value (path `''`). */
  readonly root = new PathNode(undefined, '');
  private count = 0;

  constructor(file?: string, lines?: LineIndex) {
    this.file = file;
    this.lines = lines;
  }

  /** The node one step below `node`, created on first use. */
  child(node: PathNode, key: string | number): PathNode {
    let kids = node.kids;
    if (kids === undefined) {
      kids = new Map();
      node.kids = kids;
    }
    let c = kids.get(key);
    if (c === undefined) {
      c = new PathNode(node, key);
      kids.set(key, c);
    }
    return c;
  }

  /** Records the offset where the value of `node` starts (the first record wins: aliases reuse paths). */
  recordValue(node: PathNode, offset: number): void {
    if (node.v === undefined && offset >= 0) {
      node.v = offset;
      this.count++;
    }
  }

  /** Records the offset where the key of `node`'s mapping entry starts. */
  recordKey(node: PathNode, at: At): void {
    if (node.k === undefined && at !== undefined && at !== -1) node.k = at;
  }

  /** The path string of `node` (the `Diagnostic.path` form). */
  pathOf(node: PathNode): string {
    const steps: (string | number)[] = [];
    for (let p: PathNode | undefined = node; p?.parent !== undefined; p = p.parent) steps.push(p.key);
    let path = '';
    for (let i = steps.length - 1; i >= 0; i--) path = childPath(path, steps[i]!);
    return path;
  }

  /** Where the key of `node` is recorded, else its value or its nearest recorded ancestor's. */
  keyAt(node: PathNode): At {
    if (node.k !== undefined) return node.k;
    for (let p: PathNode | undefined = node; p !== undefined; p = p.parent) if (p.v !== undefined) return p.v;
    return undefined;
  }

  /** Records where the value at `path` starts (the first record wins: aliases reuse paths). */
  setValue(path: string, line: number, column: number): void {
    const node = this.node(path);
    if (node && node.v === undefined) {
      node.v = this.make(line, column);
      this.count++;
    }
  }

  /** Records where the key of the mapping entry at `path` starts. */
  setKey(path: string, line: number, column: number): void {
    const node = this.node(path);
    if (node && node.k === undefined) node.k = this.make(line, column);
  }

  /** Position of the value at `path`, or of its nearest recorded ancestor (a missing field points at its parent). */
  value(path: string): SourcePosition | undefined {
    const steps = splitPath(path);
    let node: PathNode | undefined = this.root;
    let best = node.v;
    for (const step of steps ?? []) {
      node = node.kids?.get(step);
      if (node === undefined) break;
      if (node.v !== undefined) best = node.v;
    }
    return this.resolve(best);
  }

  /** Position of the key of the entry at `path`, falling back to its value's position. */
  key(path: string): SourcePosition | undefined {
    const steps = splitPath(path);
    let node: PathNode | undefined = this.root;
    for (const step of steps ?? []) {
      node = node?.kids?.get(step);
      if (node === undefined) break;
    }
    if (steps !== undefined && node?.k !== undefined) return this.resolve(node.k);
    return this.value(path);
  }

  /** Number of recorded value positions (for tests and sanity checks). */
  get size(): number {
    return this.count;
  }

  /** The position of a recorded offset or position. */
  resolve(at: At): SourcePosition | undefined {
    if (at === undefined) return undefined;
    if (typeof at !== 'number') return at;
    if (!this.lines) return undefined;
    const { line, col } = this.lines.linePos(at);
    return this.make(line, col);
  }

  private node(path: string): PathNode | undefined {
    const steps = splitPath(path);
    if (steps === undefined) return undefined;
    let node = this.root;
    for (const step of steps) node = this.child(node, step);
    return node;
  }

  private make(line: number, column: number): SourcePosition {
    return this.file === undefined ? { line, column } : { file: this.file, line, column };
  }
}

/** The path one step up, or `undefined` at the root (`''`). */
export function parentPath(path: string): string | undefined {
  if (path === '') return undefined;
  if (path.endsWith(']')) {
    // Either `[N]` or `["key"]`; a quoted key may itself contain `[`, so scan for the opening bracket
    // that starts a JSON string or an index.
    const quoted = path.endsWith('"]');
    if (quoted) {
      // Walk back over the JSON string: find `["` whose string literal closes at the end.
      for (let i = path.lastIndexOf('["'); i >= 0; i = path.lastIndexOf('["', i - 1)) {
        const lit = path.slice(i + 1, -1);
        try {
          JSON.parse(lit);
          return path.slice(0, i);
        } catch {
          // Not the start of this literal; keep looking further left.
        }
        if (i === 0) break;
      }
      return '';
    }
    return path.slice(0, path.lastIndexOf('['));
  }
  const dot = path.lastIndexOf('.');
  const bracket = path.lastIndexOf(']');
  if (dot > bracket) return path.slice(0, dot);
  if (bracket >= 0) return path.slice(0, bracket + 1);
  return '';
}
