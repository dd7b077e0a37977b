/**
 * Evaluating one compatibility spec against every node of a cluster: the `validate-node` evaluation
 * (NFD v0.19.0 pkg/client-nfd/compat/node-validator/node-validator.go `Execute`, `validateNode`) run on each node's merged NodeFeature objects instead of this
 * host's discovery. A node whose features are malformed, or whose features make a rule fail to evaluate
 * (NFD aborts the whole run on such an error; one bad node must not hide the others), is reported as
 * skipped with the reason.
 */
import { executeGroupRule } from '../core/match/rule.ts';
import type { Features } from '../core/model/features.ts';
import type { CompatibilityStatus, ProcessedRuleStatus } from '../core/model/report.ts';
import type { Spec } from '../core/model/spec.ts';
import { type ExplainedReport, validateNodeExplained } from '../core/report/explain.ts';
import { isSetCompatible, validateNode } from '../core/report/node-validator.ts';
import { ImgcompatError } from '../errors.ts';
import { MalformedFeaturesError, mergeNodeFeatures, type NodeObjects, objectKey } from './nodefeatures.ts';

export interface SetInfo {
  /** 1-based position among the sets kept by `--tags`, as validate-node's table numbers them. */
  index: number;
  tag?: string;
  weight?: number;
  description?: string;
}

export interface SetOutcome {
  index: number;
  compatible: boolean;
  /** For a failed set: its first failing rule and expression, e.g. `avx512: cpu.cpuid.AVX512F Exists`. */
  firstFailure?: string;
}

export interface NodeVerdict {
  node: string;
  /** The NodeFeature objects merged for this node (`namespace/name`, merge order). */
  objects: string[];
  /** Present when the node was not evaluated. */
  skipped?: string;
  compatible: boolean;
  sets: SetOutcome[];
}

export interface ClusterResult {
  sets: SetInfo[];
  nodes: NodeVerdict[];
  totals: {
    nodes: number;
    compatible: number;
    incompatible: number;
    skipped: number;
    /** Compatible nodes per set, in set order. */
    perSet: number[];
  };
}

/** The sets `--tags` keeps, numbered as the validate-node report numbers them. */
export function selectedSets(spec: Spec, tags: readonly string[]): SetInfo[] {
  const out: SetInfo[] = [];
  for (const c of spec.compatibilities ?? []) {
    if (tags.length > 0 && !tags.includes(c.tag ?? '')) continue;
    const info: SetInfo = { index: out.length + 1 };
    if (c.tag) info.tag = c.tag;
    if (c.weight) info.weight = c.weight;
    if (c.description) info.description = c.description;
    out.push(info);
  }
  return out;
}

/** Node names in byte order, the order of every cluster report. */
export function byNodeName(a: { node: string }, b: { node: string }): number {
  return a.node < b.node ? -1 : a.node > b.node ? 1 : 0;
}

function describeRow(rule: ProcessedRuleStatus): string {
  const rows = [
    ...(rule.matchedExpressions ?? []),
    ...(rule.matchedAny ?? []).flatMap((a) => a.matchedExpressions ?? []),
  ];
  const row = rows.find((r) => !r.isMatch);
  if (!row) return `${rule.name}: rule did not match`;
  const values = row.expression.value?.length ? ` ${JSON.stringify(row.expression.value)}` : '';
  return `${rule.name}: ${row.feature}${row.name ? `.${row.name}` : ''} ${row.expression.op}${values}`;
}

/** The first failing rule's first failing expression row. */
export function firstFailure(set: CompatibilityStatus): string | undefined {
  const rule = (set.rules ?? []).find((r) => !r.isMatch);
  return rule ? describeRow(rule) : undefined;
}

/** Which rule throws on these features (for the skip reason); validateNode does not say. */
function failingRule(spec: Spec, features: Features, tags: readonly string[]): string | undefined {
  for (const [i, c] of (spec.compatibilities ?? []).entries()) {
    if (tags.length > 0 && !tags.includes(c.tag ?? '')) continue;
    for (const rule of c.rules ?? []) {
      try {
        executeGroupRule(rule, features, false);
      } catch {
        return `rule "${rule.name}" of set #${i + 1}`;
      }
    }
  }
  return undefined;
}

function reasonOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Evaluates one node; never throws for bad features or rule errors (the node is skipped instead). */
/**
 * One node's verdict. With `onExplained` the node is evaluated once with traces (`--explain`) and the
 * traced report is handed over too, instead of a second evaluation for the explanation.
 */
export function evaluateNode(
  spec: Spec,
  node: NodeObjects,
  tags: readonly string[],
  onExplained?: (explained: ExplainedReport) => void,
): NodeVerdict {
  const verdict: NodeVerdict = {
    node: node.node,
    objects: node.objects.map(objectKey),
    compatible: false,
    sets: [],
  };
  let report: CompatibilityStatus[];
  let features: Features | undefined;
  try {
    features = mergeNodeFeatures(node.objects);
    if (onExplained) {
      const explained = validateNodeExplained(spec, features, { tags });
      report = explained.report;
      onExplained(explained);
    } else report = validateNode(spec, features, { tags });
  } catch (e) {
    if (e instanceof MalformedFeaturesError || ImgcompatError.is(e)) {
      verdict.skipped = features
        ? `${failingRule(spec, features, tags) ?? 'a rule'} cannot be evaluated: ${reasonOf(e)}`
        : reasonOf(e);
      return verdict;
    }
    throw e;
  }
  verdict.sets = report.map((set, i) => {
    const compatible = isSetCompatible(set);
    const out: SetOutcome = { index: i + 1, compatible };
    if (!compatible) {
      const f = firstFailure(set);
      if (f) out.firstFailure = f;
    }
    return out;
  });
  verdict.compatible = verdict.sets.some((s) => s.compatible);
  return verdict;
}

/**
 * Shares equal `sets` lists between verdicts: a cluster-wide result keeps one row per node, and most
 * nodes fail or pass the same way (a first failure names a rule and an expression of the spec, never a
 * node's value), so a 100,000-node result holds a few distinct lists instead of one per node.
 */
export function verdictInterner(): (v: NodeVerdict) => NodeVerdict {
  const seen = new Map<string, SetOutcome[]>();
  return (v) => {
    const key = JSON.stringify(v.sets);
    const shared = seen.get(key);
    if (shared) v.sets = shared;
    else seen.set(key, v.sets);
    return v;
  };
}

/** A node that was asked for (by --node-selector) but has no NodeFeature object. */
export function missingNode(node: string): NodeVerdict {
  return {
    node,
    objects: [],
    skipped: 'no NodeFeature object carries this node name (is nfd-worker running on it?)',
    compatible: false,
    sets: [],
  };
}

export function evaluateCluster(
  spec: Spec,
  nodes: readonly NodeObjects[],
  tags: readonly string[],
): ClusterResult {
  return summarizeCluster(
    selectedSets(spec, tags),
    nodes.map((n) => evaluateNode(spec, n, tags)),
  );
}

export function summarizeCluster(sets: SetInfo[], verdicts: NodeVerdict[]): ClusterResult {
  const perSet = sets.map(() => 0);
  let compatible = 0;
  let skipped = 0;
  for (const v of verdicts) {
    if (v.skipped !== undefined) skipped++;
    else if (v.compatible) compatible++;
    for (const s of v.sets) if (s.compatible) perSet[s.index - 1]!++;
  }
  return {
    sets,
    nodes: verdicts,
    totals: {
      nodes: verdicts.length,
      compatible,
      incompatible: verdicts.length - compatible - skipped,
      skipped,
      perSet,
    },
  };
}
