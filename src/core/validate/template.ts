/**
 * validate.Template (NFD v0.19.0 pkg/apis/nfd/nodefeaturerule/rule.go `executeTemplate`; NFD v0.19.0 pkg/apis/nfd/validate/validate.go): a labels/vars template must parse with NFD's template
 * helper (Go text/template, `missingkey=error`, Sprig minus env/expandenv/getHostByName, 64 KiB cap).
 * Parse only: nothing is executed. A function we do not support fails here, at parse time.
 */
import { TemplateError } from '../../template/errors.ts';
import { parseTemplate } from '../../template/index.ts';
import { NfdError } from './nfd.ts';

/** `null` when `text` parses; otherwise NFD's `invalid template: template: :1: ...` error. */
export function template(text: string): NfdError | null {
  try {
    parseTemplate(text);
    return null;
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
    const message = e.message;
    return new NfdError(message.startsWith('invalid template: ') ? message : `invalid template: ${message}`);
  }
}
