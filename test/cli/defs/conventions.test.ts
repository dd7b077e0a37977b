/** Short flags users know from kubectl and kubectl-nfd, checked over the whole command tree. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Command } from 'commander';
import { memoryIo } from '../../../src/cli/io.ts';
import { run } from '../../../src/cli/main.ts';
import { buildProgram } from '../../../src/cli/program.ts';

function everyCommand(): [string, Command][] {
  const out: [string, Command][] = [];
  const walk = (cmd: Command, path: string) => {
    for (const sub of cmd.commands) {
      const p = path ? `${path} ${sub.name()}` : sub.name();
      out.push([p, sub]);
      walk(sub, p);
    }
  };
  walk(buildProgram({ io: memoryIo(), exitCode: 0 }, 'imgcompat'), '');
  return out;
}

test('kubectl short flags: -n is --namespace, -l is --node-selector, -o is --output, wherever they exist', () => {
  const expected: Record<string, string> = {
    '--namespace': '-n',
    '--node-selector': '-l',
    '--output': '-o',
  };
  const seen = new Set<string>();
  for (const [path, cmd] of everyCommand()) {
    for (const o of cmd.options) {
      const short = o.long ? expected[o.long] : undefined;
      if (short === undefined) continue;
      assert.equal(o.short, short, `${path} ${o.long}`);
      seen.add(o.long!);
    }
    // A short flag means the same thing on every command.
    for (const o of cmd.options) {
      const long = Object.entries(expected).find(([, s]) => s === o.short)?.[0];
      if (long) assert.equal(o.long, long, `${path} ${o.short}`);
    }
  }
  assert.deepEqual([...seen].sort(), Object.keys(expected).sort());
});

test('nfr dryrun takes the rule file as -f, as kubectl nfd dryrun does', async () => {
  const io = memoryIo({ cwd: '/' });
  const code = await run(
    ['nfr', 'dryrun', '-f', '/nonexistent/rules.yaml', '--features', '/nonexistent/f.json'],
    io,
  );
  // Not a usage error: the flag was understood and the missing file is reported as invalid input.
  assert.equal(code, 3, io.err());
  assert.match(io.err(), /rules\.yaml/);
});
