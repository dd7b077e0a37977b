import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { memoryIo } from '../../src/cli/io.ts';
import { run } from '../../src/cli/main.ts';
import { VERSION } from '../../src/cli/version.ts';

test('--version prints the package.json version', async () => {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'));
  assert.equal(VERSION, pkg.version);
  const io = memoryIo();
  assert.equal(await run(['--version'], io), 0);
  assert.equal(io.out().trim(), pkg.version);
});

test('an unknown flag is a usage error (exit 2) naming the flag', async () => {
  const io = memoryIo();
  assert.equal(await run(['--no-such-flag'], io), 2);
  assert.match(io.err(), /--no-such-flag/);
});
