/**
 * NFD's `evaluateFeatureMatcher` (NFD v0.19.0 pkg/apis/nfd/nodefeaturerule/rule.go `evaluateFeatureMatcher`): the terms of one `matchFeatures` list, combined
 * with logical AND, building the template data and the matched-terms record as NFD does.
 */

import type { Features } from '../model/features.ts';
import type { FeatureMatcher } from '../model/rules.ts';
import { setOwn } from './own.ts';
import type { MatchFeatureStatus, TemplateData } from './status.ts';
import { evaluateTerm, lookupFeature, parseFeatureName } from './term.ts';

export interface FeatureMatcherResult {
  isMatch: boolean;
  /** `undefined` is Go's nil status: a term named a missing feature under fail-fast. */
  status: MatchFeatureStatus | undefined;
}

/**
 * The first template data built for each matcher, kept while the matcher lives. The data's objects
 * are keyed by the terms' domain and feature names, so their hidden classes are the matcher's, not
 * the node's; keeping one example alive keeps those classes alive across garbage collections, and
 * with them the optimized code that uses them (see `subsetOf` in expression.ts).
 */
const shapeWitnesses = new WeakMap<FeatureMatcher, TemplateData>();

/**
 * Evaluate `terms` against `features`. With `failFast`, stop at the first failing term; without it,
 * evaluate every term (the matcher still fails). Throws `RuleEvaluationError` on an expression error.
 * An empty list matches.
 */
export function evaluateFeatureMatcher(
  terms: FeatureMatcher | null | undefined,
  features: Features,
  failFast: boolean,
): FeatureMatcherResult {
  const status: MatchFeatureStatus = { matchedFeatures: {}, matchedFeaturesTerms: [] };
  if (terms == null) return { isMatch: true, status };
  const data = status.matchedFeatures;
  let isMatch = true;
  // NFD's `isTermMatch`: one variable shared by all terms (quirk 4).
  let termMatch = true;
  for (const term of terms) {
    const { lowered, domain: dom, name: nam } = parseFeatureName(term.feature ?? '');
    // The domain map is created for every term, before the lookup (NFD v0.19.0 pkg/apis/nfd/nodefeaturerule/rule.go `evaluateFeatureMatcher` step 2).
    let domData = Object.hasOwn(data, dom) ? data[dom] : undefined;
    if (domData === undefined) {
      domData = {};
      setOwn(data, dom, domData);
    }
    const found = lookupFeature(features, lowered);
    if (found === undefined) {
      // A term on a missing feature never matches, whatever its expressions (NFD v0.19.0 pkg/apis/nfd/nodefeaturerule/rule.go `evaluateFeatureMatcher` step 3).
      if (failFast) return { isMatch: false, status: undefined };
      isMatch = false;
      continue;
    }
    const outcome = evaluateTerm(term, lowered, found, failFast, termMatch);
    termMatch = outcome.termMatch;
    const existing = Object.hasOwn(domData, nam) ? domData[nam] : undefined;
    if (existing === undefined) setOwn(domData, nam, outcome.matched);
    else for (const m of outcome.matched) existing.push(m);
    if (outcome.recorded !== undefined) status.matchedFeaturesTerms.push(outcome.recorded);
    if (!termMatch) {
      if (failFast) return { isMatch: false, status };
      isMatch = false;
    }
  }
  if (!shapeWitnesses.has(terms)) shapeWitnesses.set(terms, data);
  return { isMatch, status };
}
