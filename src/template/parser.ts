/**
 * Parser for Go text/template (a port of text/template/parse/parse.go and the node shapes of
 * node.go). Produces one tree per template name (`define`/`block` add more). Function names are
 * checked at parse time like Go does (`function "x" not defined`), and additionally a Sprig function
 * that imgcompat does not implement fails here, never at execution (issue 2).
 */

import { quote } from '../go/strconv.ts';
import { TemplateError } from './errors.ts';
import { type Item, type ItemType, lex } from './lexer.ts';

export type Node =
  | TextNode
  | ActionNode
  | CommentNode
  | PipeNode
  | CommandNode
  | IdentifierNode
  | VariableNode
  | DotNode
  | NilNode
  | FieldNode
  | ChainNode
  | BoolNode
  | NumberNode
  | StringNode
  | ListNode
  | BranchNode
  | TemplateNode
  | BreakNode
  | ContinueNode
  | EndNode
  | ElseNode;

export interface ListNode {
  type: 'list';
  pos: number;
  nodes: Node[];
}
export interface TextNode {
  type: 'text';
  pos: number;
  text: string;
}
export interface CommentNode {
  type: 'comment';
  pos: number;
  text: string;
}
export interface ActionNode {
  type: 'action';
  pos: number;
  line: number;
  pipe: PipeNode;
}
export interface PipeNode {
  type: 'pipe';
  pos: number;
  line: number;
  isAssign: boolean;
  decl: VariableNode[];
  cmds: CommandNode[];
}
export interface CommandNode {
  type: 'command';
  pos: number;
  args: Node[];
}
export interface IdentifierNode {
  type: 'identifier';
  pos: number;
  ident: string;
}
export interface VariableNode {
  type: 'variable';
  pos: number;
  ident: string[];
}
export interface DotNode {
  type: 'dot';
  pos: number;
}
export interface NilNode {
  type: 'nil';
  pos: number;
}
export interface FieldNode {
  type: 'field';
  pos: number;
  ident: string[];
}
export interface ChainNode {
  type: 'chain';
  pos: number;
  node: Node;
  field: string[];
}
export interface BoolNode {
  type: 'bool';
  pos: number;
  value: boolean;
}
export interface NumberNode {
  type: 'number';
  pos: number;
  text: string;
  isInt: boolean;
  isUint: boolean;
  isFloat: boolean;
  isComplex: boolean;
  int64: bigint;
  uint64: bigint;
  float64: number;
}
export interface StringNode {
  type: 'string';
  pos: number;
  quoted: string;
  text: string;
}
export interface BranchNode {
  type: 'if' | 'range' | 'with';
  pos: number;
  line: number;
  pipe: PipeNode;
  list: ListNode;
  elseList: ListNode | null;
}
export interface TemplateNode {
  type: 'template';
  pos: number;
  line: number;
  name: string;
  pipe: PipeNode | null;
}
export interface BreakNode {
  type: 'break';
  pos: number;
  line: number;
}
export interface ContinueNode {
  type: 'continue';
  pos: number;
  line: number;
}
export interface EndNode {
  type: 'end';
  pos: number;
}
export interface ElseNode {
  type: 'else';
  pos: number;
  line: number;
}

/** How the parser decides whether an identifier names a function. */
export interface FunctionCheck {
  /** Returns undefined if the function is known, or the error text otherwise. */
  check(name: string): string | undefined;
}

/** The set of named trees a parse produces ("" is the main one). */
export type TreeSet = Map<string, ListNode>;

/**
 * Go's text/template/parse `maxStackDepth` (10000 there, 1000 on WebAssembly) bounds nested
 * parenthesized pipelines with "max expression depth exceeded". Our parser and executor recurse on the
 * JavaScript stack, which is far smaller than a goroutine's, so the limit is lower here, and it also
 * bounds nested control structures (`{{if}}`, `{{range}}`, `{{with}}`, `{{else if}}` chains,
 * `{{define}}`, `{{block}}`), which Go leaves to its growable stack. Both limits are checked while
 * parsing, so depth never reaches the JavaScript stack's own limit (README "Limits").
 */
export const MAX_EXPRESSION_DEPTH = 300;
/** Nesting of control structures; see MAX_EXPRESSION_DEPTH. */
export const MAX_NESTING_DEPTH = 300;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** Go's strconv.ParseInt/ParseUint with base 0 (prefixes 0x 0o 0b 0, underscores between digits). */
function parseGoInteger(text: string): bigint | undefined {
  let s = text;
  let neg = false;
  if (s.startsWith('+') || s.startsWith('-')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  let base = 10;
  let body = s;
  let prefixed = false;
  if (/^0[xX]/.test(s)) {
    base = 16;
    body = s.slice(2);
    prefixed = true;
  } else if (/^0[oO]/.test(s)) {
    base = 8;
    body = s.slice(2);
    prefixed = true;
  } else if (/^0[bB]/.test(s)) {
    base = 2;
    body = s.slice(2);
    prefixed = true;
  } else if (s.length > 1 && s[0] === '0') {
    base = 8;
    body = s.slice(1);
    prefixed = true;
  }
  if (body.includes('_')) {
    // underscoreOK: only between digits, or between the base prefix and a digit.
    const full = prefixed ? `p${body}` : body;
    if (/__|_$|^_/.test(full)) return undefined;
    body = body.replaceAll('_', '');
  }
  if (body === '') return undefined;
  const digits = '0123456789abcdef'.slice(0, base);
  let v = 0n;
  for (const c of body.toLowerCase()) {
    const d = digits.indexOf(c);
    if (d < 0) return undefined;
    v = v * BigInt(base) + BigInt(d);
  }
  return neg ? -v : v;
}

/** Go's strconv.ParseFloat for the forms the lexer lets through (decimal and hex floats). */
function parseGoFloat(text: string): number | undefined {
  let s = text.replaceAll('_', '');
  let sign = 1;
  if (s.startsWith('+') || s.startsWith('-')) {
    sign = s[0] === '-' ? -1 : 1;
    s = s.slice(1);
  }
  if (/^0[xX]/.test(s)) {
    const m = /^0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)$/.exec(s);
    if (!m || `${m[1]}${m[2] ?? ''}` === '') return undefined;
    const mant = Number.parseInt(`${m[1] || '0'}${m[2] ?? ''}`, 16);
    return sign * mant * 2 ** (Number(m[3]) - 4 * (m[2] ?? '').length);
  }
  if (!/^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return undefined;
  const f = Number(s);
  if (!Number.isFinite(f)) return undefined; // Go: value out of range is an error
  return sign * f;
}

/** Go's strconv.Unquote for "..." `...` and '...' literals. Throws with Go's error text. */
export function goUnquote(quoted: string): string {
  const q = quoted[0];
  if (q === '`') return quoted.slice(1, -1).replaceAll('\r', '');
  const body = quoted.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; ) {
    const c = body[i] ?? '';
    if (c !== '\\') {
      if (c === q) throw new Error('invalid syntax');
      out += c;
      i++;
      continue;
    }
    const e = body[i + 1] ?? '';
    i += 2;
    const simple: Record<string, string> = {
      a: '\x07',
      b: '\b',
      f: '\f',
      n: '\n',
      r: '\r',
      t: '\t',
      v: '\v',
      '\\': '\\',
    };
    if (e in simple) {
      out += simple[e];
      continue;
    }
    if (e === q) {
      out += e;
      continue;
    }
    const hexN = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
    if (hexN > 0) {
      const h = body.slice(i, i + hexN);
      if (h.length !== hexN || !/^[0-9a-fA-F]+$/.test(h)) throw new Error('invalid syntax');
      i += hexN;
      const v = Number.parseInt(h, 16);
      if (e === 'x') {
        // A byte: in a Go string it may be invalid UTF-8; we can only keep it as a code unit.
        out += String.fromCharCode(v);
      } else {
        if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) throw new Error('invalid syntax');
        out += String.fromCodePoint(v);
      }
      continue;
    }
    if (e >= '0' && e <= '7') {
      const o = body.slice(i - 1, i + 2);
      if (!/^[0-7]{3}$/.test(o)) throw new Error('invalid syntax');
      const v = Number.parseInt(o, 8);
      if (v > 255) throw new Error('invalid syntax');
      i += 2;
      out += String.fromCharCode(v);
      continue;
    }
    throw new Error('invalid syntax');
  }
  if (q === "'") {
    if ([...out].length !== 1) throw new Error('invalid syntax');
  }
  return out;
}

/** Parses template text into named trees. Throws TemplateError with Go's message format. */
export function parse(text: string, funcs: FunctionCheck): TreeSet {
  const items = lex(text);
  const trees: TreeSet = new Map();
  new Parser(text, items, funcs, trees).parseTop('');
  return trees;
}

class Parser {
  private i = 0;
  private vars: string[] = ['$'];
  private rangeDepth = 0;
  /** Go's Tree.stackDepth: nested parenthesized pipelines. */
  private stackDepth = 0;
  /** Nested control structures and definitions. */
  private nestDepth = 0;
  private actionLine = 0;
  private readonly text: string;
  private readonly items: Item[];
  private readonly funcs: FunctionCheck;
  private readonly trees: TreeSet;
  private lastLine = 1;

  constructor(text: string, items: Item[], funcs: FunctionCheck, trees: TreeSet) {
    this.text = text;
    this.items = items;
    this.funcs = funcs;
    this.trees = trees;
  }

  private get(i: number): Item {
    const it = this.items[i];
    if (it) return it;
    const last = this.items[this.items.length - 1];
    return { t: 'eof', val: '', pos: this.text.length, line: last?.line ?? 1 };
  }
  private next(): Item {
    const it = this.get(this.i++);
    this.lastLine = it.line;
    return it;
  }
  private backup(n = 1): void {
    this.i -= n;
  }
  private peek(): Item {
    return this.get(this.i);
  }
  private nextNonSpace(): Item {
    let it: Item;
    do it = this.next();
    while (it.t === 'space');
    return it;
  }
  private peekNonSpace(): Item {
    const it = this.nextNonSpace();
    this.backup();
    return it;
  }

  errorf(msg: string): never {
    throw new TemplateError(`template: :${this.lastLine}: ${msg}`, 'parse');
  }

  private static itemString(it: Item): string {
    switch (it.t) {
      case 'eof':
        return 'EOF';
      case 'error':
        return it.val;
      case 'block':
      case 'break':
      case 'continue':
      case 'define':
      case 'else':
      case 'end':
      case 'if':
      case 'nil':
      case 'range':
      case 'template':
      case 'with':
      case 'dot':
        return `<${it.val}>`;
    }
    if ([...it.val].length > 10) return `${quote([...it.val].slice(0, 10).join('')).slice(0, -1)}"...`;
    return quote(it.val);
  }

  private unexpected(it: Item, context: string): never {
    if (it.t === 'error') {
      let extra = '';
      if (this.actionLine !== 0 && this.actionLine !== it.line) {
        extra = ` in ${context}`;
        if (it.val.endsWith(' action')) extra = extra.slice(' in '.length);
      }
      this.errorf(`${Parser.itemString(it)}${extra}`);
    }
    this.errorf(`unexpected ${Parser.itemString(it)} in ${context}`);
  }

  private expect(t: ItemType, context: string): Item {
    const it = this.nextNonSpace();
    if (it.t !== t) this.unexpected(it, context);
    return it;
  }

  parseTop(name: string): void {
    const root: ListNode = { type: 'list', pos: this.peek().pos, nodes: [] };
    while (this.peek().t !== 'eof') {
      if (this.peek().t === 'leftDelim') {
        const save = this.i;
        this.next();
        if (this.nextNonSpace().t === 'define') {
          this.parseDefinition();
          continue;
        }
        this.i = save;
      }
      const n = this.textOrAction();
      if (n.type === 'end' || n.type === 'else') this.errorf(`unexpected ${nodeString(n)}`);
      root.nodes.push(n);
    }
    this.addTree(name, root);
  }

  /** Go's (*Tree).add: a later definition replaces an earlier one only if the earlier is empty. */
  private addTree(name: string, root: ListNode): void {
    const existing = this.trees.get(name);
    if (existing === undefined || isEmptyTree(existing)) {
      this.trees.set(name, root);
      return;
    }
    if (!isEmptyTree(root)) this.errorf(`template: multiple definition of template "${name}"`);
  }

  private parseDefinition(): void {
    const context = 'define clause';
    const saveVars = this.vars;
    this.vars = ['$'];
    this.enterNesting();
    const nameTok = this.nextNonSpace();
    if (nameTok.t !== 'string' && nameTok.t !== 'rawString') this.unexpected(nameTok, context);
    const name = this.unquote(nameTok.val);
    this.expect('rightDelim', context);
    const [list, end] = this.itemList();
    if (end.type !== 'end') this.errorf(`unexpected ${nodeString(end)} in ${context}`);
    this.addTree(name, list);
    this.vars = saveVars;
    this.nestDepth--;
  }

  private unquote(q: string): string {
    try {
      return goUnquote(q);
    } catch {
      this.errorf('invalid syntax');
    }
  }

  private itemList(): [ListNode, Node] {
    const list: ListNode = { type: 'list', pos: this.peekNonSpace().pos, nodes: [] };
    while (this.peekNonSpace().t !== 'eof') {
      const n = this.textOrAction();
      if (n.type === 'end' || n.type === 'else') return [list, n];
      list.nodes.push(n);
    }
    this.errorf('unexpected EOF');
  }

  private textOrAction(): Node {
    const it = this.nextNonSpace();
    switch (it.t) {
      case 'text':
        return { type: 'text', pos: it.pos, text: it.val };
      case 'leftDelim': {
        this.actionLine = it.line;
        try {
          return this.action();
        } finally {
          this.actionLine = 0;
        }
      }
    }
    this.unexpected(it, 'input');
  }

  private action(): Node {
    const it = this.nextNonSpace();
    switch (it.t) {
      case 'block':
        return this.blockControl();
      case 'break':
      case 'continue': {
        const t = this.nextNonSpace();
        if (t.t !== 'rightDelim') this.unexpected(t, `{{${it.t}}}`);
        if (this.rangeDepth === 0) this.errorf(`{{${it.t}}} outside {{range}}`);
        return { type: it.t, pos: it.pos, line: it.line };
      }
      case 'else':
        return this.elseControl();
      case 'end':
        return { type: 'end', pos: this.expect('rightDelim', 'end').pos };
      case 'if':
        return this.branch('if');
      case 'range':
        return this.branch('range');
      case 'template':
        return this.templateControl();
      case 'with':
        return this.branch('with');
    }
    this.backup();
    const tok = this.peek();
    return { type: 'action', pos: tok.pos, line: tok.line, pipe: this.pipeline('command', 'rightDelim') };
  }

  private pipeline(context: string, end: ItemType): PipeNode {
    const tok = this.peekNonSpace();
    const pipe: PipeNode = {
      type: 'pipe',
      pos: tok.pos,
      line: tok.line,
      isAssign: false,
      decl: [],
      cmds: [],
    };
    for (;;) {
      const v = this.peekNonSpace();
      if (v.t !== 'variable') break;
      this.nextNonSpace();
      const afterVar = this.peek();
      const nxt = this.peekNonSpace();
      if (nxt.t === 'assign' || nxt.t === 'declare') {
        pipe.isAssign = nxt.t === 'assign';
        this.nextNonSpace();
        pipe.decl.push({ type: 'variable', pos: v.pos, ident: v.val.split('.') });
        this.vars.push(v.val);
      } else if (nxt.t === 'char' && nxt.val === ',') {
        this.nextNonSpace();
        pipe.decl.push({ type: 'variable', pos: v.pos, ident: v.val.split('.') });
        this.vars.push(v.val);
        if (context === 'range' && pipe.decl.length < 2) {
          const p = this.peekNonSpace().t;
          if (p === 'variable' || p === 'rightDelim' || p === 'rightParen') continue;
          this.errorf('range can only initialize variables');
        }
        this.errorf(`too many declarations in ${context}`);
      } else if (afterVar.t === 'space') {
        // "$x foo": $x is an operand, not a declaration. Back up over the space and the variable.
        this.i -= 2;
      } else {
        this.i -= 1;
      }
      break;
    }
    for (;;) {
      const it = this.nextNonSpace();
      if (it.t === end) {
        this.checkPipeline(pipe, context);
        return pipe;
      }
      switch (it.t) {
        case 'bool':
        case 'charConstant':
        case 'complex':
        case 'dot':
        case 'field':
        case 'identifier':
        case 'number':
        case 'nil':
        case 'rawString':
        case 'string':
        case 'variable':
        case 'leftParen':
          this.backup();
          pipe.cmds.push(this.command());
          break;
        default:
          this.unexpected(it, context);
      }
    }
  }

  private checkPipeline(pipe: PipeNode, context: string): void {
    if (pipe.cmds.length === 0) this.errorf(`missing value for ${context}`);
    pipe.cmds.slice(1).forEach((c, i) => {
      const t = c.args[0]?.type;
      if (t === 'bool' || t === 'dot' || t === 'nil' || t === 'number' || t === 'string') {
        this.errorf(`non executable command in pipeline stage ${i + 2}`);
      }
    });
  }

  private enterNesting(): void {
    if (this.nestDepth >= MAX_NESTING_DEPTH) this.errorf(`max nesting depth exceeded (${MAX_NESTING_DEPTH})`);
    this.nestDepth++;
  }

  private branch(context: 'if' | 'range' | 'with'): BranchNode {
    const mark = this.vars.length;
    this.enterNesting();
    try {
      const pipe = this.pipeline(context, 'rightDelim');
      if (context === 'range') this.rangeDepth++;
      let [list, next] = this.itemList();
      if (context === 'range') this.rangeDepth--;
      let elseList: ListNode | null = null;
      if (next.type === 'else') {
        if (
          (context === 'if' && this.peek().t === 'if') ||
          (context === 'with' && this.peek().t === 'with')
        ) {
          // {{else if x}} / {{else with x}} are {{else}}{{if x}}...{{end}}{{end}}.
          this.next();
          elseList = { type: 'list', pos: next.pos, nodes: [this.branch(context)] };
        } else {
          [elseList, next] = this.itemList();
          if (next.type !== 'end') this.errorf(`expected end; found ${nodeString(next)}`);
        }
      }
      void list;
      return { type: context, pos: pipe.pos, line: pipe.line, pipe, list, elseList };
    } finally {
      this.vars.length = mark;
      this.nestDepth--;
    }
  }

  private elseControl(): ElseNode {
    const p = this.peekNonSpace();
    if (p.t === 'if' || p.t === 'with') return { type: 'else', pos: p.pos, line: p.line };
    const tok = this.expect('rightDelim', 'else');
    return { type: 'else', pos: tok.pos, line: tok.line };
  }

  private parseTemplateName(tok: Item, context: string): string {
    if (tok.t === 'string' || tok.t === 'rawString') return this.unquote(tok.val);
    this.unexpected(tok, context);
  }

  private blockControl(): TemplateNode {
    const context = 'block clause';
    const tok = this.nextNonSpace();
    const name = this.parseTemplateName(tok, context);
    const pipe = this.pipeline(context, 'rightDelim');
    const saveVars = this.vars;
    const saveDepth = this.rangeDepth;
    this.vars = ['$'];
    this.rangeDepth = 0;
    this.enterNesting();
    const [list, end] = this.itemList();
    if (end.type !== 'end') this.errorf(`unexpected ${nodeString(end)} in ${context}`);
    this.addTree(name, list);
    this.vars = saveVars;
    this.rangeDepth = saveDepth;
    this.nestDepth--;
    return { type: 'template', pos: tok.pos, line: tok.line, name, pipe };
  }

  private templateControl(): TemplateNode {
    const context = 'template clause';
    const tok = this.nextNonSpace();
    const name = this.parseTemplateName(tok, context);
    let pipe: PipeNode | null = null;
    if (this.nextNonSpace().t !== 'rightDelim') {
      this.backup();
      pipe = this.pipeline(context, 'rightDelim');
    }
    return { type: 'template', pos: tok.pos, line: tok.line, name, pipe };
  }

  private command(): CommandNode {
    const cmd: CommandNode = { type: 'command', pos: this.peekNonSpace().pos, args: [] };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand !== null) cmd.args.push(operand);
      const tok = this.next();
      if (tok.t === 'space') continue;
      if (tok.t === 'rightDelim' || tok.t === 'rightParen') this.backup();
      else if (tok.t !== 'pipe') this.unexpected(tok, 'operand');
      break;
    }
    if (cmd.args.length === 0) this.errorf('empty command');
    return cmd;
  }

  private operand(): Node | null {
    const node = this.term();
    if (node === null) return null;
    if (this.peek().t === 'field') {
      const chain: ChainNode = { type: 'chain', pos: this.peek().pos, node, field: [] };
      while (this.peek().t === 'field') chain.field.push(this.next().val.slice(1));
      switch (node.type) {
        case 'field':
          return { type: 'field', pos: chain.pos, ident: [...node.ident, ...chain.field] };
        case 'variable':
          return { type: 'variable', pos: chain.pos, ident: [...node.ident, ...chain.field] };
        case 'bool':
        case 'string':
        case 'number':
        case 'nil':
        case 'dot':
          this.errorf(`unexpected . after term ${quote(nodeString(node))}`);
      }
      return chain;
    }
    return node;
  }

  private term(): Node | null {
    const it = this.nextNonSpace();
    switch (it.t) {
      case 'identifier': {
        const err = this.funcs.check(it.val);
        if (err !== undefined) this.errorf(err);
        return { type: 'identifier', pos: it.pos, ident: it.val };
      }
      case 'dot':
        return { type: 'dot', pos: it.pos };
      case 'nil':
        return { type: 'nil', pos: it.pos };
      case 'variable': {
        const ident = it.val.split('.');
        if (!this.vars.includes(ident[0] ?? '')) this.errorf(`undefined variable ${quote(ident[0] ?? '')}`);
        return { type: 'variable', pos: it.pos, ident };
      }
      case 'field':
        return { type: 'field', pos: it.pos, ident: it.val.slice(1).split('.') };
      case 'bool':
        return { type: 'bool', pos: it.pos, value: it.val === 'true' };
      case 'charConstant':
      case 'complex':
      case 'number':
        return this.newNumber(it);
      case 'leftParen':
        if (this.stackDepth >= MAX_EXPRESSION_DEPTH) this.errorf('max expression depth exceeded');
        this.stackDepth++;
        try {
          return this.pipeline('parenthesized pipeline', 'rightParen');
        } finally {
          this.stackDepth--;
        }
      case 'string':
      case 'rawString':
        return { type: 'string', pos: it.pos, quoted: it.val, text: this.unquote(it.val) };
    }
    this.backup();
    return null;
  }

  private newNumber(it: Item): NumberNode {
    const n: NumberNode = {
      type: 'number',
      pos: it.pos,
      text: it.val,
      isInt: false,
      isUint: false,
      isFloat: false,
      isComplex: false,
      int64: 0n,
      uint64: 0n,
      float64: 0,
    };
    if (it.t === 'charConstant') {
      const s = this.unquote(it.val);
      const cp = BigInt(s.codePointAt(0) ?? 0);
      Object.assign(n, {
        isInt: true,
        isUint: true,
        isFloat: true,
        int64: cp,
        uint64: cp,
        float64: Number(cp),
      });
      return n;
    }
    if (it.t === 'complex') this.errorf(`complex constants are not supported: ${it.val}`);
    let text = it.val;
    if (text.endsWith('i')) this.errorf(`complex constants are not supported: ${it.val}`);
    const iv = parseGoInteger(text);
    if (iv !== undefined) {
      if (iv >= 0n && iv <= UINT64_MAX) {
        n.isUint = true;
        n.uint64 = iv;
      }
      if (iv >= INT64_MIN && iv <= INT64_MAX) {
        n.isInt = true;
        n.int64 = iv;
        if (iv === 0n) {
          n.isUint = true;
          n.uint64 = 0n;
        }
      }
    }
    if (n.isInt) {
      n.isFloat = true;
      n.float64 = Number(n.int64);
    } else if (n.isUint) {
      n.isFloat = true;
      n.float64 = Number(n.uint64);
    } else {
      text = it.val;
      const f = parseGoFloat(text);
      if (f !== undefined) {
        if (!/[.eEpP]/.test(text)) this.errorf(`integer overflow: ${quote(text)}`);
        n.isFloat = true;
        n.float64 = f;
        if (Number.isInteger(f)) {
          const b = BigInt(f);
          if (b >= INT64_MIN && b <= INT64_MAX) {
            n.isInt = true;
            n.int64 = b;
          }
          if (b >= 0n && b <= UINT64_MAX) {
            n.isUint = true;
            n.uint64 = b;
          }
        }
      }
    }
    if (!n.isInt && !n.isUint && !n.isFloat) this.errorf(`illegal number syntax: ${quote(text)}`);
    return n;
  }
}

function isEmptyTree(n: ListNode): boolean {
  return n.nodes.every((c) => (c.type === 'text' && c.text.trim() === '') || c.type === 'comment');
}

/** Go's Node.String(), used in error messages (`executing "" at <.x>`). */
export function nodeString(n: Node): string {
  switch (n.type) {
    case 'text':
      return quote(n.text);
    case 'comment':
      return `{{${n.text}}}`;
    case 'action':
      return `{{${nodeString(n.pipe)}}}`;
    case 'pipe': {
      let s = '';
      if (n.decl.length > 0) s = `${n.decl.map(nodeString).join(', ')} ${n.isAssign ? '=' : ':='} `;
      return s + n.cmds.map(nodeString).join(' | ');
    }
    case 'command':
      return n.args.map((a) => (a.type === 'pipe' ? `(${nodeString(a)})` : nodeString(a))).join(' ');
    case 'identifier':
      return n.ident;
    case 'variable':
      return n.ident.join('.');
    case 'dot':
      return '.';
    case 'nil':
      return 'nil';
    case 'field':
      return n.ident.map((f) => `.${f}`).join('');
    case 'chain': {
      const inner = n.node.type === 'pipe' ? `(${nodeString(n.node)})` : nodeString(n.node);
      return inner + n.field.map((f) => `.${f}`).join('');
    }
    case 'bool':
      return String(n.value);
    case 'number':
      return n.text;
    case 'string':
      return n.quoted;
    case 'list':
      return n.nodes.map(nodeString).join('');
    case 'if':
    case 'range':
    case 'with': {
      const e = n.elseList ? `{{else}}${nodeString(n.elseList)}` : '';
      return `{{${n.type} ${nodeString(n.pipe)}}}${nodeString(n.list)}${e}{{end}}`;
    }
    case 'template':
      return n.pipe ? `{{template ${quote(n.name)} ${nodeString(n.pipe)}}}` : `{{template ${quote(n.name)}}}`;
    case 'break':
      return '{{break}}';
    case 'continue':
      return '{{continue}}';
    case 'end':
      return '{{end}}';
    case 'else':
      return '{{else}}';
  }
}
