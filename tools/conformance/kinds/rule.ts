/** Conformance kind `rule`: NFD's `Execute(rule, features, failFast)` on a NodeFeatureRule rule. */

import { executeRule } from '../../../src/core/match/rule.ts';
import type { Features } from '../../../src/core/model/features.ts';
import type { Rule } from '../../../src/core/model/rules.ts';
import { runExpectingError } from '../compare.ts';
import type { KindRunner, Vector } from '../vector.ts';

export const runVector: KindRunner = (v: Vector) => {
  const expect = v.expect;
  const features = structuredClone(v.features ?? {}) as Features;
  const rule = structuredClone(v.input) as Rule;
  return runExpectingError(expect, (d) => {
    const out = executeRule(rule, features, v.failFast ?? true);
    d.field(expect, 'match', out.matchStatus.isMatch);
    d.field(expect, 'labels', out.labels);
    d.field(expect, 'vars', out.vars);
    d.field(expect, 'annotations', out.annotations);
    d.field(expect, 'extendedResources', out.extendedResources);
    d.field(expect, 'taints', out.taints);
  });
};
