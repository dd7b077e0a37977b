import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { memoryIo } from '../../src/cli/io.ts';
import { run } from '../../src/cli/main.ts';

async function script(shell: string): Promise<string> {
  const io = memoryIo();
  assert.equal(await run(['completion', shell], io), 0, io.err());
  return io.out();
}

/** Runs the generated bash completion function the way bash's `complete` would. */
function complete(bashScript: string, words: string[]): string[] {
  const program = `${bashScript}
COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}
_imgcompat_complete; printf '%s\\n' "\${COMPREPLY[@]}"`;
  return execFileSync('bash', ['-c', program], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

test('bash completion offers subcommands, their flags and flag choices', async () => {
  const s = await script('bash');
  assert.ok(complete(s, ['imgcompat', 'jo']).includes('job'));
  const jobFlags = complete(s, ['imgcompat', 'job', '--']);
  assert.ok(jobFlags.includes('--image'), jobFlags.join(' '));
  assert.ok(jobFlags.includes('--registry-secret'));
  assert.ok(!jobFlags.includes('job'));
  assert.deepEqual(complete(s, ['imgcompat', 'job', '--output', '']).sort(), ['json', 'yaml']);
  assert.deepEqual(complete(s, ['imgcompat', 'completion', 'f']), ['fish']);
});

test('zsh completion reuses the bash function through bashcompinit', async () => {
  const s = await script('zsh');
  assert.match(s, /^#compdef imgcompat\n/);
  assert.match(s, /bashcompinit/);
  assert.match(s, /complete -o default -F _imgcompat_complete imgcompat/);
});

test('fish completion lists subcommands and long flags per command', async () => {
  const s = await script('fish');
  assert.match(s, /complete -c imgcompat -n '[^']*' -a job\n/);
  assert.match(s, /-n '__fish_seen_subcommand_from job' -l image\n/);
  assert.match(s, /-l output -x -a 'yaml json'/);
});

test('an unknown shell is a usage error', async () => {
  const io = memoryIo();
  assert.equal(await run(['completion', 'tcsh'], io), 2);
  assert.match(io.err(), /tcsh/);
});
