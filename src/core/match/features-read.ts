/**
 * The features a spec's rules look up, by the names the engine looks them up under (lower-cased:
 * term.ts `lookupFeature`). Evaluation reads no other feature set: the cluster commands keep only
 * these of each node's objects, and validate-node discovers only these on the host.
 */
import type { Spec } from '../model/spec.ts';
import { parseFeatureName } from './term.ts';

/** The feature names the sets kept by `tags` (all when empty) read, as `domain.feature`. */
export function featuresRead(spec: Spec, tags: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const c of spec.compatibilities ?? []) {
    if (tags.length > 0 && !tags.includes(c.tag ?? '')) continue;
    for (const rule of c.rules ?? []) {
      const matchers = [rule.matchFeatures ?? [], ...(rule.matchAny ?? []).map((a) => a.matchFeatures ?? [])];
      for (const terms of matchers) for (const t of terms) out.add(parseFeatureName(t.feature ?? '').lowered);
    }
  }
  return out;
}
