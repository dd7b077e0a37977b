/**
 * The CLI's one deadline helper (src/cli/deadline.ts), and the commands built on it: when `--timeout`
 * passes, the command reports it (exit 4) and its registry work stops — no retry goes on in the
 * background and the process exits, for validate-node and the cluster commands alike.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { withDeadline } from '../../src/cli/deadline.ts';
import { RegistryError } from '../../src/errors.ts';

const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));

function timers(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}

describe('withDeadline', () => {
  test('resolves with the work and clears its timer', async () => {
    const before = timers();
    assert.equal(await withDeadline(60_000, 'work', async () => 42), 42);
    assert.equal(timers(), before);
  });

  test('at the deadline: rejects with E_REGISTRY_TIMEOUT naming the work, and aborts its signal', async () => {
    let seen: AbortSignal | undefined;
    const never = new Promise<never>(() => {});
    await assert.rejects(
      withDeadline(30, 'fetching x', (signal) => {
        seen = signal;
        return never;
      }),
      (e) =>
        e instanceof RegistryError &&
        e.code === 'E_REGISTRY_TIMEOUT' &&
        e.message === 'fetching x: timed out after 0.03s (--timeout)',
    );
    assert.equal(seen?.aborted, true);
    assert.ok(seen?.reason instanceof RegistryError, 'the work sees the same error as its abort reason');
  });

  test('a parent signal aborts the work with its own reason', async () => {
    const parent = new AbortController();
    const reason = new Error('interrupted');
    const pending = withDeadline(
      60_000,
      'work',
      (signal) =>
        new Promise((_, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason));
        }),
      parent.signal,
    );
    parent.abort(reason);
    await assert.rejects(pending, (e) => e === reason);
  });
});

/** A registry that answers every request 503 (retryable), counting requests. */
async function unavailableRegistry(): Promise<{
  host: string;
  requests: () => number;
  close(): Promise<void>;
}> {
  let count = 0;
  const server = createServer((_req, res) => {
    count++;
    res.writeHead(503, { 'content-type': 'application/json' });
    res.end('{"errors":[{"code":"UNAVAILABLE","message":"later"}]}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => count,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

interface Exit {
  code: number | null;
  stderr: string;
  /** Milliseconds from the timeout message on stderr to the process's exit. */
  lingerMs: number;
}

function runCli(args: string[], home: string): Promise<Exit> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { HOME: home, DOCKER_CONFIG: path.join(home, '.docker'), PATH: process.env.PATH ?? '/usr/bin' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    let reportedAt: number | undefined;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (reportedAt === undefined && /timed out/.test(stderr)) reportedAt = performance.now();
    });
    child.on('close', (code) => {
      resolve({ code, stderr, lingerMs: performance.now() - (reportedAt ?? performance.now()) });
    });
  });
}

describe('commands stop their work at --timeout', () => {
  const home = mkdtempSync(path.join(tmpdir(), 'imgcompat-deadline-'));
  after(() => rmSync(home, { recursive: true, force: true }));

  // The registry's 503s would be retried 4 times over about 3.75 s (retry.ts); a 300 ms deadline must end
  // that: the timeout is reported, no further request is sent and the process exits.
  for (const argv of [
    ['validate-node', '--features', 'examples/features.json'],
    ['cluster', 'affinity'],
    ['nfg', 'generate'],
  ]) {
    test(`${argv.slice(0, 2).join(' ')}`, async () => {
      const registry = await unavailableRegistry();
      after(() => registry.close());
      const image = `${registry.host}/app:1`;
      const r = await runCli([...argv, '--image', image, '--plain-http', '--timeout', '300ms'], home);
      assert.equal(r.code, 4, r.stderr);
      assert.match(
        r.stderr,
        /fetching the compatibility artifact of .*: timed out after 0\.3s \(--timeout\)/,
      );
      const sent = registry.requests();
      assert.ok(sent < 5, `the retries went on after the deadline (${sent} requests)`);
      assert.ok(r.lingerMs < 2000, `the process stayed alive ${Math.round(r.lingerMs)} ms after the timeout`);
    });
  }
});
