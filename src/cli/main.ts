/**
 * The CLI's single exit point: runs a command and turns its result or error into output and an exit
 * code. No other module prints errors or chooses exit codes (commands return a code or throw).
 */
import { CommanderError } from 'commander';
import { escapeControlChars, formatDiagnostics, ImgcompatError, InvalidInputError } from '../errors.ts';
import { EXIT, exitCodeFor } from './exit-codes.ts';
import type { Io } from './io.ts';
import { buildProgram, type CommandContext } from './program.ts';

export async function run(argv: string[], io: Io, programName = 'imgcompat'): Promise<number> {
  const ctx: CommandContext = { io, exitCode: EXIT.ok };
  const program = buildProgram(ctx, programName, argv);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return ctx.exitCode;
  } catch (err) {
    return reportError(err, io, programName);
  }
}

function reportError(err: unknown, io: Io, programName: string): number {
  if (err instanceof CommanderError) {
    // --help and --version end with a CommanderError whose exitCode is 0; commander already printed.
    if (err.exitCode === 0) return EXIT.ok;
    // commander already wrote "error: ..." through our configured writeErr.
    return EXIT.usage;
  }
  if (ImgcompatError.is(err)) {
    io.stderr.write(`${programName}: ${escapeControlChars(err.message)}\n`);
    if (err instanceof InvalidInputError) {
      for (const line of formatDiagnostics(err.diagnostics)) io.stderr.write(`  ${line}\n`);
    }
    if (err.kind === 'internal') io.stderr.write(bugReportHint(err));
    return exitCodeFor(err.kind);
  }
  const e = err instanceof Error ? err : new Error(String(err));
  io.stderr.write(`${programName}: internal error: ${escapeControlChars(e.message)}\n${bugReportHint(e)}`);
  if (io.env.IMGCOMPAT_DEBUG) io.stderr.write(`${e.stack ?? ''}\n`);
  return EXIT.internal;
}

function bugReportHint(e: Error): string {
  return (
    `This is a bug in imgcompat. Please report it with the command you ran and this message` +
    ` (set IMGCOMPAT_DEBUG=1 for a stack trace). [${e.name}]\n`
  );
}
