/**
 * The evaluation behind `nfd compat validate-node` (NFD pkg/client-nfd/compat/node-validator,
 * NFD v0.19.0 pkg/client-nfd/compat/node-validator/node-validator.go `Execute`): run every group rule of every compatibility set kept by the tags, with
 * failFast=false, and build the per-expression report NFD prints.
 *
 * The report reproduces NFD's quirks on purpose (NFD v0.19.0 pkg/client-nfd/compat/node-validator/node-validator.go):
 * - a row is OK when *some* recorded term of the same matcher held the same key with the same op and
 *   values (`type` ignored), so it can be OK inside a failed term;
 * - the term's feature is compared as written with the lower-cased recorded feature, so a feature
 *   name with upper-case letters is always FAIL;
 * - each rule's vars (even of a rule that did not match) are fed back into `rule.matched`, which
 *   persists across compatibility sets.
 */

import { RuleEvaluationError } from '../../errors.ts';
import { quote } from '../../go/strconv.ts';
import { compareBytes } from '../../go/utf8.ts';
import { insertAttributeFeatures } from '../match/insert-attribute-features.ts';
import { executeGroupRule } from '../match/rule.ts';
import type { MatchStatus } from '../match/status.ts';
import type { Features } from '../model/features.ts';
import type {
  CompatibilityStatus,
  MatchAnyElemStatus,
  MatchedExpression,
  ProcessedRuleStatus,
} from '../model/report.ts';
import type { FeatureMatcher, FeatureMatcherTerm, GroupRule, MatchExpression } from '../model/rules.ts';
import type { Spec } from '../model/spec.ts';
import { expressionString } from './expression-string.ts';

/** NFD's `RuleBackrefDomain` / `RuleBackrefFeature`. */
const BACKREF_DOMAIN = 'rule';
const BACKREF_FEATURE = 'matched';

export interface ValidateNodeOptions {
  /** `--tags`: keep only sets whose `tag` is exactly one of these; empty or absent keeps all. */
  tags?: readonly string[];
  /** Where the spec came from (its file or image reference), named in evaluation errors. */
  source?: string;
  /**
   * Called after each rule is evaluated, with the features it saw (`rule.matched` as it was then):
   * `--explain` hooks in here. Absent, evaluation does nothing more.
   */
  onRule?: (setIndex: number, rule: GroupRule, features: Features, status: MatchStatus) => void;
}

/**
 * Evaluates `spec` against `features` and returns NFD's report (`[]CompatibilityStatus`).
 *
 * `features` is not modified: NFD inserts each rule's vars into the `rule.matched` attribute feature
 * of the one Features object it evaluates, so we work on a copy that shares every feature set except
 * `rule.matched`. Throws the engine's error (e.g. `RuleEvaluationError`) when a rule fails to
 * evaluate: like NFD, any error aborts the whole evaluation and no report is produced.
 */
export function validateNode(
  spec: Spec,
  features: Features,
  opts: ValidateNodeOptions = {},
): CompatibilityStatus[] {
  const tags = opts.tags ?? [];
  const work = copyForBackrefs(features);
  // One copy kept per spec keeps its hidden class (the node's attribute names plus `rule.matched`)
  // alive across garbage collections, and with it the optimized code that has seen it (see `subsetOf`
  // in src/core/match/expression.ts).
  if (!shapeWitnesses.has(spec)) shapeWitnesses.set(spec, work.attributes!);
  const out: CompatibilityStatus[] = [];
  for (const [setIndex, c] of (spec.compatibilities ?? []).entries()) {
    if (tags.length > 0 && !tags.includes(c.tag ?? '')) continue;
    // NFD's newCompatibilityStatus; `rules` stays nil (JSON null) for a set with no rules.
    const status: CompatibilityStatus = { rules: null };
    if (c.description) status.description = c.description;
    if (c.weight) status.weight = c.weight;
    if (c.tag) status.tag = c.tag;
    for (const rule of c.rules ?? []) {
      const { matchStatus, vars } = executeNamed(rule, work, opts.source, setIndex, c.tag);
      status.rules ??= [];
      status.rules.push(ruleStatus(rule, matchStatus));
      opts.onRule?.(setIndex, rule, work, matchStatus);
      // Back-reference for later rules; happens for every rule, even a failed one (NFD v0.19.0 pkg/nfd-master/nfd-master.go `processNodeFeatureRule`).
      insertAttributeFeatures(work, BACKREF_DOMAIN, BACKREF_FEATURE, vars);
    }
    out.push(status);
  }
  return out;
}

/**
 * executeGroupRule, with the spec, the compatibility set and the rule named in its error: NFD's error
 * (`failed to expand template: ...`) alone does not say which of many rules failed.
 */
function executeNamed(
  rule: GroupRule,
  features: Features,
  source: string | undefined,
  setIndex: number,
  tag: string | undefined,
): ReturnType<typeof executeGroupRule> {
  try {
    return executeGroupRule(rule, features, false);
  } catch (e) {
    if (!(e instanceof RuleEvaluationError)) throw e;
    const where = [
      source === undefined ? '' : `${source}: `,
      `compatibility set ${setIndex + 1}`,
      tag ? ` (tag ${quote(tag)})` : '',
      `, rule ${quote(rule.name ?? '')}`,
    ].join('');
    throw new RuleEvaluationError(`${where}: ${e.message}`, e.code, { cause: e });
  }
}

/** A set passed when every one of its rules matched (a set with no rules passes vacuously). */
export function isSetCompatible(set: CompatibilityStatus): boolean {
  return (set.rules ?? []).every((r) => r.isMatch);
}

export interface PassedSet {
  /** 0-based position in the report (the table shows it as `#index+1`). */
  index: number;
  set: CompatibilityStatus;
}

/** The sets whose every rule matched, in report order: the verdict imgcompat adds to NFD's report. */
export function compatibleSets(report: readonly CompatibilityStatus[]): PassedSet[] {
  const out: PassedSet[] = [];
  report.forEach((set, index) => {
    if (isSetCompatible(set)) out.push({ index, set });
  });
  return out;
}

const shapeWitnesses = new WeakMap<Spec, NonNullable<Features['attributes']>>();

/**
 * A shallow copy of `features` in which only `rule.matched` is private: the engine never mutates
 * features, and `insertAttributeFeatures` writes only into that one attribute set.
 */
function copyForBackrefs(features: Features): Features {
  const copy: Features = { ...features };
  const source = features.attributes ?? {};
  // Object.assign, not a spread: V8 adds `rule.matched` to an assigned copy through a cached transition,
  // to a spread copy only slowly (about 1 µs per node). Assign would set the prototype for a
  // `__proto__` key, so a map with one is spread.
  const attributes: NonNullable<Features['attributes']> = Object.hasOwn(source, '__proto__')
    ? { ...source }
    : Object.assign({}, source);
  const key = `${BACKREF_DOMAIN}.${BACKREF_FEATURE}`;
  if (Object.hasOwn(attributes, key)) {
    const existing = attributes[key]!;
    attributes[key] = { elements: existing.elements == null ? existing.elements : { ...existing.elements } };
  }
  copy.attributes = attributes;
  return copy;
}

/** NFD's `evaluateRuleStatus`. */
function ruleStatus(rule: GroupRule, matchStatus: MatchStatus): ProcessedRuleStatus {
  const out: ProcessedRuleStatus = { name: rule.name ?? '', isMatch: matchStatus.isMatch };
  const rows = matchedExpressions(
    rule.matchFeatures,
    matchStatus.matchFeatureStatus?.matchedFeaturesTerms ?? [],
  );
  if (rows !== null) out.matchedExpressions = rows; // omitempty
  const any = rule.matchAny ?? [];
  if (any.length > 0) {
    const elems: MatchAnyElemStatus[] = [];
    any.forEach((elem, i) => {
      const terms = matchStatus.matchAny[i]?.matchedFeaturesTerms ?? [];
      elems.push({ matchedExpressions: matchedExpressions(elem?.matchFeatures, terms) });
    });
    out.matchedAny = elems;
  }
  return out;
}

function sameValues(
  a: readonly string[] | null | undefined,
  b: readonly string[] | null | undefined,
): boolean {
  // Go's slices.Equal: nil and empty are equal.
  const x = a ?? [];
  const y = b ?? [];
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** The expression as NFD's JSON shows it: `op`, then `value` and `type` only when non-empty. */
function reportExpression(e: MatchExpression): MatchExpression {
  const out: MatchExpression = { op: e.op ?? '' };
  if (e.value && e.value.length > 0) out.value = [...e.value];
  if (e.type) out.type = e.type;
  return out;
}

/** Expression row: OK iff a recorded term of this matcher on the same (raw vs lower-cased!) feature
 * recorded the same key with the same op and values. */
function expressionRowMatched(
  term: FeatureMatcherTerm,
  name: string,
  exp: MatchExpression,
  recorded: readonly FeatureMatcherTerm[],
): boolean {
  for (const p of recorded) {
    if (term.feature !== p.feature || p.matchExpressions == null) continue;
    if (!Object.hasOwn(p.matchExpressions, name)) continue;
    const pexp = p.matchExpressions[name]!;
    if (exp.op === pexp.op && sameValues(exp.value, pexp.value)) return true;
  }
  return false;
}

function nameRowMatched(term: FeatureMatcherTerm, recorded: readonly FeatureMatcherTerm[]): boolean {
  const exp = term.matchName!;
  for (const p of recorded) {
    if (term.feature !== p.feature || p.matchName == null) continue;
    if (exp.op === p.matchName.op && sameValues(exp.value, p.matchName.value)) return true;
  }
  return false;
}

interface SortableRow {
  row: MatchedExpression;
  source: MatchExpression;
  /** The expression's display string, computed only when a sort needs it. */
  key?: string;
}

function sortKey(r: SortableRow): string {
  r.key ??= expressionString(r.source);
  return r.key;
}

/**
 * NFD's `matchFeatureExpressions`: one row per `matchExpressions` key, then one for `matchName`, per
 * term; sorted by feature, name, then the expression's display string, in byte order. Returns `null`
 * (Go's nil slice) when there are no rows. Go's `sort.Slice` is not stable, but for the list sizes of
 * a rule it runs an insertion sort, which is; ties only occur between rows that print identically.
 */
function matchedExpressions(
  matcher: FeatureMatcher | null | undefined,
  recorded: readonly FeatureMatcherTerm[],
): MatchedExpression[] | null {
  const rows: SortableRow[] = [];
  for (const term of matcher ?? []) {
    const feature = term.feature ?? '';
    if (term.matchExpressions != null) {
      for (const name of Object.keys(term.matchExpressions)) {
        const exp = term.matchExpressions[name]!;
        rows.push({
          row: {
            feature,
            name,
            expression: reportExpression(exp),
            matcherType: 'matchExpression',
            isMatch: expressionRowMatched(term, name, exp, recorded),
          },
          source: exp,
        });
      }
    }
    if (term.matchName != null) {
      rows.push({
        row: {
          feature,
          name: '',
          expression: reportExpression(term.matchName),
          matcherType: 'matchName',
          isMatch: nameRowMatched(term, recorded),
        },
        source: term.matchName,
      });
    }
  }
  if (rows.length === 0) return null;
  if (rows.length > SHORT_ROWS) {
    rows.sort(compareRows);
  } else {
    // Insertion sort (stable, like Array.prototype.sort), as Go's sort.Slice does for short lists:
    // for a rule's few rows it costs a fraction of Array.prototype.sort's setup, a tenth of a node's
    // evaluation in a sweep over many nodes.
    for (let i = 1; i < rows.length; i++) {
      const r = rows[i]!;
      let j = i - 1;
      for (; j >= 0 && compareRows(rows[j]!, r) > 0; j--) rows[j + 1] = rows[j]!;
      rows[j + 1] = r;
    }
  }
  return rows.map((r) => r.row);
}

/** Longer row lists are sorted by Array.prototype.sort (Go's sort.Slice switches at 12 as well). */
const SHORT_ROWS = 12;

function compareRows(a: SortableRow, b: SortableRow): number {
  return (
    compareBytes(a.row.feature, b.row.feature) ||
    compareBytes(a.row.name, b.row.name) ||
    compareBytes(sortKey(a), sortKey(b))
  );
}
