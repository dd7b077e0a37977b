/**
 * The command table. Only commander and the small `defs/` modules load at start-up, and only the
 * definitions of the command being run are built; each command's implementation is behind `import()`
 * in its def (startup budget: start-up figures in bench/results).
 * To add a command: create `defs/<name>.ts` exporting a `Register` function and list it in `defs/index.ts`
 * with the top-level command names it adds.
 * Subcommands made with `program.command()` inherit exitOverride and the output settings.
 */
import { Command } from 'commander';
import { type Registration, registrations } from './defs/index.ts';
import type { Io } from './io.ts';
import { VERSION } from './version.ts';

export interface CommandContext {
  io: Io;
  /** Set by a command's action; `main.ts` returns it as the exit code. */
  exitCode: number;
}

export type Register = (program: Command, ctx: CommandContext) => void;

/**
 * The registrations a run needs: when `argv` starts with a command name, only the module defining it
 * (defining every command's options costs ~7 ms of a cold start); otherwise (`--help`, `help`, an unknown
 * or misspelt command, completion) all of them, so help lists and suggestions are complete.
 */
export function registrationsFor(argv: readonly string[] | undefined): readonly Registration[] {
  const first = argv?.[0];
  const one = first === undefined ? undefined : registrations.find((r) => r.commands.includes(first));
  return one ? [one] : registrations;
}

/** The program with every command, or (given the run's `argv`) the commands that run needs. */
export function buildProgram(ctx: CommandContext, name: string, argv?: readonly string[]): Command {
  const program = new Command(name)
    .description(
      'Will this container image run well on this host? Image-compatibility checks built on NFD rules.',
    )
    .version(VERSION, '--version', 'print the version')
    .showHelpAfterError('(run with --help for usage)');
  configure(program, ctx);
  for (const { register } of registrationsFor(argv)) register(program, ctx);
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
