/** One conformance vector, in the format of shared/conformance/README.md. */
export interface Vector {
  id: string;
  source?: string;
  kind: string;
  fn?: string;
  note?: string;
  features?: unknown;
  input?: unknown;
  failFast?: boolean;
  expect: Record<string, unknown>;
  [field: string]: unknown;
}

/**
 * A kind's runner: resolves to `undefined` when the vector passes, or to a short description of what
 * differed (expected vs actual) when it fails. Throwing counts as a failure too.
 */
export type KindRunner = (vector: Vector) => Promise<string | undefined> | string | undefined;
