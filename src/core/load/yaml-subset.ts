/**
 * A fast reader for the YAML that specs, rules and feature files are written in: block mappings and
 * sequences, single-line plain and quoted scalars, comments, `---` separated documents, and flow
 * (JSON-style) collections that may span lines. It builds the light node tree (yaml-nodes.ts) in one
 * pass over the text, with no token or CST objects, and counts nodes, documents and nesting as it goes
 * so that a limit fails at the first violation.
 *
 * Anchors, aliases and the core tags are taken on scalars and flow collections written on the line of
 * their key or `-`. It gives up (returns `undefined`) on anything else — other tags, properties of block
 * collections, block scalars, multi-line scalars, explicit keys, tabs, odd indentation, and every
 * syntax error — and the caller
 * then reads the text with the `yaml` package (go-yaml.ts), whose results and messages stay the
 * reference. Where it does read the text, it must give the same nodes, offsets and limit errors as
 * that path; test/core/load/yaml-subset.test.ts compares the two.
 */
import { LineCounter } from 'yaml';
import { YAlias, type YDocument, YMap, type YNode, type YPair, YScalar, YSeq } from './yaml-nodes.ts';

export interface SubsetLimits {
  maxDepth: number;
  maxDocuments: number;
  maxNodes: number;
}

export type SubsetResult =
  | { documents: YDocument[]; lineCounter: LineCounter }
  | { problem: string; offset: number; lineCounter: LineCounter };

/** Thrown to give up: the text is outside the subset (or has an error the `yaml` path reports). */
class OutsideSubset extends Error {}

/** Thrown at the first limit violation. */
class LimitExceeded extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.offset = offset;
  }
}

const OUTSIDE = new OutsideSubset();

function outside(): never {
  throw OUTSIDE;
}

/**
 * Characters the subset does not take: tabs, control characters, C1 controls (NEL among them), the
 * Unicode line and paragraph separators, byte order marks, non-characters, and a CR not before LF.
 */
const UNSUPPORTED_CHARS = /[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]|\r(?!\n)/;

/** Characters that cannot start a plain scalar here (YAML indicators, and `-?:` kept out for safety). */
const NOT_PLAIN_START = new Set([
  '-',
  '?',
  ':',
  ',',
  '[',
  ']',
  '{',
  '}',
  '#',
  '&',
  '*',
  '!',
  '|',
  '>',
  "'",
  '"',
  '%',
  '@',
  '`',
  ' ',
]);

/** Texts up to this length are kept once (see `str`), up to `MAX_STRINGS` distinct ones. */
const MAX_INTERNED = 40;
const MAX_STRINGS = 200_000;

/** Longest implicit key read here (YAML caps them at 1024 characters). */
const MAX_KEY = 1000;

const ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
};

const HEX = /^[0-9a-fA-F]+$/;

/** Characters of anchor, alias and tag names taken here. */
const NAME_CHAR = /^[A-Za-z0-9_.-]$/;

/** The `!!` tags taken here (`tag:yaml.org,2002:` + name); goyaml.v2 resolves them (go-scalar.ts). */
const CORE_TAGS = new Set(['str', 'int', 'float', 'bool', 'null', 'timestamp']);

interface Line {
  /** Offset of the line's first character. */
  start: number;
  indent: number;
  /** Offset of the first non-space character. */
  pos: number;
}

interface Key {
  node: YScalar;
  /** Offset just after the `:`. */
  after: number;
}

class SubsetReader {
  private readonly t: string;
  private readonly n: number;
  private readonly lim: SubsetLimits;
  /** Where block parsing continues: always the start of a line (or the end of the text). */
  private p = 0;
  private nodes = 0;
  private flowDepth = 0;
  /**
   * Items of the collections being read, the innermost last: each collection takes its own off the
   * top when it ends, into an array of the exact size (a pushed-to array keeps spare room).
   */
  private readonly stack: unknown[] = [];
  /** Short texts seen so far: keys and values repeat a lot, and one copy of each is kept. */
  private readonly strings = new Map<string, string>();

  constructor(text: string, limits: SubsetLimits) {
    this.t = text;
    this.n = text.length;
    this.lim = limits;
  }

  /** The text from `from` to `to`, one copy per distinct short text. */
  private str(from: number, to: number): string {
    const s = this.t.slice(from, to);
    if (to - from > MAX_INTERNED) return s;
    const seen = this.strings.get(s);
    if (seen !== undefined) return seen;
    if (this.strings.size < MAX_STRINGS) this.strings.set(s, s);
    return s;
  }

  private eol(i: number): boolean {
    if (i >= this.n) return true;
    const c = this.t.charCodeAt(i);
    return c === 10 || (c === 13 && this.t.charCodeAt(i + 1) === 10);
  }

  private nextLine(i: number): number {
    const nl = this.t.indexOf('\n', i);
    return nl < 0 ? this.n : nl + 1;
  }

  private spaces(i: number): number {
    while (i < this.n && this.t.charCodeAt(i) === 32) i++;
    return i;
  }

  /** Nothing but spaces and a comment left on the line from `i`. */
  private blankRest(i: number): boolean {
    const j = this.spaces(i);
    if (this.eol(j)) return true;
    return this.t[j] === '#' && j > i;
  }

  /** The next line with content from line start `i`, skipping blank and comment lines. */
  private peek(i: number): Line | undefined {
    while (i < this.n) {
      const j = this.spaces(i);
      if (this.eol(j)) {
        i = this.nextLine(j);
        continue;
      }
      if (this.t[j] === '#') {
        i = this.nextLine(j);
        continue;
      }
      return { start: i, indent: j - i, pos: j };
    }
    return undefined;
  }

  private marker(pos: number, m: string): boolean {
    return this.t.startsWith(m, pos) && (this.eol(pos + 3) || this.t[pos + 3] === ' ');
  }

  private countNode(offset: number): void {
    if (++this.nodes > this.lim.maxNodes)
      throw new LimitExceeded(`more than ${this.lim.maxNodes} YAML nodes (the limit)`, offset);
  }

  private seqIndicator(i: number): boolean {
    return this.t[i] === '-' && (this.t[i + 1] === ' ' || this.eol(i + 1));
  }

  read(): YDocument[] {
    const docs: YDocument[] = [];
    let documents = 0;
    let cur: { start: number; contents: YNode | null } | undefined;
    let i = 0;
    for (;;) {
      const line = this.peek(i);
      if (!line) break;
      if (line.indent === 0 && this.t.startsWith('---', line.pos)) {
        if (!this.marker(line.pos, '---')) outside();
        if (cur) {
          // The `yaml` parser hands over a document when the next one starts (go-yaml.ts scanTokens).
          if (++documents > this.lim.maxDocuments)
            throw new LimitExceeded(
              `more than ${this.lim.maxDocuments} YAML documents (the limit)`,
              cur.start,
            );
          docs.push({ range: [cur.start], contents: cur.contents });
        }
        cur = { start: line.pos, contents: null };
        this.anchors = new Map();
        if (!this.blankRest(line.pos + 3)) outside();
        i = this.nextLine(line.pos + 3);
        const first = this.peek(i);
        if (!first || (first.indent === 0 && this.t.startsWith('---', first.pos))) continue;
        cur.contents = this.root(first);
        i = this.p;
        continue;
      }
      // Anything after a document's root node other than `---` (including `...`) is not ours.
      if (cur) outside();
      cur = { start: line.start, contents: this.root(line) };
      i = this.p;
    }
    if (cur) docs.push({ range: [cur.start], contents: cur.contents });
    return docs;
  }

  private root(line: Line): YNode {
    if (line.indent === 0 && (this.t.startsWith('...', line.pos) || this.t[line.pos] === '%')) outside();
    let node: YNode;
    const c = this.t[line.pos];
    if (c === '[' || c === '{') {
      const end = this.flow(line.pos, -1, 0);
      if (!this.blankRest(end)) outside();
      this.p = this.nextLine(end);
      node = this.last;
    } else if (this.seqIndicator(line.pos)) node = this.blockSeq(line.indent, line.pos, 0);
    else if (this.key(line.pos)) node = this.blockMap(line.indent, line.pos, 0);
    else node = this.inline(line.pos, 0);
    const next = this.peek(this.p);
    if (next && !(next.indent === 0 && this.t.startsWith('---', next.pos))) outside();
    return node;
  }

  /** The node a flow collection produced (returned through a field to keep `flow`'s result an offset). */
  private last: YNode = new YScalar(-1, '', true, undefined);

  /** A block node on its own line, more indented than its parent. */
  private blockAt(line: Line, depth: number): YNode {
    if (this.seqIndicator(line.pos)) return this.blockSeq(line.indent, line.pos, depth);
    if (this.key(line.pos)) return this.blockMap(line.indent, line.pos, depth);
    return outside();
  }

  private blockMap(indent: number, first: number, depth: number): YMap {
    if (depth + 1 > this.lim.maxDepth) outside();
    const base = this.stack.length;
    let pos = first;
    for (;;) {
      const k = this.key(pos);
      if (!k) outside();
      this.countNode(k.node.offset);
      const j = this.spaces(k.after);
      let value: YNode;
      if (this.eol(j) || this.t[j] === '#') {
        if (this.t[j] === '#' && j === k.after) outside();
        const i = this.nextLine(j);
        const line = this.peek(i);
        if (line && line.indent > indent) value = this.blockAt(line, depth + 1);
        else if (line && line.indent === indent && this.seqIndicator(line.pos))
          value = this.blockSeq(indent, line.pos, depth + 1);
        else {
          value = new YScalar(j, '', true, undefined);
          this.p = i;
        }
      } else value = this.inline(j, depth + 1, indent);
      this.stack.push({ key: k.node, value });
      const line = this.peek(this.p);
      if (!line || line.indent < indent) break;
      if (line.indent > indent) outside();
      if (indent === 0 && (this.t.startsWith('---', line.pos) || this.t.startsWith('...', line.pos))) break;
      if (this.seqIndicator(line.pos)) outside();
      pos = line.pos;
    }
    return new YMap(first, this.stack.splice(base) as YPair[]);
  }

  private blockSeq(indent: number, first: number, depth: number): YSeq {
    if (depth + 1 > this.lim.maxDepth) outside();
    const base = this.stack.length;
    let pos = first;
    for (;;) {
      this.countNode(pos);
      let j = pos + 1;
      if (this.t[j] === ' ') j = this.spaces(j);
      let item: YNode;
      if (this.eol(j) || this.t[j] === '#') {
        const i = this.nextLine(j);
        const line = this.peek(i);
        if (line && line.indent > indent) item = this.blockAt(line, depth + 1);
        else {
          item = new YScalar(j, '', true, undefined);
          this.p = i;
        }
      } else if (this.seqIndicator(j)) outside();
      else if (this.key(j)) item = this.blockMap(j - (pos - indent), j, depth + 1);
      else item = this.inline(j, depth + 1, indent);
      this.stack.push(item);
      const line = this.peek(this.p);
      if (!line || line.indent < indent) break;
      if (line.indent > indent) outside();
      if (!this.seqIndicator(line.pos)) break;
      pos = line.pos;
    }
    return new YSeq(first, this.stack.splice(base) as YNode[]);
  }

  /**
   * A value that starts on the current line at `j` (after `key: ` or `- `): a flow collection or a
   * single-line scalar. Leaves `p` at the start of the next line.
   */
  private inline(start: number, depth: number, blockIndent = -1): YNode {
    let j = start;
    let c = this.t[j]!;
    let node: YNode;
    let end: number;
    let anchor: string | undefined;
    let tag: string | undefined;
    if (c === '&' || c === '!') {
      const props = this.props(j, false);
      anchor = props.anchor;
      tag = props.tag;
      j = props.pos;
      c = this.t[j]!;
    }
    if (c === '|' && blockIndent >= 0) {
      node = this.literal(j, blockIndent, tag);
      if (anchor !== undefined) this.anchor(anchor, node);
      return node;
    }
    if (c === '*') {
      if (anchor !== undefined || tag !== undefined) outside();
      end = this.alias(j, false);
      node = this.last;
    } else if (c === '[' || c === '{') {
      if (tag !== undefined) outside();
      if (anchor !== undefined) this.open(anchor);
      end = this.flow(j, blockIndent, depth);
      node = this.last;
    } else if (c === "'" || c === '"') {
      this.countNode(j);
      const q = this.quoted(j);
      node = new YScalar(j, q.value, false, tag);
      end = q.end;
    } else {
      if (NOT_PLAIN_START.has(c) && !(c === '-' && this.t[j + 1] !== ' ' && !this.eol(j + 1))) outside();
      if (c === '-' && this.t.startsWith('---', j)) outside();
      let e = j;
      while (!this.eol(e)) {
        const ch = this.t.charCodeAt(e);
        if (ch === 58 /* : */ && (this.t.charCodeAt(e + 1) === 32 || this.eol(e + 1))) outside();
        if (ch === 32 && this.t.charCodeAt(e + 1) === 35 /* # */) break;
        e++;
      }
      let last = e;
      while (this.t.charCodeAt(last - 1) === 32) last--;
      this.countNode(j);
      node = new YScalar(j, this.str(j, last), true, tag);
      end = e;
    }
    if (anchor !== undefined) this.anchor(anchor, node);
    if (!this.blankRest(end)) outside();
    this.p = this.nextLine(end);
    return node;
  }

  /**
   * A literal block scalar (`|` or `|-`, no indentation indicator) at `h` under a block collection
   * indented `parent`: its lines, less their common indentation, joined by line feeds; `|` keeps one
   * final line feed, `|-` none. Leaves `p` at the line that ends it.
   */
  private literal(h: number, parent: number, tag: string | undefined): YScalar {
    const t = this.t;
    const strip = t[h + 1] === '-';
    const afterHeader = h + (strip ? 2 : 1);
    if (!this.eol(afterHeader) && t[afterHeader] !== ' ') outside();
    if (!this.blankRest(afterHeader)) outside();
    this.countNode(h);
    let i = this.nextLine(afterHeader);
    let indent = -1;
    const lines: string[] = [];
    /** Empty lines seen since the last content line. */
    let empty = 0;
    while (i < this.n) {
      const j = this.spaces(i);
      if (this.eol(j)) {
        if (j !== i || t.charCodeAt(j) === 13) outside(); // lines of spaces only, CRLF: left to `yaml`
        empty++;
        i = this.nextLine(j);
        continue;
      }
      const k = j - i;
      if (indent < 0) {
        if (k <= parent) break;
        indent = k;
      } else if (k < indent) {
        if (k > parent) outside();
        break;
      }
      for (; empty > 0; empty--) lines.push('');
      const e = this.nextLine(j);
      const lineEnd = e > 0 && t.charCodeAt(e - 1) === 10 ? e - 1 : e;
      if (t.charCodeAt(lineEnd - 1) === 13) outside();
      lines.push(t.slice(i + indent, lineEnd));
      i = e;
    }
    if (indent < 0 && empty > 0) outside();
    this.p = i;
    const text = lines.join('\n');
    return new YScalar(h, lines.length === 0 || strip ? text : `${text}\n`, false, tag);
  }

  /**
   * Anchors of the current document, by name: an alias is the nearest preceding node of its name (as
   * yaml's `Alias.resolve` finds it). An anchored collection is known once it ends, so aliases inside it
   * to its own name, and anchors reusing the name inside it, are left to the `yaml` path.
   */
  private anchors = new Map<string, YNode>();
  private readonly opened = new Set<string>();

  private open(name: string): void {
    if (this.opened.has(name)) outside();
    this.opened.add(name);
  }

  private anchor(name: string, node: YNode): void {
    if (!(node instanceof YScalar)) this.opened.delete(name);
    else if (this.opened.has(name)) outside();
    this.anchors.set(name, node);
  }

  /** An alias at `j`: sets `last`, returns the offset after its name. */
  private alias(j: number, flow: boolean): number {
    const e = this.nameEnd(j + 1, flow);
    const name = this.t.slice(j + 1, e);
    const target = this.anchors.get(name);
    if (target === undefined || this.opened.has(name)) outside();
    this.countNode(j);
    this.last = new YAlias(j, name, target);
    return e;
  }

  /** End of an anchor, alias or tag name at `i`: letters, digits, `_`, `-`, `.` only here. */
  private nameEnd(i: number, flow: boolean): number {
    let e = i;
    while (!this.eol(e)) {
      const ch = this.t.charCodeAt(e);
      if (ch === 32 || (flow && (ch === 44 || ch === 93 || ch === 125))) break;
      if (!NAME_CHAR.test(this.t[e]!)) outside();
      e++;
    }
    if (e === i && this.t[i - 1] !== '!') outside();
    return e;
  }

  /** An anchor and/or tag at `j`, followed by a value on the same line. */
  private props(
    j: number,
    flow: boolean,
  ): { anchor: string | undefined; tag: string | undefined; pos: number } {
    let anchor: string | undefined;
    let tag: string | undefined;
    for (;;) {
      const c = this.t[j];
      if (c === '&' && anchor === undefined) {
        const e = this.nameEnd(j + 1, flow);
        anchor = this.t.slice(j + 1, e);
        j = e;
      } else if (c === '!' && tag === undefined) {
        const secondary = this.t[j + 1] === '!';
        const e = this.nameEnd(j + (secondary ? 2 : 1), flow);
        const name = this.t.slice(j + (secondary ? 2 : 1), e);
        if (secondary) {
          if (!CORE_TAGS.has(name)) outside();
          tag = `tag:yaml.org,2002:${name}`;
        } else tag = `!${name}`;
        j = e;
      } else break;
      if (this.t[j] !== ' ') outside();
      j = this.spaces(j);
      if (this.eol(j) || this.t[j] === '#') outside();
    }
    return { anchor, tag, pos: j };
  }

  /** The last key read (a key is looked at to tell a mapping, then read as its first entry). */
  private lastKey: Key | undefined = undefined;
  private lastKeyPos = -1;

  /** An implicit key at `pos` (plain or quoted, on one line, followed by `: ` or `:` at the end). */
  private key(pos: number): Key | undefined {
    if (pos === this.lastKeyPos) return this.lastKey;
    this.lastKey = this.readKey(pos);
    this.lastKeyPos = pos;
    return this.lastKey;
  }

  private readKey(pos: number): Key | undefined {
    const c = this.t[pos]!;
    if (c === "'" || c === '"') {
      const q = this.quoted(pos);
      const j = this.spaces(q.end);
      if (this.t[j] !== ':' || !(this.t[j + 1] === ' ' || this.eol(j + 1))) return undefined;
      if (j - pos > MAX_KEY) outside();
      return { node: new YScalar(pos, q.value, false, undefined), after: j + 1 };
    }
    if (NOT_PLAIN_START.has(c) && !(c === '-' && this.t[pos + 1] !== ' ' && !this.eol(pos + 1)))
      return undefined;
    let e = pos;
    while (!this.eol(e)) {
      const ch = this.t.charCodeAt(e);
      if (ch === 58 && (this.t.charCodeAt(e + 1) === 32 || this.eol(e + 1))) {
        if (e - pos > MAX_KEY) outside();
        let last = e;
        while (this.t.charCodeAt(last - 1) === 32) last--;
        return { node: new YScalar(pos, this.str(pos, last), true, undefined), after: e + 1 };
      }
      if (ch === 32 && this.t.charCodeAt(e + 1) === 35) return undefined;
      e++;
    }
    return undefined;
  }

  /** A single-line quoted scalar at `pos`: its value and the offset after the closing quote. */
  private quoted(pos: number): { value: string; end: number } {
    const t = this.t;
    const q = t[pos];
    let out = '';
    let from = pos + 1;
    let i = from;
    for (;;) {
      if (this.eol(i)) outside();
      const c = t[i];
      if (c === q) {
        if (q === "'" && t[i + 1] === "'") {
          out += t.slice(from, i + 1);
          i += 2;
          from = i;
          continue;
        }
        return { value: out === '' ? this.str(from, i) : out + t.slice(from, i), end: i + 1 };
      }
      if (c === '\\' && q === '"') {
        out += t.slice(from, i);
        const e = t[i + 1]!;
        if (this.eol(i + 1)) outside();
        const simple = ESCAPES[e];
        if (simple !== undefined) {
          out += simple;
          i += 2;
        } else if (e === 'x' || e === 'u' || e === 'U') {
          const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
          const hex = t.slice(i + 2, i + 2 + len);
          if (hex.length !== len || !HEX.test(hex)) outside();
          const code = Number.parseInt(hex, 16);
          if (code > 0x10ffff) outside();
          out += String.fromCodePoint(code);
          i += 2 + len;
        } else outside();
        from = i;
        continue;
      }
      i++;
    }
  }

  /** Skips spaces, comments and line breaks inside a flow collection; returns the next offset. */
  private flowSpace(i: number, blockIndent: number): number {
    for (;;) {
      const c = this.t.charCodeAt(i);
      if (c === 32) {
        i++;
      } else if (c === 35 /* # */) {
        const prev = this.t.charCodeAt(i - 1);
        if (prev !== 32 && prev !== 10) outside();
        while (!this.eol(i)) i++;
      } else if (this.eol(i)) {
        if (i >= this.n) outside(); // unterminated: the `yaml` path reports it
        i = this.nextLine(i);
        const j = this.spaces(i);
        const indent = j - i;
        if (indent === 0 && (this.t.startsWith('---', j) || this.t.startsWith('...', j))) outside();
        // Lines of a flow collection in a block one are indented past it; the `yaml` lexer lets the
        // closing bracket of the outermost flow collection sit at the block's own indentation.
        if (!this.eol(j) && this.t[j] !== '#' && indent <= blockIndent) {
          const closing = this.t[j] === ']' || this.t[j] === '}';
          if (!(closing && this.flowDepth === 1 && indent === blockIndent)) outside();
        }
        i = j;
      } else return i;
    }
  }

  /**
   * A flow collection at `j`; `blockIndent` is the indentation of the block collection holding it
   * (-1 at the root). Sets `last` to the node and returns the offset after the closing bracket.
   */
  private flow(j: number, blockIndent: number, depth: number): number {
    // The same order as go-yaml.ts scanTokens: the flow depth limit, then the node count.
    if (++this.flowDepth > this.lim.maxDepth)
      throw new LimitExceeded(`nesting is deeper than the limit of ${this.lim.maxDepth} levels`, j);
    this.countNode(j);
    if (depth + 1 > this.lim.maxDepth) outside();
    const t = this.t;
    const isMap = t[j] === '{';
    const close = isMap ? '}' : ']';
    const base = this.stack.length;
    let i = this.flowSpace(j + 1, blockIndent);
    while (t[i] !== close) {
      if (isMap) {
        const c = t[i]!;
        let key: YScalar;
        let after: number;
        if (c === "'" || c === '"') {
          this.countNode(i);
          const q = this.quoted(i);
          key = new YScalar(i, q.value, false, undefined);
          after = this.spaces(q.end);
          if (t[after] !== ':') outside();
        } else {
          const e = this.plainFlowEnd(i, true);
          this.countNode(i);
          key = new YScalar(i, this.trimmed(i, e), true, undefined);
          after = this.spaces(e);
          if (t[after] !== ':' || !(t[after + 1] === ' ' || this.eol(after + 1))) outside();
        }
        i = this.flowSpace(after + 1, blockIndent);
        if (t[i] === ',' || t[i] === '}') outside();
        i = this.flowItem(i, blockIndent, depth + 1);
        this.stack.push({ key, value: this.last });
      } else {
        i = this.flowItem(i, blockIndent, depth + 1);
        this.stack.push(this.last);
      }
      i = this.flowSpace(i, blockIndent);
      if (t[i] === ',') i = this.flowSpace(i + 1, blockIndent);
      else if (t[i] !== close) outside();
    }
    this.flowDepth--;
    const items = this.stack.splice(base);
    this.last = isMap ? new YMap(j, items as YPair[]) : new YSeq(j, items as YNode[]);
    return i + 1;
  }

  /**
   * End of a plain scalar in a flow collection starting at `i` (before trailing spaces); a key ends at
   * `: `.
   */
  private plainFlowEnd(i: number, key = false): number {
    const t = this.t;
    const c = t[i]!;
    if (NOT_PLAIN_START.has(c)) {
      const next = t[i + 1];
      if (
        c !== '-' ||
        next === ' ' ||
        next === ',' ||
        next === ']' ||
        next === '}' ||
        next === '[' ||
        next === '{' ||
        this.eol(i + 1)
      )
        outside();
    }
    let e = i;
    while (!this.eol(e)) {
      const ch = t.charCodeAt(e);
      // , [ ] { } end it; a `:` anywhere is left to the `yaml` path.
      if (ch === 44 || ch === 91 || ch === 93 || ch === 123 || ch === 125) break;
      if (ch === 58) {
        if (key && (t.charCodeAt(e + 1) === 32 || this.eol(e + 1))) break;
        outside();
      }
      if (ch === 32 && t.charCodeAt(e + 1) === 35) break;
      e++;
    }
    return e;
  }

  private trimmed(from: number, e: number): string {
    let last = e;
    while (this.t.charCodeAt(last - 1) === 32) last--;
    return this.str(from, last);
  }

  /** One item of a flow collection at `i`; sets `last`, returns the offset after it. */
  private flowItem(start: number, blockIndent: number, depth: number): number {
    let i = start;
    let c = this.t[i]!;
    let anchor: string | undefined;
    let tag: string | undefined;
    if (c === '&' || c === '!') {
      const props = this.props(i, true);
      anchor = props.anchor;
      tag = props.tag;
      i = props.pos;
      c = this.t[i]!;
    }
    let end: number;
    if (c === '*') {
      if (anchor !== undefined || tag !== undefined) outside();
      return this.alias(i, true);
    }
    if (c === '[' || c === '{') {
      if (tag !== undefined) outside();
      if (anchor !== undefined) this.open(anchor);
      end = this.flow(i, blockIndent, depth);
    } else if (c === "'" || c === '"') {
      this.countNode(i);
      const q = this.quoted(i);
      this.last = new YScalar(i, q.value, false, tag);
      end = q.end;
    } else {
      const e = this.plainFlowEnd(i);
      this.countNode(i);
      this.last = new YScalar(i, this.trimmed(i, e), true, tag);
      end = e;
    }
    if (anchor !== undefined) this.anchor(anchor, this.last);
    return end;
  }
}

/** Line starts of `text`, as the `yaml` parser records them (every line feed starts a line). */
function lineCounterOf(text: string): LineCounter {
  const lc = new LineCounter();
  lc.addNewLine(0);
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lc.addNewLine(i + 1);
  return lc;
}

/**
 * Reads `text` if it is within the subset: its documents, or the first limit violation. `undefined`
 * when the text is outside the subset (or has a syntax error): read it with the `yaml` package then.
 */
export function readSubset(text: string, limits: SubsetLimits): SubsetResult | undefined {
  if (UNSUPPORTED_CHARS.test(text)) return undefined;
  const reader = new SubsetReader(text, limits);
  try {
    const documents = reader.read();
    return { documents, lineCounter: lineCounterOf(text) };
  } catch (e) {
    if (e instanceof LimitExceeded)
      return { problem: e.message, offset: e.offset, lineCounter: lineCounterOf(text) };
    if (e instanceof OutsideSubset) return undefined;
    throw e;
  }
}
