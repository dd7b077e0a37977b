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

export class Positions {
  readonly file: string | undefined;
  private readonly values = new Map<string, SourcePosition>();
  private readonly keys = new Map<string, SourcePosition>();

  constructor(file?: string) {
    this.file = file;
  }

  /** Records where the value at `path` starts (the first record wins: aliases reuse paths). */
  setValue(path: string, line: number, column: number): void {
    if (!this.values.has(path)) this.values.set(path, this.make(line, column));
  }

  /** Records where the key of the mapping entry at `path` starts. */
  setKey(path: string, line: number, column: number): void {
    if (!this.keys.has(path)) this.keys.set(path, this.make(line, column));
  }

  /** Position of the value at `path`, or of its nearest recorded ancestor (a missing field points at its parent). */
  value(path: string): SourcePosition | undefined {
    for (let p: string | undefined = path; p !== undefined; p = parentPath(p)) {
      const pos = this.values.get(p);
      if (pos) return pos;
    }
    return undefined;
  }

  /** Position of the key of the entry at `path`, falling back to its value's position. */
  key(path: string): SourcePosition | undefined {
    return this.keys.get(path) ?? this.value(path);
  }

  /** Number of recorded value positions (for tests and sanity checks). */
  get size(): number {
    return this.values.size;
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
