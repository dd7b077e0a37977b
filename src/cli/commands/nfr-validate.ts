/**
 * `imgcompat nfr validate FILE...`: check NodeFeatureRule and NodeFeatureGroup files as
 * `kubectl nfd validate` does (rule names, labels, annotations, taints, extended resources, templates,
 * feature names), plus the match-expression checks NFD only makes when a rule runs. Several
 * `---`-separated objects per file are accepted. Exit 0 when all are valid, 3 otherwise.
 */
import { checkRules } from '../../core/load/load-rule.ts';
import type { CommandContext } from '../program.ts';
import { readInputFile } from './input-files.ts';
import { type FileResult, type OutputFormat, report } from './validation-output.ts';

export interface NfrValidateOptions {
  files: string[];
  output: OutputFormat;
}

function describe(kinds: string[]): string {
  const counts = new Map<string, number>();
  for (const k of kinds) counts.set(k, (counts.get(k) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${n} ${k}${n === 1 ? '' : ' objects'}`).join(', ');
}

export async function run(opts: NfrValidateOptions, ctx: CommandContext): Promise<number> {
  const results: FileResult[] = [];
  for (const file of opts.files) {
    const read = await readInputFile(ctx.io.cwd, file, ctx.io.readStdin);
    if ('problem' in read) {
      results.push({ file, diagnostics: [read.problem] });
      continue;
    }
    const checked = checkRules(read.text, { file });
    results.push({
      file,
      diagnostics: checked.diagnostics,
      detail: describe(checked.documents.map((d) => d.object.kind)),
    });
  }
  return report(results, opts.output, ctx);
}
