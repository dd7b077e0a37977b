/** Rendering lint results as text, JSON and SARIF 2.1.0 (pure: returns strings). */
import { formatPosition } from '../errors.ts';
import { FINDING_KINDS, type Severity } from './findings.ts';
import type { FileKind, Finding } from './lint.ts';

export interface LintedFile {
  file: string;
  kind: FileKind;
  findings: Finding[];
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/** Whether `s` is at or above the `--fail-on` threshold. */
export function atLeast(s: Severity, threshold: Severity): boolean {
  return RANK[s] >= RANK[threshold];
}

function counts(files: readonly LintedFile[]): Record<Severity, number> {
  const c: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of files) for (const x of f.findings) c[x.severity]++;
  return c;
}

/** `file:line:col: severity IC1xxx: message` and an indented `fix:` line, then a summary line. */
export function formatText(files: readonly LintedFile[]): string {
  let out = '';
  for (const f of files) {
    for (const x of f.findings) {
      const where = formatPosition(x.position) || f.file;
      out += `${where}: ${x.severity} ${x.id}: ${x.message}\n`;
      if (x.fix) out += `  fix: ${x.fix}\n`;
    }
  }
  const c = counts(files);
  const n = c.error + c.warning + c.info;
  out += `${files.length} file${files.length === 1 ? '' : 's'}: ${n === 0 ? 'no findings' : `${c.error} error${c.error === 1 ? '' : 's'}, ${c.warning} warning${c.warning === 1 ? '' : 's'}, ${c.info} info`}\n`;
  return out;
}

function jsonFinding(x: Finding) {
  return {
    id: x.id,
    severity: x.severity,
    message: x.message,
    ...(x.fix ? { fix: x.fix } : {}),
    ...(x.position ? { file: x.position.file, line: x.position.line, column: x.position.column } : {}),
    ...(x.path ? { path: x.path } : {}),
  };
}

export function formatJson(files: readonly LintedFile[]): string {
  const doc = {
    summary: counts(files),
    files: files.map((f) => ({ file: f.file, kind: f.kind, findings: f.findings.map(jsonFinding) })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
};

/**
 * SARIF 2.1.0 (OASIS "Static Analysis Results Interchange Format" 2.1.0: §3.13 sarifLog, §3.19
 * toolComponent with reportingDescriptor rules, §3.27 result, §3.30 region). Columns are 1-based
 * characters, as `columnKind: "utf16CodeUnits"` is the default and our columns count code units.
 */
export function formatSarif(files: readonly LintedFile[], version: string): string {
  const rules = Object.values(FINDING_KINDS);
  const index = new Map<string, number>(rules.map((r, i) => [r.id, i]));
  const results = files.flatMap((f) =>
    f.findings.map((x) => ({
      ruleId: x.id,
      ruleIndex: index.get(x.id) ?? 0,
      level: LEVEL[x.severity],
      message: { text: x.fix ? `${x.message} (${x.fix})` : x.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: encodeURI((x.position?.file ?? f.file).replaceAll('\\', '/')) },
            ...(x.position ? { region: { startLine: x.position.line, startColumn: x.position.column } } : {}),
          },
        },
      ],
    })),
  );
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'imgcompat',
            version,
            rules: rules.map((r) => ({
              id: r.id,
              shortDescription: { text: r.title },
              defaultConfiguration: { level: LEVEL[r.severity] },
            })),
          },
        },
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
