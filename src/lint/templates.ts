/**
 * Static checks of `labelsTemplate` / `varsTemplate` against the data NFD runs them on.
 *
 * NFD runs a rule's templates once per matched `matchAny` element and once for a matched
 * `matchFeatures` (pkg/apis/nfd/nodefeaturerule/rule.go `Execute`, `ExecuteGroupRule`), each time on
 * that matcher's own matched features only: `map[domain]map[feature][]MatchedElement`, keyed by the
 * term's feature name split at its first "." as written (not lower-cased; `evaluateFeatureMatcher`).
 * A MatchedElement is `{Name}` for a flag, `{Name, Value}` for an attribute and the instance's own
 * attribute map for an instance (expression.go `MatchMulti`, `MatchGetInstances`). Templates run with
 * `missingkey=error` (pkg/apis/nfd/template/template.go `NewHelper`), so reading a key that is not
 * there fails the template and with it the whole rule.
 *
 * Sprig's integer functions (`int`, `int64`, `add`, `sub`, ...) convert strings with spf13/cast,
 * which calls strconv.ParseInt with base 0: "0302" is octal (194) and "10de" is no number (0).
 *
 * The analysis follows values through fields, variables, `range` and `with`; whatever it cannot
 * follow (function results, `template` calls) it leaves alone, so a finding is always a real path.
 */

import type { FeatureMatcher, GroupRule, MatchExpression, Rule } from '../core/model/rules.ts';
import {
  type Node,
  type PipeNode,
  parseTemplate,
  parseTemplateTrees,
  TemplateError,
  type TreeSet,
} from '../template/index.ts';
import { CATALOGUE, type CatalogueEntry } from './catalogue.ts';
import { closest } from './suggest.ts';

/** What a template finding is about; the linter turns these into findings. */
export interface TemplateProblem {
  kind: 'feature' | 'key' | 'octal';
  message: string;
  fix?: string;
  /** UTF-16 offset into the template text. */
  offset: number;
}

/** What NFD puts under one `.<domain>.<feature>` for one matcher. */
interface TermData {
  /** The feature as the template names it, `domain.feature` in the term's spelling. */
  name: string;
  entry: CatalogueEntry | undefined;
  /** The term's expressions by element (several terms on one feature are merged, as NFD appends). */
  exprs: Map<string, MatchExpression>;
  /** Names `matchName: {op: In}` lists; `null` when a matchName with another op can match any name. */
  matchNames: string[] | null;
  /**
   * Whether a matched term always yields elements: one with expressions or a matchName does (each
   * expression or the name match adds one); a bare `feature:` term yields none (expression.go `MatchMulti`).
   */
  nonEmpty: boolean;
}

interface Branch {
  label: string;
  domains: Map<string, Map<string, TermData>>;
}

type Value =
  | { k: 'root'; b: Branch }
  | { k: 'dom'; b: Branch; dom: string }
  | { k: 'list'; t: TermData }
  | { k: 'elem'; t: TermData }
  /** A string; `zero` says why it may look like a leading-zero or hexadecimal number. */
  | { k: 'str'; zero?: string }
  | { k: 'any' };

const ANY: Value = { k: 'any' };

/** Sprig functions that convert their arguments with spf13/cast ToInt64 (Sprig functions.go). */
const INT_FUNCS = new Set([
  'int',
  'int64',
  'add',
  'add1',
  'sub',
  'mul',
  'div',
  'mod',
  'max',
  'min',
  'biggest',
]);
/** Sprig string functions whose result is their last argument, reshaped: a leading zero survives. */
const PASS_FUNCS = new Set(['toString', 'trim', 'lower', 'upper', 'trimPrefix', 'trimSuffix', 'trimAll']);
/** Instance attributes that hold hexadecimal ids (source/pci/utils.go, source/usb/utils.go). */
const HEX_IDS: Readonly<Record<string, readonly string[]>> = {
  'pci.device': ['class', 'vendor', 'device', 'subsystem_vendor', 'subsystem_device'],
  'usb.device': ['class', 'vendor', 'device'],
};
/** A string spf13/cast misreads: leading zero (octal) or hexadecimal digits without 0x. */
const LEADING_ZERO = /^[+-]?0[0-9]/;
const HEXISH = /^[0-9a-fA-F]*[a-fA-F][0-9a-fA-F]*$/;

/** The matchers NFD runs the templates on, with their labels. */
function branches(rule: Rule | GroupRule): Branch[] {
  const out: Branch[] = [];
  const one = (label: string, m: FeatureMatcher) => {
    const domains = new Map<string, Map<string, TermData>>();
    for (const term of m) {
      const dot = term.feature.indexOf('.');
      // evaluateFeatureMatcher: the domain and feature as written; no "." gives (lower-cased name, "").
      const dom = dot < 0 ? term.feature.toLowerCase() : term.feature.slice(0, dot);
      const nam = dot < 0 ? '' : term.feature.slice(dot + 1);
      let feats = domains.get(dom);
      if (!feats) {
        feats = new Map();
        domains.set(dom, feats);
      }
      let t = feats.get(nam);
      if (!t) {
        t = {
          name: term.feature,
          entry: CATALOGUE[term.feature.toLowerCase()],
          exprs: new Map(),
          matchNames: [],
          nonEmpty: false,
        };
        feats.set(nam, t);
      }
      const exprs = Object.entries(term.matchExpressions ?? {});
      for (const [el, e] of exprs) t.exprs.set(el, e);
      if (exprs.length > 0 || term.matchName) t.nonEmpty = true;
      if (term.matchName && t.matchNames) {
        if (term.matchName.op === 'In') t.matchNames.push(...(term.matchName.value ?? []));
        else t.matchNames = null;
      }
    }
    out.push({ label, domains });
  };
  (rule.matchAny ?? []).forEach((a, k) => {
    one(`matchAny[${k}]`, a.matchFeatures ?? []);
  });
  if (rule.matchFeatures && rule.matchFeatures.length > 0) one('matchFeatures', rule.matchFeatures);
  return out;
}

/**
 * What the checks depend on in a branch: per term, its place in the data, whether it has elements,
 * the keys of its elements and which of them may hold leading-zero numbers.
 */
function shapeOf(b: Branch): string {
  return JSON.stringify(
    [...b.domains].map(([dom, feats]) => [
      dom,
      [...feats].map(([nam, t]) => {
        const keys = elementKeys(t);
        const zero = [...(keys ?? []), ...t.exprs.keys(), 'Value'].filter((k) => zeroReason(t, k));
        return [nam, t.name, t.nonEmpty, keys ?? null, zero];
      }),
    ]),
  );
}

/** Work one file's template checks may do (nodes visited), so that hostile input stays bounded in time. */
export interface Budget {
  left: number;
}

/** Node visits allowed per file: far above real rule files, a few seconds at most. */
export const TEMPLATE_BUDGET = 200_000;

class OutOfBudget extends Error {}

/** The keys a matched element of `t` has, or undefined when they are not known. */
function elementKeys(t: TermData): readonly string[] | undefined {
  const e = t.entry;
  if (!e) return undefined;
  const name = t.name.toLowerCase();
  if (e.type === 'flag') {
    // cpu.cpuid also has one attribute, AVX10_VERSION (NFD source/cpu/cpu.go `Discover`,
    // cpuid_amd64.go): only its element has a Value. A term that can match a flag yields {Name} elements.
    if (name !== 'cpu.cpuid' || t.matchNames === null) return name === 'cpu.cpuid' ? undefined : ['Name'];
    const named = [...t.exprs.keys(), ...t.matchNames];
    return named.some((n) => n !== CPUID_ATTRIBUTE) ? ['Name'] : ['Name', 'Value'];
  }
  if (e.type === 'attribute') return ['Name', 'Value'];
  return e.elements?.closed ? Object.keys(e.elements.names) : undefined;
}

/** Why a value read from an element of `t` under `key` may be a leading-zero or hex number. */
function zeroReason(t: TermData, key: string): string | undefined {
  const name = t.name.toLowerCase();
  if (HEX_IDS[name]?.includes(key)) return `${name} ${key} is a hexadecimal id (e.g. "0302", "10de")`;
  const values: string[] = [];
  if (t.entry?.type === 'instance') values.push(...(t.exprs.get(key)?.value ?? []));
  else if (key === 'Value') for (const e of t.exprs.values()) values.push(...(e.value ?? []));
  const v = values.find((x) => LEADING_ZERO.test(x) || HEXISH.test(x));
  return v === undefined ? undefined : `the rule matches ${name} values such as ${JSON.stringify(v)}`;
}

/** The one cpu.cpuid attribute (the others are flags). */
const CPUID_ATTRIBUTE = 'AVX10_VERSION';

const ACCEPT_ALL = { check: () => undefined };
const UNIMPLEMENTED = /not supported: imgcompat does not implement/;

/**
 * The problems of one template on one rule. `which` names the field (labelsTemplate/varsTemplate) in
 * messages. Offsets are UTF-16 offsets into `text`.
 */
export function checkTemplate(
  text: string,
  which: string,
  rule: Rule | GroupRule,
  budget: Budget = { left: TEMPLATE_BUDGET },
): TemplateProblem[] {
  try {
    parseTemplate(text);
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
    // The loader reports templates that do not parse (IC1000); a Sprig function NFD has but
    // imgcompat does not implement is no fault of the template, which is still checked.
    if (!UNIMPLEMENTED.test(e.message)) return [];
  }
  let trees: TreeSet;
  try {
    trees = parseTemplateTrees(text, ACCEPT_ALL);
  } catch (e) {
    if (e instanceof TemplateError) return [];
    throw e;
  }
  const root = trees.get('');
  if (!root) return [];
  const found = new Map<string, { p: TemplateProblem; branches: Set<string> }>();
  // Branches with the same data shape give the same findings: walk each shape once.
  const shapes = new Map<string, Branch[]>();
  const all = branches(rule);
  const order = new Map(all.map((b, i) => [b.label, i]));
  for (const b of all) {
    const key = shapeOf(b);
    const same = shapes.get(key);
    if (same) same.push(b);
    else shapes.set(key, [b]);
  }
  for (const same of shapes.values()) {
    const b = same[0]!;
    const labels = same.map((x) => x.label);
    const walker = new Walker(which, b, budget, (p, key) => {
      const f = found.get(key);
      if (f) for (const l of labels) f.branches.add(l);
      else found.set(key, { p, branches: new Set(labels) });
    });
    try {
      walker.list(root.nodes, { k: 'root', b }, new Map([['$', { v: { k: 'root', b } }]]));
    } catch (e) {
      // Out of budget: what was found stands, the rest is not checked.
      if (e instanceof OutOfBudget) break;
      throw e;
    }
  }
  return [...found.values()].map(({ p, branches: on }) =>
    p.kind === 'feature'
      ? {
          ...p,
          message: p.message.replaceAll(
            '\0',
            listBranches([...on].sort((x, y) => (order.get(x) ?? 0) - (order.get(y) ?? 0))),
          ),
        }
      : p,
  );
}

/**
 * Variables in scope. Nested blocks copy the map but share the cells, as Go's variables are shared
 * with the blocks inside their scope; `$x = ...` may or may not run, so an assigned variable becomes
 * unknown (never a wrong guess).
 */
type Scope = Map<string, { v: Value }>;

class Walker {
  private readonly which: string;
  private readonly b: Branch;
  private readonly sink: (p: TemplateProblem, key: string) => void;
  /**
   * Whether the code being walked certainly runs when the template runs. Missing keys are reported
   * only there: the body of an `if`, of a `range` over a list that may be empty, what follows a
   * `break`, the later arguments of `and`/`or` may never be evaluated.
   */
  private certain = true;

  private readonly budget: Budget;

  constructor(which: string, b: Branch, budget: Budget, sink: (p: TemplateProblem, key: string) => void) {
    this.which = which;
    this.b = b;
    this.budget = budget;
    this.sink = sink;
  }

  private report(p: TemplateProblem, key: string): void {
    if (this.certain || p.kind === 'octal') this.sink(p, key);
  }

  /** Walks `body` with `certain` lowered to `certain && sure`, then restores it. */
  private maybe(sure: boolean, body: () => void): void {
    const was = this.certain;
    this.certain = was && sure;
    try {
      body();
    } finally {
      this.certain = was;
    }
  }

  list(nodes: readonly Node[], dot: Value, scope: Scope): void {
    const was = this.certain;
    try {
      for (const n of nodes) {
        this.node(n, dot, scope);
        // After a break or continue (maybe inside an if or with) the rest may not run.
        if (mayLeave(n)) this.certain = false;
      }
    } finally {
      this.certain = was;
    }
  }

  private node(n: Node, dot: Value, scope: Scope): void {
    if (--this.budget.left < 0) throw new OutOfBudget();
    switch (n.type) {
      case 'action':
        this.pipe(n.pipe, dot, scope);
        return;
      case 'list':
        this.list(n.nodes, dot, new Map(scope));
        return;
      case 'if':
      case 'with':
      case 'range': {
        const inner = new Map(scope);
        const v = this.pipe(n.pipe, dot, inner, n.type === 'range');
        let d = dot;
        let runs = false;
        if (n.type === 'with') {
          d = v;
          runs = nonEmpty(v);
        } else if (n.type === 'range') {
          d = rangeElem(v);
          runs = v.k === 'list' && v.t.nonEmpty;
        }
        this.maybe(runs, () => this.list(n.list.nodes, d, inner));
        const elseList = n.elseList;
        if (elseList) this.maybe(false, () => this.list(elseList.nodes, dot, new Map(scope)));
        return;
      }
      default:
        // text, comments, break/continue, and `template` calls (named templates are not followed).
        return;
    }
  }

  /** Evaluates a pipeline; declarations bind in `scope` (for `range`, the element goes to the last one). */
  private pipe(p: PipeNode, dot: Value, scope: Scope, isRange = false): Value {
    let v: Value | undefined;
    for (const c of p.cmds) v = this.command(c.args, dot, scope, v);
    const result = v ?? ANY;
    if (p.decl.length > 0) {
      const name = (i: number) => p.decl[i]!.ident[0]!;
      if (p.isAssign) {
        for (let i = 0; i < p.decl.length; i++) {
          const cell = scope.get(name(i));
          if (cell) cell.v = ANY;
        }
      } else if (isRange) {
        if (p.decl.length === 2) scope.set(name(0), { v: ANY });
        scope.set(name(p.decl.length - 1), { v: rangeElem(result) });
      } else scope.set(name(0), { v: result });
    }
    return result;
  }

  private command(args: readonly Node[], dot: Value, scope: Scope, piped: Value | undefined): Value {
    const first = args[0];
    if (!first) return ANY;
    if (first.type === 'identifier') {
      // and/or stop at the first argument that decides (text/template funcs.go, since Go 1.18).
      const lazy = first.ident === 'and' || first.ident === 'or';
      const vals = args
        .slice(1)
        .map((a, i) => (lazy && i > 0 ? this.lazyArg(a, dot, scope) : this.arg(a, dot, scope)));
      if (piped) vals.push(piped);
      const fn = first.ident;
      if (INT_FUNCS.has(fn)) {
        for (const v of vals) {
          if (v.k === 'str' && v.zero) {
            this.report(
              {
                kind: 'octal',
                offset: first.pos,
                message: `${this.which} passes a value to Sprig "${fn}", which reads strings with strconv.ParseInt base 0: ${v.zero}, and "0302" becomes 194 (octal) while "10de" becomes 0`,
                fix: 'compare the string itself (eq, hasPrefix, regexMatch) instead of converting it',
              },
              `octal\0${first.pos}`,
            );
            break;
          }
        }
        return ANY;
      }
      if (PASS_FUNCS.has(fn)) {
        const last = vals[vals.length - 1];
        return last?.k === 'str' ? last : ANY;
      }
      if (fn === 'index' && vals[0]?.k === 'elem') {
        const key = args[2];
        // `index` returns the zero value for a missing key (no missingkey error).
        return key?.type === 'string' ? { k: 'str', zero: zeroReason(vals[0].t, key.text) } : ANY;
      }
      return ANY;
    }
    // A non-function first word: its other words are evaluated by Go too (and then rejected).
    for (const a of args.slice(1)) this.arg(a, dot, scope);
    return this.arg(first, dot, scope);
  }

  private lazyArg(n: Node, dot: Value, scope: Scope): Value {
    let v: Value = ANY;
    this.maybe(false, () => {
      v = this.arg(n, dot, scope);
    });
    return v;
  }

  private arg(n: Node, dot: Value, scope: Scope): Value {
    switch (n.type) {
      case 'dot':
        return dot;
      case 'field':
        return this.fields(dot, n.ident, fieldStart(n.pos, n.ident), '');
      case 'variable': {
        const base = scope.get(n.ident[0]!)?.v ?? ANY;
        return this.fields(base, n.ident.slice(1), fieldStart(n.pos, n.ident), n.ident[0]!);
      }
      case 'chain': {
        const base = this.arg(n.node, dot, scope);
        return this.fields(base, n.field, n.pos, '(...)');
      }
      case 'pipe':
        return this.pipe(n, dot, new Map(scope));
      case 'string':
        return {
          k: 'str',
          zero: LEADING_ZERO.test(n.text) ? `the string ${JSON.stringify(n.text)}` : undefined,
        };
      default:
        return ANY;
    }
  }

  /** Follows `.a.b.c` from `v`; `shown` is what the reference starts with, for messages. */
  private fields(start: Value, names: readonly string[], pos: number, shown: string): Value {
    let v = start;
    const ref = shown + names.map((f) => `.${f}`).join('');
    for (const f of names) {
      v = this.field(v, f, ref, pos);
      if (v.k === 'any') return v;
    }
    return v;
  }

  private field(v: Value, f: string, ref: string, pos: number): Value {
    switch (v.k) {
      case 'root': {
        if (v.b.domains.has(f)) return { k: 'dom', b: v.b, dom: f };
        const ci = [...v.b.domains.keys()].find((d) => d.toLowerCase() === f.toLowerCase());
        this.missingFeature(
          ref,
          f,
          pos,
          ci ? `the matched features are keyed as the terms spell them: ${ci}` : undefined,
        );
        return ANY;
      }
      case 'dom': {
        const t = v.b.domains.get(v.dom)?.get(f);
        if (t) return { k: 'list', t };
        const ci = [...(v.b.domains.get(v.dom)?.keys() ?? [])].find(
          (d) => d.toLowerCase() === f.toLowerCase(),
        );
        this.missingFeature(
          ref,
          f,
          pos,
          ci ? `the matched features are keyed as the terms spell them: ${v.dom}.${ci}` : undefined,
        );
        return ANY;
      }
      case 'list':
        this.report(
          {
            kind: 'key',
            offset: pos,
            message: `${this.which} reads ${ref}, but ${v.t.name} is a list of matched elements: the template fails ("can't evaluate field ${f}") whenever it runs`,
            fix: `range over the list: {{range .${v.t.name}}}...{{.${f}}}...{{end}}`,
          },
          `key\0${pos}\0${ref}`,
        );
        return ANY;
      case 'elem': {
        const keys = elementKeys(v.t);
        if (keys && !keys.includes(f)) {
          const type = v.t.entry?.type;
          const what =
            type === 'flag'
              ? v.t.name.toLowerCase() === 'cpu.cpuid'
                ? `the cpu.cpuid elements this term matches are flags, which have only Name (of cpu.cpuid, only ${CPUID_ATTRIBUTE} has a Value)`
                : `${v.t.name} is a flag feature: its matched elements have only Name`
              : type === 'attribute'
                ? `${v.t.name} elements have only Name and Value`
                : `${v.t.name} elements are the instance's attributes (${keys.join(', ')})`;
          const guess = closest(f, [...keys]);
          this.report(
            {
              kind: 'key',
              offset: pos,
              message: `${this.which} reads ${ref} on a matched ${v.t.name} element; ${what}: the template fails ("map has no entry for key ${JSON.stringify(f)}") whenever it runs`,
              ...(guess ? { fix: `did you mean .${guess}?` } : {}),
            },
            `key\0${pos}\0${ref}`,
          );
          return ANY;
        }
        return { k: 'str', zero: zeroReason(v.t, f) };
      }
      default:
        return ANY;
    }
  }

  private missingFeature(ref: string, key: string, pos: number, hint?: string): void {
    this.report(
      {
        kind: 'feature',
        offset: pos,
        // \0: the branches, filled in once every branch was walked.
        message: `${this.which} reads ${ref}, but \0 has no term on it: the template fails ("map has no entry for key ${JSON.stringify(key)}") whenever \0 matches`,
        fix:
          hint ??
          'add a term on that feature to every matcher the template runs on, or read it with index (index . "domain" "feature" yields nothing instead of failing)',
      },
      `feature\0${pos}\0${ref}`,
    );
  }
}

/**
 * Where a field chain starts. Go's parser gives `.a.b.c` (and `$x.a`) the position of its second
 * field (text/template/parse parse.go `operand`: `newChain(p.peek().pos, ...)`); findings point at
 * the chain's start.
 */
function fieldStart(pos: number, ident: readonly string[]): number {
  if (ident.length < 2) return pos;
  const first = ident[0]!;
  return Math.max(0, pos - first.length - (first.startsWith('$') ? 0 : 1));
}

/** `a or b or c`, and past five `a or b or c or d or e (and N more)`: messages stay short. */
function listBranches(labels: readonly string[]): string {
  if (labels.length <= 5) return labels.join(' or ');
  return `${labels.slice(0, 5).join(' or ')} (and ${labels.length - 5} more)`;
}

/** Whether `with` on `v` certainly runs its body: a matched branch's data, domains and lists with elements. */
function nonEmpty(v: Value): boolean {
  if (v.k === 'root') return v.b.domains.size > 0;
  if (v.k === 'dom') return true;
  return v.k === 'list' && v.t.nonEmpty;
}

/** Whether `n` may end the current loop iteration early: a break or continue not inside a nested range. */
function mayLeave(n: Node): boolean {
  switch (n.type) {
    case 'break':
    case 'continue':
      return true;
    case 'list':
      return n.nodes.some(mayLeave);
    case 'if':
    case 'with':
      return n.list.nodes.some(mayLeave) || (n.elseList?.nodes.some(mayLeave) ?? false);
    default:
      return false;
  }
}

function rangeElem(v: Value): Value {
  return v.k === 'list' ? { k: 'elem', t: v.t } : ANY;
}
