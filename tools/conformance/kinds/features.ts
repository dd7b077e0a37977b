/** Conformance kind `features`: `Features.InsertAttributeFeatures(domain, feature, values)`. */

import { insertAttributeFeatures } from '../../../src/core/match/insert-attribute-features.ts';
import type { Features } from '../../../src/core/model/features.ts';
import { runExpectingError } from '../compare.ts';
import type { KindRunner, Vector } from '../vector.ts';

export const runVector: KindRunner = (v: Vector) => {
  const expect = v.expect;
  const features = structuredClone(v.features ?? {}) as Features;
  return runExpectingError(expect, (d) => {
    switch (v.fn) {
      case 'insertAttributeFeatures':
        insertAttributeFeatures(
          features,
          String(v.domain ?? ''),
          String(v.feature ?? ''),
          (v.values ?? null) as Record<string, string> | null,
        );
        d.field(expect, 'attributes', features.attributes ?? null);
        return;
      default:
        d.add(`unknown fn ${JSON.stringify(v.fn)} for kind features`);
    }
  });
};
