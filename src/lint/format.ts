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

function emptyCounts(): Record<Severity, number> {
  return { error: 0, warning: 0, info: 0 };
}

/**
 * An output document written file by file, so that linting many files keeps no more than one file's
 * findings: `file` returns the text for one file as soon as it is linted, `end` the rest (summary,
 * closing brackets). Concatenated, the pieces are the whole document.
 */
export interface LintWriter {
  file(f: LintedFile): string;
  end(): string;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `file:line:col: severity IC1xxx: message` and an indented `fix:` line, then a summary line. */
export function textWriter(): LintWriter {
  const c = emptyCounts();
  let files = 0;
  return {
    file(f) {
      files++;
      let out = '';
      for (const x of f.findings) {
        c[x.severity]++;
        const where = formatPosition(x.position) || f.file;
        out += `${where}: ${x.severity} ${x.id}: ${x.message}\n`;
        if (x.fix) out += `  fix: ${x.fix}\n`;
      }
      return out;
    },
    end() {
      const n = c.error + c.warning + c.info;
      return `${plural(files, 'file')}: ${n === 0 ? 'no findings' : `${plural(c.error, 'error')}, ${plural(c.warning, 'warning')}, ${c.info} info`}\n`;
    },
  };
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

/** `JSON.stringify(v, null, 2)` for a value nested `depth` levels deep in an indented document. */
function nested(v: unknown, depth: number): string {
  const pad = '  '.repeat(depth);
  return pad + JSON.stringify(v, null, 2).replaceAll('\n', `\n${pad}`);
}

/** `{"files": [{file, kind, findings}...], "summary": {error, warning, info}}`, indented by 2. */
export function jsonWriter(): LintWriter {
  const c = emptyCounts();
  let first = true;
  return {
    file(f) {
      for (const x of f.findings) c[x.severity]++;
      const head = first ? '{\n  "files": [\n' : ',\n';
      first = false;
      return head + nested({ file: f.file, kind: f.kind, findings: f.findings.map(jsonFinding) }, 2);
    },
    end() {
      const files = first ? '{\n  "files": [],\n' : '\n  ],\n';
      return `${files}  "summary": ${JSON.stringify(c, null, 2).replaceAll('\n', '\n  ')}\n}\n`;
    },
  };
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
 * The results come last in the log, so they are written as the files are linted.
 */
export function sarifWriter(version: string): LintWriter {
  const rules = Object.values(FINDING_KINDS);
  const index = new Map<string, number>(rules.map((r, i) => [r.id, i]));
  const head = {
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
        results: [] as unknown[],
      },
    ],
  };
  // The document up to the results array, and what closes it.
  const whole = JSON.stringify(head, null, 2);
  const cut = whole.lastIndexOf('"results": []') + '"results": ['.length;
  const open = whole.slice(0, cut);
  const close = whole.slice(cut);
  let results = 0;
  let started = false;
  return {
    file(f) {
      let out = started ? '' : open;
      started = true;
      for (const x of f.findings) {
        const r = {
          ruleId: x.id,
          ruleIndex: index.get(x.id) ?? 0,
          level: LEVEL[x.severity],
          message: { text: x.fix ? `${x.message} (${x.fix})` : x.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: encodeURI((x.position?.file ?? f.file).replaceAll('\\', '/')) },
                ...(x.position
                  ? { region: { startLine: x.position.line, startColumn: x.position.column } }
                  : {}),
              },
            },
          ],
        };
        out += `${results++ === 0 ? '\n' : ',\n'}${nested(r, 4)}`;
      }
      return out;
    },
    end() {
      const start = started ? '' : open;
      return `${start}${results === 0 ? '' : '\n      '}${close}\n`;
    },
  };
}

function whole(w: LintWriter, files: readonly LintedFile[]): string {
  let out = '';
  for (const f of files) out += w.file(f);
  return out + w.end();
}

export function formatText(files: readonly LintedFile[]): string {
  return whole(textWriter(), files);
}

export function formatJson(files: readonly LintedFile[]): string {
  return whole(jsonWriter(), files);
}

export function formatSarif(files: readonly LintedFile[], version: string): string {
  return whole(sarifWriter(version), files);
}
