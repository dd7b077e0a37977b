/**
 * What NodeFeatureRule and NodeFeatureGroup objects would do to one node (`kubectl nfd dryrun`), as
 * pure data for the `nfr dryrun` command.
 *
 * Unlike `kubectl nfd dryrun` (pkg/kubectl-nfd/dryrun.go), which runs each rule on its own, rules run
 * as nfd-master runs them: in order, each rule's labels and vars fed back into `rule.matched` for the
 * next (NFD v0.19.0 pkg/nfd-master/nfd-master.go `processNodeFeatureRule`), so back-references behave as they will in the cluster, and
 * `@domain.feature.element` values are resolved as nfd-master resolves them. Outputs are prefixed and
 * filtered as nfd-master does (validate/nfd-master.ts): unprefixed keys get `feature.node.kubernetes.io/`,
 * keys in denied namespaces are dropped (listed, not an error).
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
import { addNsToMapKeys, DEFAULT_OUTPUT_NS, filterOutputs, filterTaint } from '../validate/nfd-master.ts';

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
  /**
   * Outputs nfd-master drops without it being an error of the rule: keys in a denied namespace, and
   * unprefixed keys whose prefixed form the same rule also sets (warnings).
   */
  dropped: string[];
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

interface RuleRun {
  obj: NodeFeatureRule;
  rules: RuleOutcome[];
  /** Outputs of the object's rules, prefixed per rule as processNodeFeatureRule does, later rules winning. */
  labels: Record<string, string>;
  annotations: Record<string, string>;
  extendedResources: Record<string, string>;
  taints: Taint[];
  ignored: string[];
}

/** One object's rules, in order, on the node's shared features (rule.matched carries on to later objects). */
function runRuleObject(obj: NodeFeatureRule, features: Features): RuleRun {
  const seq = executeRuleSequence(obj.spec.rules ?? [], features);
  const run: RuleRun = {
    obj,
    rules: [],
    labels: {},
    annotations: {},
    extendedResources: {},
    taints: [],
    ignored: [],
  };
  for (const s of seq.steps) {
    if (s.error) {
      run.rules.push({ name: s.rule.name, status: 'error', error: s.error.message });
      continue;
    }
    const out = s.output!;
    run.rules.push({
      name: s.rule.name,
      status: out.matchStatus.isMatch ? 'matched' : 'not-matched',
      ...(out.vars && Object.keys(out.vars).length > 0 ? { vars: sorted(out.vars) } : {}),
    });
    for (const [what, from, into] of [
      ['label', out.labels, run.labels],
      ['annotation', out.annotations, run.annotations],
      ['extended resource', out.extendedResources, run.extendedResources],
    ] as const) {
      const p = addNsToMapKeys(from);
      Object.assign(into, p.out);
      for (const k of p.ignored) {
        run.ignored.push(
          `${what} ${JSON.stringify(k)} of rule ${JSON.stringify(s.rule.name)} is ignored: the rule also sets ${JSON.stringify(`${DEFAULT_OUTPUT_NS}/${k}`)}`,
        );
      }
    }
    if (out.taints !== null) run.taints.push(...out.taints);
  }
  return run;
}

/** nfd-master's filters (filterFeatureLabels, filterExtendedResources, filterFeatureAnnotations, filterTaints). */
function finishRuleObject(run: RuleRun, features: Features): RuleDryRun {
  const problems: string[] = [];
  const dropped: string[] = [...run.ignored];
  const labels = resolveValues(run.labels, features, 'label', problems);
  const extendedResources = resolveValues(run.extendedResources, features, 'extended resource', problems);
  const kept = (kind: 'label' | 'annotation' | 'extended resource', m: Record<string, string>) => {
    const f = filterOutputs(kind, m);
    for (const r of f.rejected) (r.denied ? dropped : problems).push(r.message);
    return f.kept;
  };
  const taints: Taint[] = [];
  for (const t of run.taints) {
    const bad = filterTaint(t);
    if (!bad) taints.push(t);
    else (bad.denied ? dropped : problems).push(bad.message);
  }
  return {
    kind: 'NodeFeatureRule',
    name: run.obj.metadata?.name ?? '',
    rules: run.rules,
    labels: sorted(kept('label', labels)),
    annotations: sorted(kept('annotation', run.annotations)),
    extendedResources: sorted(kept('extended resource', extendedResources)),
    taints,
    dropped,
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
 * Dry-runs the objects as nfd-master processes one node: NodeFeatureRules in name order on ONE copy of
 * `features` (`processNodeFeatureRule` lists them sorted by name and feeds every rule's labels and vars
 * into `rule.matched` for all later rules, also those of later objects), each rule's outputs prefixed,
 * then filtered; each NodeFeatureGroup on its own copy. Results come in that order: rules by name,
 * then groups in file order.
 */
export function dryRun(
  objects: readonly (NodeFeatureRule | NodeFeatureGroup)[],
  features: Features,
): DryRun[] {
  const shared: Features = structuredClone(features);
  const rules = objects
    .filter((o): o is NodeFeatureRule => o.kind === 'NodeFeatureRule')
    .map((o, i) => ({ o, i }))
    .sort((a, b) => {
      const x = a.o.metadata?.name ?? '';
      const y = b.o.metadata?.name ?? '';
      return x < y ? -1 : x > y ? 1 : a.i - b.i;
    })
    .map(({ o }) => runRuleObject(o, shared));
  const results: DryRun[] = rules.map((r) => finishRuleObject(r, shared));
  for (const o of objects) {
    if (o.kind === 'NodeFeatureGroup') results.push(dryRunGroup(o, structuredClone(features)));
  }
  return results;
}

/**
 * What nfd-master writes on the Node from these results: every NodeFeatureRule's kept outputs merged
 * in name order (a later object's value wins, as `maps.Copy` in processNodeFeatureRule).
 */
export function nodeOutputs(results: readonly DryRun[]): {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  extendedResources: Record<string, string>;
} {
  const out = { labels: {}, annotations: {}, extendedResources: {} };
  for (const r of results) {
    if (r.kind !== 'NodeFeatureRule') continue;
    Object.assign(out.labels, r.labels);
    Object.assign(out.annotations, r.annotations);
    Object.assign(out.extendedResources, r.extendedResources);
  }
  return {
    labels: sorted(out.labels),
    annotations: sorted(out.annotations),
    extendedResources: sorted(out.extendedResources),
  };
}
