/**
 * Shared output of `validate-spec` and `nfr validate`: every diagnostic as
 * `file:line:column: severity: message` on stderr and a one-line verdict per file on stdout, or one
 * JSON document on stdout with `--output json`. Both list the first 100 diagnostics of a file and count
 * the rest, so 100,000 warnings make kilobytes of output, not megabytes.
 */
import { countSummary, hasErrors } from '../../core/load/diagnostics.ts';
import {
  type Diagnostic,
  formatDiagnostics,
  MAX_PRINTED_DIAGNOSTICS,
  omittedDiagnostics,
} from '../../errors.ts';
import { EXIT } from '../exit-codes.ts';
import type { CommandContext } from '../program.ts';

export interface FileResult {
  file: string;
  diagnostics: Diagnostic[];
  /** Extra detail for a valid file's verdict line (e.g. "2 NodeFeatureRule objects"). */
  detail?: string;
}

export type OutputFormat = 'text' | 'json';

function jsonDiagnostic(d: Diagnostic) {
  return {
    severity: d.severity,
    message: d.message,
    ...(d.position ? { file: d.position.file, line: d.position.line, column: d.position.column } : {}),
    ...(d.path ? { path: d.path } : {}),
  };
}

/** `omitted: {errors, warnings, summary}` when the file has more diagnostics than are listed. */
function omitted(list: readonly Diagnostic[]) {
  const rest = omittedDiagnostics(list);
  return rest ? { omitted: rest } : {};
}

/** Print the results; exit 0 when every file is valid (warnings allowed), 3 otherwise. */
export function report(results: FileResult[], format: OutputFormat, ctx: CommandContext): number {
  const { io } = ctx;
  const allValid = results.every((r) => !hasErrors(r.diagnostics));
  if (format === 'json') {
    const doc = {
      valid: allValid,
      files: results.map((r) => ({
        file: r.file,
        valid: !hasErrors(r.diagnostics),
        errors: r.diagnostics.filter((d) => d.severity === 'error').length,
        warnings: r.diagnostics.filter((d) => d.severity === 'warning').length,
        diagnostics: r.diagnostics.slice(0, MAX_PRINTED_DIAGNOSTICS).map(jsonDiagnostic),
        ...omitted(r.diagnostics),
      })),
    };
    io.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    return allValid ? EXIT.ok : EXIT.invalidInput;
  }
  for (const r of results) {
    for (const line of formatDiagnostics(r.diagnostics)) io.stderr.write(`${line}\n`);
    const valid = !hasErrors(r.diagnostics);
    const warnings = r.diagnostics.length > 0 ? ` (${countSummary(r.diagnostics)})` : '';
    if (valid) io.stdout.write(`${r.file}: valid${r.detail ? `, ${r.detail}` : ''}${warnings}\n`);
    else io.stdout.write(`${r.file}: invalid${warnings}\n`);
  }
  return allValid ? EXIT.ok : EXIT.invalidInput;
}
