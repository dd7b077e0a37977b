import { Option } from 'commander';
import type { Register } from '../program.ts';

export const registerLint: Register = (program, ctx) => {
  program
    .command('lint')
    .description(
      'find rules in specs, NodeFeatureRules and NodeFeatureGroups that load but cannot do what they seem to',
    )
    .argument('<file...>', 'spec, NodeFeatureRule or NodeFeatureGroup files (YAML or JSON)')
    .addOption(
      new Option('-o, --output <format>', 'text, json, or sarif (SARIF 2.1.0 for code-scanning UIs)')
        .choices(['text', 'json', 'sarif'])
        .default('text'),
    )
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a finding has this severity or higher')
        .choices(['error', 'warning', 'info'])
        .default('error'),
    )
    .addHelpText(
      'after',
      `
Exit status: 0 when no finding reaches --fail-on, 1 when one does, 3 when a file is unreadable or
is not a spec, NodeFeatureRule or NodeFeatureGroup.

Files are linted and their findings written one at a time, so memory does not grow with the number
of files. When stderr is a terminal and linting takes longer than a second, a progress line there
counts the files.

Example:
  imgcompat lint examples/spec.yaml
  imgcompat lint -o sarif rules/*.yaml > lint.sarif`,
    )
    .action(async (files: string[], opts: { output: string; failOn: string }) => {
      const { run } = await import('../commands/lint.ts');
      ctx.exitCode = await run(
        {
          files,
          output: opts.output as 'text' | 'json' | 'sarif',
          failOn: opts.failOn as 'error' | 'warning' | 'info',
        },
        ctx,
      );
    });
};
