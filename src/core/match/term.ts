/**
 * One `matchFeatures` term (NFD v0.19.0 pkg/apis/nfd/nodefeaturerule/rule.go `evaluateFeatureMatcher`): the feature-name handling, the lookup of the flag,
 * attribute and instance sets stored under that name, and `matchExpressions` / `matchName`.
 */

import * as strings from '../../go/strings.ts';
import type { Features, InstanceFeature } from '../model/features.ts';
import type { FeatureMatcherTerm, MatchExpressionSet } from '../model/rules.ts';
import { matchMulti, matchNamesMulti } from './expression.ts';
import type { MatchedElement } from './status.ts';

const hasOwn = Object.hasOwn;

function hasAnyKey(o: object): boolean {
  for (const _ in o) return true;
  return false;
}

/**
 * Template-data keys of a term (NFD v0.19.0 pkg/apis/nfd/nodefeaturerule/rule.go `evaluateFeatureMatcher` step 1): the term's own spelling split at the first dot; with no
 * dot, the lower-cased name and `""`.
 */
export function templateKey(feature: string, lowered: string): [domain: string, name: string] {
  const dot = feature.indexOf('.');
  if (dot < 0) return [lowered, ''];
  return [feature.slice(0, dot), feature.slice(dot + 1)];
}

/** A term's feature name: the lookup key and the template-data keys. */
export interface FeatureName {
  lowered: string;
  domain: string;
  name: string;
}

const FEATURE_NAME_CACHE_LIMIT = 4096;
const featureNames = new Map<string, FeatureName>();

/** `strings.ToLower` + `templateKey`, cached: the same few names are parsed on every evaluation. */
export function parseFeatureName(feature: string): FeatureName {
  let parsed = featureNames.get(feature);
  if (parsed === undefined) {
    const lowered = strings.toLower(feature);
    const [domain, name] = templateKey(feature, lowered);
    parsed = { lowered, domain, name };
    if (featureNames.size >= FEATURE_NAME_CACHE_LIMIT) featureNames.clear();
    featureNames.set(feature, parsed);
  }
  return parsed;
}

/** The three sets stored under one feature name; `null` elements are Go's nil. */
export interface FeatureLookup {
  keys: Record<string, unknown> | null;
  values: Record<string, string> | null;
  instances: InstanceFeature[] | null;
}

/**
 * Look up a (lower-cased) feature name. Returns `undefined` when the name is a key of none of the
 * three maps (NFD v0.19.0 pkg/apis/nfd/nodefeaturerule/rule.go `evaluateFeatureMatcher` step 3). A key with `elements: null` exists but has a nil set.
 */
export function lookupFeature(features: Features, name: string): FeatureLookup | undefined {
  const f = features.flags;
  const a = features.attributes;
  const i = features.instances;
  const okF = f != null && hasOwn(f, name);
  const okA = a != null && hasOwn(a, name);
  const okI = i != null && hasOwn(i, name);
  if (!okF && !okA && !okI) return undefined;
  return {
    keys: okF ? (f[name]?.elements ?? null) : null,
    values: okA ? (a[name]?.elements ?? null) : null,
    instances: okI ? (i[name]?.elements ?? null) : null,
  };
}

/** The outcome of one term on an existing feature. */
export interface TermOutcome {
  /** The running `termMatch` after this term (see `evaluateTerm`). */
  termMatch: boolean;
  /** Elements for the template data (matchExpressions' then matchName's). */
  matched: MatchedElement[];
  /** The term as NFD records it in `MatchedFeaturesTerms`, or `undefined` when nothing held. */
  recorded: FeatureMatcherTerm | undefined;
}

/**
 * Evaluate `term` on a feature that exists. `termMatchIn` is the running `termMatch` of the matcher:
 * NFD keeps one variable across all terms, so a `matchName` is only evaluated when the previous
 * outcome was a match, and a term without `matchExpressions` inherits it (quirk 4, NFD v0.19.0 pkg/apis/nfd/nodefeaturerule/rule.go `evaluateFeatureMatcher` step 5).
 * Throws `RuleEvaluationError` on an expression error.
 */
export function evaluateTerm(
  term: FeatureMatcherTerm,
  lowered: string,
  found: FeatureLookup,
  failFast: boolean,
  termMatchIn: boolean,
): TermOutcome {
  let termMatch = termMatchIn;
  let matched: MatchedElement[] = [];
  let subset: MatchExpressionSet | undefined;
  const exprs = term.matchExpressions;
  if (exprs != null) {
    const r = matchMulti(exprs, found.keys, found.values, found.instances, failFast);
    termMatch = r.isMatch;
    if (r.matched !== null) matched = r.matched;
    subset = r.matchedExpressions ?? {};
  }
  const name = term.matchName;
  let nameMatched = false;
  if (termMatch && name != null) {
    const r = matchNamesMulti(name, found.keys, found.values, found.instances);
    termMatch = r.isMatch;
    nameMatched = r.isMatch;
    for (const m of r.matched) matched.push(m);
  }
  // Recorded for a matched matchName or a non-empty subset (NFD v0.19.0 pkg/apis/nfd/nodefeaturerule/rule.go `evaluateFeatureMatcher` step 7), with the lower-cased name.
  // One object literal per shape: its hidden class lives as long as the code (see `subsetOf` in
  // expression.ts for why per-node hidden classes are costly).
  let recorded: FeatureMatcherTerm | undefined;
  if (nameMatched || (subset !== undefined && hasAnyKey(subset))) {
    if (subset === undefined) recorded = { feature: lowered, matchName: name };
    else if (nameMatched) recorded = { feature: lowered, matchExpressions: subset, matchName: name };
    else recorded = { feature: lowered, matchExpressions: subset };
  }
  return { termMatch, matched, recorded };
}
