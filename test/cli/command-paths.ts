/** Every command path of the CLI, from the command tree itself (so a new command is covered too). */
import type { Command } from 'commander';
import { memoryIo } from '../../src/cli/io.ts';
import { buildProgram } from '../../src/cli/program.ts';

export function commandPaths(): string[][] {
  const program = buildProgram({ io: memoryIo(), exitCode: 0 }, 'imgcompat');
  const paths: string[][] = [];
  const walk = (cmd: Command, path: string[]) => {
    for (const sub of cmd.commands) {
      paths.push([...path, sub.name()]);
      walk(sub, [...path, sub.name()]);
    }
  };
  walk(program, []);
  return paths;
}
