import { Argument } from 'commander';
import type { Register } from '../program.ts';

export const registerCompletion: Register = (program, ctx) => {
  program
    .command('completion')
    .description('print a shell completion script')
    .addArgument(new Argument('<shell>', 'shell to complete for').choices(['bash', 'zsh', 'fish']))
    .addHelpText(
      'after',
      `
Examples:
  source <(imgcompat completion bash)
  imgcompat completion zsh > "\${fpath[1]}/_imgcompat"
  imgcompat completion fish > ~/.config/fish/completions/imgcompat.fish`,
    )
    .action(async (shell: 'bash' | 'zsh' | 'fish') => {
      const { completionScript, describeTree } = await import('../completion.ts');
      ctx.io.stdout.write(completionScript(shell, program.name(), describeTree(program)));
      ctx.exitCode = 0;
    });
};
