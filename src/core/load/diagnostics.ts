/** Turning validation issues into positioned diagnostics, and ordering diagnostics for display. */
import type { Diagnostic } from '../../errors.ts';
import type { Issue } from '../validate/expression.ts';
import type { Positions } from './positions.ts';

/** Attach the source position of each issue's path (or of its nearest recorded parent). */
export function issuesToDiagnostics(issues: readonly Issue[], positions: Positions): Diagnostic[] {
  return issues.map((i) => {
    const position = i.at === 'key' ? positions.key(i.path) : positions.value(i.path);
    return {
      severity: i.severity,
      message: i.message,
      ...(position ? { position } : {}),
      ...(i.path ? { path: i.path } : {}),
    };
  });
}

/** File order: by line, then column; diagnostics without a position first. Stable. */
export function sortDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  return ds
    .map((d, i) => ({ d, i }))
    .sort((a, b) => {
      const pa = a.d.position;
      const pb = b.d.position;
      if (!pa || !pb) return (pa ? 1 : 0) - (pb ? 1 : 0) || a.i - b.i;
      return pa.line - pb.line || pa.column - pb.column || a.i - b.i;
    })
    .map((x) => x.d);
}

export function hasErrors(ds: readonly Diagnostic[]): boolean {
  return ds.some((d) => d.severity === 'error');
}

export function countSummary(ds: readonly Diagnostic[]): string {
  const e = ds.filter((d) => d.severity === 'error').length;
  const w = ds.length - e;
  const plural = (n: number, s: string) => `${n} ${s}${n === 1 ? '' : 's'}`;
  return w > 0 ? `${plural(e, 'error')}, ${plural(w, 'warning')}` : plural(e, 'error');
}
