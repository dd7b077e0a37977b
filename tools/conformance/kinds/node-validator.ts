/**
 * Conformance kind `node-validator` (shared/conformance/README.md): run the validate-node evaluation
 * on the vector's spec, features and tags, then compare the report structurally, and the JSON bytes
 * and both pretty renderings (without and with colour) exactly.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Features } from '../../../src/core/model/features.ts';
import type { CompatibilityStatus } from '../../../src/core/model/report.ts';
import type { Spec } from '../../../src/core/model/spec.ts';
import { marshalReport } from '../../../src/core/report/go-json.ts';
import { isSetCompatible, validateNode } from '../../../src/core/report/node-validator.ts';
import { renderReport } from '../../../src/core/report/table.ts';
import type { KindRunner, Vector } from '../vector.ts';

const MAX_SHOWN = 300;

function clip(s: string): string {
  return s.length > MAX_SHOWN ? `${s.slice(0, MAX_SHOWN)}…` : s;
}

/** Where two texts first differ, shown as escaped snippets. */
function firstDifference(expected: string, actual: string): string {
  let i = 0;
  while (i < expected.length && i < actual.length && expected[i] === actual[i]) i++;
  const line = expected.slice(0, i).split('\n').length;
  const from = Math.max(0, i - 20);
  return (
    `first difference at offset ${i} (line ${line}): expected ${JSON.stringify(clip(expected.slice(from, i + 40)))}` +
    `, got ${JSON.stringify(clip(actual.slice(from, i + 40)))}`
  );
}

export const runVector: KindRunner = (vector: Vector) => {
  const expect = vector.expect;
  const spec = (vector.input ?? { version: 'v1alpha1', compatibilities: [] }) as Spec;
  const features = (vector.features ?? {}) as Features;
  const tags = Array.isArray(vector.tags) ? (vector.tags as string[]) : [];

  let report: CompatibilityStatus[];
  try {
    report = validateNode(spec, features, { tags });
  } catch (err) {
    if (expect.error === true) return undefined;
    return `unexpected error: ${err instanceof Error ? err.message : String(err)}`;
  }
  if (expect.error === true) return 'expected an error, got a report';

  const problems: string[] = [];
  if ('report' in expect) {
    // Compare as JSON data: our objects have no undefined fields, but normalise anyway.
    const actual = JSON.parse(JSON.stringify(report)) as unknown;
    if (!isDeepStrictEqual(actual, expect.report)) {
      problems.push(
        `report: expected ${clip(JSON.stringify(expect.report))}, got ${clip(JSON.stringify(actual))}`,
      );
    }
  }
  if ('match' in expect) {
    const match = report.every(isSetCompatible);
    if (match !== expect.match)
      problems.push(`match: expected ${String(expect.match)}, got ${String(match)}`);
  }
  if (typeof expect.json_text === 'string') {
    const json = marshalReport(report);
    if (json !== expect.json_text) problems.push(`json_text: ${firstDifference(expect.json_text, json)}`);
  }
  if (typeof expect.pretty_text === 'string') {
    const text = renderReport(report, { color: false });
    if (text !== expect.pretty_text)
      problems.push(`pretty_text: ${firstDifference(expect.pretty_text, text)}`);
  }
  if (typeof expect.pretty_ansi === 'string') {
    const ansi = renderReport(report, { color: true });
    if (ansi !== expect.pretty_ansi)
      problems.push(`pretty_ansi: ${firstDifference(expect.pretty_ansi, ansi)}`);
  }
  return problems.length > 0 ? problems.join('; ') : undefined;
};
