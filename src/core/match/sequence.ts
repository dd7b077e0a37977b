/**
 * nfd-master's rule loop for NodeFeatureRule objects (NFD v0.19.0 pkg/nfd-master/nfd-master.go `processNodeFeatureRule`): rules run in order with
 * fail-fast; a rule that errors is skipped; every other rule's labels, then its vars, are fed into the
 * attribute feature `rule.matched` (created even for a rule that did not match), so later rules can
 * refer to earlier outputs.
 */

import { RuleEvaluationError } from '../../errors.ts';
import type { Features } from '../model/features.ts';
import type { Rule, Taint } from '../model/rules.ts';
import {
  insertAttributeFeatures,
  RULE_BACKREF_DOMAIN,
  RULE_BACKREF_FEATURE,
} from './insert-attribute-features.ts';
import { copyInto } from './own.ts';
import { executeRule, type RuleOutput } from './rule.ts';

export interface SequenceStep {
  rule: Rule;
  /** Present when the rule ran without error. */
  output?: RuleOutput;
  /** Present when NFD's Execute returned an error (the rule was skipped). */
  error?: RuleEvaluationError;
}

export interface SequenceResult {
  steps: SequenceStep[];
  /** Union of the rules' labels (later rules win), without namespace prefixing. */
  labels: Record<string, string>;
  annotations: Record<string, string>;
  extendedResources: Record<string, string>;
  taints: Taint[];
}

/**
 * Run `rules` in order against `features`, which is changed in place (`rule.matched`), as nfd-master
 * does for the rules of one node. Errors other than `RuleEvaluationError` are bugs and propagate.
 */
export function executeRuleSequence(rules: readonly Rule[], features: Features): SequenceResult {
  const result: SequenceResult = {
    steps: [],
    labels: {},
    annotations: {},
    extendedResources: {},
    taints: [],
  };
  for (const rule of rules) {
    let output: RuleOutput;
    try {
      output = executeRule(rule, features, true);
    } catch (e) {
      if (!(e instanceof RuleEvaluationError)) throw e;
      result.steps.push({ rule, error: e });
      continue;
    }
    result.steps.push({ rule, output });
    copyInto(result.labels, output.labels);
    copyInto(result.annotations, output.annotations);
    copyInto(result.extendedResources, output.extendedResources);
    if (output.taints !== null) result.taints.push(...output.taints);
    // Labels first, then vars: a var overrides a label of the same name in rule.matched.
    insertAttributeFeatures(features, RULE_BACKREF_DOMAIN, RULE_BACKREF_FEATURE, output.labels);
    insertAttributeFeatures(features, RULE_BACKREF_DOMAIN, RULE_BACKREF_FEATURE, output.vars);
  }
  return result;
}
