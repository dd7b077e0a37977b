/**
 * Conformance kind `rule-sequence`: nfd-master's rule loop with `rule.matched` back-references.
 * `expect.results` is one `{match, error}` per rule.
 */

import { executeRuleSequence } from '../../../src/core/match/sequence.ts';
import type { Features } from '../../../src/core/model/features.ts';
import type { Rule } from '../../../src/core/model/rules.ts';
import { runExpectingError } from '../compare.ts';
import type { KindRunner, Vector } from '../vector.ts';

export const runVector: KindRunner = (v: Vector) => {
  const expect = v.expect;
  const features = structuredClone(v.features ?? {}) as Features;
  const rules = structuredClone(v.input ?? []) as Rule[];
  return runExpectingError({ ...expect, error: false }, (d) => {
    const out = executeRuleSequence(rules, features);
    d.field(
      expect,
      'results',
      out.steps.map((s) => ({ match: s.output?.matchStatus.isMatch ?? false, error: s.error !== undefined })),
    );
    d.field(expect, 'labels', out.labels);
    const rm = features.attributes?.['rule.matched'];
    d.field(expect, 'ruleMatched', rm === undefined ? null : (rm.elements ?? null));
  });
};
