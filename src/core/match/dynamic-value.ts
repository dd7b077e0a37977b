/**
 * nfd-master's dynamic label / extended-resource values (NFD v0.19.0 pkg/nfd-master/nfd-master.go `processNodeFeatureRule`): a value `@dom.feat.elem`
 * is replaced by `attributes["dom.feat"].elements["elem"]`. Not part of the rule engine proper; it runs
 * on a rule's outputs.
 */

import { RuleEvaluationError } from '../../errors.ts';
import type { Features } from '../model/features.ts';

/** Whether `value` is a dynamic value reference (starts with `@`). */
export function isDynamicValue(value: string): boolean {
  return value.startsWith('@');
}

/**
 * nfd-master's `getDynamicValue`: drop the first character, split the rest at the first two dots
 * (the element may contain dots), and look the attribute up. Throws `RuleEvaluationError` for fewer
 * than three parts or a missing feature or element (nfd-master then drops that label).
 */
export function getDynamicValue(value: string, features: Features): string {
  const rest = value.slice(1);
  const d1 = rest.indexOf('.');
  const d2 = d1 < 0 ? -1 : rest.indexOf('.', d1 + 1);
  if (d2 < 0) {
    throw new RuleEvaluationError(
      `value ${value} is not in the form of '@domain.feature.element'`,
      'E_DYNAMIC_VALUE',
    );
  }
  const featureName = rest.slice(0, d2);
  const elementName = rest.slice(d2 + 1);
  const attrs = features.attributes;
  const set = attrs != null && Object.hasOwn(attrs, featureName) ? attrs[featureName] : undefined;
  if (set === undefined) throw new RuleEvaluationError(`feature ${featureName} not found`, 'E_DYNAMIC_VALUE');
  const elements = set.elements;
  if (elements == null || !Object.hasOwn(elements, elementName)) {
    throw new RuleEvaluationError(
      `element ${elementName} not found on feature ${featureName}`,
      'E_DYNAMIC_VALUE',
    );
  }
  return elements[elementName]!;
}
