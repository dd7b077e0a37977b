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

/** Children kept in a list before a map is worth it. */
const SMALL = 8;

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
  /** The named steps below: a short list (most objects have a few fields), a map when there are many. */
  kids: PathNode[] | Map<string, PathNode> | undefined = undefined;
  /**
   * The list items below, by index: a node, or only the value's offset for an item nothing else was
   * recorded for (a list of a million scalars then costs a number each).
   */
  items: (PathNode | number | undefined)[] | undefined = undefined;
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
        if (!Number.isInteger(index) || index < 0) return undefined;
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

/** The step `key` below `node` as recorded: a node, an item's offset, or nothing. */
function kid(node: PathNode, key: string | number): PathNode | number | undefined {
  if (typeof key === 'number') return node.items?.[key];
  const kids = node.kids;
  if (kids === undefined) return undefined;
  if (Array.isArray(kids)) {
    for (const c of kids) if (c.key === key) return c;
    return undefined;
  }
  return kids.get(key);
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
    if (typeof key === 'number') {
      let items = node.items;
      if (items === undefined) {
        items = [];
        node.items = items;
      }
      const e = items[key];
      if (e instanceof PathNode) return e;
      const c = new PathNode(node, key);
      if (e !== undefined) c.v = e;
      items[key] = c;
      return c;
    }
    const kids = node.kids;
    if (kids === undefined) {
      const c = new PathNode(node, key);
      node.kids = [c];
      return c;
    }
    if (Array.isArray(kids)) {
      for (const c of kids) if (c.key === key) return c;
      const c = new PathNode(node, key);
      if (kids.length < SMALL) {
        // A new array of the exact size: one grown by push keeps room for 16 more.
        const more = new Array<PathNode>(kids.length + 1);
        for (let i = 0; i < kids.length; i++) more[i] = kids[i]!;
        more[kids.length] = c;
        node.kids = more;
      } else {
        const map = new Map<string, PathNode>();
        for (const k of kids) map.set(k.key as string, k);
        map.set(key, c);
        node.kids = map;
      }
      return c;
    }
    let c = kids.get(key);
    if (c === undefined) {
      c = new PathNode(node, key);
      kids.set(key, c);
    }
    return c;
  }

  /** Makes room for the `n` items of the list at `node`. */
  list(node: PathNode, n: number): void {
    if (node.items === undefined && n > 0) node.items = new Array(n);
  }

  /** Records the offset of the value of list item `index` of `node` without a node for it. */
  recordItem(node: PathNode, index: number, offset: number): void {
    if (offset < 0) return;
    let items = node.items;
    if (items === undefined) {
      items = [];
      node.items = items;
    }
    const e = items[index];
    if (e === undefined) {
      items[index] = offset;
      this.count++;
    } else if (e instanceof PathNode) this.recordValue(e, offset);
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
    let node: PathNode = this.root;
    let best = node.v;
    for (const step of splitPath(path) ?? []) {
      const next = kid(node, step);
      if (next === undefined) break;
      if (typeof next === 'number') {
        // An item known only by its offset has nothing recorded below it.
        best = next;
        break;
      }
      node = next;
      if (node.v !== undefined) best = node.v;
    }
    return this.resolve(best);
  }

  /** Position of the key of the entry at `path`, falling back to its value's position. */
  key(path: string): SourcePosition | undefined {
    const steps = splitPath(path);
    let node: PathNode | undefined = this.root;
    for (const step of steps ?? []) {
      const next = kid(node, step);
      node = next instanceof PathNode ? next : undefined;
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
