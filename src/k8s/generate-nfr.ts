/**
 * Compatibility sets → NodeFeatureRule objects, so that nfd-master (the cluster's own, continuously
 * running rule engine) keeps a label on every node that passes each set, exactly as `cluster validate`
 * (validate-node's evaluation, NFD pkg/client-nfd/compat/node-validator) decides it.
 *
 * What nfd-master does with the objects (NFD pkg/nfd-master/nfd-master.go `processNodeFeatureRule`):
 * for each node it lists every NodeFeatureRule, sorts them by name, and runs their rules in that order
 * with fail-fast on ONE copy of the node's features, feeding each rule's labels and vars into the
 * attribute feature `rule.matched`. So back-references carry across objects, in name order.
 *
 * One NodeFeatureRule per set, named `imgcompat-<digest12>-<NN>-<set>` with NN the set's position in the
 * spec, zero-padded: name order is spec order, so every set sees the vars of the sets before it, as in
 * validate-node, and none of the sets after it. A set passes when ALL of its rules match, while a
 * NodeFeatureRule's rules each label on their own, so the set becomes a rule sequence:
 *
 * 1. each of the set's rules, unchanged (matchFeatures, matchAny, vars, varsTemplate), plus one var
 *    `imgcompat.<digest12>.<set>.<j>: "true"`, which nfd-master feeds into `rule.matched` only when that
 *    rule matched;
 * 2. a last rule whose one term requires every marker to be true (`IsTrue`) and sets the set's label.
 *
 * validate-node evaluates without fail-fast, and NFD's `ExecuteGroupRule` then returns a rule's vars
 * even when its matchAny failed, as long as its matchFeatures matched (pkg/apis/nfd/nodefeaturerule
 * `execute`); validate-node feeds those into `rule.matched` too. nfd-master (fail-fast) returns nothing
 * for that rule. When a later rule reads `rule.matched`, such a rule gets a companion right after it: its
 * matchFeatures plus "my marker does not exist", its vars and varsTemplate, and no marker. It fires only
 * when the rule itself did not match, i.e. when nothing was fed back yet, so it sees the same
 * `rule.matched` the rule saw.
 *
 * validate-node's `rule.matched` does not exist before the spec's first rule ran, and a term on a missing
 * feature never matches (pkg/apis/nfd/nodefeaturerule `evaluateFeatureMatcher`), whatever its op; in
 * nfd-master it exists as soon as any rule of any NodeFeatureRule ran. So in the spec's first rule each
 * term on `rule.matched` becomes one that cannot match there either: "my own marker is true".
 *
 * What cannot be expressed: nfd-master's `rule.matched` also holds the markers and labels of the
 * generated rules and the vars and labels of every other NodeFeatureRule in the cluster, which
 * validate-node never sees. A `matchName` on `rule.matched` other than `In` (which names the keys it
 * wants), or a key of the generated rules' own namespaces, would see them; `inexpressible` lists such
 * rules and `nfr generate` refuses them unless `--allow-partial`.
 */
import type {
  FeatureMatcherTerm,
  GroupRule,
  MatchExpression,
  NodeFeatureRule,
  Rule,
} from '../core/model/rules.ts';
import type { Spec } from '../core/model/spec.ts';
import {
  ANNOTATION_PREFIX,
  COMPAT_LABEL_PREFIX,
  digest12,
  type NamedSet,
  nameSets,
  SPEC_DIGEST_ANNOTATION,
} from './set-names.ts';

export const NFD_API_VERSION = 'nfd.k8s-sigs.io/v1alpha1';

/** NFD's `RuleBackrefDomain.RuleBackrefFeature`. */
const BACKREF = 'rule.matched';
/** Prefix of the marker vars the generated rules feed into `rule.matched`. */
const MARKER_PREFIX = 'imgcompat.';

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
  /**
   * Rules whose result nfd-master can compute differently from validate-node, one message each naming
   * the set and the rule (`nfr generate` refuses them unless `--allow-partial`).
   */
  inexpressible?: string[];
}

function markerKey(d12: string, set: NamedSet, j: number): string {
  return `${MARKER_PREFIX}${d12}.${set.name}.${j + 1}`;
}

function termsOf(rule: GroupRule): FeatureMatcherTerm[] {
  return [...(rule.matchFeatures ?? []), ...(rule.matchAny ?? []).flatMap((a) => a?.matchFeatures ?? [])];
}

const isBackref = (t: FeatureMatcherTerm) => t.feature?.toLowerCase() === BACKREF;

function readsBackrefs(rule: GroupRule): boolean {
  return termsOf(rule).some(isBackref);
}

/** Keys nfd-master puts into `rule.matched` that validate-node never has. */
function isGeneratedKey(key: string): boolean {
  return key.startsWith(MARKER_PREFIX) || key.startsWith(`${COMPAT_LABEL_PREFIX}/`);
}

function describeName(m: MatchExpression): string {
  return `${m.op}${m.value?.length ? ` ${JSON.stringify(m.value)}` : ''}`;
}

function setRef(set: NamedSet): string {
  return `set #${set.position} (${set.name})`;
}

/** Why NFD cannot evaluate this rule as validate-node does, or nothing. */
function inexpressibleReasons(set: NamedSet, rule: GroupRule): string[] {
  const out: string[] = [];
  const where = `${setRef(set)} rule "${rule.name ?? ''}"`;
  for (const t of termsOf(rule).filter(isBackref)) {
    const name = t.matchName;
    if (name && (name.op !== 'In' || (name.value ?? []).some(isGeneratedKey))) {
      out.push(
        `${where}: matchName ${describeName(name)} on rule.matched also sees the markers and labels nfd-master feeds into rule.matched from the generated rules and from every other NodeFeatureRule, which validate-node never has`,
      );
    }
    for (const key of Object.keys(t.matchExpressions ?? {})) {
      if (isGeneratedKey(key)) {
        out.push(
          `${where}: rule.matched key "${key}" is in the namespace of the generated rules' own markers and labels, which validate-node never has`,
        );
      }
    }
  }
  return out;
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

export interface RulesForSetOptions {
  /**
   * Whether a rule after rule j (of this set or a later one) reads `rule.matched`, so that the vars
   * validate-node feeds back for a rule whose matchAny failed must be reproduced. Default: never.
   */
  readLater?: (j: number) => boolean;
  /** This set's first rule is the first rule validate-node runs (see the file comment). */
  firstOfSpec?: boolean;
}

/** The spec's first rule: its terms on `rule.matched` (a missing feature there) never match. */
function neverMatchingBackrefs(terms: FeatureMatcherTerm[], marker: string): FeatureMatcherTerm[] {
  return terms.map((t) =>
    isBackref(t) ? { feature: BACKREF, matchExpressions: { [marker]: { op: 'IsTrue' } } } : t,
  );
}

/** The rules of one set's NodeFeatureRule (exported for tests that run them with the engine). */
export function rulesForSet(set: NamedSet, d12: string, opts: RulesForSetOptions = {}): Rule[] {
  const rules: Rule[] = [];
  const markers: string[] = [];
  (set.compatibility.rules ?? []).forEach((g, j) => {
    const marker = markerKey(d12, set, j);
    markers.push(marker);
    const r: Rule = { name: `${set.name}/${g.name ?? ''}` };
    if (g.matchFeatures) r.matchFeatures = structuredClone(g.matchFeatures);
    if (g.matchAny) r.matchAny = structuredClone(g.matchAny);
    if (j === 0 && opts.firstOfSpec && readsBackrefs(g)) {
      if (r.matchFeatures) r.matchFeatures = neverMatchingBackrefs(r.matchFeatures, marker);
      if (r.matchAny) {
        r.matchAny = r.matchAny.map((a) => ({
          matchFeatures: neverMatchingBackrefs(a.matchFeatures ?? [], marker),
        }));
      }
    }
    if (g.varsTemplate) r.varsTemplate = g.varsTemplate;
    r.vars = { ...(g.vars ?? {}), [marker]: 'true' };
    rules.push(r);
    const feedsBack = Object.keys(g.vars ?? {}).length > 0 || Boolean(g.varsTemplate);
    if ((g.matchAny ?? []).length > 0 && feedsBack && opts.readLater?.(j)) {
      const companion: Rule = {
        name: `${set.name}/${g.name ?? ''}: vars when matchAny fails`,
        matchFeatures: [
          ...structuredClone(r.matchFeatures ?? []),
          { feature: BACKREF, matchExpressions: { [marker]: { op: 'DoesNotExist' } } },
        ],
      };
      if (g.varsTemplate) companion.varsTemplate = g.varsTemplate;
      if (g.vars && Object.keys(g.vars).length > 0) companion.vars = { ...g.vars };
      rules.push(companion);
    }
  });
  const last: Rule = { name: `${set.name}: all rules matched`, labels: { [set.label]: 'true' } };
  if (markers.length > 0) {
    last.matchFeatures = [
      {
        feature: BACKREF,
        matchExpressions: Object.fromEntries(markers.map((m) => [m, { op: 'IsTrue' }])),
      },
    ];
  }
  rules.push(last);
  return rules;
}

/** `imgcompat-<digest12>-<NN>-<set>`: name order is spec order (see the file comment). */
export function nodeFeatureRuleName(d12: string, set: NamedSet, setCount: number): string {
  const width = Math.max(2, String(setCount).length);
  return `imgcompat-${d12}-${String(set.position).padStart(width, '0')}-${set.name}`;
}

export function generateNodeFeatureRules(spec: Spec, opts: GenerateOptions): Generated<NodeFeatureRule> {
  const d12 = digest12(opts.digest);
  const sets = nameSets(spec, opts.digest, opts.tags ?? []);
  const setCount = (spec.compatibilities ?? []).length;
  const warnings: string[] = [];
  const inexpressible: string[] = [];
  // For each selected set, whether any rule from position (set, j+1) on reads rule.matched.
  const reads = sets.map((s) => (s.compatibility.rules ?? []).map(readsBackrefs));
  const readFrom = (si: number, j: number) =>
    reads[si]!.slice(j + 1).some(Boolean) || reads.slice(si + 1).some((r) => r.some(Boolean));
  const firstWithRules = sets.findIndex((s) => (s.compatibility.rules ?? []).length > 0);
  // Keys the rules before a point feed back (static vars), and whether a varsTemplate came before.
  const written = new Set<string>();
  let templated = false;
  const objects = sets.map((set, si): NodeFeatureRule => {
    for (const rule of set.compatibility.rules ?? []) {
      inexpressible.push(...inexpressibleReasons(set, rule));
      const unset = termsOf(rule)
        .filter(isBackref)
        .flatMap((t) => [
          ...Object.keys(t.matchExpressions ?? {}),
          ...(t.matchName?.op === 'In' ? (t.matchName.value ?? []) : []),
        ])
        .filter((k) => !written.has(k) && !isGeneratedKey(k));
      if (unset.length > 0 && !templated) {
        warnings.push(
          `${setRef(set)} rule "${rule.name ?? ''}" reads rule.matched ${unset.map((k) => JSON.stringify(k)).join(', ')}, which no earlier rule of the spec sets: nfd-master shares rule.matched between all NodeFeatureRule objects of the cluster, so a var or label of that name from another one would be seen`,
        );
      }
      for (const k of Object.keys(rule.vars ?? {})) written.add(k);
      if (rule.varsTemplate) templated = true;
    }
    return {
      apiVersion: NFD_API_VERSION,
      kind: 'NodeFeatureRule',
      metadata: {
        name: nodeFeatureRuleName(d12, set, setCount),
        labels: { 'app.kubernetes.io/managed-by': 'imgcompat' },
        annotations: objectAnnotations(set, opts),
      },
      spec: {
        rules: rulesForSet(set, d12, {
          readLater: (j) => readFrom(si, j),
          firstOfSpec: si === firstWithRules,
        }),
      },
    };
  });
  return { objects, sets, warnings, inexpressible };
}
