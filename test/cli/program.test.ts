/** The command table (src/cli/program.ts, src/cli/defs/index.ts): a run builds only what it needs. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Command, CommanderError } from 'commander';
import { registrations } from '../../src/cli/defs/index.ts';
import { memoryIo } from '../../src/cli/io.ts';
import { run } from '../../src/cli/main.ts';
import { buildProgram, registrationsFor } from '../../src/cli/program.ts';

test('each registration lists exactly the top-level commands it adds (completion: none, never alone)', () => {
  for (const r of registrations) {
    const program = new Command('imgcompat');
    r.register(program, { io: memoryIo(), exitCode: 0 });
    const added = program.commands.map((c) => c.name());
    if (added.includes('completion')) assert.deepEqual(r.commands, []);
    else assert.deepEqual(r.commands, added);
  }
  const all = buildProgram({ io: memoryIo(), exitCode: 0 }, 'imgcompat').commands.map((c) => c.name());
  const listed = registrations.flatMap((r) => r.commands);
  assert.deepEqual(
    all.filter((c) => c !== 'completion'),
    listed,
  );
});

test('a run starting with a command name registers its module alone; anything else registers all', () => {
  assert.deepEqual(
    registrationsFor(['validate-node', '--image', 'x']).map((r) => r.commands),
    [['validate-node']],
  );
  assert.deepEqual(
    registrationsFor(['login', 'reg.example']).map((r) => r.commands[0]),
    ['attach'],
  );
  for (const argv of [
    [],
    ['--help'],
    ['help', 'validate-node'],
    ['completion', 'bash'],
    ['valdate-node'],
    ['--version'],
  ]) {
    assert.equal(registrationsFor(argv), registrations, argv.join(' '));
  }
  assert.equal(registrationsFor(undefined), registrations);
});

/** What the program with every command prints for `argv` (commander ends --help with an error). */
async function fullProgramOutput(argv: string[]): Promise<string> {
  const io = memoryIo();
  const program = buildProgram({ io, exitCode: 0 }, 'imgcompat');
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
  }
  return io.out() + io.err();
}

test('help and usage errors read the same whether one command or all are registered', async () => {
  const cases = [
    ['validate-node', '--help'],
    ['nfr', '--help'],
    ['nfr', 'dryrun', '--help'],
    ['cluster', 'validate', '--help'],
    ['attach', '--help'],
    ['validate-node', '--no-such-flag'],
    ['nfr', 'no-such-subcommand'],
  ];
  for (const argv of cases) {
    const io = memoryIo();
    await run(argv, io);
    assert.equal(io.out() + io.err(), await fullProgramOutput(argv), argv.join(' '));
  }
});
