/**
 * Conformance kind `template` (shared/conformance/README.md): `fn: parse` is NFD's
 * template.NewHelper (size cap, then parse); `fn: expandMap` is NewHelper(template).ExpandMap(data).
 */

import { expandMap, parseTemplate, TemplateTooLargeError } from '../../../src/template/index.ts';
import { Differences, errorText } from '../compare.ts';
import type { KindRunner, Vector } from '../vector.ts';

/** The template text: `template`, or `template_repeat` = {unit, count} (unit repeated count times). */
function templateText(v: Vector): string {
  if (typeof v.template === 'string') return v.template;
  const rep = v.template_repeat as { unit?: unknown; count?: unknown } | undefined;
  if (rep && typeof rep.unit === 'string' && typeof rep.count === 'number') return rep.unit.repeat(rep.count);
  throw new Error('template vector has neither `template` nor `template_repeat`');
}

export const runVector: KindRunner = (v: Vector) => {
  const expect = v.expect;
  const d = new Differences();
  const text = templateText(v);
  let error: unknown;
  let output: Record<string, string> | undefined;
  try {
    switch (v.fn) {
      case 'parse':
        parseTemplate(text);
        break;
      case 'expandMap':
        output = expandMap(text, v.data ?? null);
        break;
      default:
        return `unknown template fn ${JSON.stringify(v.fn)}`;
    }
  } catch (e) {
    error = e;
  }
  if (Object.hasOwn(expect, 'error') && (expect.error === true) !== (error !== undefined)) {
    d.add(error === undefined ? 'expected an error, got none' : `unexpected error: ${errorText(error)}`);
  }
  if (expect.errorIs === 'ErrTemplateTooLarge' && !(error instanceof TemplateTooLargeError)) {
    d.add(`expected ErrTemplateTooLarge, got ${error === undefined ? 'no error' : errorText(error)}`);
  }
  if (error === undefined) d.field(expect, 'output', output);
  return d.result();
};
