/**
 * NFD's `MatchExpression.String()` (api/nfd/v1alpha1): `{op: "In", value: ["a" "b"]}`, or
 * `{op: "Exists"}` when there are no values. Go's `%q` quotes each value and, for a `[]string`,
 * separates them with a space and no comma. `type` is not shown. Used for the report's sort key and
 * for the Expression column of the table (NFD v0.19.0 pkg/client-nfd/compat/node-validator/node-validator.go).
 */

import { quote as goQuote } from '../../go/strconv.ts';
import type { MatchExpression } from '../model/rules.ts';

export function expressionString(e: MatchExpression): string {
  const op = goQuote(e.op ?? '');
  const values = e.value ?? [];
  if (values.length < 1) return `{op: ${op}}`;
  return `{op: ${op}, value: [${values.map(goQuote).join(' ')}]}`;
}
