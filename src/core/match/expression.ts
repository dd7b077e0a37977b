/**
 * The match operators and the expression-set functions of NFD's
 * `pkg/apis/nfd/nodefeaturerule/expression.go` (NFD v0.19.0 pkg/apis/nfd/nodefeaturerule/expression.go `evaluateMatchExpression`; NFD v0.19.0 pkg/apis/nfd/nodefeaturerule/expression.go `MatchGetKeys`/`MatchGetValues`/`MatchGetInstances`), with the same lazy validation,
 * nil-vs-empty handling and ordering of the matched elements.
 *
 * Go walks expression sets in random map order; we walk them in byte order of the element names so
 * that results never depend on how a document was written (NFD v0.19.0 pkg/apis/nfd/nodefeaturerule/expression.go `MatchMulti` "Evaluation order").
 */

import { RuleEvaluationError } from '../../errors.ts';
import { formatStringSlice as goStringList } from '../../go/fmt.ts';
import { type CompiledRegexp, compileRegexp } from '../../go/regexp.ts';
import { compareVersions, parseVersionForCompare } from '../../go/semver.ts';
import { atoi, quote as goQuote } from '../../go/strconv.ts';
import { compareBytes, sortedKeys } from '../../go/utf8.ts';
import type { InstanceFeature } from '../model/features.ts';
import { MATCH_OPS, type MatchExpression, type MatchExpressionSet } from '../model/rules.ts';
import { setOwn } from './own.ts';
import type { MatchedElement } from './status.ts';

/** NFD's `MatchedKeyName` / `MatchedKeyValue`. */
export const MATCHED_KEY_NAME = 'Name';
export const MATCHED_KEY_VALUE = 'Value';

/** Flag elements (`map[string]Nil`); `null`/`undefined` is Go's nil map. */
export type FlagElements = Readonly<Record<string, unknown>> | null | undefined;
/** Attribute elements (`map[string]string`); `null`/`undefined` is Go's nil map. */
export type AttributeElements = Readonly<Record<string, string>> | null | undefined;
/** Instance elements; nil and empty behave the same. */
export type InstanceElements = readonly InstanceFeature[] | null | undefined;

/** Result of the `Match*` functions: NFD's `(bool, []MatchedElement, *MatchExpressionSet)`. */
export interface MatchResult {
  isMatch: boolean;
  /** `null` is Go's nil slice. */
  matched: MatchedElement[] | null;
  /** The subset of the expression set that held; `null` is Go's nil pointer. */
  matchedExpressions: MatchExpressionSet | null;
}

/** Result of the name-matching functions: NFD's `(bool, []MatchedElement)`. */
export interface NameMatchResult {
  isMatch: boolean;
  matched: MatchedElement[];
}

/** The model's ops plus the empty op, which the engine accepts (upstream `MatchAny`). */
const VALID_OPS: ReadonlySet<string> = new Set(['', ...MATCH_OPS]);

const EMPTY: readonly string[] = [];

const hasOwn = Object.hasOwn;

function fail(message: string): never {
  throw new RuleEvaluationError(message, 'E_MATCH_EXPRESSION');
}

/** The display form NFD's report uses for an expression: `{op: "Gt", value: ["x"]}`. */
function exprString(e: MatchExpression): string {
  const values = e.value ?? EMPTY;
  if (values.length === 0) return `{op: ${goQuote(e.op ?? '')}}`;
  return `{op: ${goQuote(e.op ?? '')}, value: [${values.map(goQuote).join(' ')}]}`;
}

function mustBeEmpty(e: MatchExpression, values: readonly string[]): void {
  if (values.length !== 0) {
    fail(
      `invalid expression, 'value' field must be empty for Op ${goQuote(e.op ?? '')} (have ${goStringList(values)})`,
    );
  }
}

function mustBeNonEmpty(e: MatchExpression, values: readonly string[]): void {
  if (values.length === 0)
    fail(`invalid expression, 'value' field must be non-empty for Op ${goQuote(e.op ?? '')}`);
}

/** Compiled pattern lists, per expression value array; each entry keeps the patterns it was built from. */
const compiledLists = new WeakMap<readonly string[], { patterns: string[]; compiled: CompiledRegexp[] }>();

function samePatterns(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function compileAll(e: MatchExpression, values: readonly string[]): CompiledRegexp[] {
  const hit = compiledLists.get(values);
  // The snapshot check keeps the cache right even if a caller changes the array in place.
  if (hit !== undefined && samePatterns(hit.patterns, values)) return hit.compiled;
  // Every pattern is compiled before any is tried: one invalid pattern is an error even when another
  // would match (NFD v0.19.0 pkg/apis/nfd/nodefeaturerule/expression.go `evaluateMatchExpression`). The "expressiom" typo is upstream's.
  const compiled = new Array<CompiledRegexp>(values.length);
  for (let i = 0; i < values.length; i++) {
    try {
      compiled[i] = compileRegexp(values[i]!);
    } catch {
      fail(
        `invalid expressiom, 'value' field must only contain valid regexps for Op ${goQuote(e.op ?? '')} (have ${goStringList(values)})`,
      );
    }
  }
  compiledLists.set(values, { patterns: values.slice(), compiled });
  return compiled;
}

/**
 * Regexp results by value, per compiled regexp (compiled regexps are shared by pattern): thousands of
 * rules repeating a pattern over the same feature values run each match once. Bounded per regexp.
 */
const regexpResults = new WeakMap<CompiledRegexp, Map<string, boolean>>();
const RESULTS_PER_REGEXP = 65536;

function testMemo(re: CompiledRegexp, value: string): boolean {
  let memo = regexpResults.get(re);
  if (memo === undefined) {
    memo = new Map();
    regexpResults.set(re, memo);
  }
  let r = memo.get(value);
  if (r === undefined) {
    r = re.test(value);
    if (memo.size >= RESULTS_PER_REGEXP) memo.clear();
    memo.set(value, r);
  }
  return r;
}

/** `type` of an ordering op: `false` for integers, `true` for versions; anything else is an error. */
function isVersionType(e: MatchExpression): boolean {
  const t = e.type ?? '';
  if (t === '') return false;
  if (t === 'version') return true;
  return fail(
    `invalid expression, 'type' field only accepts "version" value for Op ${goQuote(e.op ?? '')} (have ${goQuote(t)})`,
  );
}

/**
 * Parses an ordering operand; a failure is NFD's error, naming the expression when the bad value is one
 * of its own values (`in <expr>`) and not the element's.
 */
function operand<T>(parse: (s: string) => T, kind: 'number' | 'version', v: string, e?: MatchExpression): T {
  try {
    return parse(v);
  } catch {
    return fail(`not a ${kind} ${goQuote(v)}${e ? ` in ${exprString(e)}` : ''}`);
  }
}

/**
 * The ordering ops (NFD v0.19.0 pkg/apis/nfd/nodefeaturerule/expression.go `evaluateMatchExpression` table): count check, then type check, then the element value is parsed, then
 * the expression values; integers use the int64 range, versions Masterminds without pre-release.
 */
function orderingOp(e: MatchExpression, values: readonly string[], value: string): boolean {
  const op = e.op;
  const single = op === 'Gt' || op === 'Ge' || op === 'Lt' || op === 'Le';
  if (single) {
    if (values.length !== 1) {
      fail(
        `invalid expression, 'value' field must contain exactly one element for Op ${goQuote(op)} (have ${goStringList(values)})`,
      );
    }
  } else if (values.length !== 2) {
    fail(
      `invalid expression, 'value' field must contain exactly two elements for Op ${goQuote(op)} (have ${goStringList(values)})`,
    );
  }
  let c0: number;
  let c1 = 0;
  if (isVersionType(e)) {
    const v = operand(parseVersionForCompare, 'version', value);
    const lo = operand(parseVersionForCompare, 'version', values[0]!, e);
    c0 = compareVersions(v, lo);
    if (!single) {
      // Version ranges are not checked for lo < hi: a reversed range just never matches (NFD v0.19.0 pkg/apis/nfd/nodefeaturerule/expression.go `evaluateMatchExpression`).
      c1 = compareVersions(v, operand(parseVersionForCompare, 'version', values[1]!, e));
    }
  } else {
    const v = operand(atoi, 'number', value);
    const lo = operand(atoi, 'number', values[0]!, e);
    c0 = v < lo ? -1 : v > lo ? 1 : 0;
    if (!single) {
      const hi = operand(atoi, 'number', values[1]!, e);
      // Integer ranges must have lo < hi, for GeLe too (quirk 8).
      if (lo >= hi) {
        fail(
          `invalid expression, value[0] must be less than Value[1] for Op ${goQuote(op)} (have ${goStringList(values)})`,
        );
      }
      c1 = v < hi ? -1 : v > hi ? 1 : 0;
    }
  }
  switch (op) {
    case 'Gt':
      return c0 > 0;
    case 'Ge':
      return c0 >= 0;
    case 'Lt':
      return c0 < 0;
    case 'Le':
      return c0 <= 0;
    case 'GtLt':
      return c0 > 0 && c1 < 0;
    default: // GeLe
      return c0 >= 0 && c1 <= 0;
  }
}

/**
 * NFD's `evaluateMatchExpression(expr, valid, value)` (NFD v0.19.0 pkg/apis/nfd/nodefeaturerule/expression.go `evaluateMatchExpression`). `value` is `null`/`undefined` for Go's
 * nil (flag lookups). Throws `RuleEvaluationError` where NFD returns an error.
 */
export function evaluateMatchExpression(
  e: MatchExpression,
  valid: boolean,
  value: string | null | undefined,
): boolean {
  // A missing `op` is Go's zero value, the empty op.
  const op = e.op ?? '';
  if (!VALID_OPS.has(op)) fail(`invalid Op ${goQuote(String(op))}`);
  const values = e.value ?? EMPTY;
  // Eager ops: checked even when the element is missing.
  switch (op) {
    case '':
      mustBeEmpty(e, values);
      return true;
    case 'Exists':
      mustBeEmpty(e, values);
      return valid;
    case 'DoesNotExist':
      mustBeEmpty(e, values);
      return !valid;
  }
  // Lazy validation: nothing below is checked without a real value (NFD v0.19.0 pkg/apis/nfd/nodefeaturerule/expression.go `evaluateMatchExpression` step 3).
  if (!valid || value === null || value === undefined) return false;
  switch (op) {
    case 'In':
      mustBeNonEmpty(e, values);
      return values.includes(value);
    case 'NotIn':
      mustBeNonEmpty(e, values);
      return !values.includes(value);
    case 'InRegexp': {
      mustBeNonEmpty(e, values);
      const res = compileAll(e, values);
      for (const re of res) if (testMemo(re, value)) return true;
      return false;
    }
    case 'IsTrue':
      mustBeEmpty(e, values);
      return value === 'true';
    case 'IsFalse':
      mustBeEmpty(e, values);
      return value === 'false';
    default:
      return orderingOp(e, values, value);
  }
}

/** NFD's `evaluateMatchExpressionKeys`: flag lookup, value is nil. */
export function evaluateMatchExpressionKeys(e: MatchExpression, name: string, keys: FlagElements): boolean {
  return evaluateMatchExpression(e, keys != null && hasOwn(keys, name), null);
}

/** NFD's `evaluateMatchExpressionValues`: attribute lookup. */
export function evaluateMatchExpressionValues(
  e: MatchExpression,
  name: string,
  values: AttributeElements,
): boolean {
  // Element values are strings; nothing inherited from Object.prototype is, so no hasOwn is needed.
  const v = values == null ? undefined : values[name];
  return typeof v === 'string'
    ? evaluateMatchExpression(e, true, v)
    : evaluateMatchExpression(e, false, null);
}

function byName(a: MatchedElement, b: MatchedElement): number {
  return compareBytes(a[MATCHED_KEY_NAME] ?? '', b[MATCHED_KEY_NAME] ?? '');
}

/** Stable sort by `Name` (byte order), as Go's insertion sort gives for the short lists seen here. */
function sortByName(list: MatchedElement[]): void {
  if (list.length > 1) list.sort(byName);
}

/** NFD's `MatchKeyNames`: `matchName` over flag names. */
export function matchKeyNames(e: MatchExpression, keys: FlagElements): NameMatchResult {
  const matched: MatchedElement[] = [];
  if (keys != null) {
    for (const k of Object.keys(keys)) {
      if (evaluateMatchExpression(e, true, k)) matched.push({ [MATCHED_KEY_NAME]: k });
    }
  }
  sortByName(matched);
  return { isMatch: matched.length > 0, matched };
}

/** NFD's `MatchValueNames`: `matchName` over attribute names. */
export function matchValueNames(e: MatchExpression, values: AttributeElements): NameMatchResult {
  const matched: MatchedElement[] = [];
  if (values != null) {
    for (const k of Object.keys(values)) {
      if (evaluateMatchExpression(e, true, k)) {
        matched.push({ [MATCHED_KEY_NAME]: k, [MATCHED_KEY_VALUE]: values[k]! });
      }
    }
  }
  sortByName(matched);
  return { isMatch: matched.length > 0, matched };
}

/** NFD's `MatchInstanceAttributeNames`: each instance whose attribute names match, once, in order. */
export function matchInstanceAttributeNames(
  e: MatchExpression,
  instances: InstanceElements,
): NameMatchResult {
  const matched: MatchedElement[] = [];
  if (instances != null) {
    for (const inst of instances) {
      const attrs = inst.attributes ?? {};
      // Go evaluates every name of the instance (an error on any name aborts), then adds it once.
      let hit = false;
      for (const k of Object.keys(attrs)) if (evaluateMatchExpression(e, true, k)) hit = true;
      if (hit) matched.push(attrs);
    }
  }
  return { isMatch: matched.length > 0, matched };
}

/**
 * NFD's `MatchGetKeys` (NFD v0.19.0 pkg/apis/nfd/nodefeaturerule/expression.go `MatchGetKeys`/`MatchGetValues`/`MatchGetInstances`): all expressions must hold on the flags, always fail-fast. On success
 * one `{Name}` per expression (including `DoesNotExist`/`""` on absent keys), sorted.
 */
export function matchGetKeys(set: MatchExpressionSet, keys: FlagElements): MatchResult {
  const names = sortedKeys(set);
  const matched: MatchedElement[] = [];
  const subset: MatchExpressionSet = {};
  for (const n of names) {
    const e = set[n]!;
    if (!evaluateMatchExpressionKeys(e, n, keys)) {
      return { isMatch: false, matched: null, matchedExpressions: null };
    }
    matched.push({ [MATCHED_KEY_NAME]: n });
    setOwn(subset, n, e);
  }
  return { isMatch: true, matched, matchedExpressions: subset };
}

/** NFD's `MatchGetValues` (NFD v0.19.0 pkg/apis/nfd/nodefeaturerule/expression.go `MatchGetKeys`/`MatchGetValues`/`MatchGetInstances`). */
export function matchGetValues(
  set: MatchExpressionSet,
  values: AttributeElements,
  failFast: boolean,
): MatchResult {
  return getValues(set, sortedKeys(set), values, failFast);
}

/** `matchGetValues` with the set's names already sorted (they are reused for every instance). */
function getValues(
  set: MatchExpressionSet,
  names: readonly string[],
  values: AttributeElements,
  failFast: boolean,
): MatchResult {
  const matched: MatchedElement[] = [];
  const subset: MatchExpressionSet = {};
  let isMatch = true;
  for (const n of names) {
    const e = set[n]!;
    if (evaluateMatchExpressionValues(e, n, values)) {
      const v = values != null && hasOwn(values, n) ? values[n]! : '';
      matched.push({ [MATCHED_KEY_NAME]: n, [MATCHED_KEY_VALUE]: v });
      setOwn(subset, n, e);
    } else {
      if (failFast) return { isMatch: false, matched: null, matchedExpressions: null };
      isMatch = false;
    }
  }
  return { isMatch, matched, matchedExpressions: subset };
}

/**
 * NFD's `MatchGetInstances` (NFD v0.19.0 pkg/apis/nfd/nodefeaturerule/expression.go `MatchGetKeys`/`MatchGetValues`/`MatchGetInstances`): the set against each instance on its own. True iff at least one
 * instance satisfies all expressions. The subset is the union over instances of what held.
 */
export function matchGetInstances(
  set: MatchExpressionSet,
  instances: InstanceElements,
  failFast: boolean,
): MatchResult {
  const c = compiledSet(set);
  const r = getInstances(c, instances, failFast);
  return { isMatch: r.matched.length > 0, matched: r.matched, matchedExpressions: subsetOf(c, r.held) };
}

/** What `getInstances` found: the matched instances and, per name, whether its expression held. */
interface InstancesResult {
  matched: MatchedElement[];
  /** `held[j]` is 1 when the expression on `names[j]` held (see `matchGetInstances`). */
  held: Uint8Array;
}

/**
 * What is kept of an expression set from one evaluation to the next: a spec's sets live as long as the
 * spec, and a sweep evaluates each of them against every node, so nothing here is rebuilt per node.
 * Checked against the set on every use (`compiledSet`), so a set changed in place is compiled again.
 */
interface CompiledSet {
  /** The set's own keys in its own order, and their expressions, when compiled. */
  keys: string[];
  keyExprs: MatchExpression[];
  /** The names in Go's string order (the order expressions are evaluated in), and their expressions. */
  names: string[];
  exprs: MatchExpression[];
  /** Per name, its expression's results by value (`getInstancesDirect`), created on first use. */
  memos: (ValueResults | undefined)[];
  /** Subsets handed out, by the bit mask of the names that held (`subsetOf`). */
  subsets: Map<number, Readonly<MatchExpressionSet>>;
}

const compiledSets = new WeakMap<MatchExpressionSet, CompiledSet>();

function compiledSet(set: MatchExpressionSet): CompiledSet {
  const hit = compiledSets.get(set);
  if (hit !== undefined && unchanged(hit, set)) return hit;
  const keys = Object.keys(set);
  const names = sortedKeys(set);
  const c: CompiledSet = {
    keys,
    keyExprs: keys.map((k) => set[k]!),
    names,
    exprs: names.map((n) => set[n]!),
    memos: new Array(names.length),
    subsets: new Map(),
  };
  compiledSets.set(set, c);
  return c;
}

/** Whether `set` still has the keys, in the same order, and the expression objects it was compiled with. */
function unchanged(c: CompiledSet, set: MatchExpressionSet): boolean {
  const { keys, keyExprs } = c;
  let i = 0;
  // for...in allocates nothing; the sets are plain objects (nothing enumerable is inherited).
  for (const k in set) {
    if (i === keys.length || k !== keys[i] || set[k] !== keyExprs[i]) return false;
    i++;
  }
  return i === keys.length;
}

/** Sets with more names than this get a fresh subset object each time (a mask is a 31-bit number). */
const MASK_NAMES = 30;
const SUBSETS_PER_SET = 1024;

/**
 * The subset of the set whose names are those with `held[j] === 1`, as a frozen object shared by every
 * evaluation of that set with the same outcome. Not only is no subset built per node: objects built
 * per node with the spec's names as keys get hidden classes that die with them, and V8 then throws
 * away every optimized function that saw one ("weak objects" deoptimization) and compiles it again;
 * in a sweep over many nodes with a collection every few hundred nodes, that recompilation cost more
 * than the evaluation itself.
 */
function subsetOf(c: CompiledSet, held: Uint8Array): Readonly<MatchExpressionSet> {
  const { names, exprs } = c;
  const count = names.length;
  if (count > MASK_NAMES) {
    const out: MatchExpressionSet = {};
    for (let j = 0; j < count; j++) if (held[j] === 1) setOwn(out, names[j]!, exprs[j]!);
    return out;
  }
  let mask = 0;
  for (let j = 0; j < count; j++) if (held[j] === 1) mask |= 1 << j;
  let subset = c.subsets.get(mask);
  if (subset === undefined) {
    const out: MatchExpressionSet = {};
    for (let j = 0; j < count; j++) if ((mask & (1 << j)) !== 0) setOwn(out, names[j]!, exprs[j]!);
    subset = Object.freeze(out);
    if (c.subsets.size >= SUBSETS_PER_SET) c.subsets.clear();
    c.subsets.set(mask, subset);
  }
  return subset;
}

/**
 * One attribute of every instance, interned: `ids[i]` is 0 when instance i lacks the attribute, else
 * the index + 1 of its value in `values`. Built once per instance list and attribute name, so an
 * expression is evaluated once per distinct value instead of once per instance (a host has tens of
 * thousands of PCI/USB/network instances with few distinct values, and a spec thousands of rules).
 */
interface Column {
  ids: Int32Array;
  values: string[];
}

const columns = new WeakMap<readonly InstanceFeature[], Map<string, Column>>();
/** Columns kept per instance list (the attribute names of one spec; bounded against hostile specs). */
const COLUMNS_PER_LIST = 256;

function column(instances: readonly InstanceFeature[], name: string): Column {
  let byName = columns.get(instances);
  if (byName === undefined) {
    byName = new Map();
    columns.set(instances, byName);
  }
  const hit = byName.get(name);
  if (hit !== undefined) return hit;
  const ids = new Int32Array(instances.length);
  const values: string[] = [];
  const index = new Map<string, number>();
  for (let i = 0; i < instances.length; i++) {
    const attrs = instances[i]!.attributes;
    const v = attrs == null ? undefined : attrs[name];
    if (typeof v !== 'string') continue;
    let id = index.get(v);
    if (id === undefined) {
      values.push(v);
      id = values.length;
      index.set(v, id);
    }
    ids[i] = id;
  }
  const col = { ids, values };
  if (byName.size >= COLUMNS_PER_LIST) byName.delete(byName.keys().next().value!);
  byName.set(name, col);
  return col;
}

/**
 * The instances grouped by their values of some attributes (those of `names` that any instance has):
 * instances of one group are indistinguishable to an expression set on those names. Groups are
 * numbered in order of their first instance; `members` lists each group's instances in order (CSR:
 * group g is members[start[g]] .. members[start[g + 1] - 1]).
 */
interface Groups {
  cols: Column[];
  /** The attributes that split groups (those some instance has), in the order of `names`. */
  present: string[];
  /** Per group, the value ids of the `present` attributes (group g at g * present.length). */
  tuples: Int32Array;
  /** The first instance of each group. */
  first: Int32Array;
  start: Int32Array;
  members: Int32Array;
}

const groupings = new WeakMap<readonly InstanceFeature[], Map<string, Groups>>();

function groups(instances: readonly InstanceFeature[], names: readonly string[]): Groups {
  const cols = names.map((n) => column(instances, n));
  // Names no instance has do not split groups: key the cache by the others.
  const present = names.filter((_, j) => cols[j]!.values.length > 0);
  const presentCols = cols.filter((c) => c.values.length > 0);
  const key = present.join('\u0000');
  let byKey = groupings.get(instances);
  if (byKey === undefined) {
    byKey = new Map();
    groupings.set(instances, byKey);
  }
  const hit = byKey.get(key);
  if (hit !== undefined) return { ...hit, cols };
  const n = instances.length;
  const groupOf = new Int32Array(n);
  const firsts: number[] = [];
  const index = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    let k = '';
    for (const c of presentCols) k += `${c.ids[i]},`;
    let g = index.get(k);
    if (g === undefined) {
      g = firsts.length;
      firsts.push(i);
      index.set(k, g);
    }
    groupOf[i] = g;
  }
  const start = new Int32Array(firsts.length + 1);
  for (let i = 0; i < n; i++) start[groupOf[i]! + 1]!++;
  for (let g = 0; g < firsts.length; g++) start[g + 1]! += start[g]!;
  const fill = start.slice(0, firsts.length);
  const members = new Int32Array(n);
  for (let i = 0; i < n; i++) members[fill[groupOf[i]!]!++] = i;
  const p = presentCols.length;
  const tuples = new Int32Array(firsts.length * p);
  for (let g = 0; g < firsts.length; g++) {
    for (let j = 0; j < p; j++) tuples[g * p + j] = presentCols[j]!.ids[firsts[g]!]!;
  }
  const result: Groups = { cols, present, tuples, first: Int32Array.from(firsts), start, members };
  if (byKey.size >= COLUMNS_PER_LIST) byKey.delete(byKey.keys().next().value!);
  byKey.set(key, result);
  return result;
}

const sharedResults = new WeakMap<Column, Map<string, Uint8Array>>();
const RESULTS_PER_COLUMN = 4096;

function resultsFor(col: Column, name: string, e: MatchExpression): Uint8Array {
  let byExpr = sharedResults.get(col);
  if (byExpr === undefined) {
    byExpr = new Map();
    sharedResults.set(col, byExpr);
  }
  const key = JSON.stringify([name, e.op ?? '', e.type ?? '', e.value ?? EMPTY]);
  let r = byExpr.get(key);
  if (r === undefined) {
    r = new Uint8Array(col.values.length + 1);
    if (byExpr.size >= RESULTS_PER_COLUMN) byExpr.clear();
    byExpr.set(key, r);
  }
  return r;
}

/**
 * Remembered results of one expression by element value, for `getInstancesDirect`. Kept with the
 * expression's set (`CompiledSet.memos`), which lives as long as its spec, so a sweep over many nodes
 * evaluates an expression once per distinct value across all nodes. The snapshot of `op`, `type` and
 * `value` keeps the results right if a caller changes the expression in place.
 */
interface ValueResults {
  op: MatchExpression['op'] | undefined;
  type: string | undefined;
  values: string[];
  /** `evaluateMatchExpression(e, true, value)` by value; an evaluation that throws is not stored. */
  byValue: Map<string, boolean>;
  /** `evaluateMatchExpression(e, false, null)`: 0 unknown, 1 held, 2 did not hold. */
  missing: number;
  /**
   * 1 for a valid `In`, 2 for a valid `NotIn` (non-empty values), else 0. On a value these two are a
   * lookup in their short value list, far cheaper than one in `byValue`: an element value read from a
   * node has no hash computed yet, and hashing every node's values cost a sixth of a sweep.
   */
  list: number;
}

const RESULTS_PER_EXPRESSION = 65536;

/** The remembered results of the set's j-th expression (in name order). */
function valueResultsFor(c: CompiledSet, j: number): ValueResults {
  const e = c.exprs[j]!;
  const values = e.value ?? EMPTY;
  const hit = c.memos[j];
  if (hit !== undefined && hit.op === e.op && hit.type === e.type && samePatterns(hit.values, values)) {
    return hit;
  }
  const fresh: ValueResults = {
    op: e.op,
    type: e.type,
    values: values.slice(),
    byValue: new Map(),
    missing: 0,
    list: values.length === 0 ? 0 : e.op === 'In' ? 1 : e.op === 'NotIn' ? 2 : 0,
  };
  c.memos[j] = fresh;
  return fresh;
}

/** `evaluateMatchExpression` on one instance attribute (`undefined`: the instance lacks it), remembered. */
function evaluateRemembered(e: MatchExpression, memo: ValueResults, value: string | undefined): boolean {
  if (value === undefined) {
    if (memo.missing === 0) memo.missing = evaluateMatchExpression(e, false, null) ? 1 : 2;
    return memo.missing === 1;
  }
  if (memo.list !== 0) return memo.values.includes(value) === (memo.list === 1);
  let r = memo.byValue.get(value);
  if (r === undefined) {
    r = evaluateMatchExpression(e, true, value);
    if (memo.byValue.size >= RESULTS_PER_EXPRESSION) memo.byValue.clear();
    memo.byValue.set(value, r);
  }
  return r;
}

/**
 * Instance lists shorter than this are always evaluated instance by instance: indexing them (columns
 * and groups, below) costs more than it saves, and a list seen once (a node evaluated once, as in
 * `cluster validate` and the webhook) would pay for an index it never reuses.
 */
const GROUP_MIN_INSTANCES = 256;
/** Evaluations of a longer list that run instance by instance before it is indexed. */
const DIRECT_USES = 1;
const listUses = new WeakMap<readonly InstanceFeature[], number>();

/** Whether `getInstances` should index `instances` (see `GROUP_MIN_INSTANCES`). */
function worthGrouping(instances: readonly InstanceFeature[]): boolean {
  if (instances.length < GROUP_MIN_INSTANCES) return false;
  if (groupings.has(instances)) return true;
  const uses = (listUses.get(instances) ?? 0) + 1;
  listUses.set(instances, uses);
  return uses > DIRECT_USES;
}

/**
 * `getInstances` instance by instance, in instance order (Go's own order), each expression's result
 * remembered per distinct value (`valueResultsFor`): the same evaluations in the same order as the
 * grouped path, so the same outcome and the same first error, without building an index.
 */
function getInstancesDirect(
  c: CompiledSet,
  instances: readonly InstanceFeature[],
  failFast: boolean,
): InstancesResult {
  const { names, exprs } = c;
  const count = names.length;
  const memos: ValueResults[] = new Array(count);
  for (let j = 0; j < count; j++) memos[j] = valueResultsFor(c, j);
  const held = new Uint8Array(count);
  const matched: MatchedElement[] = [];
  for (const inst of instances) {
    const attrs = inst.attributes;
    let all = true;
    for (let j = 0; j < count; j++) {
      const v = attrs == null ? undefined : attrs[names[j]!];
      if (evaluateRemembered(exprs[j]!, memos[j]!, typeof v === 'string' ? v : undefined)) {
        // Under fail-fast a failing instance records nothing (Go's MatchValues returns a nil subset).
        if (!failFast) held[j] = 1;
      } else {
        all = false;
        if (failFast) break;
      }
    }
    if (all) {
      matched.push(attrs ?? {});
      if (failFast) held.fill(1);
    }
  }
  return { matched, held };
}

function getInstances(c: CompiledSet, instances: InstanceElements, failFast: boolean): InstancesResult {
  if (instances != null && instances.length > 0 && !worthGrouping(instances)) {
    return getInstancesDirect(c, instances, failFast);
  }
  const { names, exprs } = c;
  // Same outcome as running getValues on every instance and merging, without building the
  // per-instance element lists. Instances with the same values of `names` give the same results, so
  // the set is evaluated once per group, groups in the order of their first instance: the first
  // error raised is the one the instance-by-instance evaluation would raise.
  const matched: MatchedElement[] = [];
  const count = names.length;
  const held = new Uint8Array(count);
  if (instances != null && instances.length > 0) {
    const { cols, present, tuples, first, start, members } = groups(instances, names);
    const p = present.length;
    // Where name j's value id sits in a group's tuple; -1: no instance has it (id 0, missing).
    const pos = names.map((n) => present.indexOf(n));
    // results[j][id]: 0 unknown, 1 held, 2 did not hold (per distinct value of name j), shared by
    // every rule with the same expression on the same name.
    const results = cols.map((col, j) => resultsFor(col, names[j]!, exprs[j]!));
    const hits: number[] = [];
    let matchedCount = 0;
    const ids = new Int32Array(count);
    let heldCount = 0;
    for (let g = 0; g < first.length; g++) {
      let all = true;
      const base = g * p;
      for (let j = 0; j < count; j++) {
        const at = pos[j]!;
        const id = at < 0 ? 0 : tuples[base + at]!;
        ids[j] = id;
        const col = cols[j]!;
        const res = results[j]!;
        let r = res[id]!;
        if (r === 0) {
          const ok =
            id === 0
              ? evaluateMatchExpression(exprs[j]!, false, null)
              : evaluateMatchExpression(exprs[j]!, true, col.values[id - 1]);
          r = ok ? 1 : 2;
          res[id] = r;
        }
        if (r === 2) {
          all = false;
          // Under fail-fast Go's MatchValues returns a nil subset for this instance.
          if (failFast) break;
        }
      }
      if (all) {
        hits.push(g);
        matchedCount += start[g + 1]! - start[g]!;
      }
      if ((all || !failFast) && heldCount < count) {
        for (let j = 0; j < count; j++) {
          if (held[j] === 0 && results[j]![ids[j]!] === 1) {
            held[j] = 1;
            heldCount++;
          }
        }
      }
    }
    if (hits.length === 1) {
      const g = hits[0]!;
      for (let m = start[g]!; m < start[g + 1]!; m++) matched.push(instances[members[m]!]!.attributes ?? {});
    } else if (hits.length > 1) {
      // Back to instance order.
      const order = new Int32Array(matchedCount);
      let o = 0;
      for (const g of hits) for (let m = start[g]!; m < start[g + 1]!; m++) order[o++] = members[m]!;
      order.sort();
      for (const i of order) matched.push(instances[i]!.attributes ?? {});
    }
  }
  return { matched, held };
}

/**
 * NFD's `MatchMulti` (NFD v0.19.0 pkg/apis/nfd/nodefeaturerule/expression.go `MatchMulti`): a `matchExpressions` term on a feature that may have flag, attribute and
 * instance sets at once. Flags and attributes are a union per expression (`DoesNotExist` must hold in
 * both); instances are evaluated separately and can rescue the term.
 */
export function matchMulti(
  set: MatchExpressionSet,
  keys: FlagElements,
  values: AttributeElements,
  instances: InstanceElements,
  failFast: boolean,
): MatchResult {
  let matched: MatchedElement[] = [];
  const hasKeys = keys != null;
  const hasValues = values != null;
  let isMatch = hasKeys || hasValues;
  const c = compiledSet(set);
  const { names, exprs } = c;
  // held[j]: the expression on names[j] held on the flags or attributes (see `subsetOf`).
  const held = new Uint8Array(names.length);
  for (let j = 0; j < names.length; j++) {
    const n = names[j]!;
    const e = exprs[j]!;
    let matchK = false;
    let matchV = false;
    if (hasKeys) {
      matchK = evaluateMatchExpressionKeys(e, n, keys);
      if (matchK) {
        // Literal keys (MATCHED_KEY_NAME, MATCHED_KEY_VALUE): one hidden class for every element.
        matched.push({ Name: n });
        held[j] = 1;
      } else if (e.op === 'DoesNotExist') {
        isMatch = false;
        if (!failFast) continue;
        matched = [];
        held.fill(0);
        break;
      }
    }
    if (hasValues) {
      matchV = evaluateMatchExpressionValues(e, n, values);
      if (matchV) {
        matched.push({ Name: n, Value: hasOwn(values, n) ? values[n]! : '' });
        held[j] = 1;
      } else if (e.op === 'DoesNotExist') {
        isMatch = false;
        if (!failFast) continue;
        matched = [];
        held.fill(0);
        break;
      }
    }
    if (!matchK && !matchV) {
      isMatch = false;
      if (!failFast) continue;
      matched = [];
      held.fill(0);
      break;
    }
  }
  sortByName(matched);
  const inst = getInstances(c, instances, failFast);
  if (inst.matched.length > 0) isMatch = true;
  for (const m of inst.matched) matched.push(m);
  for (let j = 0; j < names.length; j++) if (inst.held[j] === 1) held[j] = 1;
  return { isMatch, matched, matchedExpressions: subsetOf(c, held) };
}

/**
 * NFD's `MatchNamesMulti` (NFD v0.19.0 pkg/apis/nfd/nodefeaturerule/expression.go `MatchNamesMulti`): a `matchName` term. Flag then attribute names (stable-sorted by
 * name), then each instance with a matching attribute name, once, in order.
 */
export function matchNamesMulti(
  e: MatchExpression,
  keys: FlagElements,
  values: AttributeElements,
  instances: InstanceElements,
): NameMatchResult {
  const matched: MatchedElement[] = [];
  if (keys != null) {
    for (const k of Object.keys(keys)) {
      if (evaluateMatchExpression(e, true, k)) matched.push({ [MATCHED_KEY_NAME]: k });
    }
  }
  if (values != null) {
    for (const k of Object.keys(values)) {
      if (evaluateMatchExpression(e, true, k)) {
        matched.push({ [MATCHED_KEY_NAME]: k, [MATCHED_KEY_VALUE]: values[k]! });
      }
    }
  }
  sortByName(matched);
  const inst = matchInstanceAttributeNames(e, instances);
  for (const m of inst.matched) matched.push(m);
  return { isMatch: matched.length > 0, matched };
}
