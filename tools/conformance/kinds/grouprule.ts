/** Conformance kind `grouprule`: NFD's `ExecuteGroupRule(rule, features, failFast)`. */

import { executeGroupRule } from '../../../src/core/match/rule.ts';
import type { Features } from '../../../src/core/model/features.ts';
import type { GroupRule } from '../../../src/core/model/rules.ts';
import { runExpectingError } from '../compare.ts';
import type { KindRunner, Vector } from '../vector.ts';

export const runVector: KindRunner = (v: Vector) => {
  const expect = v.expect;
  const features = structuredClone(v.features ?? {}) as Features;
  const rule = structuredClone(v.input) as GroupRule;
  return runExpectingError(expect, (d) => {
    const out = executeGroupRule(rule, features, v.failFast ?? true);
    d.field(expect, 'match', out.matchStatus.isMatch);
    d.field(expect, 'vars', out.vars);
  });
};
