/**
 * Compatibility sets → NodeFeatureGroup objects (NFD v0.19.0 api/nfd/v1alpha1/types.go `NodeFeatureGroup`): nfd-master lists in a group's
 * `status.nodes` every node on which ANY of its featureGroupRules matches, while a compatibility set needs
 * ALL of its rules. So each set becomes one group with ONE rule equivalent to the AND of the set's rules:
 *
 * - its matchFeatures are all the rules' matchFeatures terms (a term list is already an AND, and each term
 *   keeps its own same-instance semantics);
 * - its matchAny is the product of the rules' matchAny lists (AND of ORs = OR of ANDs), each alternative
 *   concatenating one element of every list; at most 256 alternatives, beyond that use `nfr generate`;
 * - vars are dropped: with one rule per group nothing reads them. A set whose rules read `rule.matched`
 *   (values of earlier rules) cannot be merged faithfully; a warning says so.
 *
 * NFD only evaluates groups in nfd-master's own namespace (#2558) and only with the NodeFeatureGroupAPI
 * feature gate on; both are documented in the command's help.
 */

import type { FeatureMatcher, GroupRule, MatchAnyElem, NodeFeatureGroup } from '../core/model/rules.ts';
import type { Spec } from '../core/model/spec.ts';
import { UsageError } from '../errors.ts';
import { type Generated, type GenerateOptions, NFD_API_VERSION, objectAnnotations } from './generate-nfr.ts';
import { digest12, nameSets } from './set-names.ts';

const MAX_ALTERNATIVES = 256;

export interface NfgOptions extends GenerateOptions {
  namespace: string;
}

/** One GroupRule equivalent to the AND of `rules` (throws when matchAny would explode). */
export function andGroupRules(name: string, rules: readonly GroupRule[], where: string): GroupRule {
  const out: GroupRule = { name };
  const terms: FeatureMatcher = rules.flatMap((r) => structuredClone(r.matchFeatures ?? []));
  if (terms.length > 0) out.matchFeatures = terms;
  let alternatives: FeatureMatcher[] | undefined;
  for (const r of rules) {
    const any = r.matchAny ?? [];
    if (any.length === 0) continue;
    const next: FeatureMatcher[] = [];
    for (const prefix of alternatives ?? [[]]) {
      for (const elem of any) next.push([...prefix, ...structuredClone(elem?.matchFeatures ?? [])]);
    }
    if (next.length > MAX_ALTERNATIVES) {
      throw new UsageError(
        `${where}: its rules' matchAny lists multiply to ${next.length} alternatives (more than ${MAX_ALTERNATIVES}); ` +
          'one NodeFeatureGroup rule cannot express it compactly, use `imgcompat nfr generate`',
      );
    }
    alternatives = next;
  }
  if (alternatives) out.matchAny = alternatives.map((m): MatchAnyElem => ({ matchFeatures: m }));
  return out;
}

export function generateNodeFeatureGroups(spec: Spec, opts: NfgOptions): Generated<NodeFeatureGroup> {
  const d12 = digest12(opts.digest);
  const sets = nameSets(spec, opts.digest, opts.tags ?? []);
  const warnings: string[] = [];
  const objects = sets.map((set): NodeFeatureGroup => {
    const rules = set.compatibility.rules ?? [];
    const where = `set #${set.position} (${set.name})`;
    const reads = rules.some((r) =>
      [...(r.matchFeatures ?? []), ...(r.matchAny ?? []).flatMap((a) => a?.matchFeatures ?? [])].some(
        (t) => t.feature?.toLowerCase() === 'rule.matched',
      ),
    );
    if (reads) {
      warnings.push(
        `${where} reads rule.matched: merged into one group rule, the back-references find no values`,
      );
    }
    return {
      apiVersion: NFD_API_VERSION,
      kind: 'NodeFeatureGroup',
      metadata: {
        name: `imgcompat-${d12}-${set.name}`,
        namespace: opts.namespace,
        labels: { 'app.kubernetes.io/managed-by': 'imgcompat' },
        annotations: objectAnnotations(set, opts),
      },
      spec: { featureGroupRules: [andGroupRules(set.name, rules, where)] },
    };
  });
  return { objects, sets, warnings };
}
