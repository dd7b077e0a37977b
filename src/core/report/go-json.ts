/**
 * The exact bytes Go's `encoding/json.Marshal` produces for the validate-node report (NFD v0.19.0 pkg/apis/nfd/nodefeaturerule
 * NFD v0.19.0 cmd/nfd/subcmd/compat/validate-node.go): compact, struct-field key order, `omitempty` where NFD's struct tags say so, HTML-safe
 * string escaping. `nfd compat validate-node --output-json` prints these bytes with no trailing
 * newline; the conformance vectors compare them byte for byte (`expect.json_text`).
 *
 * A generic `JSON.stringify` is not enough: it keeps `<`, `>`, `&`, U+2028 and U+2029 as they are and
 * writes lone surrogates as `\udXXX`, where Go writes `\u003c` ... and U+FFFD.
 */
import { quote } from '../../go/json.ts';
import type {
  CompatibilityStatus,
  MatchAnyElemStatus,
  MatchedExpression,
  ProcessedRuleStatus,
} from '../model/report.ts';
import type { MatchExpression } from '../model/rules.ts';

/** A Go `int` field. NFD's weight is an `int`; non-integers cannot come from a decoded spec. */
function goInt(n: number): string {
  if (!Number.isFinite(n)) return '0';
  return Number.isSafeInteger(n) ? String(n) : BigInt(Math.trunc(n)).toString();
}

function stringList(values: readonly string[]): string {
  let out = '[';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    out += quote(values[i]!);
  }
  return `${out}]`;
}

/** NFD `MatchExpression`: `op`, `value,omitempty`, `type,omitempty`. */
export function marshalMatchExpression(e: MatchExpression): string {
  let out = `{"op":${quote(e.op ?? '')}`;
  if (e.value && e.value.length > 0) out += `,"value":${stringList(e.value)}`;
  if (e.type) out += `,"type":${quote(e.type)}`;
  return `${out}}`;
}

/** `MatchedExpression`: every field always present; `expression` is a pointer (null if missing). */
function marshalMatchedExpression(m: MatchedExpression): string {
  return (
    `{"feature":${quote(m.feature)},"name":${quote(m.name)},` +
    `"expression":${m.expression ? marshalMatchExpression(m.expression) : 'null'},` +
    `"matcherType":${quote(m.matcherType)},"isMatch":${m.isMatch ? 'true' : 'false'}}`
  );
}

function matchedList(list: readonly MatchedExpression[]): string {
  return `[${list.map(marshalMatchedExpression).join(',')}]`;
}

/** `MatchAnyElem.matchedExpressions` has no omitempty: a nil slice is `null`. */
function marshalMatchAnyElem(e: MatchAnyElemStatus): string {
  return `{"matchedExpressions":${e.matchedExpressions == null ? 'null' : matchedList(e.matchedExpressions)}}`;
}

/** `ProcessedRuleStatus`: `name`, `isMatch`, `matchedExpressions,omitempty`, `matchedAny,omitempty`. */
function marshalRuleStatus(r: ProcessedRuleStatus): string {
  let out = `{"name":${quote(r.name)},"isMatch":${r.isMatch ? 'true' : 'false'}`;
  if (r.matchedExpressions && r.matchedExpressions.length > 0) {
    out += `,"matchedExpressions":${matchedList(r.matchedExpressions)}`;
  }
  if (r.matchedAny && r.matchedAny.length > 0) {
    out += `,"matchedAny":[${r.matchedAny.map(marshalMatchAnyElem).join(',')}]`;
  }
  return `${out}}`;
}

/** `CompatibilityStatus`: `rules` (null when nil), then `description`, `weight`, `tag`, all omitempty. */
function marshalCompatibilityStatus(c: CompatibilityStatus): string {
  let out = `{"rules":${c.rules == null ? 'null' : `[${c.rules.map(marshalRuleStatus).join(',')}]`}`;
  if (c.description) out += `,"description":${quote(c.description)}`;
  if (c.weight) out += `,"weight":${goInt(c.weight)}`;
  if (c.tag) out += `,"tag":${quote(c.tag)}`;
  return `${out}}`;
}

/**
 * `json.Marshal([]*CompatibilityStatus)`: the whole report, exactly as `--output-json` prints it
 * (no trailing newline). An empty report is `[]`: NFD starts from an empty, non-nil slice.
 */
export function marshalReport(report: readonly CompatibilityStatus[]): string {
  return `[${report.map(marshalCompatibilityStatus).join(',')}]`;
}
