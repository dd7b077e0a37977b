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
import { compareBytes } from '../../go/utf8.ts';
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

/**
 * Element names the host has that differ from `name` by `-` vs `_` (kernel module naming) or by
 * letter case (all upper or all lower): lookups only, so a failed expression costs no scan.
 */
function similarNames(name: string, has: (n: string) => boolean): string[] {
  const out: string[] = [];
  for (const n of [
    name.replaceAll('-', '_'),
    name.replaceAll('_', '-'),
    name.toUpperCase(),
    name.toLowerCase(),
    name.toUpperCase().replaceAll('-', '_'),
    name.toLowerCase().replaceAll('-', '_'),
  ]) {
    if (n !== name && !out.includes(n) && has(n)) out.push(n);
  }
  return out.sort(compareBytes);
}

function withSimilar(reason: string, name: string, has: (n: string) => boolean): string {
  const similar = similarNames(name, has);
  return similar.length === 0 ? reason : `${reason}; the host has ${similar.map(goQuote).join(', ')}`;
}

function countKeys(o: object): number {
  return Object.keys(o).length;
}

type Outcome = boolean | string;

function held(o: Outcome): boolean {
  return o === true;
}

/** A flags/attributes expression: the union NFD's `MatchMulti` takes (DoesNotExist must hold in both). */
function explainElement(
  feature: string,
  name: string,
  e: MatchExpression,
  keys: Readonly<Record<string, unknown>> | null,
  values: Readonly<Record<string, string>> | null,
): { isMatch: boolean; actual: ActualValue; reason?: string } {
  const actual: ActualValue = {};
  const reasons: string[] = [];
  let any = false;
  let doesNotExistFailed = false;
  if (keys !== null) {
    const present = Object.hasOwn(keys, name);
    actual.present = present;
    const o = safeEvaluate(e, present, null);
    if (held(o)) any = true;
    else {
      if (e.op === 'DoesNotExist') doesNotExistFailed = true;
      if (typeof o === 'string') reasons.push(o);
      else if (e.op === 'DoesNotExist') reasons.push(`${goQuote(name)} is present in ${feature}`);
      else if (e.op === 'Exists' || !present) {
        const n = countKeys(keys);
        reasons.push(
          withSimilar(
            `${goQuote(name)} is not in ${feature} (${n} element${n === 1 ? '' : 's'})`,
            name,
            (n) => Object.hasOwn(keys, n),
          ),
        );
      } else {
        reasons.push(
          `${feature} is a flag feature: its elements have no value, so only Exists and DoesNotExist can hold`,
        );
      }
    }
  }
  if (values !== null) {
    const v = Object.hasOwn(values, name) ? values[name]! : null;
    actual.value = v;
    const o = v === null ? safeEvaluate(e, false, null) : safeEvaluate(e, true, v);
    if (held(o)) any = true;
    else {
      if (e.op === 'DoesNotExist') doesNotExistFailed = true;
      if (typeof o === 'string') reasons.push(o);
      else if (v === null) {
        reasons.push(
          withSimilar(`no element ${goQuote(name)} in ${feature}`, name, (n) => Object.hasOwn(values, n)),
        );
      } else reasons.push(valueReason(e, v));
    }
  }
  const isMatch = any && !doesNotExistFailed;
  const out: { isMatch: boolean; actual: ActualValue; reason?: string } = { isMatch, actual };
  if (!isMatch) out.reason = reasons.join('; ');
  return out;
}

interface InstancePass {
  /** Per expression: its per-instance outcome (1 held, 0 not). */
  held: Uint8Array[];
  explanations: ExpressionExplanation[];
}

/** One attribute over the instances, interned: `ids[i]` is 0 when instance i lacks it, else k for `values[k - 1]`. */
function column(instances: readonly InstanceFeature[], name: string): { ids: Int32Array; values: string[] } {
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
  return { ids, values };
}

/** Each expression over every instance, grouped by the attribute's distinct values. */
function explainInstances(
  feature: string,
  names: readonly string[],
  exprs: readonly MatchExpression[],
  instances: readonly InstanceFeature[],
): InstancePass {
  const heldBy: Uint8Array[] = [];
  const explanations: ExpressionExplanation[] = [];
  for (let j = 0; j < names.length; j++) {
    const name = names[j]!;
    const e = exprs[j]!;
    const perInstance = new Uint8Array(instances.length);
    const col = column(instances, name);
    const counts = new Int32Array(col.values.length + 1);
    for (let i = 0; i < instances.length; i++) counts[col.ids[i]!]!++;
    const outcomes: Outcome[] = new Array(col.values.length + 1);
    const distinct: [string | null, { count: number; outcome: Outcome }][] = [];
    for (let id = 0; id < counts.length; id++) {
      if (counts[id] === 0) continue;
      const v = id === 0 ? null : col.values[id - 1]!;
      const outcome = v === null ? safeEvaluate(e, false, null) : safeEvaluate(e, true, v);
      outcomes[id] = outcome;
      distinct.push([v, { count: counts[id]!, outcome }]);
    }
    for (let i = 0; i < instances.length; i++) if (outcomes[col.ids[i]!] === true) perInstance[i] = 1;
    heldBy.push(perInstance);
    distinct.sort((a, b) => b[1].count - a[1].count || compareBytes(a[0] ?? '', b[0] ?? ''));
    const isMatch = distinct.some(([, d]) => d.outcome === true);
    const actual: ActualValue = {
      instances: distinct
        .slice(0, MAX_VALUES)
        .map(([value, d]) => ({ value, count: d.count, isMatch: d.outcome === true })),
    };
    if (distinct.length > MAX_VALUES) actual.moreValues = distinct.length - MAX_VALUES;
    const ex: ExpressionExplanation = {
      name,
      matcherType: 'matchExpression',
      expression: e,
      isMatch,
      actual,
    };
    if (!isMatch) {
      const error = distinct.find(([, d]) => typeof d.outcome === 'string');
      if (error) ex.reason = error[1].outcome as string;
      else if (instances.length === 0) ex.reason = `${feature} has no instances on this host`;
      else if (distinct.every(([v]) => v === null) && e.op !== 'DoesNotExist') {
        const seen = new Set<string>();
        for (const inst of instances) for (const k of Object.keys(inst.attributes ?? {})) seen.add(k);
        ex.reason = withSimilar(`no instance of ${feature} has attribute ${goQuote(name)}`, name, (n) =>
          seen.has(n),
        );
      } else {
        ex.reason = `no instance of ${feature} satisfies it (${instances.length} instance${instances.length === 1 ? '' : 's'})`;
      }
    }
    explanations.push(ex);
  }
  return { held: heldBy, explanations };
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
  const tryName = (n: string) => {
    total++;
    const o = safeEvaluate(e, true, n);
    if (o === true) matched.push(n);
    else if (typeof o === 'string') error ??= o;
  };
  if (keys !== null) for (const k of Object.keys(keys)) tryName(k);
  if (values !== null) for (const k of Object.keys(values)) tryName(k);
  if (instances !== null) {
    const seen = new Set<string>();
    for (const inst of instances) for (const k of Object.keys(inst.attributes ?? {})) seen.add(k);
    for (const k of seen) tryName(k);
  }
  matched.sort(compareBytes);
  const isMatch = matched.length > 0;
  const ex: ExpressionExplanation = {
    name: '',
    matcherType: 'matchName',
    expression: e,
    isMatch,
    actual: { matchedNames: matched.slice(0, MAX_VALUES), names: total },
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

/**
 * The last explanation of each term, with the feature sets it was computed from: a term explained
 * again on the same sets (the same host evaluated again, the same spec on many nodes sharing a
 * features object) is not recomputed. Explanations are never modified once made.
 */
interface CachedTerm {
  keys: unknown;
  values: unknown;
  instances: unknown;
  unavailable: readonly UnavailableFeature[];
  result: TermExplanation;
}
const termCache = new WeakMap<FeatureMatcherTerm, CachedTerm>();

function explainTerm(
  term: FeatureMatcherTerm,
  features: Features,
  unavailable: readonly UnavailableFeature[],
): TermExplanation {
  const { lowered } = parseFeatureName(term.feature ?? '');
  const found = lookupFeature(features, lowered);
  const keys = found?.keys ?? null;
  const values = found?.values ?? null;
  const instances = found?.instances ?? null;
  const hit = termCache.get(term);
  if (
    hit !== undefined &&
    found !== undefined &&
    hit.keys === keys &&
    hit.values === values &&
    hit.instances === instances &&
    hit.unavailable === unavailable
  ) {
    return hit.result;
  }
  const result = computeTerm(term, lowered, found, unavailable);
  // A missing feature is cheap to explain again; only found ones are kept (their sets are the key).
  // `rule.matched` is the one set that changes in place during an evaluation (back-references).
  if (found !== undefined && lowered !== 'rule.matched') {
    termCache.set(term, { keys, values, instances, unavailable, result });
  }
  return result;
}

function computeTerm(
  term: FeatureMatcherTerm,
  lowered: string,
  found: FeatureLookup | undefined,
  unavailable: readonly UnavailableFeature[],
): TermExplanation {
  const feature = term.feature ?? '';
  const exprNames =
    term.matchExpressions == null ? [] : Object.keys(term.matchExpressions).sort(compareBytes);
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
  if (term.matchExpressions != null) {
    const exprs = exprNames.map((n) => term.matchExpressions![n]!);
    // Flags and attributes: every expression must hold on one of them (NFD `MatchMulti`).
    let flatMatch = keys !== null || values !== null;
    const flat: ExpressionExplanation[] = [];
    if (keys !== null || values !== null) {
      exprNames.forEach((name, j) => {
        const r = explainElement(feature, name, exprs[j]!, keys, values);
        if (!r.isMatch) flatMatch = false;
        const ex: ExpressionExplanation = {
          name,
          matcherType: 'matchExpression',
          expression: exprs[j]!,
          isMatch: r.isMatch,
          actual: r.actual,
        };
        if (r.reason !== undefined) ex.reason = r.reason;
        flat.push(ex);
      });
    }
    // Instances: one instance must satisfy every expression.
    let instMatch = false;
    if (instances !== null && (instances.length > 0 || (keys === null && values === null))) {
      const pass = explainInstances(feature, exprNames, exprs, instances);
      let best = -1;
      let bestHeld = -1;
      let matching = 0;
      for (let i = 0; i < instances.length; i++) {
        let h = 0;
        for (const row of pass.held) h += row[i]!;
        if (h === exprNames.length) matching++;
        if (h > bestHeld) {
          bestHeld = h;
          best = i;
        }
      }
      instMatch = matching > 0;
      out.instances = instances.length;
      out.matchingInstances = matching;
      if (matching === 0 && best >= 0) {
        const attrs = instances[best]!.attributes ?? {};
        const shown: Record<string, string> = {};
        for (const n of [...IDENTITY_ATTRIBUTES, ...exprNames]) {
          if (typeof attrs[n] === 'string') shown[n] = attrs[n]!;
        }
        out.closestInstance = {
          index: best,
          attributes: shown,
          held: bestHeld,
          of: exprNames.length,
          failed: exprNames.filter((_, j) => pass.held[j]![best] !== 1),
        };
      }
      if (flat.length === 0) for (const ex of pass.explanations) expressions.push(ex);
      else {
        // Both kinds under one name (rare): the instance view is added after the flat one.
        for (const ex of flat) expressions.push(ex);
        for (const ex of pass.explanations) expressions.push(ex);
      }
    } else {
      for (const ex of flat) expressions.push(ex);
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
  const terms = (matcher ?? []).map((t) => explainTerm(t, features, unavailable));
  let heldCount = 0;
  let total = 0;
  for (const t of terms) {
    for (const e of t.expressions) {
      total++;
      if (e.isMatch) heldCount++;
    }
  }
  return { isMatch: terms.every((t) => t.isMatch), held: heldCount, total, terms };
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
    const branches = any.map((elem) => explainMatcher(elem?.matchFeatures, features, unavailable));
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
