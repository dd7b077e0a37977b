/**
 * NFD's `Features.InsertAttributeFeatures(domain, feature, values)` (api/nfd/v1alpha1), the primitive
 * behind the `rule.matched` back-reference (NFD v0.19.0 pkg/nfd-master/nfd-master.go `processNodeFeatureRule`).
 */

import type { Features } from '../model/features.ts';
import { copyInto, setOwn } from './own.ts';

/** The back-reference feature NFD feeds rule outputs into: `rule.matched`. */
export const RULE_BACKREF_DOMAIN = 'rule';
export const RULE_BACKREF_FEATURE = 'matched';

/**
 * Create the attribute feature `<domain>.<feature>` from `values` (an empty map when `values` is
 * null) if it is missing, otherwise merge `values` into it, overwriting existing keys. Changes
 * `features` in place. Unlike Go, the new feature gets its own copy of `values` (Go aliases the map;
 * nothing observable depends on that).
 */
export function insertAttributeFeatures(
  features: Features,
  domain: string,
  feature: string,
  values: Readonly<Record<string, string>> | null | undefined,
): void {
  if (features.attributes == null) features.attributes = {};
  const attrs = features.attributes;
  const key = `${domain}.${feature}`;
  const existing = Object.hasOwn(attrs, key) ? attrs[key] : undefined;
  if (existing === undefined) {
    const elements: Record<string, string> = {};
    copyInto(elements, values);
    setOwn(attrs, key, { elements });
    return;
  }
  // Go would panic copying into a nil map; we create it instead.
  if (existing.elements == null) existing.elements = {};
  copyInto(existing.elements, values);
}
