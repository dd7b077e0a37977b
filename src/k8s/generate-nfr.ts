/**
 * Compatibility sets → NodeFeatureRule objects, so that nfd-master (the cluster's own, continuously
 * running rule engine) keeps a label on every node that passes each set.
 *
 * One NodeFeatureRule per set, named `imgcompat-<digest12>-<set>`. A set passes when ALL of its rules
 * match (nfd-rules.md §10.3), while a NodeFeatureRule's rules each label on their own, so the set becomes a
 * rule sequence that uses NFD's back-references (`rule.matched`, nfd-rules.md §7):
 *
 * 1. each of the set's rules, unchanged (matchFeatures, matchAny, vars, varsTemplate, so back-references
 *    between the set's rules still work), plus one var `imgcompat.<digest12>.<set>.<j>: "true"`, which
 *    nfd-master feeds into `rule.matched` only when that rule matched;
 * 2. a last rule whose one term requires every marker to be true (`IsTrue`) and sets the set's label.
 *
 * nfd-master runs the rules of one NodeFeatureRule in order on the same feature copy, so step 2 sees the
 * markers of step 1. A set without rules passes on every node (as in validate-node): its last rule has no
 * match terms. Back-references from one set to another set's vars are not carried (each set is its own
 * object); that is rare and `nfr generate` warns about it.
 */
import type { FeatureMatcherTerm, GroupRule, NodeFeatureRule, Rule } from '../core/model/rules.ts';
import type { Spec } from '../core/model/spec.ts';
import { ANNOTATION_PREFIX, digest12, type NamedSet, nameSets, SPEC_DIGEST_ANNOTATION } from './set-names.ts';

export const NFD_API_VERSION = 'nfd.k8s-sigs.io/v1alpha1';

export interface GenerateOptions {
  /** The spec's digest (set-names.ts `specDigest`), whether it came from a file or an image. */
  digest: string;
  tags?: readonly string[];
  /** The image reference, recorded in an annotation. */
  image?: string;
  /** The artifact manifest digest, recorded in an annotation. */
  artifact?: string;
}

export interface Generated<T> {
  objects: T[];
  sets: NamedSet[];
  /** Problems that do not stop generation (printed on stderr). */
  warnings: string[];
}

function markerKey(d12: string, set: NamedSet, j: number): string {
  return `imgcompat.${d12}.${set.name}.${j + 1}`;
}

function usesBackrefs(rule: GroupRule): boolean {
  const terms: FeatureMatcherTerm[] = [
    ...(rule.matchFeatures ?? []),
    ...(rule.matchAny ?? []).flatMap((a) => a?.matchFeatures ?? []),
  ];
  return terms.some((t) => t.feature?.toLowerCase() === 'rule.matched');
}

export function objectAnnotations(set: NamedSet, opts: GenerateOptions): Record<string, string> {
  const a: Record<string, string> = {
    [SPEC_DIGEST_ANNOTATION]: opts.digest,
    [`${ANNOTATION_PREFIX}/compatibility-set`]: `#${set.position}${set.compatibility.tag ? ` tag ${set.compatibility.tag}` : ''}`,
    [`${ANNOTATION_PREFIX}/node-label`]: set.label,
  };
  if (opts.image) a[`${ANNOTATION_PREFIX}/image`] = opts.image;
  if (opts.artifact) a[`${ANNOTATION_PREFIX}/artifact`] = opts.artifact;
  if (set.compatibility.description) a[`${ANNOTATION_PREFIX}/description`] = set.compatibility.description;
  return a;
}

/** The rules of one set's NodeFeatureRule (exported for tests that run them with the engine). */
export function rulesForSet(set: NamedSet, d12: string): Rule[] {
  const rules: Rule[] = [];
  const markers: string[] = [];
  (set.compatibility.rules ?? []).forEach((g, j) => {
    const marker = markerKey(d12, set, j);
    markers.push(marker);
    const r: Rule = { name: `${set.name}/${g.name ?? ''}` };
    if (g.matchFeatures) r.matchFeatures = structuredClone(g.matchFeatures);
    if (g.matchAny) r.matchAny = structuredClone(g.matchAny);
    if (g.varsTemplate) r.varsTemplate = g.varsTemplate;
    r.vars = { ...(g.vars ?? {}), [marker]: 'true' };
    rules.push(r);
  });
  const last: Rule = { name: `${set.name}: all rules matched`, labels: { [set.label]: 'true' } };
  if (markers.length > 0) {
    last.matchFeatures = [
      {
        feature: 'rule.matched',
        matchExpressions: Object.fromEntries(markers.map((m) => [m, { op: 'IsTrue' }])),
      },
    ];
  }
  rules.push(last);
  return rules;
}

export function generateNodeFeatureRules(spec: Spec, opts: GenerateOptions): Generated<NodeFeatureRule> {
  const d12 = digest12(opts.digest);
  const sets = nameSets(spec, opts.digest, opts.tags ?? []);
  const warnings: string[] = [];
  const objects = sets.map((set): NodeFeatureRule => {
    const rules = set.compatibility.rules ?? [];
    if (rules.some(usesBackrefs) && set.position > 1) {
      warnings.push(
        `set #${set.position} (${set.name}) reads rule.matched: back-references to other sets' rules are not carried into its NodeFeatureRule`,
      );
    }
    return {
      apiVersion: NFD_API_VERSION,
      kind: 'NodeFeatureRule',
      metadata: {
        name: `imgcompat-${d12}-${set.name}`,
        labels: { 'app.kubernetes.io/managed-by': 'imgcompat' },
        annotations: objectAnnotations(set, opts),
      },
      spec: { rules: rulesForSet(set, d12) },
    };
  });
  return { objects, sets, warnings };
}
