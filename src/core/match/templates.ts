/**
 * `labelsTemplate` / `varsTemplate` expansion as NFD's rule.go does it (NFD v0.19.0 pkg/apis/nfd/nodefeaturerule/rule.go `Execute`; NFD v0.19.0 pkg/apis/nfd/nodefeaturerule/rule.go `executeTemplate`): parse
 * (parsed templates are cached by text), run `ExpandMap` on one matcher's template data, merge into the
 * output map. Parse errors become `failed to parse template: …`, execution and format errors
 * `failed to expand template: …`; either makes the rule an error.
 */

import { RuleEvaluationError } from '../../errors.ts';
import {
  expandMap,
  parseTemplate,
  type Template,
  TemplateError,
  TemplateTooLargeError,
} from '../../template/index.ts';
import { copyInto } from './own.ts';
import type { TemplateData } from './status.ts';

/** Parsed templates (and parse failures) kept, by text. */
const TEMPLATE_CACHE_LIMIT = 256;

interface ParseFailure {
  failure: unknown;
}

const cache = new Map<string, Template | ParseFailure>();

function isFailure(t: Template | ParseFailure): t is ParseFailure {
  return typeof t === 'object' && t !== null && Object.hasOwn(t, 'failure');
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function parseCached(text: string): Template {
  let t = cache.get(text);
  if (t === undefined) {
    try {
      t = parseTemplate(text);
    } catch (e) {
      // Anything but a TemplateError is a bug in the engine: let it surface as one.
      if (!(e instanceof TemplateError)) throw e;
      t = { failure: e };
    }
    if (cache.size >= TEMPLATE_CACHE_LIMIT) {
      const oldest = cache.keys().next();
      if (!oldest.done) cache.delete(oldest.value);
    }
    cache.set(text, t);
  }
  if (isFailure(t)) {
    // NFD's template.NewHelper wraps parse errors as `invalid template: …`; the size limit is a
    // bare sentinel error.
    const f = t.failure;
    const text = f instanceof TemplateTooLargeError ? messageOf(f) : `invalid template: ${messageOf(f)}`;
    throw new RuleEvaluationError(`failed to parse template: ${text}`, 'E_TEMPLATE_PARSE', { cause: f });
  }
  return t;
}

/** Expand `text` on `data` and merge the resulting map into `out` (later keys win). `""` is a no-op. */
export function executeTemplate(
  text: string | undefined,
  data: TemplateData,
  out: Record<string, string>,
): void {
  if (text === undefined || text === '') return;
  const template = parseCached(text);
  let values: Record<string, string>;
  try {
    // The data always has NFD's Go type `map[string]map[string][]MatchedElement`.
    values = expandMap(template, data, { dataType: 'nfd' });
  } catch (e) {
    throw new RuleEvaluationError(`failed to expand template: ${messageOf(e)}`, 'E_TEMPLATE_EXEC', {
      cause: e,
    });
  }
  copyInto(out, values);
}
