/**
 * Conformance kind `expression` (shared/conformance/README.md): the operator and the expression-set
 * functions of NFD's expression.go, selected by `fn`.
 */

import {
  evaluateMatchExpression,
  evaluateMatchExpressionKeys,
  evaluateMatchExpressionValues,
  type MatchResult,
  matchGetInstances,
  matchGetKeys,
  matchGetValues,
  matchInstanceAttributeNames,
  matchKeyNames,
  matchMulti,
  matchNamesMulti,
  matchValueNames,
  type NameMatchResult,
} from '../../../src/core/match/expression.ts';
import type { InstanceFeature } from '../../../src/core/model/features.ts';
import type { MatchExpression, MatchExpressionSet } from '../../../src/core/model/rules.ts';
import { type Differences, runExpectingError } from '../compare.ts';
import type { KindRunner, Vector } from '../vector.ts';

type Keys = Record<string, unknown> | null;
type Values = Record<string, string> | null;
type Instances = InstanceFeature[] | null;

function record(d: Differences, expect: Record<string, unknown>, r: MatchResult | NameMatchResult): void {
  d.field(expect, 'match', r.isMatch);
  d.field(expect, 'matched', r.matched);
  if ('matchedExpressions' in r) d.field(expect, 'matchedExpressions', r.matchedExpressions);
}

export const runVector: KindRunner = (v: Vector) => {
  const expect = v.expect;
  const input = structuredClone(v.input);
  const keys = (v.keys ?? null) as Keys;
  const values = (v.values ?? null) as Values;
  const instances = (v.instances ?? null) as Instances;
  const failFast = v.failFast ?? true;
  const key = String(v.key ?? '');
  const expr = input as MatchExpression;
  const set = input as MatchExpressionSet;
  return runExpectingError(expect, (d) => {
    switch (v.fn) {
      case 'evaluate':
        d.field(expect, 'match', evaluateMatchExpression(expr, v.valid === true, v.value as string | null));
        return;
      case 'evaluateKeys':
        d.field(expect, 'match', evaluateMatchExpressionKeys(expr, key, keys));
        return;
      case 'evaluateValues':
        d.field(expect, 'match', evaluateMatchExpressionValues(expr, key, values));
        return;
      case 'matchKeys':
        record(d, expect, matchGetKeys(set, keys));
        return;
      case 'matchValues':
        record(d, expect, matchGetValues(set, values, failFast));
        return;
      case 'matchInstances':
        record(d, expect, matchGetInstances(set, instances, failFast));
        return;
      case 'matchKeyNames':
        record(d, expect, matchKeyNames(expr, keys));
        return;
      case 'matchValueNames':
        record(d, expect, matchValueNames(expr, values));
        return;
      case 'matchInstanceAttributeNames':
        record(d, expect, matchInstanceAttributeNames(expr, instances));
        return;
      case 'matchMulti':
        record(d, expect, matchMulti(set, keys, values, instances, failFast));
        return;
      case 'matchNamesMulti':
        record(d, expect, matchNamesMulti(expr, keys, values, instances));
        return;
      default:
        d.add(`unknown fn ${JSON.stringify(v.fn)} for kind expression`);
    }
  });
};
