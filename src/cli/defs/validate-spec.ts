import { Option } from 'commander';
import type { Register } from '../program.ts';

export const registerValidateSpec: Register = (program, ctx) => {
  program
    .command('validate-spec')
    .description('check image compatibility spec files (YAML or JSON) as NFD reads them')
    .argument('<file...>', 'spec files')
    .addOption(
      new Option(
        '-o, --output <format>',
        'text: problems on stderr as file:line:col; json: one JSON document',
      )
        .choices(['text', 'json'])
        .default('text'),
    )
    .addHelpText(
      'after',
      `
Exit status: 0 when every file is valid (warnings allowed), 3 when any file is invalid or unreadable.

Example:
  imgcompat validate-spec examples/spec.yaml`,
    )
    .action(async (files: string[], opts: { output: string }) => {
      const { run } = await import('../commands/validate-spec.ts');
      ctx.exitCode = await run({ files, output: opts.output as 'text' | 'json' }, ctx);
    });
};
