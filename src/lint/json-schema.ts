/**
 * JSON Schemas (draft-07, what editors' YAML language servers read) for the image-compatibility spec
 * v1alpha1 (NFD api/image-compatibility/v1alpha1) and for NodeFeatureRule / NodeFeatureGroup
 * (NFD pkg/apis/nfd/nodefeaturerule/v1alpha1 types.go). Op names and value counts follow NFD's
 * `evaluateMatchExpression` checks (pkg/apis/nfd/nodefeaturerule/expression.go); feature names are
 * offered from the lint catalogue, but any name is allowed (custom sources, NFD's own test features).
 * Field names are written as NFD spells them; NFD also accepts other letter cases, the schema does not.
 */
import { MATCH_OPS } from '../core/model/rules.ts';
import { CATALOGUE, FEATURE_NAMES } from './catalogue.ts';

type Schema = Record<string, unknown>;

const NO_VALUE = ['Exists', 'DoesNotExist', 'IsTrue', 'IsFalse'];
const LIST = ['In', 'NotIn', 'InRegexp'];
const ONE = ['Gt', 'Ge', 'Lt', 'Le'];
const TWO = ['GtLt', 'GeLe'];

const scalar = { type: ['string', 'number', 'boolean'] };
const stringMap = { type: ['object', 'null'], additionalProperties: { type: 'string' } };

function opCount(ops: string[], value: Schema, required = true): Schema {
  return {
    if: { properties: { op: { enum: ops } }, required: ['op'] },
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword
    then: { properties: { value }, ...(required ? { required: ['value'] } : {}) },
  };
}

const definitions: Record<string, Schema> = {
  matchExpression: {
    type: 'object',
    description: 'an operator and its values, applied to one element',
    properties: {
      op: {
        enum: [...MATCH_OPS],
        description:
          'In/NotIn/InRegexp: one or more values; Exists/DoesNotExist/IsTrue/IsFalse: no values; Gt/Ge/Lt/Le: one integer; GtLt/GeLe: two integers (with `type: version`: versions)',
      },
      value: { type: ['array', 'null'], items: scalar },
      type: { enum: ['version'], description: 'compare Gt/Ge/Lt/Le/GtLt/GeLe values as versions' },
    },
    required: ['op'],
    additionalProperties: false,
    allOf: [
      opCount(NO_VALUE, { type: ['array', 'null'], maxItems: 0 }, false),
      opCount(LIST, { type: 'array', minItems: 1 }),
      opCount(ONE, { type: 'array', minItems: 1, maxItems: 1 }),
      opCount(TWO, { type: 'array', minItems: 2, maxItems: 2 }),
      {
        if: {
          properties: { op: { enum: [...ONE, ...TWO] }, type: { not: { const: 'version' } } },
          required: ['op'],
        },
        // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword
        then: { properties: { value: { items: { type: ['string', 'number'], pattern: '^[+-]?[0-9]+$' } } } },
      },
    ],
  },
  featureName: {
    description: 'domain.feature, e.g. cpu.cpuid, kernel.loadedmodule, pci.device',
    anyOf: [
      ...FEATURE_NAMES.map((n) => ({
        const: n,
        description: `${CATALOGUE[n]!.type}: ${CATALOGUE[n]!.description}`,
      })),
      { type: 'string', minLength: 1 },
    ],
  },
  featureMatcherTerm: {
    type: 'object',
    properties: {
      feature: { $ref: '#/definitions/featureName' },
      matchExpressions: {
        type: ['object', 'null'],
        description: 'element name → expression; every expression must hold',
        additionalProperties: { $ref: '#/definitions/matchExpression' },
      },
      matchName: {
        anyOf: [{ type: 'null' }, { $ref: '#/definitions/matchExpression' }],
        description: 'an expression on the element names themselves',
      },
    },
    required: ['feature'],
    additionalProperties: false,
  },
  featureMatcher: { type: ['array', 'null'], items: { $ref: '#/definitions/featureMatcherTerm' } },
  matchAny: {
    type: ['array', 'null'],
    items: {
      type: 'object',
      properties: { matchFeatures: { $ref: '#/definitions/featureMatcher' } },
      required: ['matchFeatures'],
      additionalProperties: false,
    },
  },
  groupRule: {
    type: 'object',
    properties: {
      name: { type: 'string', minLength: 1 },
      vars: stringMap,
      varsTemplate: { type: 'string' },
      matchFeatures: { $ref: '#/definitions/featureMatcher' },
      matchAny: { $ref: '#/definitions/matchAny' },
    },
    required: ['name'],
    additionalProperties: false,
  },
  rule: {
    type: 'object',
    properties: {
      name: { type: 'string', minLength: 1 },
      labels: stringMap,
      labelsTemplate: { type: 'string' },
      annotations: stringMap,
      vars: stringMap,
      varsTemplate: { type: 'string' },
      taints: {
        type: ['array', 'null'],
        items: {
          type: 'object',
          properties: {
            key: { type: 'string' },
            value: { type: 'string' },
            effect: { enum: ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] },
            timeAdded: {},
          },
          required: ['key', 'effect'],
          additionalProperties: false,
        },
      },
      extendedResources: stringMap,
      matchFeatures: { $ref: '#/definitions/featureMatcher' },
      matchAny: { $ref: '#/definitions/matchAny' },
    },
    required: ['name'],
    additionalProperties: false,
  },
};

/** The image-compatibility spec (`version: v1alpha1`, `compatibilities`). */
export function specSchema(): Schema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'NFD image compatibility spec v1alpha1',
    type: 'object',
    properties: {
      version: { const: 'v1alpha1' },
      compatibilities: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            rules: { type: ['array', 'null'], items: { $ref: '#/definitions/groupRule' } },
            weight: { type: 'integer' },
            tag: { type: 'string' },
            description: { type: 'string' },
          },
          additionalProperties: false,
        },
      },
    },
    required: ['version', 'compatibilities'],
    additionalProperties: false,
    definitions,
  };
}

const objectMeta = { type: 'object', properties: { name: { type: 'string' } } };

/** A NodeFeatureRule or a NodeFeatureGroup (nfd.k8s-sigs.io/v1alpha1). */
export function nfrSchema(): Schema {
  const top = (kind: string, spec: Schema) => ({
    type: 'object',
    properties: {
      apiVersion: { const: 'nfd.k8s-sigs.io/v1alpha1' },
      kind: { const: kind },
      metadata: objectMeta,
      spec,
      status: {},
    },
    required: ['apiVersion', 'kind', 'spec'],
    additionalProperties: false,
  });
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'NFD NodeFeatureRule / NodeFeatureGroup (nfd.k8s-sigs.io/v1alpha1)',
    oneOf: [
      top('NodeFeatureRule', {
        type: 'object',
        properties: { rules: { type: 'array', items: { $ref: '#/definitions/rule' } } },
        required: ['rules'],
        additionalProperties: false,
      }),
      top('NodeFeatureGroup', {
        type: 'object',
        properties: { featureGroupRules: { type: 'array', items: { $ref: '#/definitions/groupRule' } } },
        required: ['featureGroupRules'],
        additionalProperties: false,
      }),
    ],
    definitions,
  };
}
