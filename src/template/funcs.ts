/**
 * Function signatures for the executor. Go's text/template checks every argument against the
 * function's parameter type with reflect (evalArg/validateType), so each function here declares its
 * Go parameter types; `reflect` parameters (the builtins that take reflect.Value) get values unchecked.
 */

import type { GoType, GoValue } from '../go/reflect.ts';

export type ParamType = GoType | 'reflect';

export interface GoFunc {
  /** Fixed parameters. */
  params: ParamType[];
  /** Element type of a trailing variadic parameter, if any. */
  variadic?: ParamType;
  /** A text/template builtin (and/or short-circuit; name shown by `call`). */
  builtin?: boolean;
  /**
   * The implementation. Throw a `FuncError` for what the Go function returns as an error (the
   * executor reports `error calling NAME: MSG`); any other exception is treated like a recovered
   * Go panic and reported the same way.
   */
  fn: (...args: GoValue[]) => GoValue;
}

/** An error returned by a template function (Go's second return value). */
export class FuncError extends Error {}

export type FuncMap = Map<string, GoFunc>;
