/**
 * NodeFeatureGroup membership as nfd-master computes it (NFD v0.19.0 pkg/nfd-master/nfd-master.go `processNodeFeatureRule`): for each node, the group
 * rules run in order with `ExecuteGroupRule(failFast = true)`; a node joins the group (once) when any
 * rule matches; each rule's vars are fed back into that node's `rule.matched`. A rule that errors is
 * skipped. The node name is the attribute `system.name.nodename` (`""` when missing).
 */

import { RuleEvaluationError } from '../../errors.ts';
import type { Features } from '../model/features.ts';
import type { GroupRule } from '../model/rules.ts';
import {
  insertAttributeFeatures,
  RULE_BACKREF_DOMAIN,
  RULE_BACKREF_FEATURE,
} from './insert-attribute-features.ts';
import { executeGroupRule } from './rule.ts';

/** NFD's `FeatureGroupNode`. */
export interface FeatureGroupNode {
  name: string;
}

/** The node name nfd-master uses for a group's status. */
export function nodeNameOf(features: Features): string {
  const attrs = features.attributes;
  const set = attrs != null && Object.hasOwn(attrs, 'system.name') ? attrs['system.name'] : undefined;
  const elements = set?.elements;
  return elements != null && Object.hasOwn(elements, 'nodename') ? elements.nodename! : '';
}

/**
 * The group's `status.nodes` for `nodes` (each node's merged features, changed in place through
 * `rule.matched`), in node order. Errors other than `RuleEvaluationError` propagate.
 */
export function evaluateNodeFeatureGroup(
  rules: readonly GroupRule[],
  nodes: readonly Features[],
): FeatureGroupNode[] {
  const pool: FeatureGroupNode[] = [];
  const seen = new Set<string>();
  for (const features of nodes) {
    for (const rule of rules) {
      let vars: Record<string, string> | null;
      let isMatch: boolean;
      try {
        const out = executeGroupRule(rule, features, true);
        vars = out.vars;
        isMatch = out.matchStatus.isMatch;
      } catch (e) {
        if (!(e instanceof RuleEvaluationError)) throw e;
        continue;
      }
      if (isMatch) {
        const name = nodeNameOf(features);
        if (!seen.has(name)) {
          seen.add(name);
          pool.push({ name });
        }
      }
      insertAttributeFeatures(features, RULE_BACKREF_DOMAIN, RULE_BACKREF_FEATURE, vars);
    }
  }
  return pool;
}
