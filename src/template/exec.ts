/**
 * Executor for parsed templates: a port of the evaluation rules of Go's text/template/exec.go with
 * Option("missingkey=error"), as NFD configures it. Error texts follow Go's
 * (`template: :1:7: executing "" at <.x>: map has no entry for key "x"`).
 */

import { formatV } from '../go/fmt.ts';
import {
  assignable,
  canBeNil,
  float64,
  GoFloat,
  GoInt,
  GoMap,
  GoObject,
  GoSlice,
  type GoType,
  type GoValue,
  isTrue,
  sortedKeys,
  T_INT,
  typeOf,
  typeString,
  zeroValue,
} from '../go/reflect.ts';
import { quote } from '../go/strconv.ts';
import { utf8Length } from '../go/utf8.ts';
import { TemplateError } from './errors.ts';
import { FuncError, type FuncMap, type GoFunc, type ParamType } from './funcs.ts';
import { MAX_ALLOCATED, MAX_LIST, MAX_OUTPUT, MAX_STEPS, MAX_STRING, MAX_VALUE_DEPTH } from './limits.ts';
import {
  type BranchNode,
  type ChainNode,
  type CommandNode,
  type FieldNode,
  type IdentifierNode,
  type ListNode,
  type Node,
  type NumberNode,
  nodeString,
  type PipeNode,
  type TemplateNode,
  type TreeSet,
  type VariableNode,
} from './parser.ts';

const MISSING: unique symbol = Symbol('missing');
type Final = GoValue | typeof MISSING;

const BREAK = { walk: 'break' };
const CONTINUE = { walk: 'continue' };

/**
 * Go's maxExecDepth (text/template/exec.go) bounds nested {{template}} calls at 100000 on a growable
 * goroutine stack. The executor here recurses on the JavaScript stack, so its depth counts every
 * nested list and control structure as 1, every nested pipeline as 5 and every template call as 10
 * (measured: a pipeline that calls a function takes about five times the stack of a list, a template
 * call about ten). The limit leaves room for the
 * deepest tree the parser accepts (parser.ts MAX_NESTING_DEPTH and MAX_EXPRESSION_DEPTH) and keeps the
 * stack used well under Node's default.
 */
export const MAX_EXEC_DEPTH = 3000;
const PIPELINE_WEIGHT = 5;
const TEMPLATE_WEIGHT = 10;

interface Variable {
  name: string;
  value: GoValue;
  /** Held in an interface{} (a range element of []interface{}): only changes error texts. */
  boxed?: boolean;
}

export class ExecState {
  private vars: Variable[] = [];
  /**
   * Whether dot is a value held in an interface{} (a range element of a []interface{} or
   * map[string]interface{}). Go then names the type `interface {}` in "can't evaluate field" errors.
   */
  private dotBoxed = false;
  private node: Node | null = null;
  private depth = 0;
  /** The execution budget (limits.ts). */
  private steps = 0;
  private allocated = 0;
  private tmplName = '';
  private out = '';
  private readonly text: string;
  private readonly trees: TreeSet;
  private readonly funcs: FuncMap;

  constructor(text: string, trees: TreeSet, funcs: FuncMap) {
    this.text = text;
    this.trees = trees;
    this.funcs = funcs;
  }

  run(name: string, dot: GoValue): string {
    const root = this.trees.get(name);
    this.tmplName = name;
    if (root === undefined) this.errorf(`${quote(name)} is an incomplete or empty template`);
    this.vars = [{ name: '$', value: dot }];
    try {
      this.walk(dot, root);
    } catch (e) {
      // A safety net only: the depth limit above is meant to stop execution well before this.
      if (e instanceof RangeError && /call stack/i.test(e.message)) {
        this.node = null;
        this.errorf('exceeded maximum template depth (JavaScript stack exhausted)');
      }
      throw e;
    }
    return this.out;
  }

  private location(n: Node): string {
    const before = this.text.slice(0, n.pos);
    const nl = before.lastIndexOf('\n');
    const line = 1 + (before.match(/\n/g)?.length ?? 0);
    const col = nl < 0 ? utf8Length(before) : utf8Length(before.slice(nl + 1));
    return `:${line}:${col}`;
  }

  private errorf(msg: string): never {
    const name = this.tmplName;
    if (this.node === null) throw new TemplateError(`template: ${name}: ${msg}`, 'exec');
    throw new TemplateError(
      `template: ${name}${this.location(this.node)}: executing ${quote(name)} at <${nodeString(this.node)}>: ${msg}`,
      'exec',
    );
  }

  private enter(weight = 1): void {
    if (this.depth + weight > MAX_EXEC_DEPTH)
      this.errorf(`exceeded maximum template depth (${MAX_EXEC_DEPTH})`);
    this.depth += weight;
  }

  private step(): void {
    if (++this.steps > MAX_STEPS)
      this.errorf(`template execution budget exceeded: more than ${MAX_STEPS} steps`);
  }

  private write(s: string): void {
    if (this.out.length + s.length > MAX_OUTPUT) {
      this.errorf(`template output over the limit of ${MAX_OUTPUT} characters`);
    }
    this.out += s;
  }

  /** Charges a function's result to the budget: its own size and the run's total. */
  private charge(name: string, v: GoValue): void {
    let n = 0;
    let max = MAX_STRING;
    if (typeof v === 'string') n = v.length;
    else if (v instanceof GoSlice) {
      n = v.a?.length ?? 0;
      max = MAX_LIST;
    } else if (v instanceof GoMap) {
      n = v.m?.size ?? 0;
      max = MAX_LIST;
    }
    // Lists that hold lists (`$a = list $a $a`) grow exponentially in what printing them writes:
    // their total size counts against the run's total.
    if (v instanceof GoSlice || v instanceof GoMap) {
      // A map may have been changed in place (`set`, `unset`): measure it again.
      if (v instanceof GoMap) {
        deepSizes.delete(v);
        deepDepths.delete(v);
      }
      this.allocated += deepSize(v) - n;
      // Printing, comparing and encoding values recurse on the JavaScript stack.
      const depth = deepDepth(v);
      if (depth > MAX_VALUE_DEPTH) {
        this.errorf(
          `error calling ${name}: lists and maps nested over the template limit of ${MAX_VALUE_DEPTH}`,
        );
      }
    }
    if (n > max) this.errorf(`error calling ${name}: the result (${n}) is over the template limit of ${max}`);
    this.allocated += n;
    if (this.allocated > MAX_ALLOCATED) {
      this.errorf(
        `template execution budget exceeded: functions returned more than ${MAX_ALLOCATED} characters and elements`,
      );
    }
  }

  private walk(dot: GoValue, node: Node): void {
    this.step();
    this.enter();
    try {
      this.walkNode(dot, node);
    } finally {
      this.depth--;
    }
  }

  private walkNode(dot: GoValue, node: Node): void {
    this.node = node;
    switch (node.type) {
      case 'action': {
        const val = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) {
          this.node = node;
          this.write(val === undefined ? '<no value>' : formatV(val));
        }
        return;
      }
      case 'break':
        throw BREAK;
      case 'continue':
        throw CONTINUE;
      case 'comment':
        return;
      case 'if':
      case 'with':
        this.walkIfOrWith(dot, node);
        return;
      case 'list':
        for (const n of node.nodes) this.walk(dot, n);
        return;
      case 'range':
        this.walkRange(dot, node);
        return;
      case 'template':
        this.walkTemplate(dot, node);
        return;
      case 'text':
        this.write(node.text);
        return;
    }
    this.errorf(`unknown node: ${nodeString(node)}`);
  }

  private walkIfOrWith(dot: GoValue, node: BranchNode): void {
    const mark = this.vars.length;
    try {
      const val = this.evalPipeline(dot, node.pipe);
      if (isTrue(val)) {
        if (node.type === 'with') this.walkWithDot(val, false, node.list);
        else this.walk(dot, node.list);
      } else if (node.elseList) this.walk(dot, node.elseList);
    } finally {
      this.vars.length = mark;
    }
  }

  private walkWithDot(dot: GoValue, boxed: boolean, node: Node): void {
    const saved = this.dotBoxed;
    this.dotBoxed = boxed;
    try {
      this.walk(dot, node);
    } finally {
      this.dotBoxed = saved;
    }
  }

  private setVar(name: string, value: GoValue, boxed = false): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i];
      if (v && v.name === name) {
        v.value = value;
        v.boxed = boxed;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }

  private setTopVar(n: number, value: GoValue, boxed = false): void {
    const v = this.vars[this.vars.length - n];
    if (v) {
      v.value = value;
      v.boxed = boxed;
    }
  }

  private walkRange(dot: GoValue, r: BranchNode): void {
    this.node = r;
    const mark0 = this.vars.length;
    try {
      const val = this.evalPipeline(dot, r.pipe);
      const mark = this.vars.length;
      const decl = r.pipe.decl;
      const elemBoxed =
        (val instanceof GoSlice || val instanceof GoMap) && val.t.elem.k === 'iface' && elemIsSet(val);
      const one = (index: GoValue, elem: GoValue): void => {
        if (decl.length > 0) {
          if (r.pipe.isAssign) {
            if (decl.length > 1) this.setVar(decl[0]?.ident[0] ?? '', index);
            else this.setVar(decl[0]?.ident[0] ?? '', elem, elemBoxed);
          } else this.setTopVar(1, elem, elemBoxed);
        }
        if (decl.length > 1) {
          if (r.pipe.isAssign) this.setVar(decl[1]?.ident[0] ?? '', elem, elemBoxed);
          else this.setTopVar(2, index);
        }
        try {
          this.walkWithDot(elem, elemBoxed, r.list);
        } catch (e) {
          if (e !== CONTINUE) throw e;
        } finally {
          this.vars.length = mark;
        }
      };
      let ran = false;
      try {
        if (val instanceof GoSlice) {
          const a = val.a ?? [];
          for (let i = 0; i < a.length; i++) {
            ran = true;
            one(new GoInt(T_INT, BigInt(i)), a[i]);
          }
        } else if (val instanceof GoMap) {
          const m = val.m;
          if (m !== null) {
            for (const k of sortedKeys(m)) {
              ran = true;
              one(k, m.get(k));
            }
          }
        } else if (val instanceof GoInt) {
          // Go 1.22+: range over an integer.
          if (decl.length > 1)
            this.errorf(`can't use ${formatV(val)} to iterate over more than one variable`);
          for (let i = 0n; i < val.v; i++) {
            ran = true;
            const v = new GoInt(val.t, i);
            one(v, v);
          }
        } else if (val !== undefined) {
          this.errorf(`range can't iterate over ${formatV(val)}`);
        }
      } catch (e) {
        if (e === BREAK) return;
        throw e;
      }
      if (!ran && r.elseList) this.walk(dot, r.elseList);
    } finally {
      this.vars.length = mark0;
    }
  }

  private walkTemplate(dot: GoValue, t: TemplateNode): void {
    this.node = t;
    const root = this.trees.get(t.name);
    if (root === undefined) this.errorf(`template ${quote(t.name)} not defined`);
    const newDot = this.evalPipeline(dot, t.pipe);
    const saved = { vars: this.vars, name: this.tmplName };
    this.enter(TEMPLATE_WEIGHT);
    this.tmplName = t.name;
    this.vars = [{ name: '$', value: newDot }];
    try {
      this.walkWithDot(newDot, false, root as ListNode);
    } finally {
      this.depth -= TEMPLATE_WEIGHT;
      this.vars = saved.vars;
      this.tmplName = saved.name;
    }
  }

  private evalPipeline(dot: GoValue, pipe: PipeNode | null): GoValue {
    if (pipe === null) return undefined;
    this.node = pipe;
    this.enter(PIPELINE_WEIGHT);
    try {
      return this.evalPipelineBody(dot, pipe);
    } finally {
      this.depth -= PIPELINE_WEIGHT;
    }
  }

  private evalPipelineBody(dot: GoValue, pipe: PipeNode): GoValue {
    let value: Final = MISSING;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, cmd, value);
      // A nil interface{} becomes "no value" (Go: reflect.ValueOf(value.Interface())).
      if (value === null) value = undefined;
    }
    const v = value === MISSING ? undefined : value;
    for (const d of pipe.decl) {
      if (pipe.isAssign) this.setVar(d.ident[0] ?? '', v);
      else this.vars.push({ name: d.ident[0] ?? '', value: v });
    }
    return v;
  }

  private notAFunction(args: Node[], final: Final): void {
    if (args.length > 1 || final !== MISSING) {
      this.errorf(`can't give argument to non-function ${nodeString(args[0] as Node)}`);
    }
  }

  private evalCommand(dot: GoValue, cmd: CommandNode, final: Final): GoValue {
    const args = cmd.args;
    const first = args[0] as Node;
    switch (first.type) {
      case 'field':
        return this.evalFieldNode(dot, first, args, final);
      case 'chain':
        return this.evalChainNode(dot, first, args, final);
      case 'identifier':
        return this.evalFunction(dot, first, cmd, args, final);
      case 'pipe':
        this.notAFunction(args, final);
        return this.evalPipeline(dot, first);
      case 'variable':
        return this.evalVariableNode(dot, first, args, final);
    }
    this.node = first;
    this.notAFunction(args, final);
    switch (first.type) {
      case 'bool':
        return first.value;
      case 'dot':
        return dot;
      case 'nil':
        this.errorf('nil is not a command');
        break;
      case 'number':
        return this.idealConstant(first);
      case 'string':
        return first.text;
    }
    this.errorf(`can't evaluate command ${quote(nodeString(first))}`);
  }

  private idealConstant(n: NumberNode): GoValue {
    this.node = n;
    const isHexInt =
      n.text.length > 2 && n.text[0] === '0' && /[xX]/.test(n.text[1] ?? '') && !/[pP]/.test(n.text);
    const isRuneInt = n.text[0] === "'";
    if (n.isFloat && !isHexInt && !isRuneInt && /[.eEpP]/.test(n.text)) return float64(n.float64);
    if (n.isInt) return new GoInt(T_INT, n.int64);
    if (n.isUint) this.errorf(`${n.text} overflows int`);
    return undefined;
  }

  private evalFieldNode(dot: GoValue, field: FieldNode, args: Node[] | null, final: Final): GoValue {
    this.node = field;
    return this.evalFieldChain(dot, dot, this.dotBoxed, field, field.ident, args, final);
  }

  private evalChainNode(dot: GoValue, chain: ChainNode, args: Node[] | null, final: Final): GoValue {
    this.node = chain;
    if (chain.node.type === 'nil') this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const pipe = this.evalArg(dot, null, chain.node);
    return this.evalFieldChain(dot, pipe, false, chain, chain.field, args, final);
  }

  private evalVariableNode(dot: GoValue, v: VariableNode, args: Node[] | null, final: Final): GoValue {
    this.node = v;
    const variable = this.lookupVar(v.ident[0] ?? '');
    if (v.ident.length === 1) {
      this.notAFunction(args ?? [v], final);
      return variable.value;
    }
    return this.evalFieldChain(
      dot,
      variable.value,
      variable.boxed === true,
      v,
      v.ident.slice(1),
      args,
      final,
    );
  }

  private lookupVar(name: string): Variable {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i];
      if (v && v.name === name) return v;
    }
    this.errorf(`undefined variable: ${name}`);
  }

  private evalFieldChain(
    dot: GoValue,
    receiver: GoValue,
    receiverBoxed: boolean,
    node: Node,
    ident: string[],
    args: Node[] | null,
    final: Final,
  ): GoValue {
    let r = receiver;
    let boxed = receiverBoxed;
    const n = ident.length;
    for (let i = 0; i < n - 1; i++) {
      const next = this.evalField(dot, ident[i] ?? '', node, null, MISSING, r, boxed);
      boxed = r instanceof GoMap && r.t.elem.k === 'iface';
      r = next;
    }
    return this.evalField(dot, ident[n - 1] ?? '', node, args, final, r, boxed);
  }

  private evalField(
    dot: GoValue,
    fieldName: string,
    node: Node,
    args: Node[] | null,
    final: Final,
    receiver: GoValue,
    boxed: boolean,
  ): GoValue {
    if (receiver === undefined) this.errorf(`nil data; no entry for key ${quote(fieldName)}`);
    if (receiver === null) this.errorf(`nil pointer evaluating interface {}.${fieldName}`);
    if (receiver instanceof GoObject) {
      const method = receiver.methods[fieldName];
      if (method) {
        const f: GoFunc = { params: [], fn: () => method() };
        return this.evalCall(dot, f, node, fieldName, args, final);
      }
    }
    const hasArgs = (args !== null && args.length > 1) || final !== MISSING;
    if (receiver instanceof GoMap) {
      if (hasArgs) this.errorf(`${fieldName} is not a method but has arguments`);
      const m = receiver.m;
      if (m === null || !m.has(fieldName)) this.errorf(`map has no entry for key ${quote(fieldName)}`);
      return m.get(fieldName);
    }
    this.errorf(
      `can't evaluate field ${fieldName} in type ${boxed ? 'interface {}' : typeString(typeOf(receiver))}`,
    );
  }

  private evalFunction(
    dot: GoValue,
    node: IdentifierNode,
    cmd: Node,
    args: Node[] | null,
    final: Final,
  ): GoValue {
    this.node = node;
    const name = node.ident;
    const f = this.funcs.get(name);
    if (f === undefined) this.errorf(`${quote(name)} is not a defined function`);
    return this.evalCall(dot, f, cmd, name, args, final);
  }

  private evalCall(
    dot: GoValue,
    fun: GoFunc,
    node: Node,
    name: string,
    args: Node[] | null,
    final: Final,
  ): GoValue {
    const argNodes = args ? args.slice(1) : [];
    const numIn = argNodes.length + (final !== MISSING ? 1 : 0);
    let numFixed = argNodes.length;
    if (fun.variadic !== undefined) {
      numFixed = fun.params.length;
      if (numIn < numFixed) {
        this.errorf(`wrong number of args for ${name}: want at least ${numFixed} got ${argNodes.length}`);
      }
    } else if (numIn !== fun.params.length) {
      this.errorf(`wrong number of args for ${name}: want ${fun.params.length} got ${numIn}`);
    }
    if (fun.builtin && (name === 'and' || name === 'or')) {
      let v: GoValue;
      for (const a of argNodes) {
        v = this.evalArg(dot, 'reflect', a);
        if (isTrue(v) === (name === 'or')) return v;
      }
      if (final !== MISSING) v = this.validateType(final, 'reflect');
      return v;
    }
    const argv: GoValue[] = [];
    let i = 0;
    for (; i < numFixed && i < argNodes.length; i++) {
      argv.push(this.evalArg(dot, fun.params[i] as ParamType, argNodes[i] as Node));
    }
    if (fun.variadic !== undefined) {
      for (; i < argNodes.length; i++) argv.push(this.evalArg(dot, fun.variadic, argNodes[i] as Node));
    }
    if (final !== MISSING) {
      let t: ParamType;
      if (fun.variadic !== undefined)
        t = numIn - 1 < numFixed ? (fun.params[numIn - 1] as ParamType) : fun.variadic;
      else t = fun.params[fun.params.length - 1] as ParamType;
      argv.push(this.validateType(final, t));
    }
    this.step();
    let result: GoValue;
    try {
      result = fun.fn(...argv);
    } catch (e) {
      if (e instanceof TemplateError) throw e;
      this.node = node;
      const msg = e instanceof Error ? e.message : String(e);
      if (e instanceof RangeError && /call stack/i.test(msg)) throw e;
      this.errorf(`error calling ${name}: ${msg}`);
    }
    // Go's error position after a call stays where argument evaluation left it; only a budget error
    // points at the call.
    const at = this.node;
    this.node = node;
    this.charge(name, result);
    this.node = at;
    return result;
  }

  private evalArg(dot: GoValue, typ: ParamType | null, n: Node): GoValue {
    this.node = n;
    switch (n.type) {
      case 'dot':
        return this.validateType(dot, typ);
      case 'nil':
        if (typ === null || typ === 'reflect') return undefined;
        if (canBeNil(typ)) return zeroValue(typ);
        this.errorf(`cannot assign nil to ${typeString(typ)}`);
        break;
      case 'field':
        return this.validateType(this.evalFieldNode(dot, n, [n], MISSING), typ);
      case 'variable':
        return this.validateType(this.evalVariableNode(dot, n, null, MISSING), typ);
      case 'pipe':
        return this.validateType(this.evalPipeline(dot, n), typ);
      case 'identifier':
        return this.validateType(this.evalFunction(dot, n, n, null, MISSING), typ);
      case 'chain':
        return this.validateType(this.evalChainNode(dot, n, null, MISSING), typ);
    }
    if (typ === null || typ === 'reflect' || typ.k === 'iface') return this.evalEmptyInterface(dot, n);
    switch (typ.k) {
      case 'bool':
        if (n.type === 'bool') return n.value;
        this.errorf(`expected bool; found ${nodeString(n)}`);
        break;
      case 'float':
        if (n.type === 'number' && n.isFloat) return new GoFloat(typ, n.float64);
        this.errorf(`expected float; found ${nodeString(n)}`);
        break;
      case 'int':
        if (n.type === 'number' && n.isInt) return new GoInt(typ, n.int64);
        this.errorf(`expected integer; found ${nodeString(n)}`);
        break;
      case 'uint':
        if (n.type === 'number' && n.isUint) return new GoInt(typ, n.uint64);
        this.errorf(`expected unsigned integer; found ${nodeString(n)}`);
        break;
      case 'string':
        if (n.type === 'string') return n.text;
        this.errorf(`expected string; found ${nodeString(n)}`);
    }
    this.errorf(`can't handle ${nodeString(n)} for arg of type ${typeString(typ)}`);
  }

  private evalEmptyInterface(dot: GoValue, n: Node): GoValue {
    this.node = n;
    switch (n.type) {
      case 'bool':
        return n.value;
      case 'dot':
        return dot;
      case 'field':
        return this.evalFieldNode(dot, n, null, MISSING);
      case 'identifier':
        return this.evalFunction(dot, n, n, null, MISSING);
      case 'number':
        return this.idealConstant(n);
      case 'string':
        return n.text;
      case 'variable':
        return this.evalVariableNode(dot, n, null, MISSING);
      case 'pipe':
        return this.evalPipeline(dot, n);
    }
    this.errorf(`can't handle assignment of ${nodeString(n)} to empty interface argument`);
  }

  private validateType(value: GoValue, typ: ParamType | null): GoValue {
    if (typ === null || typ === 'reflect') return value;
    if (value === undefined) {
      if (canBeNil(typ)) return zeroValue(typ);
      this.errorf(`invalid value; expected ${typeString(typ)}`);
    }
    const vt = typeOf(value) as GoType;
    if (!assignable(vt, typ)) {
      this.errorf(`wrong type for value; expected ${typeString(typ)}; got ${typeString(vt)}`);
    }
    return value;
  }
}

export { FuncError };

function elemIsSet(v: GoSlice | GoMap): boolean {
  return v instanceof GoSlice ? v.a !== null : v.m !== null;
}

/**
 * Elements and string characters reachable from a list or map, each container counted once (a
 * container that holds itself, which `set` can build, counts as infinite).
 */
const deepSizes = new WeakMap<object, number>();
function deepSize(v: GoSlice | GoMap): number {
  const cached = deepSizes.get(v);
  if (cached !== undefined) return cached;
  deepSizes.set(v, Number.POSITIVE_INFINITY);
  let n = 0;
  const add = (e: GoValue): void => {
    n += 1;
    if (typeof e === 'string') n += e.length;
    else if (e instanceof GoSlice || e instanceof GoMap) n += deepSize(e);
  };
  if (v instanceof GoSlice) for (const e of v.a ?? []) add(e);
  else
    for (const [k, e] of v.m ?? []) {
      n += k.length;
      add(e);
    }
  deepSizes.set(v, n);
  return n;
}

/** How deeply lists and maps nest inside `v` (1 for a flat list); cached like deepSize. */
const deepDepths = new WeakMap<object, number>();
function deepDepth(v: GoSlice | GoMap): number {
  const cached = deepDepths.get(v);
  if (cached !== undefined) return cached;
  deepDepths.set(v, Number.POSITIVE_INFINITY);
  let d = 0;
  const elems = v instanceof GoSlice ? (v.a ?? []) : (v.m?.values() ?? []);
  for (const e of elems) if (e instanceof GoSlice || e instanceof GoMap) d = Math.max(d, deepDepth(e));
  deepDepths.set(v, d + 1);
  return d + 1;
}
