import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { memoryIo } from '../../src/cli/io.ts';
import { run } from '../../src/cli/main.ts';
import { MAX_DURATION_MS, parseDuration } from '../../src/cli/registry-options.ts';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

test('duration flags take Go durations (and a bare number of seconds), in milliseconds', () => {
  assert.equal(parseDuration('--timeout', '1m30s'), 90_000);
  assert.equal(parseDuration('--timeout', '1.5h'), 5_400_000);
  assert.equal(parseDuration('--timeout', '500ms'), 500);
  assert.equal(parseDuration('--timeout', '250us'), 1); // at least one millisecond
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

test('durations above what a Node timer holds are refused, not turned into an immediate timeout', () => {
  assert.equal(MAX_DURATION_MS, 2147483647);
  assert.equal(parseDuration('--timeout', '2147483647ms'), 2147483647);
  assert.equal(parseDuration('--timeout', '596h'), 596 * 3_600_000);
  for (const v of ['2147483648ms', '597h', '3000000s', '99999999999999999999h']) {
    assert.throws(
      () => parseDuration('--timeout', v),
      (e: Error & { kind?: string }) => {
        assert.equal(e.kind, 'usage');
        assert.match(e.message, /^--timeout ".+": must be at most 596h \(2147483647ms\)$/);
        return true;
      },
      v,
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

test('--timeout 600h is a usage error naming the flag (exit 2), before any request', async () => {
  for (const argv of [
    ['get', 'r.example/app', '--timeout', '600h'],
    ['validate-node', '--image', 'r.example/app', '--timeout', '600h'],
  ]) {
    const io = memoryIo({ env: {} });
    assert.equal(await run(argv, io), 2, io.err());
    assert.match(io.err(), /--timeout "600h": must be at most/);
  }
});
