/**
 * The opt-in trace behind `--explain`: for one rule, what each expression was compared with on this
 * host and why it did not hold. It is a separate pass over a rule the engine has already evaluated
 * (validate-node calls it only when asked), so evaluation without `--explain` does not run a line of it.
 *
 * Every expression is judged on its own with the engine's `evaluateMatchExpression` (NFD v0.19.0
 * pkg/apis/nfd/nodefeaturerule/expression.go `evaluateMatchExpression`): the same operators, the same
 * lazy validation. A term is judged as NFD's `MatchMulti` / `MatchNamesMulti` judge it: flags and
 * attributes as a union, instances one instance at a time (a term on instances holds when one instance
 * satisfies all its expressions). The rule's verdict is the engine's, not this pass's: NFD's quirks
 * (a `matchName` skipped after a failed term, rows marked OK inside a failed term) stay in the report.
 */

import { RuleEvaluationError } from '../../errors.ts';
import { quote as goQuote } from '../../go/strconv.ts';
import { compareBytes, sortedKeys } from '../../go/utf8.ts';
import type { Features, InstanceFeature } from '../model/features.ts';
import type { FeatureMatcher, FeatureMatcherTerm, GroupRule, MatchExpression } from '../model/rules.ts';
import { evaluateMatchExpression } from './expression.ts';
import type { MatchStatus } from './status.ts';
import { type FeatureLookup, lookupFeature, parseFeatureName } from './term.ts';

/** A feature the host source could not read (see src/host/unavailable.ts); `feature` may be `source.*`. */
export interface UnavailableFeature {
  feature: string;
  reason: string;
}

/** One distinct value of an attribute across the instances of an instance feature. */
export interface InstanceValue {
  /** `null`: the instance has no such attribute. */
  value: string | null;
  /** How many instances have this value. */
  count: number;
  /** Whether the expression held on it. */
  isMatch: boolean;
}

/** What the host has for one expression: the parts that exist for the feature. */
export interface ActualValue {
  /** Flag feature: whether the element is present. */
  present?: boolean;
  /** Attribute feature: the element's value, `null` when the element is absent. */
  value?: string | null;
  /** Instance feature: the distinct values of the attribute, most frequent first (at most `MAX_VALUES`). */
  instances?: InstanceValue[];
  /** Instance feature: distinct values left out of `instances`. */
  moreValues?: number;
  /** `matchName`: the element names that matched (at most `MAX_VALUES`), out of `names`. */
  matchedNames?: string[];
  names?: number;
}

export interface ExpressionExplanation {
  /** The element name (`""` for `matchName`). */
  name: string;
  matcherType: 'matchExpression' | 'matchName';
  expression: MatchExpression;
  /** Whether the expression held on its own (for instances: on at least one instance). */
  isMatch: boolean;
  actual: ActualValue;
  /** Why it did not hold; absent when it held. */
  reason?: string;
}

/** The instance that came closest to satisfying a term on an instance feature. */
export interface ClosestInstance {
  /** 0-based position in the feature's instance list. */
  index: number;
  /** The instance's identifying attributes and those the term's expressions name (absent ones left out). */
  attributes: Record<string, string>;
  held: number;
  of: number;
  /** The names of the expressions it did not satisfy. */
  failed: string[];
}

export interface TermExplanation {
  /** The feature as written in the term. */
  feature: string;
  isMatch: boolean;
  /** The feature is not in the host's features at all. */
  missing?: boolean;
  /** Why the host's discovery could not produce it (only for a missing feature). */
  unavailable?: string;
  expressions: ExpressionExplanation[];
  /** Instance features: how many instances there are and how many satisfied every expression. */
  instances?: number;
  matchingInstances?: number;
  closestInstance?: ClosestInstance;
}

export interface MatcherExplanation {
  isMatch: boolean;
  /** Expressions that held, and all of them: how close a failed matcher came. */
  held: number;
  total: number;
  terms: TermExplanation[];
}

export interface RuleExplanation {
  name: string;
  /** The engine's verdict for the rule. */
  isMatch: boolean;
  matchFeatures?: MatcherExplanation;
  matchAny?: MatcherExplanation[];
  /** When no `matchAny` branch held: the 0-based branch that came closest (most expressions held). */
  closestBranch?: number;
  /**
   * The rule did not match, but only terms on features the host could not read failed: with the data,
   * it might have matched.
   */
  undetermined?: boolean;
}

/** Attributes that say which device an instance is (pci/usb: vendor, device, class; network: name). */
const IDENTITY_ATTRIBUTES = ['name', 'vendor', 'device', 'class'] as const;

/** The empty list of unavailable features, shared so that cached explanations stay valid. */
export const NONE_UNAVAILABLE: readonly UnavailableFeature[] = Object.freeze([]);

/** Values listed per expression before the rest are only counted. */
export const MAX_VALUES = 8;

function safeEvaluate(e: MatchExpression, valid: boolean, value: string | null): boolean | string {
  try {
    return evaluateMatchExpression(e, valid, value);
  } catch (err) {
    if (err instanceof RuleEvaluationError) return err.message;
    throw err;
  }
}

function list(values: readonly string[] | undefined): string {
  return `[${(values ?? []).map(goQuote).join(' ')}]`;
}

/** Why `value` (present) does not satisfy `e`, in words. */
function valueReason(e: MatchExpression, value: string): string {
  const v = goQuote(value);
  const values = e.value ?? [];
  const version = e.type === 'version' ? ' (as versions)' : '';
  switch (e.op) {
    case 'In':
      return `${v} is not one of ${list(values)}`;
    case 'NotIn':
      return `${v} is one of ${list(values)}`;
    case 'InRegexp':
      return `${v} matches none of ${list(values)}`;
    case 'IsTrue':
      return `${v} is not "true"`;
    case 'IsFalse':
      return `${v} is not "false"`;
    case 'Gt':
      return `${v} is not greater than ${list(values)}${version}`;
    case 'Ge':
      return `${v} is less than ${list(values)}${version}`;
    case 'Lt':
      return `${v} is not less than ${list(values)}${version}`;
    case 'Le':
      return `${v} is greater than ${list(values)}${version}`;
    case 'GtLt':
      return `${v} is not strictly between ${list(values)}${version}`;
    case 'GeLe':
      return `${v} is outside ${list(values)}${version}`;
    case 'DoesNotExist':
      return `the element exists (value ${v})`;
    default:
      return `${v} does not satisfy op ${goQuote(e.op ?? '')}`;
  }
}

/** The element names of a feature: an object's own keys, or a set of instance attribute names. */
type NameSet = Readonly<Record<string, unknown>> | ReadonlySet<string>;

function hasName(names: NameSet, n: string): boolean {
  return names instanceof Set ? names.has(n) : Object.hasOwn(names, n);
}

/**
 * Element names the host has that differ from `name` by `-` vs `_` (kernel module naming) or by
 * letter case (all upper or all lower): lookups only, so a failed expression costs no scan.
 */
function similarNames(name: string, names: NameSet): string[] {
  const out: string[] = [];
  for (const n of [
    name.replaceAll('-', '_'),
    name.replaceAll('_', '-'),
    name.toUpperCase(),
    name.toLowerCase(),
    name.toUpperCase().replaceAll('-', '_'),
    name.toLowerCase().replaceAll('-', '_'),
  ]) {
    if (n !== name && !out.includes(n) && hasName(names, n)) out.push(n);
  }
  return out.sort(compareBytes);
}

function withSimilar(reason: string, name: string, names: NameSet): string {
  const similar = similarNames(name, names);
  return similar.length === 0 ? reason : `${reason}; the host has ${similar.map(goQuote).join(', ')}`;
}

function countKeys(o: object): number {
  return Object.keys(o).length;
}

/** Why a flags/attributes expression did not hold, given what each side said. */
function elementReason(
  feature: string,
  name: string,
  e: MatchExpression,
  keys: Readonly<Record<string, unknown>> | null,
  keysOutcome: boolean | string,
  present: boolean,
  values: Readonly<Record<string, string>> | null,
  valuesOutcome: boolean | string,
  value: string | null,
): string {
  const reasons: string[] = [];
  if (keys !== null && keysOutcome !== true) {
    if (typeof keysOutcome === 'string') reasons.push(keysOutcome);
    else if (e.op === 'DoesNotExist') reasons.push(`${goQuote(name)} is present in ${feature}`);
    else if (e.op === 'Exists' || !present) {
      const n = countKeys(keys);
      reasons.push(
        withSimilar(`${goQuote(name)} is not in ${feature} (${n} element${n === 1 ? '' : 's'})`, name, keys),
      );
    } else {
      reasons.push(
        `${feature} is a flag feature: its elements have no value, so only Exists and DoesNotExist can hold`,
      );
    }
  }
  if (values !== null && valuesOutcome !== true) {
    if (typeof valuesOutcome === 'string') reasons.push(valuesOutcome);
    else if (value === null)
      reasons.push(withSimilar(`no element ${goQuote(name)} in ${feature}`, name, values));
    else reasons.push(valueReason(e, value));
  }
  return reasons.join('; ');
}

/** A flags/attributes expression: the union NFD's `MatchMulti` takes (DoesNotExist must hold in both). */
function explainElement(
  feature: string,
  name: string,
  e: MatchExpression,
  keys: Readonly<Record<string, unknown>> | null,
  values: Readonly<Record<string, string>> | null,
): ExpressionExplanation {
  const actual: ActualValue = {};
  let any = false;
  let doesNotExistFailed = false;
  let present = false;
  let keysOutcome: boolean | string = false;
  if (keys !== null) {
    present = Object.hasOwn(keys, name);
    actual.present = present;
    keysOutcome = safeEvaluate(e, present, null);
    if (keysOutcome === true) any = true;
    else if (e.op === 'DoesNotExist') doesNotExistFailed = true;
  }
  let value: string | null = null;
  let valuesOutcome: boolean | string = false;
  if (values !== null) {
    value = Object.hasOwn(values, name) ? values[name]! : null;
    actual.value = value;
    valuesOutcome = value === null ? safeEvaluate(e, false, null) : safeEvaluate(e, true, value);
    if (valuesOutcome === true) any = true;
    else if (e.op === 'DoesNotExist') doesNotExistFailed = true;
  }
  const isMatch = any && !doesNotExistFailed;
  const ex: ExpressionExplanation = { name, matcherType: 'matchExpression', expression: e, isMatch, actual };
  if (!isMatch) {
    ex.reason = elementReason(feature, name, e, keys, keysOutcome, present, values, valuesOutcome, value);
  }
  return ex;
}

/** The attribute names of all instances (only for the rare reasons that name them). */
function attributeNames(instances: readonly InstanceFeature[]): Set<string> {
  const seen = new Set<string>();
  for (const inst of instances) for (const k of Object.keys(inst.attributes ?? {})) seen.add(k);
  return seen;
}

/**
 * One attribute over the instances of a feature, interned, with what the explanation lists of it:
 * `ids[i]` is 0 when instance i lacks the attribute, else k for `values[k - 1]`; `counts[id]` how many
 * instances have that value; `order` the ids present, most frequent first then in byte order.
 * Independent of the expression, so every term over the same attribute of the same host shares it.
 */
interface ColumnSummary {
  instances: readonly InstanceFeature[];
  name: string;
  ids: number[];
  values: string[];
  counts: number[];
  order: number[];
}

/** The outcome of one expression per distinct value of a column: `held[id]` is 1 when it held. */
interface ColumnOutcome {
  col: ColumnSummary;
  held: number[];
}

/**
 * The last few columns, found by identity: a host's terms read the same few attributes (a spec's
 * rules test vendor and class of pci.device over and over), and a scan of a short list costs less
 * than a WeakMap entry per column of every host. Holds at most `SUMMARIES` columns.
 */
const SUMMARIES = 8;
const summaries: ColumnSummary[] = [];
let nextSummary = 0;
/** Distinct values looked up by a scan of the list below this many, by a map above. */
const SCAN_VALUES = 16;
/** Distinct values sorted by insertion below this many (a host has a handful), else by `sort`. */
const INSERTION_SORT = 32;

/** Whether value id `a` is listed before `b`: more instances first, then byte order (absent as ""). */
function before(counts: readonly number[], values: readonly string[], a: number, b: number): boolean {
  const d = counts[a]! - counts[b]!;
  if (d !== 0) return d > 0;
  return compareBytes(a === 0 ? '' : values[a - 1]!, b === 0 ? '' : values[b - 1]!) < 0;
}

function summarize(instances: readonly InstanceFeature[], name: string): ColumnSummary {
  for (let k = 0; k < summaries.length; k++) {
    const hit = summaries[k]!;
    if (hit.instances === instances && hit.name === name) return hit;
  }
  // Plain arrays: these lists are short, and a typed array costs more to create than to fill.
  const n = instances.length;
  const ids: number[] = new Array(n);
  const values: string[] = [];
  const counts: number[] = [0];
  let index: Map<string, number> | undefined;
  for (let i = 0; i < n; i++) {
    const attrs = instances[i]!.attributes;
    const v = attrs == null ? undefined : attrs[name];
    let id = 0;
    if (typeof v === 'string') {
      id = index === undefined ? values.indexOf(v) + 1 : (index.get(v) ?? 0);
      if (id === 0) {
        values.push(v);
        counts.push(0);
        id = values.length;
        if (index !== undefined) index.set(v, id);
        else if (values.length > SCAN_VALUES) index = new Map(values.map((x, k) => [x, k + 1]));
      }
    }
    ids[i] = id;
    counts[id]!++;
  }
  const order: number[] = [];
  for (let id = 0; id < counts.length; id++) if (counts[id] !== 0) order.push(id);
  if (order.length > INSERTION_SORT)
    order.sort((a, b) => (before(counts, values, a, b) ? -1 : before(counts, values, b, a) ? 1 : 0));
  else {
    // Stable, as Array.prototype.sort is: the same order.
    for (let k = 1; k < order.length; k++) {
      const id = order[k]!;
      let j = k;
      while (j > 0 && before(counts, values, id, order[j - 1]!)) {
        order[j] = order[j - 1]!;
        j--;
      }
      order[j] = id;
    }
  }
  const summary = { instances, name, ids, values, counts, order };
  if (summaries.length < SUMMARIES) summaries.push(summary);
  else {
    summaries[nextSummary] = summary;
    nextSummary = (nextSummary + 1) % SUMMARIES;
  }
  return summary;
}

/**
 * One expression over every instance, grouped by the attribute's distinct values: the expression is
 * evaluated once per distinct value.
 */
function explainInstanceExpression(
  feature: string,
  name: string,
  e: MatchExpression,
  instances: readonly InstanceFeature[],
  outcomes: ColumnOutcome[],
): ExpressionExplanation {
  const n = instances.length;
  const col = summarize(instances, name);
  const { values, counts, order } = col;
  const heldBy: number[] = new Array(counts.length).fill(0);
  // The first error in display order is the one the explanation gives.
  let error: string | undefined;
  let isMatch = false;
  for (let k = 0; k < order.length; k++) {
    const id = order[k]!;
    const o = id === 0 ? safeEvaluate(e, false, null) : safeEvaluate(e, true, values[id - 1]!);
    if (o === true) {
      heldBy[id] = 1;
      isMatch = true;
    } else if (typeof o === 'string') error ??= o;
  }
  outcomes.push({ col, held: heldBy });
  const shown = Math.min(order.length, MAX_VALUES);
  const list: InstanceValue[] = new Array(shown);
  for (let k = 0; k < shown; k++) {
    const id = order[k]!;
    list[k] = { value: id === 0 ? null : values[id - 1]!, count: counts[id]!, isMatch: heldBy[id] === 1 };
  }
  const actual: ActualValue = { instances: list };
  if (order.length > MAX_VALUES) actual.moreValues = order.length - MAX_VALUES;
  const ex: ExpressionExplanation = { name, matcherType: 'matchExpression', expression: e, isMatch, actual };
  if (!isMatch) {
    if (error !== undefined) ex.reason = error;
    else if (n === 0) ex.reason = `${feature} has no instances on this host`;
    else if (values.length === 0 && e.op !== 'DoesNotExist') {
      ex.reason = withSimilar(
        `no instance of ${feature} has attribute ${goQuote(name)}`,
        name,
        attributeNames(instances),
      );
    } else {
      ex.reason = `no instance of ${feature} satisfies it (${n} instance${n === 1 ? '' : 's'})`;
    }
  }
  return ex;
}

function explainName(
  e: MatchExpression,
  keys: Readonly<Record<string, unknown>> | null,
  values: Readonly<Record<string, string>> | null,
  instances: readonly InstanceFeature[] | null,
): ExpressionExplanation {
  const matched: string[] = [];
  let total = 0;
  let error: string | undefined;
  const groups: Iterable<string>[] = [];
  if (keys !== null) groups.push(Object.keys(keys));
  if (values !== null) groups.push(Object.keys(values));
  if (instances !== null) groups.push(attributeNames(instances));
  for (const names of groups) {
    for (const n of names) {
      total++;
      const o = safeEvaluate(e, true, n);
      if (o === true) matched.push(n);
      else if (typeof o === 'string') error ??= o;
    }
  }
  matched.sort(compareBytes);
  const isMatch = matched.length > 0;
  const ex: ExpressionExplanation = {
    name: '',
    matcherType: 'matchName',
    expression: e,
    isMatch,
    actual: {
      matchedNames: matched.length > MAX_VALUES ? matched.slice(0, MAX_VALUES) : matched,
      names: total,
    },
  };
  if (!isMatch) ex.reason = error ?? `no element name matches (${total} name${total === 1 ? '' : 's'})`;
  return ex;
}

function findUnavailable(lowered: string, unavailable: readonly UnavailableFeature[]): string | undefined {
  for (const u of unavailable) {
    if (u.feature === lowered) return u.reason;
    if (u.feature.endsWith('.*') && lowered.startsWith(u.feature.slice(0, -1))) return u.reason;
  }
  return undefined;
}

const NO_NAMES: readonly string[] = Object.freeze([]);

/**
 * Per term of the spec: its parsed feature name and sorted expression names (read for every host),
 * and its last explanation with the feature sets it was computed from: a term explained again on the
 * same sets (the same host evaluated again, the same spec on many nodes sharing a features object) is
 * not recomputed. Explanations are never modified once made.
 */
interface TermState {
  /** What the rest was derived from: a term changed in place gets a new state. */
  feature: string | undefined;
  set: FeatureMatcherTerm['matchExpressions'];
  lowered: string;
  /** The expression names in byte order. */
  names: readonly string[];
  /** The last explanation and the feature sets it was computed from (`result` undefined: none). */
  keys: unknown;
  values: unknown;
  instances: unknown;
  unavailable: readonly UnavailableFeature[];
  result: TermExplanation | undefined;
}
const termStates = new WeakMap<FeatureMatcherTerm, TermState>();

function termState(term: FeatureMatcherTerm): TermState {
  let st = termStates.get(term);
  if (st === undefined || st.feature !== term.feature || st.set !== term.matchExpressions) {
    const set = term.matchExpressions;
    st = {
      feature: term.feature,
      set,
      lowered: parseFeatureName(term.feature ?? '').lowered,
      names: set == null ? NO_NAMES : sortedKeys(set),
      keys: null,
      values: null,
      instances: null,
      unavailable: NONE_UNAVAILABLE,
      result: undefined,
    };
    termStates.set(term, st);
  }
  return st;
}

function explainTerm(
  term: FeatureMatcherTerm,
  features: Features,
  unavailable: readonly UnavailableFeature[],
): TermExplanation {
  const st = termState(term);
  const lowered = st.lowered;
  const found = lookupFeature(features, lowered);
  if (found === undefined) return computeTerm(term, lowered, st.names, undefined, unavailable);
  const { keys, values, instances } = found;
  if (
    st.result !== undefined &&
    st.keys === keys &&
    st.values === values &&
    st.instances === instances &&
    st.unavailable === unavailable
  ) {
    return st.result;
  }
  const result = computeTerm(term, lowered, st.names, found, unavailable);
  // A missing feature is cheap to explain again; only found ones are kept (their sets are the key).
  // `rule.matched` is the one set that changes in place during an evaluation (back-references).
  if (lowered !== 'rule.matched') {
    st.keys = keys;
    st.values = values;
    st.instances = instances;
    st.unavailable = unavailable;
    st.result = result;
  }
  return result;
}

/** The instance that satisfied most expressions of a term none satisfied in full. */
function closestInstance(
  instances: readonly InstanceFeature[],
  best: number,
  bestHeld: number,
  exprNames: readonly string[],
  outcomes: readonly ColumnOutcome[],
): ClosestInstance {
  const attrs = instances[best]!.attributes ?? {};
  const shown: Record<string, string> = {};
  for (const n of IDENTITY_ATTRIBUTES) if (typeof attrs[n] === 'string') shown[n] = attrs[n]!;
  for (const n of exprNames) if (typeof attrs[n] === 'string') shown[n] = attrs[n]!;
  const failed: string[] = [];
  for (let j = 0; j < exprNames.length; j++) {
    const o = outcomes[j]!;
    if (o.held[o.col.ids[best]!] !== 1) failed.push(exprNames[j]!);
  }
  return { index: best, attributes: shown, held: bestHeld, of: exprNames.length, failed };
}

function computeTerm(
  term: FeatureMatcherTerm,
  lowered: string,
  exprNames: readonly string[],
  found: FeatureLookup | undefined,
  unavailable: readonly UnavailableFeature[],
): TermExplanation {
  const feature = term.feature ?? '';
  if (found === undefined) {
    const why = findUnavailable(lowered, unavailable);
    const reason =
      why === undefined
        ? `feature ${feature} is not in this host's features`
        : `${feature} unavailable: ${why}`;
    const expressions: ExpressionExplanation[] = exprNames.map((name) => ({
      name,
      matcherType: 'matchExpression',
      expression: term.matchExpressions![name]!,
      isMatch: false,
      actual: {},
      reason,
    }));
    if (term.matchName != null) {
      expressions.push({
        name: '',
        matcherType: 'matchName',
        expression: term.matchName,
        isMatch: false,
        actual: {},
        reason,
      });
    }
    const out: TermExplanation = { feature, isMatch: false, missing: true, expressions };
    if (why !== undefined) out.unavailable = why;
    return out;
  }
  const keys = found.keys;
  const values = found.values;
  const instances = found.instances;
  const expressions: ExpressionExplanation[] = [];
  const out: TermExplanation = { feature, isMatch: true, expressions };
  const set = term.matchExpressions;
  if (set != null) {
    // Flags and attributes: every expression must hold on one of them (NFD `MatchMulti`).
    const flatSide = keys !== null || values !== null;
    let flatMatch = flatSide;
    if (flatSide) {
      for (const name of exprNames) {
        const ex = explainElement(feature, name, set[name]!, keys, values);
        if (!ex.isMatch) flatMatch = false;
        expressions.push(ex);
      }
    }
    // Instances: one instance must satisfy every expression (after the flat view when a feature has
    // both kinds under one name, which is rare).
    let instMatch = false;
    if (instances !== null && (instances.length > 0 || !flatSide)) {
      const outcomes: ColumnOutcome[] = [];
      for (const name of exprNames) {
        expressions.push(explainInstanceExpression(feature, name, set[name]!, instances, outcomes));
      }
      const count = exprNames.length;
      // How many expressions each instance satisfies.
      const sums: number[] = new Array(instances.length).fill(0);
      for (let j = 0; j < count; j++) {
        const { col, held } = outcomes[j]!;
        const ids = col.ids;
        for (let i = 0; i < sums.length; i++) sums[i]! += held[ids[i]!]!;
      }
      let best = -1;
      let bestHeld = -1;
      let matching = 0;
      for (let i = 0; i < sums.length; i++) {
        const h = sums[i]!;
        if (h === count) matching++;
        if (h > bestHeld) {
          bestHeld = h;
          best = i;
        }
      }
      instMatch = matching > 0;
      out.instances = instances.length;
      out.matchingInstances = matching;
      if (matching === 0 && best >= 0) {
        out.closestInstance = closestInstance(instances, best, bestHeld, exprNames, outcomes);
      }
    }
    out.isMatch = flatMatch || instMatch;
  }
  if (term.matchName != null) {
    const ex = explainName(term.matchName, keys, values, instances);
    expressions.push(ex);
    if (!ex.isMatch) out.isMatch = false;
  }
  if (!out.isMatch) {
    // Present but not trustworthy: a source gives an empty list when it cannot read (no /sys).
    const why = findUnavailable(lowered, unavailable);
    if (why !== undefined) out.unavailable = why;
  }
  return out;
}

function explainMatcher(
  matcher: FeatureMatcher | null | undefined,
  features: Features,
  unavailable: readonly UnavailableFeature[],
): MatcherExplanation {
  const terms: TermExplanation[] = [];
  let isMatch = true;
  let heldCount = 0;
  let total = 0;
  if (matcher != null) {
    for (const term of matcher) {
      const t = explainTerm(term, features, unavailable);
      terms.push(t);
      if (!t.isMatch) isMatch = false;
      for (const e of t.expressions) {
        total++;
        if (e.isMatch) heldCount++;
      }
    }
  }
  return { isMatch, held: heldCount, total, terms };
}

/** A failed matcher that could have held had the unavailable features been read. */
function couldHold(m: MatcherExplanation): boolean {
  return !m.isMatch && m.terms.every((t) => t.isMatch || t.unavailable !== undefined);
}

/**
 * Explains `rule` after the engine evaluated it on `features` (pass the same features object the
 * engine saw, with `rule.matched` as it was then). `unavailable` names the features the host's
 * discovery could not read; terms on them say so, and a failed rule whose only failures are such terms
 * is marked `undetermined`.
 */
export function explainRule(
  rule: GroupRule,
  features: Features,
  status: MatchStatus,
  unavailable: readonly UnavailableFeature[] = NONE_UNAVAILABLE,
): RuleExplanation {
  const out: RuleExplanation = { name: rule.name ?? '', isMatch: status.isMatch };
  let definitelyFails = false;
  let undeterminedPart = false;
  if (rule.matchFeatures != null && rule.matchFeatures.length > 0) {
    const m = explainMatcher(rule.matchFeatures, features, unavailable);
    out.matchFeatures = m;
    if (couldHold(m)) undeterminedPart = true;
    else if (!m.isMatch) definitelyFails = true;
  }
  const any = rule.matchAny ?? [];
  if (any.length > 0) {
    const branches: MatcherExplanation[] = new Array(any.length);
    for (let i = 0; i < any.length; i++)
      branches[i] = explainMatcher(any[i]?.matchFeatures, features, unavailable);
    out.matchAny = branches;
    if (!branches.some((b) => b.isMatch)) {
      let best = 0;
      for (let i = 1; i < branches.length; i++) {
        const b = branches[i]!;
        const c = branches[best]!;
        // Most of its expressions held; a tie goes to the earlier branch.
        if (b.held * Math.max(c.total, 1) > c.held * Math.max(b.total, 1)) best = i;
      }
      out.closestBranch = best;
      if (branches.some(couldHold)) undeterminedPart = true;
      else definitelyFails = true;
    }
  }
  if (!status.isMatch && !definitelyFails && undeterminedPart) out.undetermined = true;
  return out;
}
