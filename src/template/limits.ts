/**
 * The execution budget of one template run. Go's text/template has none (NFD relies on its 64 KiB
 * template cap and on the rule author), but a spec may come from any registry and reach the admission
 * webhook, so every run here is bounded in steps, output and the size of the values it builds. The
 * limits are far above what NFD rules need (README "Limits"); a run over one fails with a TemplateError
 * naming the limit, which the rule engine reports as a failed template of that rule.
 */

import { FuncError } from './funcs.ts';

/** Nodes walked plus functions called in one run (`range` bodies count once per iteration). */
export const MAX_STEPS = 2_000_000;
/** Characters (UTF-16 code units) the run may write. */
export const MAX_OUTPUT = 16 * 1024 * 1024;
/** Characters of one string value, or elements of one list or map, a function may return. */
export const MAX_STRING = 16 * 1024 * 1024;
export const MAX_LIST = 1_000_000;
/** Nesting of lists and maps in one value (printing and comparing them recurse). */
export const MAX_VALUE_DEPTH = 500;
/** Characters of strings plus elements of lists and maps returned by all functions of one run. */
export const MAX_ALLOCATED = 256 * 1024 * 1024;

/** Refuses a string result of `n` characters before it is built. */
export function checkString(n: number): void {
  if (n > MAX_STRING) {
    throw new FuncError(`the result would be ${n} characters, over the template limit of ${MAX_STRING}`);
  }
}

/** Refuses a list result of `n` elements before it is built. */
export function checkList(n: number): void {
  if (n > MAX_LIST) {
    throw new FuncError(`the result would have ${n} elements, over the template limit of ${MAX_LIST}`);
  }
}
