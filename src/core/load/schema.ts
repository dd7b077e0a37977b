/**
 * The Go types NFD decodes its documents into, as `TypeDesc`s for the Go-compatible YAML decoder:
 * NFD's `pkg/apis/nfd/v1alpha1` (MatchExpression ... NodeFeatureGroup, Features, NodeFeature) and the
 * image-compatibility `Spec` (NFD v0.19.0 api/nfd/v1alpha1/types.go `Rule`, `MatchExpression`; NFD v0.19.0 api/image-compatibility/v1alpha1/spec.go; NFD v0.19.0 pkg/nfd-master/nfd-master.go `getAndMergeNodeFeatures`; NFD v0.19.0 api/nfd/v1alpha1/types.go `NodeFeatureGroup`). Field names
 * are the JSON tags. `zero` fills the Go zero value of fields the model declares as required.
 */
import { ANY, INT, listOf, mapOf, STRING, struct, type TypeDesc } from './go-yaml.ts';

const emptyString = () => '';
const emptyList = () => [];

export const MATCH_EXPRESSION = struct(
  'MatchExpression',
  { op: STRING, value: listOf(STRING), type: STRING },
  { zero: { op: emptyString } },
);

/**
 * `MatchExpressionSet` is `map[string]*MatchExpression`: a null entry is a nil pointer, which NFD's
 * engine dereferences (a crash), so it is an error here.
 */
export const MATCH_EXPRESSION_SET = mapOf(
  MATCH_EXPRESSION,
  'a match expression must be an object such as {op: Exists}, not null (NFD would crash on it)',
);

export const FEATURE_MATCHER_TERM = struct(
  'feature matcher term',
  { feature: STRING, matchExpressions: MATCH_EXPRESSION_SET, matchName: MATCH_EXPRESSION },
  { zero: { feature: emptyString } },
);

export const FEATURE_MATCHER = listOf(FEATURE_MATCHER_TERM);

export const MATCH_ANY_ELEM = struct(
  'matchAny element',
  { matchFeatures: FEATURE_MATCHER },
  { zero: { matchFeatures: emptyList } },
);

const STRING_MAP = mapOf(STRING);

export const GROUP_RULE = struct(
  'rule',
  {
    name: STRING,
    vars: STRING_MAP,
    varsTemplate: STRING,
    matchFeatures: FEATURE_MATCHER,
    matchAny: listOf(MATCH_ANY_ELEM),
  },
  { zero: { name: emptyString } },
);

/** corev1.Taint; `timeAdded` is a metav1.Time (its own JSON unmarshaller, so no coercion). */
export const TAINT = struct(
  'taint',
  { key: STRING, value: STRING, effect: STRING, timeAdded: ANY },
  { zero: { key: emptyString, effect: emptyString } },
);

export const RULE = struct(
  'rule',
  {
    name: STRING,
    labels: STRING_MAP,
    labelsTemplate: STRING,
    annotations: STRING_MAP,
    vars: STRING_MAP,
    varsTemplate: STRING,
    taints: listOf(TAINT),
    extendedResources: STRING_MAP,
    matchFeatures: FEATURE_MATCHER,
    matchAny: listOf(MATCH_ANY_ELEM),
  },
  { zero: { name: emptyString } },
);

export const COMPATIBILITY = struct(
  'compatibility set',
  { rules: listOf(GROUP_RULE), weight: INT, tag: STRING, description: STRING },
  { zero: { rules: emptyList } },
);

export const SPEC = struct(
  'compatibility spec',
  { version: STRING, compatibilities: listOf(COMPATIBILITY) },
  { zero: { version: emptyString, compatibilities: emptyList } },
);

/** metav1.ObjectMeta: the fields we read are typed; the many others are accepted without warning. */
export const OBJECT_META = struct(
  'metadata',
  {
    name: STRING,
    generateName: STRING,
    namespace: STRING,
    labels: STRING_MAP,
    annotations: STRING_MAP,
    finalizers: listOf(STRING),
  },
  { open: true },
);

const TYPE_META = { apiVersion: STRING, kind: STRING };

export const NODE_FEATURE_RULE = struct(
  'NodeFeatureRule',
  {
    ...TYPE_META,
    metadata: OBJECT_META,
    spec: struct('NodeFeatureRule spec', { rules: listOf(RULE) }, { zero: { rules: emptyList } }),
    status: ANY,
  },
  { zero: { apiVersion: emptyString, kind: emptyString, metadata: () => ({}), spec: () => ({ rules: [] }) } },
);

export const NODE_FEATURE_GROUP = struct(
  'NodeFeatureGroup',
  {
    ...TYPE_META,
    metadata: OBJECT_META,
    spec: struct(
      'NodeFeatureGroup spec',
      { featureGroupRules: listOf(GROUP_RULE) },
      { zero: { featureGroupRules: emptyList } },
    ),
    status: struct('NodeFeatureGroup status', { nodes: listOf(struct('node', { name: STRING })) }),
  },
  {
    zero: {
      apiVersion: emptyString,
      kind: emptyString,
      metadata: () => ({}),
      spec: () => ({ featureGroupRules: [] }),
    },
  },
);

/**
 * Only `kind` (and `apiVersion`), as `kubectl nfd` first reads a file into metav1.TypeMeta. The rest
 * of the document is not walked: the full decode that follows reports its problems.
 */
export const TYPE_META_ONLY = struct('object', TYPE_META, { open: true, skipUnknown: true });

/** `Nil` (`struct{}`), the value of a flag element. */
const NIL = struct('flag element', {}, { open: true });

export const FEATURES: TypeDesc = struct('Features', {
  flags: mapOf(struct('flag feature set', { elements: mapOf(NIL) })),
  attributes: mapOf(struct('attribute feature set', { elements: STRING_MAP })),
  instances: mapOf(
    struct('instance feature set', {
      elements: listOf(struct('instance', { attributes: STRING_MAP }, { zero: { attributes: () => ({}) } })),
    }),
  ),
});

export const NODE_FEATURE = struct(
  'NodeFeature',
  {
    ...TYPE_META,
    metadata: OBJECT_META,
    spec: struct('NodeFeature spec', { features: FEATURES, labels: STRING_MAP }),
  },
  { zero: { metadata: () => ({}), spec: () => ({}) } },
);

export const NODE_FEATURE_LIST = struct(
  'NodeFeatureList',
  { ...TYPE_META, metadata: struct('list metadata', {}, { open: true }), items: listOf(NODE_FEATURE) },
  { zero: { items: emptyList } },
);
