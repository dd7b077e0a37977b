/**
 * NFD rule objects (pkg/apis/nfd/nodefeaturerule/v1alpha1), JSON field names as NFD's API.
 * See NFD v0.19.0 api/nfd/v1alpha1/types.go `Rule`, `MatchExpression`
 */

/** The match operators. `""` is the empty op (upstream `MatchAny`), accepted by the engine only. */
export const MATCH_OPS = [
  'In',
  'NotIn',
  'InRegexp',
  'Exists',
  'DoesNotExist',
  'Gt',
  'Ge',
  'Lt',
  'Le',
  'GtLt',
  'GeLe',
  'IsTrue',
  'IsFalse',
] as const;

/** A match operator name (`In`, `Exists`, `Gt`, ...). */
export type MatchOp = (typeof MATCH_OPS)[number] | '';

/** The only meaningful `type` value (comparison ops compare as versions). */
export type ValueType = 'version' | (string & {});

/** One match expression: an operator, its values and an optional value type. */
export interface MatchExpression {
  op: MatchOp;
  /** Go `[]string`; `undefined` is Go nil. */
  value?: string[] | null;
  type?: ValueType;
}

/** `{ELEMENT_NAME: MatchExpression}` — an unordered map. */
export type MatchExpressionSet = Record<string, MatchExpression>;

/** One `matchFeatures` term: a feature name and the expressions on its elements. */
export interface FeatureMatcherTerm {
  feature: string;
  /** Present-but-empty `{}` is not the same as absent (NFD v0.19.0 pkg/apis/nfd/nodefeaturerule/expression.go `MatchMulti`). */
  matchExpressions?: MatchExpressionSet | null;
  matchName?: MatchExpression | null;
}

/** A `matchFeatures` list: every term must match. */
export type FeatureMatcher = FeatureMatcherTerm[];

/** One `matchAny` element: a `matchFeatures` list; the rule needs one element to match. */
export interface MatchAnyElem {
  matchFeatures: FeatureMatcher;
}

export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

/** NodeFeatureRule `spec.rules[]`. */
export interface Rule {
  name: string;
  labels?: Record<string, string> | null;
  labelsTemplate?: string;
  annotations?: Record<string, string> | null;
  vars?: Record<string, string> | null;
  varsTemplate?: string;
  taints?: Taint[] | null;
  extendedResources?: Record<string, string> | null;
  matchFeatures?: FeatureMatcher | null;
  matchAny?: MatchAnyElem[] | null;
}

/** NodeFeatureGroup `spec.featureGroupRules[]` and image-compatibility `rules[]`. */
export interface GroupRule {
  name: string;
  vars?: Record<string, string> | null;
  varsTemplate?: string;
  matchFeatures?: FeatureMatcher | null;
  matchAny?: MatchAnyElem[] | null;
}

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [k: string]: unknown;
}

export interface NodeFeatureRule {
  apiVersion: string;
  kind: 'NodeFeatureRule';
  metadata: ObjectMeta;
  spec: { rules: Rule[] };
}

export interface NodeFeatureGroup {
  apiVersion: string;
  kind: 'NodeFeatureGroup';
  metadata: ObjectMeta;
  spec: { featureGroupRules: GroupRule[] };
  status?: { nodes?: { name: string }[] };
}
