/** Conformance kind `dynamic-value`: nfd-master's `@domain.feature.element` lookup. */

import { getDynamicValue } from '../../../src/core/match/dynamic-value.ts';
import type { Features } from '../../../src/core/model/features.ts';
import { Differences, errorText } from '../compare.ts';
import type { KindRunner, Vector } from '../vector.ts';

export const runVector: KindRunner = (v: Vector) => {
  const expect = v.expect;
  const features = structuredClone(v.features ?? {}) as Features;
  let value = '';
  let error: unknown;
  try {
    value = getDynamicValue(String(v.value ?? ''), features);
  } catch (e) {
    error = e;
  }
  const d = new Differences();
  if (Object.hasOwn(expect, 'error') && (expect.error === true) !== (error !== undefined)) {
    d.add(error === undefined ? 'expected an error, got none' : `unexpected error: ${errorText(error)}`);
  }
  d.field(expect, 'value', value);
  return d.result();
};
