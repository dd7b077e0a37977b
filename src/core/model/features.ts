/**
 * NFD's `Features` data model (pkg/apis/nfd/nodefeature/v1alpha1 `Features`), with NFD's JSON field names.
 *
 * Nil vs empty matters (NFD v0.19.0 api/nfd/v1alpha1/types.go `Features`): a feature set whose `elements` is absent/null is *absent*,
 * `{}` is *present but empty*. We model an absent set by leaving the key out of the map (or by
 * `elements: null`), and callers must use `hasFlagSet` / `hasAttributeSet` rather than truthiness.
 */

/** A flag feature: a set of names with no value. */
export interface FlagFeatureSet {
  elements: Record<string, Record<string, never>> | null;
}

/** An attribute feature: name → string value. */
export interface AttributeFeatureSet {
  elements: Record<string, string> | null;
}

/** One instance of an instance feature (a PCI device, a NIC, ...). */
export interface InstanceFeature {
  attributes: Record<string, string>;
}

/** An instance feature: an ordered list of instances. */
export interface InstanceFeatureSet {
  elements: InstanceFeature[] | null;
}

/** A node's features, keyed by `<domain>.<feature>` (e.g. `cpu.cpuid`). Any map may be missing. */
export interface Features {
  flags?: Record<string, FlagFeatureSet>;
  attributes?: Record<string, AttributeFeatureSet>;
  instances?: Record<string, InstanceFeatureSet>;
}

/** Present (non-nil elements) flag set for `name`, or undefined when absent (Go nil). */
export function flagElements(f: Features, name: string): Record<string, Record<string, never>> | undefined {
  const set = f.flags?.[name];
  return set?.elements ?? undefined;
}

/** Present (non-nil elements) attribute set for `name`, or undefined when absent (Go nil). */
export function attributeElements(f: Features, name: string): Record<string, string> | undefined {
  const set = f.attributes?.[name];
  return set?.elements ?? undefined;
}

/** Instance list for `name`, or undefined when absent (nil and empty behave the same for instances). */
export function instanceElements(f: Features, name: string): InstanceFeature[] | undefined {
  const set = f.instances?.[name];
  return set?.elements ?? undefined;
}

/** An empty Features value with all three maps present. */
export function emptyFeatures(): Features {
  return { flags: {}, attributes: {}, instances: {} };
}
