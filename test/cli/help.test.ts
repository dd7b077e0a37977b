import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Command } from 'commander';
import { memoryIo } from '../../src/cli/io.ts';
import { run } from '../../src/cli/main.ts';
import { buildProgram } from '../../src/cli/program.ts';

/** Every command path of the CLI, from the command tree itself (so a new command is covered too). */
function commandPaths(): string[][] {
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

test('every command answers --help with exit 0, a usage line and examples', async () => {
  const paths = commandPaths();
  assert.ok(paths.length >= 25, `only ${paths.length} commands found`);
  for (const path of paths) {
    const io = memoryIo();
    assert.equal(await run([...path, '--help'], io), 0, path.join(' '));
    assert.match(io.out(), /^Usage: imgcompat /, path.join(' '));
    assert.match(
      io.out(),
      /\nExamples?:\n {2}(imgcompat|source|echo)/,
      `${path.join(' ')} --help has no example`,
    );
  }
});
