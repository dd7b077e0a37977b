import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryIo } from '../../src/cli/io.ts';
import { run } from '../../src/cli/main.ts';
import { MAX_DURATION_MS, parseDuration } from '../../src/cli/registry-options.ts';

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
