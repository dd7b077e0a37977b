/**
 * Shared output of `validate-spec` and `nfr validate`: every diagnostic as
 * `file:line:column: severity: message` on stderr and a one-line verdict per file on stdout, or one
 * JSON document on stdout with `--output json`.
 */
import { countSummary, hasErrors } from '../../core/load/diagnostics.ts';
import { type Diagnostic, formatDiagnostics } from '../../errors.ts';
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
        diagnostics: r.diagnostics.map(jsonDiagnostic),
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
