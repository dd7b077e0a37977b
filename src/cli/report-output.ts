/**
 * Printing a validate-node report and choosing the verdict's exit status, shared by `eval`,
 * `validate-node` and the `nfd` drop-in. The table and JSON are NFD's (byte-identical); the verdict line
 * after the table, the YAML form and `--summary` are ours. The table renderer and the YAML emitter are
 * imported only for the output that needs them (start-up: see src/cli/lazy-module.ts).
 */
import type { CompatibilityStatus } from '../core/model/report.ts';
import type { Spec } from '../core/model/spec.ts';
import {
  type ExplainedReport,
  renderExplanation,
  type UndeterminedExpression,
  undeterminedExpressions,
  withExplanations,
} from '../core/report/explain.ts';
import { marshalReport } from '../core/report/go-json.ts';
import { compatibleSets, isSetCompatible } from '../core/report/node-validator.ts';
import { escapeControlChars, UsageError } from '../errors.ts';
import { EXIT } from './exit-codes.ts';
import type { Io } from './io.ts';

export type ReportFormat = 'table' | 'json' | 'yaml';

export interface ReportOutputOptions {
  output: ReportFormat;
  /** Print a verdict summary (in `output`'s format) instead of NFD's report. */
  summary?: boolean;
  tags: readonly string[];
  /** Where the spec came from (file or `registry/repo@digest`), for messages and the summary. */
  specSource: string;
  /** Extra facts for the summary (image, artifact digest, ...). */
  context?: Record<string, unknown>;
  /**
   * NFD's exact stdout for the `nfd` drop-in: no verdict line, and NFD's colour rule (colour in pipes
   * too, off only by NO_COLOR/TERM=dumb).
   */
  nfdExact?: boolean;
  /**
   * NFD's `--output-json` bytes: json.Marshal with no trailing newline (kept for scripts that compare
   * with NFD). `-o json` ends with a newline, as every other JSON we print.
   */
  nfdJson?: boolean;
  /**
   * The report with its traces (`validateNodeExplained`): needed for `--explain`, and for the
   * `undetermined` verdict when discovery could not read some features.
   */
  explained?: ExplainedReport;
  /** `--explain`: print the traces (text under the table, an `explain` field per set in JSON/YAML). */
  explain?: boolean;
}

function describeSet(set: CompatibilityStatus, index: number): string {
  const label = set.tag ? `tag ${set.tag}` : set.description ? set.description : '';
  return label ? `#${index + 1} (${label})` : `#${index + 1}`;
}

function undeterminedLines(list: readonly UndeterminedExpression[]): string[] {
  return list.map(
    (u) =>
      `  set #${u.set}, rule ${JSON.stringify(u.rule)}: ${u.feature}${u.name ? ` ${u.name}` : ''} ${u.expression}: ${u.reason}`,
  );
}

/** Our addition after NFD's tables: which sets passed. */
export function verdictLine(
  report: readonly CompatibilityStatus[],
  color: boolean,
  explained?: ExplainedReport,
): string {
  const passed = compatibleSets(report);
  const paint = (s: string, code: number) => (color ? `\x1b[${code};1m${s}\x1b[0m` : s);
  if (passed.length === 0 && explained?.verdict === 'undetermined') {
    const list = undeterminedExpressions(explained);
    return (
      `${paint('Verdict: undetermined', 33)} - no compatibility set passed (${report.length} evaluated), ` +
      'but these expressions need features that could not be read on this host:\n' +
      `${undeterminedLines(list).join('\n')}\n`
    );
  }
  if (passed.length > 0) {
    const names = passed.map((p) => describeSet(p.set, p.index)).join(', ');
    const total = `${report.length} set${report.length === 1 ? '' : 's'}`;
    return `${paint('Verdict: compatible', 32)} - ${passed.length} of ${total} passed: ${names}\n`;
  }
  return `${paint('Verdict: incompatible', 31)} - no compatibility set passed (${report.length} evaluated)\n`;
}

/** The first expression row that failed in a rule, as `feature.name {op...}`, for summaries. */
function firstFailure(rule: NonNullable<CompatibilityStatus['rules']>[number]): string | undefined {
  const rows = [
    ...(rule.matchedExpressions ?? []),
    ...(rule.matchedAny ?? []).flatMap((a) => a.matchedExpressions ?? []),
  ];
  const row = rows.find((r) => !r.isMatch);
  if (!row) return undefined;
  const values = row.expression.value?.length ? ` ${JSON.stringify(row.expression.value)}` : '';
  return `${row.feature}${row.name ? `.${row.name}` : ''} ${row.expression.op}${values}`;
}

export function summarize(
  report: readonly CompatibilityStatus[],
  extra: Record<string, unknown> = {},
  explained?: ExplainedReport,
): Record<string, unknown> {
  const undetermined = explained?.verdict === 'undetermined' ? undeterminedExpressions(explained) : [];
  return {
    ...extra,
    compatible: compatibleSets(report).length > 0,
    ...(undetermined.length > 0 ? { verdict: 'undetermined', undetermined } : {}),
    sets: report.map((set, i) => ({
      index: i + 1,
      ...(set.tag ? { tag: set.tag } : {}),
      ...(set.description ? { description: set.description } : {}),
      ...(set.weight ? { weight: set.weight } : {}),
      compatible: isSetCompatible(set),
      rules: (set.rules ?? []).map((r) => {
        const failure = r.isMatch ? undefined : firstFailure(r);
        return { name: r.name, isMatch: r.isMatch, ...(failure ? { firstFailure: failure } : {}) };
      }),
    })),
  };
}

/** `--summary` in the table format: the verdict, then one line per set with its first failure. */
function summaryText(s: ReturnType<typeof summarize>, source: string): string {
  const sets = s.sets as {
    index: number;
    tag?: string;
    description?: string;
    compatible: boolean;
    rules: { firstFailure?: string; isMatch: boolean; name: string }[];
  }[];
  const verdict =
    s.verdict === 'undetermined' ? 'undetermined' : s.compatible ? 'compatible' : 'incompatible';
  const lines = [`${source}: ${verdict}`];
  for (const [key, value] of Object.entries(s)) {
    if (key !== 'compatible' && key !== 'sets' && key !== 'verdict' && key !== 'undetermined')
      lines.push(`  ${key}: ${String(value)}`);
  }
  if (s.verdict === 'undetermined') {
    lines.push('  expressions on features that could not be read on this host:');
    lines.push(...undeterminedLines(s.undetermined as UndeterminedExpression[]).map((l) => `  ${l}`));
  }
  for (const set of sets) {
    const label = set.tag ? ` (tag ${set.tag})` : set.description ? ` (${set.description})` : '';
    const failed = set.rules.find((r) => !r.isMatch);
    const why = failed
      ? ` - rule ${failed.name}${failed.firstFailure ? `: ${failed.firstFailure}` : ''}`
      : '';
    lines.push(`  set #${set.index}${label}: ${set.compatible ? 'compatible' : 'incompatible'}${why}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * A copy of a JSON-like value whose strings have their control characters escaped: names, descriptions
 * and values of a spec fetched from a registry reach the terminal in the table, where an ESC would start
 * an ANSI sequence (clear the screen, retitle the window). JSON and YAML escape them already.
 */
function escapeStrings<T>(value: T): T {
  if (typeof value === 'string') return escapeControlChars(value) as T;
  if (Array.isArray(value)) return value.map(escapeStrings) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeStrings(v)])) as T;
  }
  return value;
}

async function toYaml(value: unknown): Promise<string> {
  const { toKubeYaml } = await import('../k8s/kube-yaml.ts');
  return toKubeYaml(value);
}

/**
 * Prints the report in the chosen form and resolves to the exit status: 0 when at least one set passed,
 * 1 when none did. A `--tags` that names no set of the spec is a usage error (thrown).
 */
export async function printReport(
  report: CompatibilityStatus[],
  spec: Spec,
  io: Io,
  opts: ReportOutputOptions,
): Promise<number> {
  if (opts.tags.length > 0 && report.length === 0) {
    const known = [...new Set(spec.compatibilities.map((c) => c.tag ?? '').filter((t) => t !== ''))];
    const message =
      `no compatibility set has tag ${opts.tags.map((t) => JSON.stringify(t)).join(' or ')}` +
      ` (tags in ${opts.specSource}: ${known.length > 0 ? known.join(', ') : 'none'}); nothing was evaluated`;
    // A --tags value that names no set is a usage error (exit 2); the `nfd` drop-in keeps NFD's
    // behaviour (an empty report).
    if (!opts.nfdExact) throw new UsageError(`--tags: ${message}`);
    io.stderr.write(`imgcompat: ${message}\n`);
    if (opts.output === 'table' && !opts.summary) return EXIT.incompatible;
  }
  const explained = opts.explained;
  if (opts.summary) {
    const s = summarize(report, opts.context, explained);
    io.stdout.write(
      opts.output === 'yaml'
        ? await toYaml(s)
        : opts.output === 'json'
          ? `${JSON.stringify(s, null, 2)}\n`
          : summaryText(s, opts.specSource),
    );
  } else if (opts.output === 'json') {
    if (opts.explain && explained) {
      io.stdout.write(`${JSON.stringify(withExplanations(JSON.parse(marshalReport(report)), explained))}\n`);
    } else {
      // NFD's exact bytes (json.Marshal, no trailing newline) for NFD's flag; a newline after `-o json`.
      io.stdout.write(marshalReport(report) + (opts.nfdJson || opts.nfdExact ? '' : '\n'));
    }
  } else if (opts.output === 'yaml') {
    const doc = JSON.parse(marshalReport(report));
    io.stdout.write(await toYaml(opts.explain && explained ? withExplanations(doc, explained) : doc));
  } else {
    const { cliColorEnabled, renderReport } = await import('../core/report/table.ts');
    const color = cliColorEnabled(io.env, io.stdout.isTTY === true, { nfdExact: opts.nfdExact === true });
    const shown = escapeStrings(report);
    const shownExplained = explained === undefined ? undefined : escapeStrings(explained);
    io.stdout.write(
      renderReport(shown, { color }) +
        (opts.nfdExact ? '' : verdictLine(shown, color, shownExplained)) +
        (opts.explain && shownExplained ? renderExplanation(shownExplained) : ''),
    );
  }
  if (compatibleSets(report).length > 0) return EXIT.ok;
  if (explained?.verdict === 'undetermined') {
    // The table's verdict line and the summary say it; for JSON/YAML the reason goes to stderr.
    if (opts.output !== 'table' && !opts.summary) {
      io.stderr.write(
        escapeControlChars(
          'imgcompat: verdict undetermined: these expressions need features that could not be read on this host:\n' +
            `${undeterminedLines(undeterminedExpressions(explained)).join('\n')}\n`,
        ),
      );
    }
    return EXIT.undetermined;
  }
  return EXIT.incompatible;
}
