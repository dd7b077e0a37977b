/**
 * `imgcompat validate-spec FILE...`: check image-compatibility specs (YAML or JSON, v1alpha1) the
 * way NFD reads them (Go YAML 1.1 scalars, case-insensitive fields), plus NFD's semantic checks
 * (ops, value counts, regexps, templates, `type: version`). Every problem is listed with
 * file:line:column; warnings do not fail. Exit 0 when all files are valid, 3 otherwise.
 */
import { checkSpec } from '../../core/load/load-spec.ts';
import type { CommandContext } from '../program.ts';
import { readInputFile } from './input-files.ts';
import { type FileResult, type OutputFormat, report } from './validation-output.ts';

export interface ValidateSpecOptions {
  files: string[];
  output: OutputFormat;
}

export async function run(opts: ValidateSpecOptions, ctx: CommandContext): Promise<number> {
  const results: FileResult[] = [];
  for (const file of opts.files) {
    const read = await readInputFile(ctx.io.cwd, file, ctx.io.readStdin);
    if ('problem' in read) {
      results.push({ file, diagnostics: [read.problem] });
      continue;
    }
    const checked = checkSpec(read.text, { file });
    const sets = checked.spec?.compatibilities.length ?? 0;
    results.push({
      file,
      diagnostics: checked.diagnostics,
      detail: `${sets} compatibility set${sets === 1 ? '' : 's'}`,
    });
  }
  return report(results, opts.output, ctx);
}
