/**
 * What the engine records while matching (NFD v0.19.0 pkg/apis/nfd/nodefeaturerule/expression.go `MatchGetKeys`/`MatchGetValues`/`MatchGetInstances`; NFD v0.19.0 pkg/apis/nfd/nodefeaturerule/rule.go `MatchStatus`): matched elements, the template
 * data built from them, and the per-matcher status the validate-node report is built from.
 */

import type { FeatureMatcherTerm } from '../model/rules.ts';

/**
 * One matched element, NFD's `MatchedElement` (`map[string]string`): `{Name}` for a flag,
 * `{Name, Value}` for an attribute, and the instance's own attribute map for an instance.
 */
export type MatchedElement = Record<string, string>;

/** NFD's `matchedFeatures`: domain → feature → matched elements. This is the templates' dot. */
export type TemplateData = Record<string, Record<string, MatchedElement[]>>;

/** NFD's `MatchFeatureStatus`: the outcome of one `matchFeatures` list. */
export interface MatchFeatureStatus {
  /** Template data built from the terms (keys keep the term's spelling; NFD v0.19.0 pkg/apis/nfd/nodefeaturerule/rule.go `evaluateFeatureMatcher`). */
  matchedFeatures: TemplateData;
  /**
   * The terms that held at least partly: `feature` lower-cased, `matchExpressions` = the subset of
   * expressions that held, `matchName` present iff it matched (NFD v0.19.0 pkg/apis/nfd/nodefeaturerule/rule.go `evaluateFeatureMatcher` step 7).
   */
  matchedFeaturesTerms: FeatureMatcherTerm[];
}

/**
 * NFD's `MatchStatus`. `matchFeatureStatus` is absent when `matchFeatures` was not evaluated, or when
 * a term named a missing feature under fail-fast (Go's nil status). `matchAny` holds one status per
 * evaluated `matchAny` element; a nil Go status (missing feature under fail-fast) is represented by an
 * empty status so that indexes stay aligned with the rule's `matchAny` list.
 */
export interface MatchStatus {
  isMatch: boolean;
  matchFeatureStatus?: MatchFeatureStatus;
  matchAny: MatchFeatureStatus[];
}

/** The Go nil `*MatchFeatureStatus` as stored in `MatchStatus.matchAny`. */
export function emptyMatchFeatureStatus(): MatchFeatureStatus {
  return { matchedFeatures: {}, matchedFeaturesTerms: [] };
}
