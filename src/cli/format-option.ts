/**
 * `--format json|go-template=TEMPLATE`, as oras (`oras discover --format go-template=...`) and kubectl
 * (`-o go-template=...`) offer it: the command's JSON output (the `-o json` object) given to a Go
 * text/template with NFD's Sprig function map, our own port in src/template. The data is what Go's
 * encoding/json decodes the JSON into (maps, slices, float64 numbers), as oras passes it.
 */
import { UsageError } from '../errors.ts';
import type { Io } from './io.ts';

const GO_TEMPLATE = 'go-template=';

export interface FormatFlags {
  format?: string;
}

/** The `--format` option of commands with a JSON output (attach, discover). */
export const FORMAT_FLAGS = '--format <format>';
export const FORMAT_HELP =
  'json, or go-template=TEMPLATE: a Go text/template (Sprig functions) over the JSON output, as oras and kubectl';

/** Checks the flag before any work is done; undefined when `--format` was not given. */
export function formatOf(flags: FormatFlags): 'json' | { template: string } | undefined {
  const f = flags.format;
  if (f === undefined) return undefined;
  if (f === 'json') return 'json';
  if (f.startsWith(GO_TEMPLATE) && f.length > GO_TEMPLATE.length)
    return { template: f.slice(GO_TEMPLATE.length) };
  throw new UsageError(`--format "${f}": expected json or go-template=TEMPLATE`);
}

/** Writes `value` as `--format` asks (JSON ends with a newline; a template's output is written as is). */
export async function writeFormatted(
  out: Io['stdout'],
  value: unknown,
  format: 'json' | { template: string },
): Promise<void> {
  if (format === 'json') {
    out.write(`${JSON.stringify(value, null, 2)}\n`);
    return;
  }
  const { parseTemplate, TemplateError, TemplateTooLargeError } = await import('../template/index.ts');
  try {
    const data: unknown = JSON.parse(JSON.stringify(value));
    out.write(parseTemplate(format.template).execute(data, { dataType: 'json' }));
  } catch (e) {
    if (e instanceof TemplateError || e instanceof TemplateTooLargeError)
      throw new UsageError(`--format: ${e.message}`);
    throw e;
  }
}
