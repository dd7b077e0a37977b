/**
 * `imgcompat lint FILE...`: the lint checks of src/lint over each file, printed as text (stdout),
 * JSON or SARIF. Files that cannot be read or are not a spec/NFR/NFG are reported on stderr with
 * their position and make the exit status 3; the other files are still linted.
 */
import { formatDiagnostic } from '../../errors.ts';
import type { Severity } from '../../lint/findings.ts';
import { atLeast, formatJson, formatSarif, formatText, type LintedFile } from '../../lint/format.ts';
import { lintText } from '../../lint/lint.ts';
import { EXIT } from '../exit-codes.ts';
import type { CommandContext } from '../program.ts';
import { VERSION } from '../version.ts';
import { readInputFile } from './input-files.ts';

export interface LintOptions {
  files: string[];
  output: 'text' | 'json' | 'sarif';
  failOn: Severity;
}

export async function run(opts: LintOptions, ctx: CommandContext): Promise<number> {
  const linted: LintedFile[] = [];
  let unusable = false;
  for (const file of opts.files) {
    const read = await readInputFile(ctx.io.cwd, file);
    if ('problem' in read) {
      ctx.io.stderr.write(`${formatDiagnostic(read.problem)}\n`);
      unusable = true;
      continue;
    }
    const r = lintText(read.text, file);
    if (r.kind === 'unrecognized') {
      ctx.io.stderr.write(`${formatDiagnostic(r.problem)}\n`);
      unusable = true;
      continue;
    }
    linted.push({ file, kind: r.kind, findings: r.findings });
  }
  const text =
    opts.output === 'json'
      ? formatJson(linted)
      : opts.output === 'sarif'
        ? formatSarif(linted, VERSION)
        : formatText(linted);
  ctx.io.stdout.write(text);
  if (unusable) return EXIT.invalidInput;
  const failing = linted.some((f) => f.findings.some((x) => atLeast(x.severity, opts.failOn)));
  return failing ? EXIT.incompatible : EXIT.ok;
}
