/**
 * The validate-node report as NFD prints it without `--output-json` (NFD v0.19.0 cmd/nfd/subcmd/compat/validate-node.go): per
 * compatibility set a coloured heading, then one go-pretty `StyleLight` table per rule. This is a
 * pure function of the report and a colour flag; deciding whether colour is on (TERM, NO_COLOR,
 * FORCE_COLOR, TTY) is the caller's job (see `nfdColorEnabled`).
 *
 * Output is byte-identical to NFD's (checked by the conformance vectors' `pretty_text` and
 * `pretty_ansi`), including go-pretty's quirks: the title is hard-wrapped at the table width (which
 * collapses runs of spaces), cells are right-trimmed before padding, the auto-index column is as wide
 * as the row count's digits, and a manual separator is never drawn before the first or after the last
 * row.
 */
import * as strings from '../../go/strings.ts';
import type { CompatibilityStatus, MatchedExpression, ProcessedRuleStatus } from '../model/report.ts';
import { expressionString } from './expression-string.ts';
import { alignLeft, alignRight, colorize, longestLineWidth, SGR, wrapText } from './go-text.ts';

export interface PrettyOptions {
  /** Emit ANSI SGR colour codes (NFD's default, even when piped). */
  color: boolean;
}

/** StyleLight box characters. */
const BOX = {
  topLeft: '┌',
  topRight: '┐',
  topSep: '┬',
  bottomLeft: '└',
  bottomRight: '┘',
  bottomSep: '┴',
  leftSep: '├',
  rightSep: '┤',
  middleSep: '┼',
  horizontal: '─',
  vertical: '│',
} as const;

const HEADER = ['Feature', 'Expression', 'Matcher Type', 'Status'] as const;

/**
 * go-pretty's cell preparation (`analyzeAndStringifyColumn`): tabs become four spaces, carriage
 * returns are dropped.
 */
function cell(s: string): string {
  let out = s;
  if (out.includes('\t')) out = out.split('\t').join('    ');
  if (out.includes('\r')) out = out.split('\r').join('');
  return out;
}

interface TableRow {
  cells: string[];
}

function featureCell(m: MatchedExpression): string {
  // NFD: fmt.Sprintf("%s.%s", fm.Feature, fm.Name) unless Name is empty (matchName rows).
  return m.name !== '' ? `${m.feature}.${m.name}` : m.feature;
}

function toRows(list: readonly MatchedExpression[] | null | undefined, color: boolean): TableRow[] {
  return (list ?? []).map((m) => ({
    cells: [
      cell(featureCell(m)),
      cell(m.expression ? expressionString(m.expression) : ''),
      cell(m.matcherType),
      m.isMatch ? colorize('OK', [SGR.fgHiGreen], color) : colorize('FAIL', [SGR.fgHiRed], color),
    ],
  }));
}

/** One rule's table, exactly as go-pretty's `Render()` writes it to the output mirror (with `\n`). */
export function renderRuleTable(rs: ProcessedRuleStatus, opts: PrettyOptions): string {
  const { color } = opts;
  const validTxt = rs.isMatch
    ? colorize(' OK ', [SGR.bgGreen], color)
    : colorize(' FAIL ', [SGR.bgRed], color);
  const ruleTxt = strings.toUpper(`rule: ${rs.name}`);
  const title = colorize(`${ruleTxt} - ${validTxt}`, [SGR.bold], color);

  // AppendSeparator marks "after the last appended row"; with no rows yet it does nothing, and
  // several in a row mark the same position (they merge).
  const rows: TableRow[] = [];
  const separators = new Set<number>();
  if (rs.matchedExpressions && rs.matchedExpressions.length > 0)
    rows.push(...toRows(rs.matchedExpressions, color));
  if (rs.matchedAny && rs.matchedAny.length > 0) {
    for (const elem of rs.matchedAny) {
      if (rows.length > 0) separators.add(rows.length - 1);
      rows.push(...toRows(elem.matchedExpressions, color));
    }
  }

  const header = HEADER.map((h) => cell(h));
  const widths = header.map((h) => longestLineWidth(h));
  for (const r of rows) {
    r.cells.forEach((c, i) => {
      widths[i] = Math.max(widths[i]!, longestLineWidth(c));
    });
  }
  const indexWidth = String(rows.length).length;
  const columnWidths = [indexWidth, ...widths];
  // Border + each column with one space of padding on both sides + separators between columns.
  const rowLength = 2 + columnWidths.reduce((sum, w) => sum + w + 2, 0) + (columnWidths.length - 1);

  const lines: string[] = [];
  const separatorLine = (left: string, junction: string, right: string) =>
    left + columnWidths.map((w) => BOX.horizontal.repeat(w + 2)).join(junction) + right;

  // Title: its own top border, then the text hard-wrapped to the inner width, each line trimmed
  // and left-aligned.
  lines.push(BOX.topLeft + BOX.horizontal.repeat(rowLength - 2) + BOX.topRight);
  const lenText = rowLength - 4;
  for (const titleLine of wrapText(title, lenText).split('\n')) {
    lines.push(`${BOX.vertical} ${alignLeft(strings.trimSpace(titleLine), lenText)} ${BOX.vertical}`);
  }
  // The table's top border sits under the title, so it uses the separator corners.
  lines.push(separatorLine(BOX.leftSep, BOX.topSep, BOX.rightSep));

  const renderRow = (cells: readonly string[], rowNumber: number | undefined) => {
    const wrapped = cells.map((c, i) => wrapText(c, widths[i]!));
    const split = wrapped.map((c) => c.split('\n'));
    const height = Math.max(...split.map((l) => l.length));
    for (let line = 0; line < height; line++) {
      const index = rowNumber === undefined || line > 0 ? ' '.repeat(indexWidth) : String(rowNumber);
      const parts = [
        alignRight(index, indexWidth),
        ...split.map((l, i) => alignLeft(l[line] ?? '', widths[i]!)),
      ];
      lines.push(`${BOX.vertical} ${parts.join(` ${BOX.vertical} `)} ${BOX.vertical}`);
    }
  };

  renderRow(header, undefined);
  lines.push(separatorLine(BOX.leftSep, BOX.middleSep, BOX.rightSep));
  rows.forEach((r, i) => {
    renderRow(r.cells, i + 1);
    if (separators.has(i) && i < rows.length - 1)
      lines.push(separatorLine(BOX.leftSep, BOX.middleSep, BOX.rightSep));
  });
  lines.push(separatorLine(BOX.bottomLeft, BOX.bottomSep, BOX.bottomRight));
  return `${lines.join('\n')}\n`;
}

/** The whole pretty report (NFD's `pprintResult`). An empty report prints nothing. */
export function renderReport(report: readonly CompatibilityStatus[], opts: PrettyOptions): string {
  const { color } = opts;
  let out = '';
  report.forEach((cs, i) => {
    out += colorize(`COMPATIBILITY SET #${i + 1} `, [SGR.fgCyan, SGR.bold], color);
    out += colorize(`Weight: ${cs.weight ?? 0}`, [SGR.fgCyan], color);
    if (cs.tag) out += colorize(`; Tag: ${cs.tag}`, [SGR.fgCyan], color);
    out += '\n';
    out += `${colorize(`Description: ${cs.description ?? ''}`, [SGR.fgWhite], color)}\n`;
    for (const r of cs.rules ?? []) out += renderRuleTable(r, opts);
    out += '\n';
  });
  return out;
}

/**
 * Whether NFD (go-pretty v6.8) would colour its output, from the environment alone (NFD v0.19.0 cmd/nfd/subcmd/compat/validate-node.go):
 * `areColorsOnInTheEnv() && areANSICodesSupported()`. Off when `TERM=dumb` (FORCE_COLOR cannot
 * override that), or when `NO_COLOR` is set to anything but `"0"` and `FORCE_COLOR` is not truthy
 * (anything but "", "0", "false"). There is no TTY check: NFD colours piped output too. The imgcompat
 * CLI additionally turns colour off when stdout is not a TTY, unless NFD-exact behaviour is asked for.
 */
export function nfdColorEnabled(env: Record<string, string | undefined>): boolean {
  if (env.TERM === 'dumb') return false;
  const force = env.FORCE_COLOR ?? '';
  if (force !== '' && force !== '0' && force !== 'false') return true;
  const noColor = env.NO_COLOR ?? '';
  return noColor === '' || noColor === '0';
}

/**
 * imgcompat's own colour rule for its CLI: NFD's environment rule, and additionally off when stdout
 * is not a terminal unless FORCE_COLOR is truthy. `nfdExact` gives NFD's rule alone (colour even in
 * pipes), for the `nfd` drop-in.
 */
export function cliColorEnabled(
  env: Record<string, string | undefined>,
  stdoutIsTTY: boolean,
  opts: { nfdExact?: boolean } = {},
): boolean {
  if (!nfdColorEnabled(env)) return false;
  if (opts.nfdExact || stdoutIsTTY) return true;
  const force = env.FORCE_COLOR ?? '';
  return force !== '' && force !== '0' && force !== 'false';
}
