/**
 * `--explain` and the `undetermined` verdict on top of NFD's validate-node report: the per-rule traces
 * of src/core/match/explain.ts grouped by compatibility set, the verdict that keeps "could not
 * discover" apart from "incompatible", and their text form (printed under NFD's tables, which stay
 * byte-identical).
 */

import { quote as goQuote } from '../../go/strconv.ts';
import {
  type ActualValue,
  type ExpressionExplanation,
  explainRule,
  type MatcherExplanation,
  NONE_UNAVAILABLE,
  type RuleExplanation,
  type TermExplanation,
  type UnavailableFeature,
} from '../match/explain.ts';
import type { Features } from '../model/features.ts';
import type { CompatibilityStatus } from '../model/report.ts';
import type { Spec } from '../model/spec.ts';
import { expressionString } from './expression-string.ts';
import { isSetCompatible, type ValidateNodeOptions, validateNode } from './node-validator.ts';

export type Verdict = 'compatible' | 'incompatible' | 'undetermined';

export interface SetExplanation {
  /** 0-based position in the report (shown as `#index+1`). */
  index: number;
  tag?: string;
  description?: string;
  /**
   * `compatible`: every rule matched; `incompatible`: a rule failed on data the host has;
   * `undetermined`: the only failed rules failed on features the host could not read.
   */
  verdict: Verdict;
  rules: RuleExplanation[];
}

export interface ExplainedReport {
  /** NFD's report, exactly as `validateNode` returns it. */
  report: CompatibilityStatus[];
  sets: SetExplanation[];
  verdict: Verdict;
}

export interface ExplainOptions extends Omit<ValidateNodeOptions, 'onRule'> {
  /** Features the host's discovery could not read (empty for a features file). */
  unavailable?: readonly UnavailableFeature[];
}

/** `validateNode` with a trace of every rule, and the verdict. */
export function validateNodeExplained(
  spec: Spec,
  features: Features,
  opts: ExplainOptions = {},
): ExplainedReport {
  const unavailable = opts.unavailable ?? NONE_UNAVAILABLE;
  const bySet = new Map<number, RuleExplanation[]>();
  const report = validateNode(spec, features, {
    ...opts,
    onRule: (setIndex, rule, seen, status) => {
      let rules = bySet.get(setIndex);
      if (rules === undefined) {
        rules = [];
        bySet.set(setIndex, rules);
      }
      rules.push(explainRule(rule, seen, status, unavailable));
    },
  });
  // The report keeps the sets the tags select, in spec order; the hook saw their spec positions.
  const tags = opts.tags ?? [];
  const kept = (spec.compatibilities ?? [])
    .map((c, i) => ({ c, i }))
    .filter(({ c }) => tags.length === 0 || tags.includes(c.tag ?? ''));
  const sets: SetExplanation[] = report.map((set, index) => {
    const specIndex = kept[index]?.i ?? index;
    const rules = bySet.get(specIndex) ?? [];
    const out: SetExplanation = { index, verdict: setVerdict(set, rules), rules };
    if (set.tag) out.tag = set.tag;
    if (set.description) out.description = set.description;
    return out;
  });
  return { report, sets, verdict: overallVerdict(sets) };
}

function setVerdict(set: CompatibilityStatus, rules: readonly RuleExplanation[]): Verdict {
  if (isSetCompatible(set)) return 'compatible';
  const failed = rules.filter((r) => !r.isMatch);
  return failed.length > 0 && failed.every((r) => r.undetermined === true) ? 'undetermined' : 'incompatible';
}

/** Compatible when a set passed; else undetermined when a set might pass with the missing data. */
export function overallVerdict(sets: readonly SetExplanation[]): Verdict {
  if (sets.some((s) => s.verdict === 'compatible')) return 'compatible';
  if (sets.some((s) => s.verdict === 'undetermined')) return 'undetermined';
  return 'incompatible';
}

/** One expression that could not be judged because its feature was not readable. */
export interface UndeterminedExpression {
  set: number;
  rule: string;
  feature: string;
  name: string;
  expression: string;
  reason: string;
}

/** The expressions of the undetermined sets that depend on unreadable features. */
export function undeterminedExpressions(ex: ExplainedReport): UndeterminedExpression[] {
  const out: UndeterminedExpression[] = [];
  for (const set of ex.sets) {
    if (set.verdict !== 'undetermined') continue;
    for (const rule of set.rules) {
      if (!rule.undetermined) continue;
      const matchers = [...(rule.matchFeatures ? [rule.matchFeatures] : []), ...(rule.matchAny ?? [])];
      for (const m of matchers) {
        for (const t of m.terms) {
          if (t.unavailable === undefined) continue;
          for (const e of t.expressions) {
            out.push({
              set: set.index + 1,
              rule: rule.name,
              feature: t.feature,
              name: e.name,
              expression: expressionString(e.expression),
              reason: t.unavailable,
            });
          }
        }
      }
    }
  }
  return out;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The host side of one expression, in words. */
export function describeActual(a: ActualValue, term: TermExplanation): string {
  if (term.missing) {
    return term.unavailable !== undefined ? `not readable (${term.unavailable})` : 'feature not discovered';
  }
  const parts: string[] = [];
  if (a.present !== undefined) parts.push(a.present ? 'present' : 'absent');
  if (a.value !== undefined) parts.push(a.value === null ? 'no such element' : goQuote(a.value));
  if (a.instances !== undefined) {
    const n = term.instances ?? 0;
    if (n === 0) parts.push('no instances');
    else {
      const values = a.instances.map(
        (v) =>
          `${v.value === null ? '(absent)' : goQuote(v.value)} x${v.count}${v.isMatch ? ' (holds)' : ''}`,
      );
      if (a.moreValues) values.push(`${plural(a.moreValues, 'more value')}`);
      parts.push(`${plural(n, 'instance')}: ${values.join(', ')}`);
    }
  }
  if (a.names !== undefined) {
    const shown = (a.matchedNames ?? []).map(goQuote);
    parts.push(
      shown.length === 0
        ? `none of ${plural(a.names, 'name')} matches`
        : `matching names: ${shown.join(', ')} (of ${plural(a.names, 'name')})`,
    );
  }
  return parts.join('; ');
}

function expressionLine(t: TermExplanation, e: ExpressionExplanation, indent: string): string[] {
  const what = e.matcherType === 'matchName' ? 'matchName' : e.name;
  const lines = [
    `${indent}${e.isMatch ? 'OK  ' : 'FAIL'} ${t.feature} ${what} ${expressionString(e.expression)}${e.expression.type ? ` type ${e.expression.type}` : ''}`,
    `${indent}     host: ${describeActual(e.actual, t)}`,
  ];
  // For an unreadable feature the host line already says why.
  if (e.reason !== undefined && !(t.missing && t.unavailable !== undefined)) {
    lines.push(`${indent}     why: ${e.reason}`);
  }
  return lines;
}

function matcherLines(m: MatcherExplanation, indent: string): string[] {
  const lines: string[] = [];
  for (const t of m.terms) {
    if (t.expressions.length === 0) {
      lines.push(`${indent}${t.isMatch ? 'OK  ' : 'FAIL'} ${t.feature} (no expressions)`);
      if (t.missing) lines.push(`${indent}     host: ${describeActual({}, t)}`);
    }
    for (const e of t.expressions) lines.push(...expressionLine(t, e, indent));
    const c = t.closestInstance;
    if (c !== undefined) {
      const attrs = Object.entries(c.attributes)
        .map(([k, v]) => `${k}=${goQuote(v)}`)
        .join(' ');
      lines.push(
        `${indent}     closest: instance ${c.index + 1} of ${t.instances ?? 0}${attrs ? ` (${attrs})` : ''}, ${c.held} of ${c.of} held` +
          (c.failed.length > 0 ? `, failed: ${c.failed.join(', ')}` : ''),
      );
    }
  }
  return lines;
}

/** The explanation in text, printed after NFD's tables and the verdict line. */
export function renderExplanation(ex: ExplainedReport): string {
  const lines: string[] = ['', 'Explanation:'];
  for (const set of ex.sets) {
    const label = set.tag ? ` (tag ${set.tag})` : set.description ? ` (${set.description})` : '';
    lines.push(`Set #${set.index + 1}${label}: ${set.verdict}`);
    for (const rule of set.rules) {
      const state = rule.isMatch ? 'OK' : rule.undetermined ? 'UNDETERMINED' : 'FAIL';
      lines.push(`  Rule ${goQuote(rule.name)}: ${state}`);
      if (rule.matchFeatures) {
        lines.push('    matchFeatures:');
        lines.push(...matcherLines(rule.matchFeatures, '      '));
      }
      const any = rule.matchAny ?? [];
      any.forEach((b, i) => {
        lines.push(
          `    matchAny branch ${i + 1} of ${any.length}: ${b.isMatch ? 'OK' : 'FAIL'} (${b.held} of ${plural(b.total, 'expression')} held)`,
        );
        lines.push(...matcherLines(b, '      '));
      });
      if (rule.closestBranch !== undefined) {
        lines.push(`    no matchAny branch held; closest: branch ${rule.closestBranch + 1}`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * NFD's JSON report with an `explain` object added to each set (`--explain -o json`): NFD's fields are
 * unchanged, so a reader of NFD's JSON still reads it.
 */
export function withExplanations(
  nfdJson: readonly Record<string, unknown>[],
  ex: ExplainedReport,
): Record<string, unknown>[] {
  return nfdJson.map((set, i) => {
    const e = ex.sets[i];
    return e === undefined ? { ...set } : { ...set, explain: { verdict: e.verdict, rules: e.rules } };
  });
}
