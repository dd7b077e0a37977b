/**
 * Structural comparison for conformance expectations. `null` (Go nil) and `[]`/`{}` (present but
 * empty) are different values here, as shared/conformance/README.md asks; object key order is not
 * significant, array order is.
 */

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  const aArr = Array.isArray(a);
  if (aArr !== Array.isArray(b)) return false;
  if (aArr) {
    const x = a as unknown[];
    const y = b as unknown[];
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!deepEqual(x[i], y[i])) return false;
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const kx = Object.keys(x);
  if (kx.length !== Object.keys(y).length) return false;
  for (const k of kx) {
    if (!Object.hasOwn(y, k) || !deepEqual(x[k], y[k])) return false;
  }
  return true;
}

const MAX_SHOWN = 200;

/** Compact JSON for messages; `undefined` shows as `undefined`. */
export function show(v: unknown): string {
  const s = v === undefined ? 'undefined' : JSON.stringify(v);
  return s.length > MAX_SHOWN ? `${s.slice(0, MAX_SHOWN)}…` : s;
}

/** Collects "field: expected X, got Y" differences for one vector. */
export class Differences {
  private readonly items: string[] = [];

  /** Compare `actual` with `expect[field]` if the expectation has that field. */
  field(expect: Record<string, unknown>, field: string, actual: unknown): void {
    if (!Object.hasOwn(expect, field)) return;
    this.check(field, expect[field], actual);
  }

  check(label: string, expected: unknown, actual: unknown): void {
    if (!deepEqual(expected, actual))
      this.items.push(`${label}: expected ${show(expected)}, got ${show(actual)}`);
  }

  add(message: string): void {
    this.items.push(message);
  }

  /** `undefined` when nothing differed (the KindRunner convention). */
  result(): string | undefined {
    return this.items.length === 0 ? undefined : this.items.join('; ');
  }
}

export function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/**
 * The shared error handling of the engine kinds: when `expect.error` is true any thrown error passes
 * and nothing else is compared; an unexpected error is a failure that names it.
 */
export function runExpectingError(
  expect: Record<string, unknown>,
  body: (d: Differences) => void,
): string | undefined {
  const d = new Differences();
  const wantError = expect.error === true;
  try {
    body(d);
  } catch (e) {
    if (wantError) return undefined;
    return `unexpected error: ${errorText(e)}`;
  }
  if (wantError) return `expected an error, got none${d.result() ? ` (and ${d.result()})` : ''}`;
  return d.result();
}
