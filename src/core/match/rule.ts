/**
 * NFD's `Execute` (NodeFeatureRule `Rule`) and `ExecuteGroupRule` (NodeFeatureGroup rules and
 * image-compatibility rules), NFD v0.19.0 pkg/apis/nfd/nodefeaturerule/rule.go `Execute`
 *
 * Order of the outputs for a key produced more than once: matchAny expansions in element order, then
 * the matchFeatures expansion, then the static map (later wins at each step).
 */

import type { Features } from '../model/features.ts';
import type { GroupRule, MatchAnyElem, Rule, Taint } from '../model/rules.ts';
import { evaluateFeatureMatcher } from './feature-matcher.ts';
import { cloneMap, copyInto } from './own.ts';
import { emptyMatchFeatureStatus, type MatchFeatureStatus, type MatchStatus } from './status.ts';
import { executeTemplate } from './templates.ts';

export interface RuleOutput {
  matchStatus: MatchStatus;
  /** `null` (Go nil) when the rule did not match; `{}` when it matched but produced nothing. */
  labels: Record<string, string> | null;
  annotations: Record<string, string> | null;
  vars: Record<string, string> | null;
  taints: Taint[] | null;
  extendedResources: Record<string, string> | null;
}

export interface GroupRuleOutput {
  matchStatus: MatchStatus;
  vars: Record<string, string> | null;
}

/** What both rule kinds share: the matchers, the vars and the templates that feed them. */
interface Outputs {
  isMatch: boolean;
  matchStatus: MatchStatus;
  labels: Record<string, string> | null;
  vars: Record<string, string> | null;
}

/**
 * A `MatchStatus` with `matchFeatureStatus` set at creation, never added later: an object literal's
 * hidden class lives as long as the code, while one extended per node dies with the node's objects
 * (see `subsetOf` in expression.ts for why that matters).
 */
function matchStatusOf(
  isMatch: boolean,
  matchAny: MatchFeatureStatus[],
  featureStatus: MatchFeatureStatus | undefined,
): MatchStatus {
  return featureStatus === undefined
    ? { isMatch, matchAny }
    : { isMatch, matchAny, matchFeatureStatus: featureStatus };
}

function run(
  matchAny: readonly MatchAnyElem[] | null | undefined,
  matchFeatures: Rule['matchFeatures'],
  labelsTemplate: string,
  varsTemplate: string,
  withLabels: boolean,
  features: Features,
  failFast: boolean,
): Outputs {
  const anyStatus: MatchFeatureStatus[] = [];
  const labels: Record<string, string> = {};
  const vars: Record<string, string> = {};
  let anyOk = true;
  if (matchAny != null && matchAny.length > 0) {
    anyOk = false;
    const noTemplates = labelsTemplate === '' && varsTemplate === '';
    for (const elem of matchAny) {
      const r = evaluateFeatureMatcher(elem.matchFeatures, features, failFast);
      if (r.isMatch) {
        anyOk = true;
        // Without templates and with fail-fast the first hit ends the loop, and its status is
        // not appended (NFD v0.19.0 pkg/apis/nfd/nodefeaturerule/rule.go `MatchStatus`); later elements are never evaluated and cannot error.
        if (failFast && noTemplates) break;
        const data = r.status!.matchedFeatures;
        if (withLabels) executeTemplate(labelsTemplate, data, labels);
        executeTemplate(varsTemplate, data, vars);
      }
      anyStatus.push(r.status ?? emptyMatchFeatureStatus());
    }
    if (!anyOk && failFast) {
      return {
        isMatch: false,
        matchStatus: matchStatusOf(false, anyStatus, undefined),
        labels: null,
        vars: null,
      };
    }
  }
  let featureStatus: MatchFeatureStatus | undefined;
  if (matchFeatures != null && matchFeatures.length > 0) {
    const r = evaluateFeatureMatcher(matchFeatures, features, failFast);
    featureStatus = r.status;
    // A failing matchFeatures returns nil outputs whatever failFast is.
    if (!r.isMatch) {
      return {
        isMatch: false,
        matchStatus: matchStatusOf(false, anyStatus, featureStatus),
        labels: null,
        vars: null,
      };
    }
    const data = r.status!.matchedFeatures;
    if (withLabels) executeTemplate(labelsTemplate, data, labels);
    executeTemplate(varsTemplate, data, vars);
  }
  // Without fail-fast a failed matchAny does not stop evaluation: the outputs are returned even
  // though the rule did not match (quirk 5).
  return { isMatch: anyOk, matchStatus: matchStatusOf(anyOk, anyStatus, featureStatus), labels, vars };
}

/**
 * NFD's `Execute(rule, features, failFast)`. Production paths (nfd-master, NodeFeatureGroup) use
 * `failFast = true`; validate-node uses `false`. Throws `RuleEvaluationError` where NFD returns an
 * error (invalid expression, template failure).
 */
export function executeRule(rule: Rule, features: Features, failFast: boolean): RuleOutput {
  const o = run(
    rule.matchAny,
    rule.matchFeatures,
    rule.labelsTemplate ?? '',
    rule.varsTemplate ?? '',
    true,
    features,
    failFast,
  );
  if (o.labels === null) {
    return {
      matchStatus: o.matchStatus,
      labels: null,
      annotations: null,
      vars: null,
      taints: null,
      extendedResources: null,
    };
  }
  copyInto(o.labels, rule.labels);
  copyInto(o.vars!, rule.vars);
  return {
    matchStatus: o.matchStatus,
    labels: o.labels,
    annotations: cloneMap(rule.annotations),
    vars: o.vars,
    taints: rule.taints == null ? null : rule.taints.map((t) => ({ ...t })),
    extendedResources: cloneMap(rule.extendedResources),
  };
}

/** NFD's `ExecuteGroupRule(rule, features, failFast)`: the same algorithm with vars only (NFD v0.19.0 pkg/apis/nfd/nodefeaturerule/rule.go `ExecuteGroupRule`). */
export function executeGroupRule(rule: GroupRule, features: Features, failFast: boolean): GroupRuleOutput {
  const o = run(rule.matchAny, rule.matchFeatures, '', rule.varsTemplate ?? '', false, features, failFast);
  if (o.vars === null) return { matchStatus: o.matchStatus, vars: null };
  copyInto(o.vars, rule.vars);
  return { matchStatus: o.matchStatus, vars: o.vars };
}
