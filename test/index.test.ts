/**
 * The public API (src/index.ts): cancellation of every I/O function through its AbortSignal — before a
 * request, while one is in flight and during a retry wait — leaving no request open and no timer running;
 * and misuse from JavaScript callers rejected with the CLI's error classes.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as api from '../src/index.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const LAYOUT = path.join(REPO, 'examples', 'layout');

interface HeldServer {
  host: string;
  /** Requests received so far (method and path). */
  seen: string[];
  /** Resolves when the server has a request it is holding open. */
  holding: Promise<void>;
  /** Resolves when the held request's connection was closed by the client. */
  clientClosed: Promise<void>;
  close(): Promise<void>;
}

/** A server that answers `status` with no body, or (status 0) holds every request open without answering. */
async function startServer(status: number): Promise<HeldServer> {
  const seen: string[] = [];
  let onHolding!: () => void;
  let onClosed!: () => void;
  const holding = new Promise<void>((r) => {
    onHolding = r;
  });
  const clientClosed = new Promise<void>((r) => {
    onClosed = r;
  });
  const held: ServerResponse[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    if (status === 0) {
      held.push(res);
      res.on('close', onClosed);
      onHolding();
      return;
    }
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end('{"errors":[{"code":"UNAVAILABLE","message":"try later"}]}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    host: `127.0.0.1:${port}`,
    seen,
    holding,
    clientClosed,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Active timers of this process (Node's own resource list). */
function timers(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}

function isAbortError(e: unknown): boolean {
  return e instanceof DOMException && e.name === 'AbortError';
}

describe('cancellation', () => {
  test('an already aborted signal rejects with an AbortError and sends no request', async () => {
    const server = await startServer(200);
    after(() => server.close());
    const signal = AbortSignal.abort();
    await assert.rejects(
      api.fetchCompatibilitySpec(`${server.host}/app:1`, { plainHttp: true, signal }),
      isAbortError,
    );
    await assert.rejects(
      api.listArtifacts(`${server.host}/app:1`, { plainHttp: true, signal }),
      isAbortError,
    );
    await assert.rejects(
      api.attachSpec(`${server.host}/app:1`, readFileSync(path.join(REPO, 'examples/spec.yaml')), {
        plainHttp: true,
        signal,
      }),
      isAbortError,
    );
    await assert.rejects(api.discoverFeatures({ signal }), isAbortError);
    await assert.rejects(api.fetchCompatibilitySpec(`oci:${LAYOUT}:app`, { signal }), isAbortError);
    assert.deepEqual(server.seen, []);
  });

  test('aborting during a request rejects at once, closes the connection and leaves no timer', async () => {
    const server = await startServer(0);
    after(() => server.close());
    const before = timers();
    const controller = new AbortController();
    const pending = api.fetchCompatibilitySpec(`${server.host}/app:1`, {
      plainHttp: true,
      signal: controller.signal,
      timeoutMs: 60_000,
    });
    await server.holding;
    controller.abort();
    await assert.rejects(pending, isAbortError);
    await server.clientClosed;
    assert.equal(server.seen.length, 1, 'no retry after the abort');
    assert.ok(timers() <= before, `timers left running: ${timers()} (before: ${before})`);
  });

  test('aborting during a retry wait ends the wait and sends nothing more', async () => {
    const server = await startServer(503);
    after(() => server.close());
    const before = timers();
    const controller = new AbortController();
    const reason = new Error('stop');
    const pending = api.listArtifacts(`${server.host}/app:1`, { plainHttp: true, signal: controller.signal });
    while (server.seen.length === 0) await new Promise((r) => setImmediate(r));
    // The client now waits (250 ms and more) before retrying the 503.
    await new Promise((r) => setTimeout(r, 20));
    const started = performance.now();
    controller.abort(reason);
    await assert.rejects(pending, (e) => e === reason);
    assert.ok(performance.now() - started < 200, 'rejected without waiting for the back-off');
    const count = server.seen.length;
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(server.seen.length, count, 'no request after the abort');
    assert.ok(timers() <= before, `timers left running: ${timers()} (before: ${before})`);
  });

  test('a discovery stops reading the host when the signal fires', async () => {
    const controller = new AbortController();
    const reason = new Error('enough');
    const pending = api.discoverFeatures({ signal: controller.signal });
    controller.abort(reason);
    await assert.rejects(pending, (e) => e === reason);
  });

  test('an OCI layout read stops when the signal fires', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'imgcompat-api-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    cpSync(LAYOUT, path.join(dir, 'layout'), { recursive: true });
    const controller = new AbortController();
    const pending = api.listArtifacts(`oci:${path.join(dir, 'layout')}:app`, { signal: controller.signal });
    controller.abort();
    await assert.rejects(pending, isAbortError);
  });
});

describe('the API works end to end on an OCI layout', () => {
  test('fetch, evaluate and render the example', async () => {
    const fetched = await api.fetchCompatibilitySpec(`oci:${LAYOUT}:app`);
    assert.match(fetched.artifact, /^sha256:[0-9a-f]{64}$/);
    assert.equal(fetched.spec.version, 'v1alpha1');
    const list = await api.listArtifacts(`oci:${LAYOUT}:app`);
    assert.equal(list.artifacts[0]?.digest, fetched.artifact);
    assert.equal(list.subject, fetched.subject);
    const tagged = await api.fetchCompatibilitySpec(`oci:${LAYOUT}:app`, { tags: ['generic'] });
    assert.ok(tagged.spec.compatibilities.every((c) => c.tag === 'generic'));
    assert.ok(tagged.spec.compatibilities.length > 0);
  });

  test('attach to a layout, then fetch the same bytes back', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'imgcompat-api-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    cpSync(LAYOUT, path.join(dir, 'layout'), { recursive: true });
    const ref = `oci:${path.join(dir, 'layout')}:app`;
    const text = readFileSync(path.join(REPO, 'examples/spec.yaml'), 'utf8');
    const attached = await api.attachSpec(ref, text, { created: new Date('2099-01-01T00:00:00Z') });
    const fetched = await api.fetchCompatibilitySpec(ref);
    assert.equal(fetched.artifact, attached.artifact.digest);
    assert.equal(new TextDecoder().decode(fetched.bytes), text);
  });
});

describe('misuse from JavaScript gets the CLI error classes', () => {
  const loose = api as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;

  test('wrong argument types are UsageErrors (exit 2 in the CLI)', async () => {
    const cases: [string, unknown[]][] = [
      ['fetchCompatibilitySpec', [42]],
      ['fetchCompatibilitySpec', ['oci:x:app', { signal: 'soon' }]],
      ['fetchCompatibilitySpec', ['oci:x:app', { tags: 'a,b' }]],
      ['fetchCompatibilitySpec', ['oci:x:app', { auth: { username: 'u' } }]],
      ['fetchCompatibilitySpec', ['oci:x:app', { timeoutMs: -1 }]],
      ['listArtifacts', [undefined]],
      ['listArtifacts', ['oci:x:app', 'options']],
      ['attachSpec', ['oci:x:app', 42]],
      ['attachSpec', ['oci:x:app', 'version: v1alpha1', { created: 'yesterday' }]],
      ['discoverFeatures', [{ sources: 7 }]],
      ['discoverFeatures', [{ hostRoot: ['/'] }]],
    ];
    for (const [fn, args] of cases) {
      await assert.rejects(
        Promise.resolve().then(() => loose[fn]!(...args)),
        (e) => e instanceof api.UsageError && e.code === 'E_API_MISUSE' && e.message.startsWith(`${fn}: `),
        `${fn}(${JSON.stringify(args)})`,
      );
    }
  });

  test('a bad reference or a missing layout fails as the CLI does', async () => {
    await assert.rejects(api.fetchCompatibilitySpec('UPPER/Case:tag'), api.ImgcompatError.is);
    await assert.rejects(
      api.fetchCompatibilitySpec(`oci:${path.join(tmpdir(), 'no-such-layout-here')}:app`),
      (e) => e instanceof api.InvalidInputError,
    );
  });

  test('an invalid spec is refused before anything is pushed', async () => {
    const server = await startServer(200);
    after(() => server.close());
    await assert.rejects(
      api.attachSpec(`${server.host}/app:1`, 'version: v9\n', { plainHttp: true }),
      (e) => e instanceof api.SpecError && e.diagnostics.length > 0,
    );
    assert.deepEqual(server.seen, []);
  });
});
