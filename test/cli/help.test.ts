import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryIo } from '../../src/cli/io.ts';
import { run } from '../../src/cli/main.ts';
import { commandPaths } from './command-paths.ts';

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
