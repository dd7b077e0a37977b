/**
 * The command table. Only commander and the small `defs/` modules load at start-up; each command's
 * implementation is behind `import()` in its def (startup budget: start-up figures in bench/results).
 * To add a command: create `defs/<name>.ts` exporting a `Register` function and list it in `defs/index.ts`.
 * Subcommands made with `program.command()` inherit exitOverride and the output settings.
 */
import { Command } from 'commander';
import { registrations } from './defs/index.ts';
import type { Io } from './io.ts';
import { VERSION } from './version.ts';

export interface CommandContext {
  io: Io;
  /** Set by a command's action; `main.ts` returns it as the exit code. */
  exitCode: number;
}

export type Register = (program: Command, ctx: CommandContext) => void;

export function buildProgram(ctx: CommandContext, name: string): Command {
  const program = new Command(name)
    .description(
      'Will this container image run well on this host? Image-compatibility checks built on NFD rules.',
    )
    .version(VERSION, '--version', 'print the version')
    .showHelpAfterError('(run with --help for usage)');
  configure(program, ctx);
  for (const register of registrations) register(program, ctx);
  return program;
}

/** Applies the shared settings to a command and (later) to its subcommands. */
export function configure(cmd: Command, ctx: CommandContext): Command {
  cmd.exitOverride();
  cmd.configureOutput({
    writeOut: (s) => ctx.io.stdout.write(s),
    // commander quotes an unknown `--flag=value` whole; the value may be a password (`--password=...`
    // on a command without -p), and credentials are never printed.
    writeErr: (s) => ctx.io.stderr.write(s.replace(/(unknown option '[^'=]*)=[^']*'/g, "$1=...'")),
  });
  return cmd;
}
