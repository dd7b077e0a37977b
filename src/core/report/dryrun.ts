/**
 * What NodeFeatureRule and NodeFeatureGroup objects would do to one node (`kubectl nfd dryrun`), as
 * pure data for the `nfr dryrun` command.
 *
 * Unlike `kubectl nfd dryrun` (pkg/kubectl-nfd/dryrun.go), which runs each rule on its own, rules run
 * as nfd-master runs them: in order, each rule's labels and vars fed back into `rule.matched` for the
 * next (nfd-rules.md §7), so back-references behave as they will in the cluster, and
 * `@domain.feature.element` values are resolved as nfd-master resolves them.
 */

import { RuleEvaluationError } from '../../errors.ts';
import { getDynamicValue, isDynamicValue } from '../match/dynamic-value.ts';
import { nodeNameOf } from '../match/group.ts';
import {
  insertAttributeFeatures,
  RULE_BACKREF_DOMAIN,
  RULE_BACKREF_FEATURE,
} from '../match/insert-attribute-features.ts';
import { executeGroupRule } from '../match/rule.ts';
import { executeRuleSequence } from '../match/sequence.ts';
import type { Features } from '../model/features.ts';
import type { NodeFeatureGroup, NodeFeatureRule, Taint } from '../model/rules.ts';
import * as validate from '../validate/nfd.ts';

export interface RuleOutcome {
  name: string;
  status: 'matched' | 'not-matched' | 'error';
  error?: string;
  vars?: Record<string, string>;
}

export interface RuleDryRun {
  kind: 'NodeFeatureRule';
  name: string;
  rules: RuleOutcome[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  extendedResources: Record<string, string>;
  taints: Taint[];
  /** Problems nfd-master would refuse the outputs for (validate package), and failed dynamic values. */
  problems: string[];
}

export interface GroupDryRun {
  kind: 'NodeFeatureGroup';
  name: string;
  rules: RuleOutcome[];
  /** Whether the node joins the group (any rule matched), and under which name. */
  member: boolean;
  nodeName: string;
}

export type DryRun = RuleDryRun | GroupDryRun;

function sorted<T>(m: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(m).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Resolves `@domain.feature.element` values; a failure is recorded and the entry dropped. */
function resolveValues(
  m: Record<string, string>,
  features: Features,
  what: string,
  problems: string[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m)) {
    if (!isDynamicValue(v)) {
      out[k] = v;
      continue;
    }
    try {
      out[k] = getDynamicValue(v, features);
    } catch (e) {
      problems.push(`${what} ${JSON.stringify(k)}: ${(e as Error).message}`);
    }
  }
  return out;
}

function dryRunRule(obj: NodeFeatureRule, features: Features): RuleDryRun {
  const seq = executeRuleSequence(obj.spec.rules ?? [], features);
  const problems: string[] = [];
  const rules: RuleOutcome[] = seq.steps.map((s) =>
    s.error
      ? { name: s.rule.name, status: 'error', error: s.error.message }
      : {
          name: s.rule.name,
          status: s.output?.matchStatus.isMatch ? 'matched' : 'not-matched',
          ...(s.output?.vars && Object.keys(s.output.vars).length > 0 ? { vars: sorted(s.output.vars) } : {}),
        },
  );
  const labels = resolveValues(seq.labels, features, 'label', problems);
  const extendedResources = resolveValues(seq.extendedResources, features, 'extended resource', problems);
  for (const e of validate.labels(labels)) problems.push(e.error.message);
  for (const e of validate.annotations(seq.annotations)) problems.push(e.error.message);
  for (const e of validate.extendedResources(extendedResources)) problems.push(e.error.message);
  for (const e of validate.taints(seq.taints)) problems.push(e.error.message);
  return {
    kind: 'NodeFeatureRule',
    name: obj.metadata?.name ?? '',
    rules,
    labels: sorted(labels),
    annotations: sorted(seq.annotations),
    extendedResources: sorted(extendedResources),
    taints: seq.taints,
    problems,
  };
}

/** One node's membership, as nfd-master evaluates a group (fail-fast, vars fed back per rule). */
function dryRunGroup(obj: NodeFeatureGroup, features: Features): GroupDryRun {
  const rules: RuleOutcome[] = [];
  let member = false;
  for (const rule of obj.spec.featureGroupRules ?? []) {
    try {
      const out = executeGroupRule(rule, features, true);
      member ||= out.matchStatus.isMatch;
      rules.push({
        name: rule.name,
        status: out.matchStatus.isMatch ? 'matched' : 'not-matched',
        ...(out.vars && Object.keys(out.vars).length > 0 ? { vars: sorted(out.vars) } : {}),
      });
      insertAttributeFeatures(features, RULE_BACKREF_DOMAIN, RULE_BACKREF_FEATURE, out.vars);
    } catch (e) {
      if (!(e instanceof RuleEvaluationError)) throw e;
      rules.push({ name: rule.name, status: 'error', error: e.message });
    }
  }
  return {
    kind: 'NodeFeatureGroup',
    name: obj.metadata?.name ?? '',
    rules,
    member,
    nodeName: nodeNameOf(features),
  };
}

/**
 * Dry-runs each object against its own copy of `features` (objects are independent in the cluster:
 * nfd-master evaluates each NodeFeatureRule and group separately).
 */
export function dryRun(
  objects: readonly (NodeFeatureRule | NodeFeatureGroup)[],
  features: Features,
): DryRun[] {
  return objects.map((obj) => {
    const copy: Features = structuredClone(features);
    return obj.kind === 'NodeFeatureRule' ? dryRunRule(obj, copy) : dryRunGroup(obj, copy);
  });
}
