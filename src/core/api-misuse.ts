/**
 * The public API's argument checks (src/core/index.ts, src/index.ts): JavaScript callers can pass
 * anything, and a wrong type gets the error a bad flag gets from the CLI (`UsageError`, exit 2).
 */
import { UsageError } from '../errors.ts';

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** Throws `UsageError` (code `E_API_MISUSE`): `fn: what must be expected, got <type>`. */
export function misuse(fn: string, what: string, expected: string, value: unknown): never {
  throw new UsageError(`${fn}: ${what} must be ${expected}, got ${describeType(value)}`, 'E_API_MISUSE');
}
