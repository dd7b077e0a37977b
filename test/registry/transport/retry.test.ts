import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HttpClient } from '../../../src/registry/transport/http-client.ts';
import {
  backoff,
  DEFAULT_RETRY_POLICY,
  parseRetryAfter,
  retryDelay,
} from '../../../src/registry/transport/retry.ts';
import { startServer } from '../helpers/http-server.ts';

const P = DEFAULT_RETRY_POLICY;

test('backoff grows ×2 from 250 ms, jitter ±10 %, clamped to 200 ms..3 s', () => {
  assert.equal(
    backoff(P, 0, () => 0.5),
    250,
  );
  assert.equal(
    backoff(P, 1, () => 0.5),
    500,
  );
  assert.equal(
    backoff(P, 2, () => 0.5),
    1000,
  );
  assert.equal(
    backoff(P, 0, () => 0),
    225,
  );
  assert.equal(
    backoff(P, 0, () => 1),
    275,
  );
  assert.equal(
    backoff(P, 10, () => 1),
    3000,
  );
  assert.equal(
    backoff({ ...P, baseMs: 10 }, 0, () => 0.5),
    200,
  );
});

test('which outcomes are retried', () => {
  for (const s of [408, 429, 500, 502, 503, 504])
    assert.notEqual(
      retryDelay(P, 0, { status: s }, () => 0.5),
      undefined,
      `${s}`,
    );
  for (const s of [200, 201, 400, 401, 403, 404, 405, 501, 505])
    assert.equal(retryDelay(P, 0, { status: s }), undefined, `${s}`);
  const refused = new TypeError('fetch failed', {
    cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }),
  });
  assert.notEqual(retryDelay(P, 0, { error: refused }), undefined);
  assert.equal(retryDelay(P, 0, { error: new Error('bug') }), undefined);
  // 5 attempts in total: after the 5th no more.
  assert.notEqual(retryDelay(P, 3, { status: 503 }), undefined);
  assert.equal(retryDelay(P, 4, { status: 503 }), undefined);
});

test('Retry-After: seconds or HTTP date, capped', () => {
  assert.equal(retryDelay(P, 0, { status: 429, retryAfter: '2' }), 2000);
  assert.equal(retryDelay(P, 0, { status: 429, retryAfter: '3600' }), P.maxRetryAfterMs);
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:03 GMT', now), 3000);
  assert.equal(parseRetryAfter('garbage', now), undefined);
  // An unparsable Retry-After falls back to backoff.
  assert.equal(
    retryDelay(P, 0, { status: 429, retryAfter: 'soon' }, () => 0.5),
    250,
  );
});

test('HttpClient retries 503 and 429 (honouring Retry-After) and then succeeds', async () => {
  let n = 0;
  const srv = await startServer((_req, res) => {
    n++;
    if (n === 1) return void res.writeHead(503).end();
    if (n === 2) return void res.writeHead(429, { 'retry-after': '1' }).end();
    res.writeHead(200).end('ok');
  });
  const waits: number[] = [];
  const http = new HttpClient({ sleep: async (ms) => void waits.push(ms), random: () => 0.5 });
  const res = await http.request({
    method: 'GET',
    url: new URL(`${srv.origin}/v2/`),
    maxBytes: 100,
    context: {},
  });
  await srv.close();
  assert.equal(res.status, 200);
  assert.equal(new TextDecoder().decode(res.body), 'ok');
  assert.deepEqual(waits, [250, 1000]);
});

test('HttpClient gives up after maxAttempts and returns the last response', async () => {
  const srv = await startServer((_req, res) => void res.writeHead(502).end());
  const http = new HttpClient({ sleep: async () => {}, retry: { ...P, maxAttempts: 3 } });
  const res = await http.request({
    method: 'GET',
    url: new URL(`${srv.origin}/v2/`),
    maxBytes: 100,
    context: {},
  });
  await srv.close();
  assert.equal(res.status, 502);
  assert.equal(srv.requests.length, 3);
});

test('connection refused is retried, then a RegistryError naming the registry', async () => {
  const srv = await startServer(() => {});
  const url = new URL(`${srv.origin}/v2/`);
  await srv.close();
  let waits = 0;
  const http = new HttpClient({ sleep: async () => void waits++ });
  await assert.rejects(
    http.request({ method: 'GET', url, maxBytes: 100, context: { registry: srv.host, repository: 'app' } }),
    (e: Error & { code?: string; kind?: string }) => {
      assert.equal(e.kind, 'registry');
      assert.equal(e.code, 'E_NETWORK');
      assert.match(e.message, /connection refused/);
      assert.doesNotMatch(e.message, /ECONN|UND_ERR/);
      assert.ok(e.message.includes(srv.host));
      return true;
    },
  );
  assert.equal(waits, 4);
});

test('every request has a timeout', async () => {
  const srv = await startServer(() => {}); // never answers
  const http = new HttpClient({ timeoutMs: 50, retry: { ...P, maxAttempts: 1 } });
  await assert.rejects(
    http.request({
      method: 'GET',
      url: new URL(`${srv.origin}/v2/`),
      maxBytes: 100,
      context: { registry: srv.host },
    }),
    { code: 'E_TIMEOUT' },
  );
  await srv.close();
});

test('a body over the cap is E_SIZE_LIMIT, declared or streamed', async () => {
  const srv = await startServer((req, res) => {
    if (req.url === '/declared')
      return void res.writeHead(200, { 'content-length': '2000' }).end('x'.repeat(2000));
    res.writeHead(200); // chunked, no Content-Length
    res.write('x'.repeat(700));
    res.end('x'.repeat(700));
  });
  const http = new HttpClient();
  for (const path of ['/declared', '/streamed']) {
    await assert.rejects(
      http.request({
        method: 'GET',
        url: new URL(srv.origin + path),
        maxBytes: 1000,
        context: {},
        what: 'manifest',
      }),
      (e: Error & { code?: string }) => {
        assert.equal(e.code, 'E_SIZE_LIMIT');
        assert.match(e.message, /manifest .* larger than the 1000 bytes limit/);
        return true;
      },
    );
  }
  await srv.close();
});
