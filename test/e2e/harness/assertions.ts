/** Assertions shared by the end-to-end tests. */
import assert from 'node:assert/strict';
import type { CliResult } from './cli.ts';

function show(r: CliResult): string {
  return `exit ${r.code}\n--- stdout ---\n${r.out}\n--- stderr ---\n${r.err}`;
}

export function assertExit(r: CliResult, code: number, what: string): void {
  assert.equal(r.code, code, `${what}: expected exit ${code}, got ${show(r)}`);
}

/** A clean failure: the expected exit code, a one-line-ish message, no JS stack trace, no crash text. */
export function assertCleanFailure(r: CliResult, code: number, what: string, ...patterns: RegExp[]): void {
  assertExit(r, code, what);
  assert.doesNotMatch(r.err, /\n\s+at .+:\d+:\d+\)?$/m, `${what}: stack trace in stderr\n${show(r)}`);
  assert.doesNotMatch(
    r.err,
    /internal error|This is a bug/,
    `${what}: reported as an internal error\n${show(r)}`,
  );
  for (const p of patterns) assert.match(r.err, p, `${what}: stderr should match ${p}\n${show(r)}`);
}

/** Escapes a literal for use inside a RegExp. */
export function literal(s: string): RegExp {
  return new RegExp(s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
}
