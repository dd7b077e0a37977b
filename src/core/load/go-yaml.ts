/**
 * Reads YAML (or JSON) the way NFD does, with positions: sigs.k8s.io/yaml `Unmarshal` = goyaml.v2
 * (YAML 1.1 scalars) into `interface{}`, then `convertToJSONableObject` (numbers and booleans become
 * text where the Go field is a string), then `encoding/json` into the Go struct (case-insensitive
 * field names, unknown fields ignored, type mismatches are errors). See gopkg.in/yaml.v2 resolve.go and sigs.k8s.io/yaml
 *
 * The text is read into a light node tree (yaml-nodes.ts) where every scalar keeps its text and style:
 * by the fast reader of the common YAML subset (yaml-subset.ts), or, for anything else, by the `yaml`
 * package with the failsafe schema. We walk the tree alongside a `TypeDesc` of the Go target type and
 * resolve each scalar the goyaml.v2 way (go-scalar.ts). Every produced value gets a source position
 * (positions.ts), kept as an offset until a line and column are asked for.
 *
 * Differences from Go, on purpose: unknown fields and duplicate keys are reported as warnings (Go
 * ignores unknown fields and lets the last duplicate win silently); and hostile input is refused before
 * it can hurt: a size cap, a nesting-depth limit, and goyaml.v2's own alias-expansion limit.
 */
import {
  Composer,
  CST,
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  Lexer,
  LineCounter,
  Parser,
  Scalar,
} from 'yaml';
import type { Diagnostic } from '../../errors.ts';
import { foldName } from '../../go/json.ts';
import { quote as goQuote } from '../../go/strconv.ts';
import { compareBytes, utf8Length } from '../../go/utf8.ts';
import { setOwn } from '../match/own.ts';
import {
  type GoScalar,
  goScalarToKey,
  goScalarToString,
  ResolveError,
  resolveGoScalar,
  TAG_BINARY,
  TAG_MERGE,
} from './go-scalar.ts';
import { type PathNode, Positions } from './positions.ts';
import { YAlias, type YDocument, YMap, type YNode, YScalar, YSeq } from './yaml-nodes.ts';
import { readSubset, type SubsetLimits } from './yaml-subset.ts';

/** Largest input accepted, in bytes (issue 2 "a spec over 4 MiB"). */
export const MAX_INPUT_BYTES = 4 * 1024 * 1024;

/**
 * Deepest nesting of collections accepted. Real specs nest about 10 levels. The `yaml` composer is
 * recursive: it overflows the JS stack near 800 levels of flow collections, and a few thousand take
 * the whole process down, so the depth is checked on the CST before composing. (goyaml.v2 allows
 * 10000; no sensible document comes near either limit.)
 */
export const MAX_DEPTH = 200;

/**
 * Most YAML documents in one input (`---` separated). NFD reads one spec; rule files hold a few. Each
 * document costs memory even when empty: a million of them took 1.4 GB.
 */
export const MAX_DOCUMENTS = 10_000;

/**
 * Most nodes (scalars, aliases, collections, sequence entries) in one input. The `yaml` package keeps
 * about 1 KB per node while composing; the 4 MiB cap alone would allow two million.
 */
export const MAX_NODES = 1_000_000;

/**
 * Most nodes in one input read by the `yaml` package, i.e. YAML outside the fast reader's subset
 * (folded and `|+` block scalars, multi-line plain or quoted scalars, tabs, other tags). That path keeps
 * about 1.4 KB per node: 150,000 nodes stay near 200 MB, where a million took 1.4 GB. A spec or rule
 * file that needs more nodes than this can be written in the common subset.
 */
export const MAX_NODES_OUTSIDE_SUBSET = 150_000;

const LIMITS: SubsetLimits = { maxDepth: MAX_DEPTH, maxDocuments: MAX_DOCUMENTS, maxNodes: MAX_NODES };
const LIMITS_OUTSIDE_SUBSET: SubsetLimits = { ...LIMITS, maxNodes: MAX_NODES_OUTSIDE_SUBSET };

/** Lexeme types (yaml's `CST.tokenType`) that each start one node. */
const NODE_LEXEMES = new Set([
  'scalar',
  'single-quoted-scalar',
  'double-quoted-scalar',
  'block-scalar-header',
  'alias',
  'flow-map-start',
  'flow-seq-start',
  'seq-item-ind',
  'explicit-key-ind',
]);

/** The Go type a YAML value is decoded into. */
export type TypeDesc =
  | { kind: 'string' }
  | { kind: 'int' }
  | { kind: 'list'; elem: TypeDesc }
  | {
      kind: 'map';
      elem: TypeDesc;
      /** Set when a null element would make NFD crash (a nil `*MatchExpression`): the message. */
      nullElemError?: string;
    }
  | StructDesc
  /** `interface{}`, or a type with its own JSON unmarshaller (metav1.Time): no coercion. */
  | { kind: 'any' };

export interface StructDesc {
  kind: 'struct';
  /** What the object is, for messages: "compatibility spec", "rule", ... */
  name: string;
  fields: Record<string, TypeDesc>;
  /** Zero values filled in for absent fields the model declares as required. */
  zero?: Record<string, () => unknown>;
  /** Unknown fields are expected (Kubernetes ObjectMeta has many): no warning. */
  open?: boolean;
  /**
   * Unknown fields are not decoded at all: for a first look at a few fields of a document whose full
   * decode follows and reports everything else (TypeMeta before the object).
   */
  skipUnknown?: boolean;
}

export const STRING: TypeDesc = { kind: 'string' };
export const INT: TypeDesc = { kind: 'int' };
export const ANY: TypeDesc = { kind: 'any' };
export const listOf = (elem: TypeDesc): TypeDesc => ({ kind: 'list', elem });
export const mapOf = (elem: TypeDesc, nullElemError?: string): TypeDesc =>
  nullElemError === undefined ? { kind: 'map', elem } : { kind: 'map', elem, nullElemError };
export function struct(
  name: string,
  fields: Record<string, TypeDesc>,
  opts: { zero?: Record<string, () => unknown>; open?: boolean; skipUnknown?: boolean } = {},
): StructDesc {
  return { kind: 'struct', name, fields, ...opts };
}

export interface ParsedYaml {
  /** The documents (empty when there were syntax errors or the text was refused). */
  documents: YDocument[];
  lineCounter: LineCounter;
  /** Syntax errors, size and depth errors, and parser warnings. */
  diagnostics: Diagnostic[];
}

export interface DecodedDocument {
  /** The decoded value (`undefined` when decoding was aborted). */
  value: unknown;
  positions: Positions;
  /** Errors and warnings of this document, with positions. */
  diagnostics: Diagnostic[];
}

function pos(lc: LineCounter, offset: number, file: string | undefined) {
  const { line, col } = lc.linePos(offset);
  return file === undefined ? { line, column: col } : { file, line, column: col };
}

/** Depth of the deepest collection in the CST, found without recursion (the CST may be hostile). */
function cstTooDeep(tokens: CST.Token[], limit: number): number | undefined {
  const stack: Array<[CST.Token, number]> = [];
  for (const t of tokens) if (t.type === 'document' && t.value) stack.push([t.value, 0]);
  while (stack.length > 0) {
    const [t, d] = stack.pop()!;
    if (t.type === 'block-map' || t.type === 'block-seq' || t.type === 'flow-collection') {
      if (d + 1 > limit) return t.offset;
      for (const item of t.items) {
        const it = item as CST.CollectionItem;
        if (it.key && typeof it.key === 'object') stack.push([it.key, d + 1]);
        if (it.value) stack.push([it.value, d + 1]);
      }
    }
  }
  return undefined;
}

/**
 * Lexes and parses `text` in one streaming pass (yaml's Lexer feeding `Parser.next`), stopping at the
 * first lexeme that goes past a limit: flow nesting deeper than `MAX_DEPTH` (4 MB of `[` made the
 * parser's stack grow for 30 s and 3.5 GB before the depth check on the finished tree), more than
 * `MAX_DOCUMENTS` documents or `MAX_NODES` nodes. Memory stays proportional to what was accepted.
 */
function scanTokens(
  text: string,
  lineCounter: LineCounter,
  lim: SubsetLimits,
): { tokens: CST.Token[] } | { problem: string; offset: number } {
  const parser = new Parser(lineCounter.addNewLine);
  lineCounter.addNewLine(0); // what Parser.parse does first
  const tokens: CST.Token[] = [];
  let offset = 0;
  let flowDepth = 0;
  let documents = 0;
  let nodes = 0;
  for (const lexeme of new Lexer().lex(text)) {
    const type = CST.tokenType(lexeme);
    if (type === 'flow-map-start' || type === 'flow-seq-start') {
      if (++flowDepth > lim.maxDepth)
        return { problem: `nesting is deeper than the limit of ${lim.maxDepth} levels`, offset };
    } else if (type === 'flow-map-end' || type === 'flow-seq-end') {
      flowDepth = Math.max(0, flowDepth - 1);
    } else if (type === 'doc-mode' || type === 'doc-start') {
      flowDepth = 0;
    }
    if (type !== null && NODE_LEXEMES.has(type) && ++nodes > lim.maxNodes)
      return { problem: `more than ${lim.maxNodes} YAML nodes (the limit)`, offset };
    // The parser hands over each document as soon as it is complete.
    for (const t of parser.next(lexeme)) {
      if (t.type === 'document' && ++documents > lim.maxDocuments)
        return { problem: `more than ${lim.maxDocuments} YAML documents (the limit)`, offset: t.offset };
      tokens.push(t);
    }
    // Control lexemes (doc-mode, scalar markers) have no source length.
    if (type !== 'doc-mode' && type !== 'scalar' && type !== 'flow-error-end') offset += lexeme.length;
  }
  for (const t of parser.end()) tokens.push(t);
  return { tokens };
}

/**
 * Parse `text` into YAML documents with the failsafe schema. Refuses input over `MAX_INPUT_BYTES` and
 * nesting deeper than `MAX_DEPTH` before composing. Never throws on bad input.
 */
export function parseYaml(text: string, file?: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const diagnostics: Diagnostic[] = [];
  const whole = file === undefined ? undefined : { file, line: 1, column: 1 };
  // A UTF-16 code unit is at most 3 UTF-8 bytes: short texts need no count.
  const size = text.length * 3 <= MAX_INPUT_BYTES ? 0 : utf8Length(text);
  if (size > MAX_INPUT_BYTES) {
    diagnostics.push({
      severity: 'error',
      message: `input is ${size} bytes, larger than the ${MAX_INPUT_BYTES}-byte (4 MiB) limit`,
      ...(whole ? { position: whole } : {}),
    });
    return { documents: [], lineCounter, diagnostics };
  }
  // goyaml.v2 reads a lone CR as a line break (YAML 1.1); the yaml package does not. Same length, so
  // offsets and columns are unchanged.
  const source = text.includes('\r') ? text.replace(/\r(?!\n)/g, '\n') : text;
  // The common subset is read in one pass; anything else (and every syntax error) goes to `yaml`.
  const fast = readSubset(source, LIMITS);
  if (fast) {
    if ('problem' in fast) {
      diagnostics.push({
        severity: 'error',
        message: fast.problem,
        position: pos(fast.lineCounter, fast.offset, file),
      });
      return { documents: [], lineCounter: fast.lineCounter, diagnostics };
    }
    return { documents: fast.documents, lineCounter: fast.lineCounter, diagnostics };
  }
  return parseWithYamlPackage(source, file, LIMITS_OUTSIDE_SUBSET);
}

/**
 * The `yaml` package's reading of `source` (lone CRs already turned into LFs): the reference the fast
 * reader of the subset must agree with, and the reader of everything outside it.
 */
export function parseWithYamlPackage(source: string, file?: string, lim: SubsetLimits = LIMITS): ParsedYaml {
  const lineCounter = new LineCounter();
  const diagnostics: Diagnostic[] = [];
  const whole = file === undefined ? undefined : { file, line: 1, column: 1 };
  const scanned = scanTokens(source, lineCounter, lim);
  if ('problem' in scanned) {
    diagnostics.push({
      severity: 'error',
      message: scanned.problem,
      position: pos(lineCounter, scanned.offset, file),
    });
    return { documents: [], lineCounter, diagnostics };
  }
  const { tokens } = scanned;
  const deep = cstTooDeep(tokens, lim.maxDepth);
  if (deep !== undefined) {
    diagnostics.push({
      severity: 'error',
      message: `nesting is deeper than the limit of ${lim.maxDepth} levels`,
      position: pos(lineCounter, deep, file),
    });
    return { documents: [], lineCounter, diagnostics };
  }
  let documents: Document.Parsed[];
  try {
    documents = [
      ...new Composer({
        schema: 'failsafe',
        uniqueKeys: false,
        prettyErrors: false,
        keepSourceTokens: false,
      }).compose(tokens),
    ];
  } catch (e) {
    // The composer reports its own problems as document errors; this is a last resort.
    diagnostics.push({
      severity: 'error',
      message: `cannot parse YAML: ${e instanceof Error ? e.message : String(e)}`,
      ...(whole ? { position: whole } : {}),
    });
    return { documents: [], lineCounter, diagnostics };
  }
  let hasErrors = false;
  for (const doc of documents) {
    for (const e of doc.errors) {
      hasErrors = true;
      diagnostics.push({
        severity: 'error',
        message: `YAML syntax error: ${e.message.split('\n')[0]}`,
        position: pos(lineCounter, e.pos[0], file),
      });
    }
    for (const w of doc.warnings) {
      // Tags are resolved by the decoder the goyaml.v2 way; the failsafe schema's complaint is noise.
      if (w.code === 'TAG_RESOLVE_FAILED') continue;
      diagnostics.push({
        severity: 'warning',
        message: w.message.split('\n')[0]!,
        position: pos(lineCounter, w.pos[0], file),
      });
    }
  }
  return { documents: hasErrors ? [] : documents.map(toLight), lineCounter, diagnostics };
}

/**
 * The light tree of a document the `yaml` package composed. An alias points at the nearest preceding
 * node with its anchor in document order, as yaml's `Alias.resolve` finds it (without its walk of the
 * whole document for every alias).
 */
function toLight(doc: Document.Parsed): YDocument {
  const anchors = new Map<string, YNode>();
  const offset = (n: { range?: [number, number, number] | null }) => n.range?.[0] ?? -1;
  const conv = (n: unknown): YNode | null => {
    if (n === null || n === undefined) return null;
    if (isAlias(n)) return new YAlias(offset(n), n.source, anchors.get(n.source));
    if (isScalar(n)) {
      const v = n.value;
      const s = new YScalar(
        offset(n),
        typeof v === 'string' || v instanceof Uint8Array ? v : String(v ?? ''),
        n.type === Scalar.PLAIN,
        n.tag,
      );
      if (n.anchor) anchors.set(n.anchor, s);
      return s;
    }
    if (isSeq(n)) {
      const seq = new YSeq(offset(n), []);
      if (n.anchor) anchors.set(n.anchor, seq);
      for (const item of n.items) seq.items.push(conv(item));
      return seq;
    }
    if (isMap(n)) {
      const map = new YMap(offset(n), []);
      if (n.anchor) anchors.set(n.anchor, map);
      for (const pair of n.items) {
        if (!isPair(pair)) continue;
        const key = conv(pair.key);
        map.items.push({ key, value: conv(pair.value) });
      }
      return map;
    }
    return null;
  };
  return { range: [doc.range[0]], contents: conv(doc.contents) };
}

// ---------------------------------------------------------------------------------------------------

/** Thrown inside the decoder to stop at a document-fatal problem (excessive aliasing, depth). */
class Abort extends Error {}

function typeLabel(t: TypeDesc): string {
  switch (t.kind) {
    case 'string':
      return 'a string';
    case 'int':
      return 'an integer';
    case 'list':
      return 'a list';
    case 'map':
      return 'a map';
    case 'struct':
      return `a ${t.name} object`;
    default:
      return 'a value';
  }
}

function describeScalar(s: GoScalar): string {
  switch (s.t) {
    case 'str':
      return `the string ${goQuote(s.v.length > 40 ? `${s.v.slice(0, 40)}...` : s.v)}`;
    case 'bool':
      return `the boolean ${s.v}`;
    case 'null':
      return 'null';
    case 'float':
      return `the number ${s.v}`;
    default:
      return `the number ${s.v}`;
  }
}

/** goyaml.v2's alias-expansion limit (decode.go `allowedAliasRatio`). */
function allowedAliasRatio(decodeCount: number): number {
  const low = 400000;
  const high = 4000000;
  if (decodeCount <= low) return 0.99;
  if (decodeCount >= high) return 0.1;
  return 0.99 - 0.89 * ((decodeCount - low) / (high - low));
}

/** Go zero value of a type, as the model represents it. */
export function zeroValue(t: TypeDesc): unknown {
  switch (t.kind) {
    case 'string':
      return '';
    case 'int':
      return 0;
    case 'struct':
      return applyZero(t, {});
    default:
      return null;
  }
}

function applyZero(t: StructDesc, obj: Record<string, unknown>): Record<string, unknown> {
  if (t.zero) {
    for (const [k, make] of Object.entries(t.zero)) if (obj[k] === undefined) obj[k] = make();
  }
  return obj;
}

interface Entry {
  key: string;
  keyNode: YNode | null;
  value: YNode | null;
  /** Came in through a merge key (`<<`); overriding those is not a duplicate. */
  fromMerge: boolean;
}

interface StructInfo {
  /** Field names in declaration order. */
  names: string[];
  /** Index of each field name, and of its case-folded form (Go's encoding/json matches those too). */
  index: Map<string, number>;
  folded: Map<string, number>;
  zero: ((() => unknown) | undefined)[];
}

const STRUCT_INFO = new WeakMap<StructDesc, StructInfo>();

class Decoder {
  readonly diagnostics: Diagnostic[] = [];
  readonly positions: Positions;
  private decodeCount = 0;
  private aliasCount = 0;
  private aliasDepth = 0;
  private depth = 0;
  private readonly activeAliases = new Set<YAlias>();

  private readonly doc: YDocument;
  private readonly lc: LineCounter;
  private readonly file: string | undefined;

  constructor(doc: YDocument, lc: LineCounter, file: string | undefined) {
    this.doc = doc;
    this.lc = lc;
    this.file = file;
    this.positions = new Positions(file, lc);
  }

  private where(node: YNode | null | undefined) {
    return node && node.offset >= 0 ? pos(this.lc, node.offset, this.file) : undefined;
  }

  error(message: string, node: YNode | null | undefined, at?: PathNode): void {
    this.report('error', message, node, at);
  }

  warning(message: string, node: YNode | null | undefined, at?: PathNode): void {
    this.report('warning', message, node, at);
  }

  private report(
    severity: 'error' | 'warning',
    message: string,
    node: YNode | null | undefined,
    at?: PathNode,
  ): void {
    const position = this.where(node);
    const path = at === undefined ? '' : this.positions.pathOf(at);
    this.diagnostics.push({
      severity,
      message,
      ...(position ? { position } : {}),
      ...(path !== '' ? { path } : {}),
    });
  }

  private count(): void {
    this.decodeCount++;
    if (this.aliasDepth > 0) this.aliasCount++;
    if (
      this.aliasCount > 100 &&
      this.decodeCount > 1000 &&
      this.aliasCount / this.decodeCount > allowedAliasRatio(this.decodeCount)
    ) {
      throw new Abort('document contains excessive aliasing (YAML alias expansion limit exceeded)');
    }
  }

  /** Resolve an alias to its anchored node, guarding against self-reference. */
  private withAlias<T>(alias: YAlias, f: (target: YNode | null) => T): T {
    if (this.activeAliases.has(alias)) {
      throw new Abort(`anchor '${alias.source}' value contains itself`);
    }
    const target = alias.target;
    if (target === undefined) {
      this.error(`unknown anchor '${alias.source}' referenced`, alias);
      return f(null);
    }
    this.activeAliases.add(alias);
    this.aliasDepth++;
    try {
      return f(target);
    } finally {
      this.aliasDepth--;
      this.activeAliases.delete(alias);
    }
  }

  /** The goyaml.v2 value of a scalar node. */
  scalar(node: YScalar): GoScalar | undefined {
    const tag = node.tag ?? '';
    if (tag === TAG_BINARY) {
      // !!binary: goyaml.v2 base64-decodes it into a Go string (the `yaml` package already decoded it).
      const v = node.value;
      if (v instanceof Uint8Array) return { t: 'str', v: new TextDecoder().decode(v) };
      this.error('!!binary value contains invalid base64 data', node);
      return undefined;
    }
    const text = typeof node.value === 'string' ? node.value : String(node.value ?? '');
    if (!node.plain && tag === '') return { t: 'str', v: text };
    // The non-specific tag `!` makes goyaml.v2 keep the text.
    if (tag === '!') return { t: 'str', v: text };
    try {
      return resolveGoScalar(tag, text);
    } catch (e) {
      if (e instanceof ResolveError) {
        this.error(e.message, node);
        return undefined;
      }
      throw e;
    }
  }

  /**
   * YAML 1.1 reads some unquoted text as a number or boolean, and NFD then sees Go's rendering of it,
   * not what was written (`0200` is "128", `y` is "true", `1.10` is "1.1"). Same result as NFD, but
   * say so: it is rarely what the author meant.
   */
  private noteConversion(
    node: YScalar,
    s: GoScalar,
    result: string,
    what: 'key' | 'value',
    at?: PathNode,
  ): void {
    if (s.t === 'str') return;
    const text = typeof node.value === 'string' ? node.value : '';
    if (text === result) return;
    const kind =
      s.t === 'bool' ? 'a YAML 1.1 boolean' : s.t === 'float' ? 'a YAML 1.1 float' : 'a YAML 1.1 integer';
    this.warning(
      `unquoted ${what} ${text} is ${kind} and NFD reads it as ${goQuote(result)}; quote it (${goQuote(text)}) if the text was meant`,
      node,
      at,
    );
  }

  /** A node's mapping entries, with merge keys (`<<`) applied and keys turned into JSON keys. */
  private entries(node: YMap, at: PathNode, out: Map<string, Entry>, fromMerge: boolean): void {
    for (const pair of node.items) {
      const keyNode = pair.key;
      this.count();
      if (keyNode instanceof YScalar && this.isMergeKey(keyNode)) {
        this.merge(pair.value, at, out);
        continue;
      }
      const key = this.keyString(keyNode);
      if (key === undefined) continue;
      if (!fromMerge) {
        const prev = out.get(key);
        if (prev !== undefined && !prev.fromMerge) {
          this.warning(
            `duplicate key ${goQuote(key)}: the later value is used, as NFD does`,
            keyNode,
            this.positions.child(at, key),
          );
        }
      }
      out.set(key, { key, keyNode, value: pair.value, fromMerge });
    }
  }

  private isMergeKey(k: YScalar): boolean {
    return (k.plain && k.tag === undefined && k.value === '<<') || k.tag === TAG_MERGE;
  }

  /** goyaml.v2 `merge`: a mapping, an alias to one, or a sequence of those (earlier ones win). */
  private merge(value: YNode | null, at: PathNode, out: Map<string, Entry>): void {
    const want = 'map merge requires map or sequence of maps as the value';
    const one = (n: YNode | null): void => {
      if (n instanceof YAlias) {
        this.withAlias(n, (t) => {
          if (t instanceof YMap) this.entries(t, at, out, true);
          else this.error(want, n);
        });
      } else if (n instanceof YMap) this.entries(n, at, out, true);
      else this.error(want, n);
    };
    if (value instanceof YSeq) {
      for (let i = value.items.length - 1; i >= 0; i--) one(value.items[i] ?? null);
    } else one(value);
  }

  /** The JSON object key for a YAML key node (sigs.k8s.io/yaml rules), or undefined after an error. */
  private keyString(k: YNode | null): string | undefined {
    if (k instanceof YAlias) return this.withAlias(k, (t) => this.keyString(t));
    if (k === null) {
      this.error('unsupported map key: null (NFD fails to read such a document)', k);
      return undefined;
    }
    if (!(k instanceof YScalar)) {
      this.error('a map key must be a scalar, not a list or map', k);
      return undefined;
    }
    // Most keys are plain words: no number, boolean or null reading, no conversion to report.
    if (k.plain && k.tag === undefined && typeof k.value === 'string' && isPlainWord(k.value)) return k.value;
    const s = this.scalar(k);
    if (s === undefined) return undefined;
    const key = goScalarToKey(s);
    if (key === null) {
      const what = s.t === 'null' ? 'null' : `${s.t === 'uint' ? 'the uint64 ' : ''}${goScalarToString(s)}`;
      this.error(`unsupported map key: ${what} (NFD fails to read such a document)`, k);
      return undefined;
    }
    this.noteConversion(k, s, key, 'key');
    return key;
  }

  /**
   * Decode `node` into Go type `t`. Returns `undefined` for YAML null (JSON null leaves a Go value
   * untouched) and after a reported error.
   */
  decode(node: YNode | null, t: TypeDesc, at: PathNode): unknown {
    if (node instanceof YAlias) {
      this.count();
      this.positions.recordValue(at, node.offset);
      return this.withAlias(node, (target) => this.decode(target, t, at));
    }
    this.count();
    if (node === null) return undefined;
    this.positions.recordValue(at, node.offset);
    if (node instanceof YScalar) return this.decodeScalar(node, t, at);
    if (++this.depth > MAX_DEPTH) throw new Abort(`nesting is deeper than the limit of ${MAX_DEPTH} levels`);
    try {
      if (node instanceof YSeq) return this.decodeSeq(node.items, node, t, at);
      return this.decodeMap(node, t, at);
    } finally {
      this.depth--;
    }
  }

  private label(at: PathNode): string {
    return this.positions.pathOf(at) || 'document';
  }

  private decodeScalar(node: YScalar, t: TypeDesc, at: PathNode): unknown {
    // The common case first: a plain word (or any quoted text) into a string field is that text.
    if (
      t.kind === 'string' &&
      node.tag === undefined &&
      typeof node.value === 'string' &&
      (!node.plain || isPlainWord(node.value))
    ) {
      return node.value;
    }
    const s = this.scalar(node);
    if (s === undefined) return undefined;
    if (s.t === 'null') return undefined;
    switch (t.kind) {
      case 'string': {
        const str = goScalarToString(s)!;
        this.noteConversion(node, s, str, 'value', at);
        return str;
      }
      case 'int':
        return this.toInt(s, node, at);
      case 'any':
        if (s.t === 'float' && !Number.isFinite(s.v)) {
          // No target type: the float reaches json.Marshal, which refuses NaN and infinities.
          this.error(
            `json: unsupported value: ${goScalarToString(s)} (NFD fails to read such a document)`,
            node,
            at,
          );
          return undefined;
        }
        return s.t === 'int' || s.t === 'uint' ? Number(s.v) : s.v;
      default:
        this.error(`${this.label(at)}: expected ${typeLabel(t)}, found ${describeScalar(s)}`, node, at);
        return undefined;
    }
  }

  /** encoding/json into a Go `int` from what json.Marshal printed for the YAML value. */
  private toInt(s: GoScalar, node: YNode, at: PathNode): number | undefined {
    const min = -(1n << 63n);
    const max = (1n << 63n) - 1n;
    let v: bigint | undefined;
    if (s.t === 'int' || s.t === 'uint') v = s.v;
    else if (s.t === 'float') {
      if (!Number.isFinite(s.v)) {
        this.error(`json: unsupported value: ${goScalarToString(s)}`, node, at);
        return undefined;
      }
      // json.Marshal prints integral floats below 1e21 without a fraction or exponent, which an
      // int field accepts; anything else is "cannot unmarshal number ... into ... int".
      if (Number.isInteger(s.v) && Math.abs(s.v) < 1e21) v = BigInt(s.v);
    }
    if (v === undefined || v < min || v > max) {
      const what =
        s.t === 'str'
          ? describeScalar(s)
          : s.t === 'bool'
            ? describeScalar(s)
            : `the number ${goScalarToString(s)}`;
      this.error(`${this.positions.pathOf(at)}: expected an integer, found ${what}`, node, at);
      return undefined;
    }
    return Number(v);
  }

  /**
   * Decode list item `i` of `at`. A scalar item's position is recorded without a path node of its own
   * (one is made only if the item needs one for a diagnostic): long lists are mostly scalars.
   */
  private item(item: YNode | null, t: TypeDesc, at: PathNode, i: number): unknown {
    if (!(item instanceof YScalar)) return this.decode(item, t, this.positions.child(at, i));
    this.count();
    this.positions.recordItem(at, i, item.offset);
    if (
      t.kind === 'string' &&
      item.tag === undefined &&
      typeof item.value === 'string' &&
      (!item.plain || isPlainWord(item.value))
    ) {
      return item.value;
    }
    return this.decodeScalar(item, t, this.positions.child(at, i));
  }

  private decodeSeq(items: (YNode | null)[], node: YNode, t: TypeDesc, at: PathNode): unknown {
    if (t.kind === 'any') {
      this.positions.list(at, items.length);
      const out: unknown[] = new Array(items.length);
      for (let i = 0; i < items.length; i++) out[i] = this.item(items[i] ?? null, ANY, at, i) ?? null;
      return out;
    }
    if (t.kind !== 'list') {
      this.error(`${this.label(at)}: expected ${typeLabel(t)}, found a list`, node, at);
      // Still walk the items for errors Go would also report (aliasing, NaN in unknown data).
      return undefined;
    }
    this.positions.list(at, items.length);
    const out: unknown[] = new Array(items.length);
    for (let i = 0; i < items.length; i++) {
      const v = this.item(items[i] ?? null, t.elem, at, i);
      out[i] = v === undefined ? zeroValue(t.elem) : v;
    }
    return out;
  }

  private decodeMap(node: YMap, t: TypeDesc, at: PathNode): unknown {
    const entries = new Map<string, Entry>();
    this.entries(node, at, entries, false);
    for (const e of entries.values()) {
      if (e.keyNode !== null && e.keyNode.offset >= 0)
        this.positions.recordKey(this.positions.child(at, e.key), e.keyNode.offset);
    }
    if (t.kind === 'any') {
      const out: Record<string, unknown> = {};
      for (const e of entries.values())
        setOwn(out, e.key, this.decode(e.value, ANY, this.positions.child(at, e.key)) ?? null);
      return out;
    }
    if (t.kind === 'map') {
      const out: Record<string, unknown> = {};
      for (const e of entries.values()) {
        const p = this.positions.child(at, e.key);
        let v = this.decode(e.value, t.elem, p);
        if (v === undefined) {
          if (t.nullElemError !== undefined && this.isNull(e.value)) {
            this.error(t.nullElemError, e.value ?? e.keyNode, p);
            continue;
          }
          v = zeroValue(t.elem);
        }
        setOwn(out, e.key, v);
      }
      return out;
    }
    if (t.kind === 'struct') return this.decodeStruct(entries, t, at);
    this.error(`${this.label(at)}: expected ${typeLabel(t)}, found a map`, node, at);
    return undefined;
  }

  private isNull(n: YNode | null): boolean {
    if (n === null) return true;
    if (n instanceof YAlias) return false;
    return n instanceof YScalar && this.scalar(n)?.t === 'null';
  }

  /** The fields of a struct type, looked up once per type. */
  private info(t: StructDesc): StructInfo {
    let info = STRUCT_INFO.get(t);
    if (!info) {
      const names = Object.keys(t.fields);
      const index = new Map<string, number>();
      const folded = new Map<string, number>();
      names.forEach((name, i) => {
        index.set(name, i);
        folded.set(foldName(name), i);
      });
      info = { names, index, folded, zero: names.map((n) => t.zero?.[n]) };
      STRUCT_INFO.set(t, info);
    }
    return info;
  }

  private decodeStruct(entries: Map<string, Entry>, t: StructDesc, at: PathNode): Record<string, unknown> {
    const info = this.info(t);
    const { names } = info;
    const values: unknown[] = new Array(names.length);
    /** The key that set each field (case variants of one field are told apart by it). */
    const setBy: (string | undefined)[] = new Array(names.length);
    // json.Marshal sorts the keys of the intermediate map, and encoding/json lets the last of several
    // case variants of one field win: walk in byte order so the same key wins here.
    const sorted = [...entries.values()];
    if (sorted.length > 1) sorted.sort((a, b) => compareBytes(a.key, b.key));
    for (const e of sorted) {
      const p = this.positions.child(at, e.key);
      const i = info.index.get(e.key) ?? info.folded.get(foldName(e.key));
      if (i === undefined) {
        if (!t.open) {
          // NFD (encoding/json) ignores unknown fields silently; a typo would go unnoticed there.
          this.warning(`unknown field ${goQuote(e.key)} in ${t.name} (NFD ignores it)`, e.keyNode, p);
        }
        if (!t.skipUnknown) this.decode(e.value, ANY, p);
        continue;
      }
      const field = names[i]!;
      const other = setBy[i];
      if (other !== undefined) {
        this.warning(
          `${goQuote(e.key)} and ${goQuote(other)} both set field ${goQuote(field)} (field names match case-insensitively); ${goQuote(e.key)} is used, as NFD does`,
          e.keyNode,
          p,
        );
      } else if (e.key !== field) {
        this.warning(
          `field ${goQuote(e.key)} is read as ${goQuote(field)} (NFD matches field names case-insensitively)`,
          e.keyNode,
          p,
        );
      }
      setBy[i] = e.key;
      const fp = field === e.key ? p : this.positions.child(at, field);
      if (e.key !== field) this.positions.recordKey(fp, this.positions.keyAt(p));
      // A null value leaves the field unset, also when an earlier case variant had set it.
      values[i] = this.decode(e.value, t.fields[field]!, fp);
    }
    // Fields in the Go struct's order (the order NFD's types and the model declare them).
    const ordered: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) {
      const v = values[i];
      if (v !== undefined) ordered[names[i]!] = v;
      else {
        const zero = info.zero[i];
        if (zero) ordered[names[i]!] = zero();
      }
    }
    return ordered;
  }

  /** Decode the whole document into `t`; document-fatal problems end up as one error. */
  run(t: TypeDesc): unknown {
    try {
      const v = this.decode(this.doc.contents, t, this.positions.root);
      return v === undefined ? zeroValue(t) : v;
    } catch (e) {
      if (e instanceof Abort) {
        this.error(e.message, this.doc.contents);
        return undefined;
      }
      throw e;
    }
  }
}

/** goyaml.v2 `resolveMap`'s words that start with a letter (go-scalar.ts `RESOLVE_MAP`). */
const YAML11_WORDS = new Set(
  'y Y yes Yes YES true True TRUE on On ON n N no No NO false False FALSE off Off OFF null Null NULL'.split(
    ' ',
  ),
);

/**
 * A plain scalar goyaml.v2 reads as the same string whatever the target: it does not start with a
 * digit, sign or dot (go-scalar.ts `hint`), is not `~`, `<<` or one of YAML 1.1's boolean and null
 * words. Such text needs no resolving and no conversion note.
 */
export function isPlainWord(text: string): boolean {
  if (text === '') return false;
  const c = text.charCodeAt(0);
  // 0-9 + - . ~ (go-scalar.ts `hint` D, S, '.', and the null word), and `<` for the merge key.
  if ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46 || c === 60 || c === 126) return false;
  return !YAML11_WORDS.has(text);
}

/**
 * Decode one parsed document into Go type `t`. The value is shaped like the model (canonical field
 * names, Go zero values for required fields, absent keys for Go nil).
 */
export function decodeDocument(
  doc: YDocument,
  t: TypeDesc,
  lineCounter: LineCounter,
  file?: string,
): DecodedDocument {
  const d = new Decoder(doc, lineCounter, file);
  const value = d.run(t);
  return { value, positions: d.positions, diagnostics: d.diagnostics };
}

/** Whether a document's top level is a mapping (after following an alias). */
export function topLevelKind(doc: YDocument): 'map' | 'seq' | 'scalar' | 'empty' {
  let c: YNode | null | undefined = doc.contents;
  if (c instanceof YAlias) c = c.target;
  if (c === null || c === undefined) return 'empty';
  if (c instanceof YMap) return 'map';
  if (c instanceof YSeq) return 'seq';
  if (c instanceof YScalar) {
    const v = c.value;
    return c.plain &&
      c.tag === undefined &&
      (v === '' || v === '~' || v === 'null' || v === 'Null' || v === 'NULL')
      ? 'empty'
      : 'scalar';
  }
  return 'scalar';
}

/** The top-level keys of a mapping document, as JSON keys (for detecting what a document is). */
export function topLevelKeys(doc: YDocument): string[] {
  let c: YNode | null | undefined = doc.contents;
  if (c instanceof YAlias) c = c.target;
  if (!(c instanceof YMap)) return [];
  const keys: string[] = [];
  for (const p of c.items) {
    if (p.key instanceof YScalar) keys.push(String(p.key.value));
  }
  return keys;
}
