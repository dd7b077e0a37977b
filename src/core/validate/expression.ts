/**
 * Static checks of one MatchExpression: every error NFD's `evaluateMatchExpression` would raise
 * (NFD v0.19.0 pkg/apis/nfd/nodefeaturerule/expression.go `evaluateMatchExpression`) is found up front instead of only when the element exists on some node
 * (NFD validates lazily). Errors are what makes NFD fail the whole rule at evaluation time; warnings
 * are things NFD accepts but that do not do what they seem to.
 */

import { formatStringSlice as goStringList } from '../../go/fmt.ts';
import { compileRegexp, RegexpError } from '../../go/regexp.ts';
import { parseVersionForCompare, VersionError } from '../../go/semver.ts';
import { atoi, quote as goQuote } from '../../go/strconv.ts';
import { childPath } from '../load/positions.ts';
import { MATCH_OPS, type MatchExpression } from '../model/rules.ts';

export interface Issue {
  severity: 'error' | 'warning';
  message: string;
  /** Path of the offending value in the decoded document (positions.ts format). */
  path: string;
  /** Point at the map key of `path` rather than at its value. */
  at?: 'key';
}

const VALID_OPS_TEXT = MATCH_OPS.join(', ');
const SINGLE_VALUE_OPS = new Set(['Gt', 'Ge', 'Lt', 'Le']);
const RANGE_OPS = new Set(['GtLt', 'GeLe']);
const NO_VALUE_OPS = new Set(['Exists', 'DoesNotExist', 'IsTrue', 'IsFalse', '']);
const NON_EMPTY_OPS = new Set(['In', 'NotIn', 'InRegexp']);

export function isComparisonOp(op: string): boolean {
  return SINGLE_VALUE_OPS.has(op) || RANGE_OPS.has(op);
}

/** Check `e` (at `path`) the way NFD's engine would when it meets a value. */
export function validateMatchExpression(e: MatchExpression, path: string): Issue[] {
  const issues: Issue[] = [];
  const op = e.op ?? '';
  const values = e.value ?? [];
  const type = e.type ?? '';
  const opPath = childPath(path, 'op');
  const valuePath = childPath(path, 'value');
  const err = (message: string, p = path) => issues.push({ severity: 'error', message, path: p });
  const warn = (message: string, p = path) => issues.push({ severity: 'warning', message, path: p });

  if (op !== '' && !(MATCH_OPS as readonly string[]).includes(op)) {
    err(`invalid Op ${goQuote(op)}: the valid ops are ${VALID_OPS_TEXT}`, opPath);
    return issues;
  }
  if (op === '') {
    // NFD's engine treats the empty op (upstream `MatchAny`) as "always true", even for an element
    // that does not exist; the CRD schema rejects it. Almost certainly a forgotten `op`.
    warn(`missing op: NFD then matches anything; use one of ${VALID_OPS_TEXT}`, path);
  }
  if (NO_VALUE_OPS.has(op)) {
    if (values.length !== 0) {
      err(
        `invalid expression, 'value' field must be empty for Op ${goQuote(op)} (have ${goStringList(values)})`,
        valuePath,
      );
    }
  } else if (NON_EMPTY_OPS.has(op)) {
    if (values.length === 0)
      err(`invalid expression, 'value' field must be non-empty for Op ${goQuote(op)}`, valuePath);
    if (op === 'InRegexp') {
      values.forEach((v, i) => {
        try {
          compileRegexp(v);
        } catch (ex) {
          if (!(ex instanceof RegexpError)) throw ex;
          err(`invalid regexp ${goQuote(v)} for Op "InRegexp": ${ex.message}`, childPath(valuePath, i));
        }
      });
    }
  } else if (isComparisonOp(op)) {
    validateComparison(op, values, type, path, err);
  }
  if (type !== '' && !isComparisonOp(op)) {
    warn(
      `'type' is ignored by Op ${goQuote(op)}: only Gt, Ge, Lt, Le, GtLt and GeLe use it`,
      childPath(path, 'type'),
    );
  }
  return issues;
}

function validateComparison(
  op: string,
  values: readonly string[],
  type: string,
  path: string,
  err: (message: string, p?: string) => void,
): void {
  const valuePath = childPath(path, 'value');
  const single = SINGLE_VALUE_OPS.has(op);
  if (single && values.length !== 1) {
    err(
      `invalid expression, 'value' field must contain exactly one element for Op ${goQuote(op)} (have ${goStringList(values)})`,
      valuePath,
    );
    return;
  }
  if (!single && values.length !== 2) {
    err(
      `invalid expression, 'value' field must contain exactly two elements for Op ${goQuote(op)} (have ${goStringList(values)})`,
      valuePath,
    );
    return;
  }
  if (type !== '' && type !== 'version') {
    err(
      `invalid expression, 'type' field only accepts "version" value for Op ${goQuote(op)} (have ${goQuote(type)})`,
      childPath(path, 'type'),
    );
    return;
  }
  if (type === 'version') {
    values.forEach((v, i) => {
      try {
        parseVersionForCompare(v);
      } catch (ex) {
        if (!(ex instanceof VersionError)) throw ex;
        err(
          `not a version ${goQuote(v)} for Op ${goQuote(op)} with type: version (${ex.message})`,
          childPath(valuePath, i),
        );
      }
    });
    return;
  }
  const ints: Array<number | bigint> = [];
  values.forEach((v, i) => {
    try {
      ints.push(atoi(v));
    } catch {
      err(
        `not a number ${goQuote(v)}: Op ${goQuote(op)} compares integers (add "type: version" to compare versions)`,
        childPath(valuePath, i),
      );
    }
  });
  if (!single && ints.length === 2 && ints[0]! >= ints[1]!) {
    err(
      `invalid expression, value[0] must be less than Value[1] for Op ${goQuote(op)} (have ${goStringList(values)})`,
      valuePath,
    );
  }
}
