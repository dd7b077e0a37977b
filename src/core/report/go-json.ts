/**
 * The exact bytes Go's `encoding/json.Marshal` produces for the validate-node report (nfd-rules.md
 * §10.5): compact, struct-field key order, `omitempty` where NFD's struct tags say so, HTML-safe
 * string escaping. `nfd compat validate-node --output-json` prints these bytes with no trailing
 * newline; the conformance vectors compare them byte for byte (`expect.json_text`).
 *
 * A generic `JSON.stringify` is not enough: it keeps `<`, `>`, `&`, U+2028 and U+2029 as they are and
 * writes lone surrogates as `\udXXX`, where Go writes `\u003c` ... and U+FFFD.
 */
import type {
  CompatibilityStatus,
  MatchAnyElemStatus,
  MatchedExpression,
  ProcessedRuleStatus,
} from '../model/report.ts';
import type { MatchExpression } from '../model/rules.ts';

const HEX = '0123456789abcdef';

/**
 * Go's `encodeState.string` with `escapeHTML = true` (what `json.Marshal` uses).
 * - `"` and `\` are backslash-escaped; `\b \f \n \r \t` use their short forms (Go >= 1.22; older Go
 *   wrote `\u0008` and `\u000c`), other bytes below 0x20 become `\u00XX` (lower-case hex).
 * - `<`, `>`, `&` become `\u003c`, `\u003e`, `\u0026` so the output is safe inside HTML.
 * - U+2028 and U+2029 become `\u2028` / `\u2029` (JavaScript line terminators).
 * - Invalid UTF-8 becomes U+FFFD; a JS string cannot hold invalid UTF-8, but it can hold a lone
 *   surrogate, which is the same situation, so it is written as the replacement character `\ufffd`
 *   (Go writes the escape `\ufffd` for invalid bytes).
 * - DEL (0x7f) and every other code point are written as they are.
 */
export function goJsonString(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | undefined;
    if (c < 0x20) {
      switch (c) {
        case 0x08:
          esc = '\\b';
          break;
        case 0x0c:
          esc = '\\f';
          break;
        case 0x0a:
          esc = '\\n';
          break;
        case 0x0d:
          esc = '\\r';
          break;
        case 0x09:
          esc = '\\t';
          break;
        default:
          esc = `\\u00${HEX[c >> 4]}${HEX[c & 0xf]}`;
      }
    } else if (c === 0x22) {
      esc = '\\"';
    } else if (c === 0x5c) {
      esc = '\\\\';
    } else if (c === 0x3c) {
      esc = '\\u003c';
    } else if (c === 0x3e) {
      esc = '\\u003e';
    } else if (c === 0x26) {
      esc = '\\u0026';
    } else if (c === 0x2028) {
      esc = '\\u2028';
    } else if (c === 0x2029) {
      esc = '\\u2029';
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++; // a valid pair: written as is
        continue;
      }
      esc = '\\ufffd';
    }
    if (esc !== undefined) {
      out += s.slice(start, i) + esc;
      start = i + 1;
    }
  }
  return `${out}${s.slice(start)}"`;
}

/** A Go `int` field. NFD's weight is an `int`; non-integers cannot come from a decoded spec. */
function goInt(n: number): string {
  if (!Number.isFinite(n)) return '0';
  return Number.isSafeInteger(n) ? String(n) : BigInt(Math.trunc(n)).toString();
}

function stringList(values: readonly string[]): string {
  let out = '[';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    out += goJsonString(values[i]!);
  }
  return `${out}]`;
}

/** NFD `MatchExpression`: `op`, `value,omitempty`, `type,omitempty`. */
export function marshalMatchExpression(e: MatchExpression): string {
  let out = `{"op":${goJsonString(e.op ?? '')}`;
  if (e.value && e.value.length > 0) out += `,"value":${stringList(e.value)}`;
  if (e.type) out += `,"type":${goJsonString(e.type)}`;
  return `${out}}`;
}

/** `MatchedExpression`: every field always present; `expression` is a pointer (null if missing). */
function marshalMatchedExpression(m: MatchedExpression): string {
  return (
    `{"feature":${goJsonString(m.feature)},"name":${goJsonString(m.name)},` +
    `"expression":${m.expression ? marshalMatchExpression(m.expression) : 'null'},` +
    `"matcherType":${goJsonString(m.matcherType)},"isMatch":${m.isMatch ? 'true' : 'false'}}`
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
  let out = `{"name":${goJsonString(r.name)},"isMatch":${r.isMatch ? 'true' : 'false'}`;
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
  if (c.description) out += `,"description":${goJsonString(c.description)}`;
  if (c.weight) out += `,"weight":${goInt(c.weight)}`;
  if (c.tag) out += `,"tag":${goJsonString(c.tag)}`;
  return `${out}}`;
}

/**
 * `json.Marshal([]*CompatibilityStatus)`: the whole report, exactly as `--output-json` prints it
 * (no trailing newline). An empty report is `[]`: NFD starts from an empty, non-nil slice.
 */
export function marshalReport(report: readonly CompatibilityStatus[]): string {
  return `[${report.map(marshalCompatibilityStatus).join(',')}]`;
}
