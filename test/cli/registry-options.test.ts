import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { memoryIo } from '../../src/cli/io.ts';
import { run } from '../../src/cli/main.ts';
import { parseDuration } from '../../src/cli/registry-options.ts';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

test('duration flags take Go durations (and a bare number of seconds), in milliseconds', () => {
  assert.equal(parseDuration('--timeout', '1m30s'), 90_000);
  assert.equal(parseDuration('--timeout', '1.5h'), 5_400_000);
  assert.equal(parseDuration('--timeout', '500ms'), 500);
  assert.equal(parseDuration('--timeout', '250us'), 0.25);
  assert.equal(parseDuration('--timeout', '45'), 45_000);
  assert.equal(parseDuration('--timeout', '2.5'), 2_500);
  for (const bad of ['1d', '1m30', 'soon', '', '-5s', '0', '0s']) {
    assert.throws(
      () => parseDuration('--timeout', bad),
      (e: Error) => e.message.startsWith(`--timeout "${bad}"`),
      bad,
    );
  }
});

test('--timeout has the same syntax on every command: a bad one is exit 2 naming the flag', async () => {
  const layout = `oci:${ROOT}/examples/layout:app`;
  for (const argv of [
    ['validate-node', '--image', layout, '--features', `${ROOT}/examples/features.json`],
    ['get', layout],
    ['discover', layout],
  ]) {
    const io = memoryIo({ cwd: ROOT });
    assert.equal(await run([...argv, '--timeout', '1d'], io), 2, argv.join(' '));
    assert.match(io.err(), /--timeout "1d": expected a duration such as 30s, 1m30s or 500ms/);
    const ok = memoryIo({ cwd: ROOT });
    assert.notEqual(await run([...argv, '--timeout', '1m30s'], ok), 2, `${argv.join(' ')}: ${ok.err()}`);
  }
});
