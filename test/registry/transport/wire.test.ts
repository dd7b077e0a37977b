import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, createServer as createNetServer, type Socket as NetSocket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import type { TLSSocket } from 'node:tls';
import { HttpClient } from '../../../src/registry/transport/http-client.ts';
import { NO_RETRY } from '../../../src/registry/transport/retry.ts';
import { createSender, ResponseHeaders } from '../../../src/registry/transport/wire.ts';
import { makeTlsMaterial, type TlsMaterial } from '../../e2e/harness/certs.ts';

// Ports on fetch.spec.whatwg.org's bad-port list, all above 1023 (no privilege needed to bind).
const BAD_PORTS = [10080, 6666, 6667, 6668, 6669, 6665, 6000, 6566, 6679, 6697, 4190, 5060, 5061];

async function listenOnBadPort(server: Server): Promise<number | undefined> {
  for (const port of BAD_PORTS) {
    const ok = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (ok) return port;
  }
  return undefined;
}

/** Listens on 127.0.0.1, an ephemeral port, closed after the test; returns the port. */
async function listen(t: TestContext, server: Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return (server.address() as AddressInfo).port;
}

/** An https server with a certificate from a throw-away CA (`material.caPem`, `material.caCert`). */
async function tlsServer(
  t: TestContext,
  handler: RequestListener,
): Promise<{ server: Server; material: TlsMaterial }> {
  const dir = mkdtempSync(join(tmpdir(), 'imgcompat-wire-tls-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const material = await makeTlsMaterial(dir);
  const server = createHttpsServer(
    { cert: readFileSync(material.serverCert), key: readFileSync(material.serverKey) },
    handler,
  );
  return { server, material };
}

/**
 * Runs `body` in a child Node process where `HttpClient` (http-client.ts) is imported: what it writes to
 * standard output, and its exit code (a child still running after 20 s is killed: code null).
 */
function runClient(
  body: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ out: string; code: number | null }> {
  const client = new URL('../../../src/registry/transport/http-client.js', import.meta.url).href;
  const script = `const { HttpClient } = await import(${JSON.stringify(client)});\n${body}`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c;
  });
  const hang = setTimeout(() => child.kill(), 20_000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(hang);
      resolve({ out, code });
    }),
  );
}

test('a server on a port fetch blocks is reached: status, headers, body, HEAD, manual redirects', async (t) => {
  const server = createServer((req, res) => {
    if (req.url === '/moved') {
      res.writeHead(307, { location: '/v2/' });
      res.end();
      return;
    }
    res.writeHead(req.url === '/v2/' ? 200 : 404, {
      'content-type': 'application/json',
      'x-echo': req.method,
    });
    res.end(JSON.stringify({ url: req.url, ua: req.headers['user-agent'] }));
  });
  const port = await listenOnBadPort(server);
  t.after(() => server.close());
  if (port === undefined) {
    t.skip('every blocked port is taken on this machine');
    return;
  }
  const http = new HttpClient({ userAgent: 'probe', retry: NO_RETRY });
  const get = (path: string, method = 'GET') =>
    http.request({ method, url: new URL(`http://127.0.0.1:${port}${path}`), maxBytes: 1000, context: {} });
  const ok = await get('/v2/');
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get('X-Echo'), 'GET');
  assert.deepEqual(JSON.parse(new TextDecoder().decode(ok.body)), { url: '/v2/', ua: 'probe' });
  assert.equal((await get('/nope')).status, 404);
  const head = await get('/v2/', 'HEAD');
  assert.equal(head.status, 200);
  assert.equal(head.body.byteLength, 0);
  const moved = await get('/moved');
  assert.equal(moved.status, 200);
  assert.equal(moved.url.pathname, '/v2/');
});

test('ResponseHeaders: case-insensitive, repeated fields joined with ", " in order', () => {
  const h = new ResponseHeaders(['Link', '<a>; rel="next"', 'X-One', '1', 'link', '<b>; rel="prev"']);
  assert.equal(h.get('LINK'), '<a>; rel="next", <b>; rel="prev"');
  assert.equal(h.get('x-one'), '1');
  assert.equal(h.get('missing'), null);
});

test("a signal fired while the body streams ends the read with the signal's reason", async (t) => {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-length': '100' });
    res.write('partial');
  });
  const port = await listen(t, server);
  const send = createSender({ tls: async () => ({ rejectUnauthorized: true }) });
  const ac = new AbortController();
  const res = await send({
    method: 'GET',
    url: new URL(`http://127.0.0.1:${port}/`),
    headers: {},
    signal: ac.signal,
  });
  assert.equal(res.status, 200);
  const reason = new Error('stop');
  const read = (async () => {
    for await (const _ of res.body) ac.abort(reason);
  })();
  await assert.rejects(read, (e) => e === reason);
});

test('a request to an unreachable proxy names the proxy, never its credentials', async () => {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  const lines: string[] = [];
  const http = new HttpClient({
    retry: NO_RETRY,
    proxyEnv: { HTTPS_PROXY: `http://user:s3cret@127.0.0.1:${port}` },
    trace: (l) => lines.push(l),
  });
  await assert.rejects(
    http.request({
      method: 'GET',
      url: new URL('https://registry.example/v2/'),
      maxBytes: 100,
      context: { registry: 'registry.example' },
    }),
    (e: Error & { code?: string }) => {
      assert.equal(e.code, 'E_NETWORK');
      assert.match(e.message, new RegExp(`proxy http://127\\.0\\.0\\.1:${port}: connection refused`));
      assert.doesNotMatch(e.message, /s3cret|user/);
      return true;
    },
  );
  assert.ok(lines.includes(`  via proxy http://127.0.0.1:${port}`), lines.join('\n'));
  assert.doesNotMatch(lines.join('\n'), /s3cret/);
});

test('connections are released after HEAD, redirects, error bodies and truncated reads: reused, and the process can exit', async (t) => {
  let connections = 0;
  const server = createServer((req, res) => {
    if (req.url === '/moved') {
      res.writeHead(307, { location: '/v2/' }).end('see /v2/');
      return;
    }
    if (req.url === '/big-error') {
      res.writeHead(500).end('e'.repeat(20_000));
      return;
    }
    res.writeHead(req.url === '/v2/' ? 200 : 404, { 'content-length': '2' }).end('ok');
  });
  server.on('connection', () => connections++);
  const port = await listen(t, server);
  // A child process that must end by itself: a connection left attached to a request keeps it alive.
  const { out, code } = await runClient(`
    const http = new HttpClient({ retry: { maxAttempts: 1 } });
    const statuses = [];
    for (const [method, path] of [['HEAD', '/v2/'], ['GET', '/moved'], ['GET', '/nope'], ['GET', '/big-error'], ['GET', '/v2/']]) {
      const res = await http.request({ method, url: new URL('http://127.0.0.1:${port}' + path), maxBytes: 100, context: {} });
      statuses.push(res.status);
    }
    process.stdout.write(JSON.stringify(statuses));
  `);
  assert.equal(code, 0, 'the client process did not end by itself');
  assert.deepEqual(JSON.parse(out), [200, 200, 404, 500, 200]);
  // The 500's body is cut at the error cap (a new connection after it); everything else reuses one.
  assert.ok(connections <= 2, `${connections} connections`);
});

test('a hostile proxy: endless CONNECT headers, a non-HTTP answer, silence — each a clear error in bounded time and memory', async () => {
  // Fault injection: a raw TCP "proxy" that answers CONNECT as told.
  const behaviours = {
    endless: (s: NetSocket) => {
      s.write('HTTP/1.1 200 OK\r\n');
      const line = `X-Filler: ${'a'.repeat(1000)}\r\n`;
      const timer = setInterval(() => s.write(line), 1);
      s.on('close', () => clearInterval(timer));
      s.on('error', () => clearInterval(timer));
    },
    garbage: (s: NetSocket) => s.write('hello there\r\n\r\n'),
    silent: (_s: NetSocket) => {},
  };
  for (const [name, behave] of Object.entries(behaviours)) {
    const sockets = new Set<NetSocket>();
    const proxy = createNetServer((s) => {
      sockets.add(s);
      s.once('data', () => behave(s));
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const { port } = proxy.address() as AddressInfo;
    const http = new HttpClient({
      retry: NO_RETRY,
      timeoutMs: 1000,
      proxyEnv: { HTTPS_PROXY: `http://127.0.0.1:${port}` },
    });
    try {
      await assert.rejects(
        http.request({
          method: 'GET',
          url: new URL('https://registry.example/v2/'),
          maxBytes: 100,
          context: { registry: 'registry.example' },
        }),
        (e: Error) => {
          const want = {
            endless: /CONNECT response headers too large/,
            garbage: /not an HTTP answer to CONNECT/,
            silent: /timed out after 1000 ms/,
          }[name];
          assert.match(e.message, want!, `${name}: ${e.message}`);
          return true;
        },
      );
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => proxy.close(() => r()));
    }
  }
});

test('https: the next connection to a registry resumes its TLS session (as https.Agent did), with one CA context', async (t) => {
  const resumed: boolean[] = [];
  const { server, material } = await tlsServer(t, (_req, res) => {
    // Slow enough that two requests at once need two connections.
    setTimeout(() => res.writeHead(200, { 'content-length': '2' }).end('ok'), 100);
  });
  server.on('secureConnection', (s: TLSSocket) => resumed.push(s.isSessionReused()));
  const port = await listen(t, server);
  const send = createSender({
    tls: async () => ({ rejectUnauthorized: true, ca: [material.caPem] }),
  });
  const get = async () => {
    const res = await send({
      method: 'GET',
      url: new URL(`https://127.0.0.1:${port}/v2/`),
      headers: {},
      signal: AbortSignal.timeout(10_000),
    });
    let body = '';
    for await (const c of res.body) body += Buffer.from(c).toString();
    return `${res.status} ${body}`;
  };
  assert.equal(await get(), '200 ok');
  // A TLS 1.3 session ticket arrives after the handshake: let it land before the next connection.
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(await Promise.all([get(), get()]), ['200 ok', '200 ok']);
  assert.deepEqual(resumed, [false, true], "the second connection resumed the first one's session");
});

test('https: a CA from NODE_EXTRA_CA_CERTS is trusted (no --ca-file), and without it the certificate is not', async (t) => {
  const { server, material } = await tlsServer(t, (_req, res) => {
    res.writeHead(200, { 'content-length': '2' }).end('ok');
  });
  const port = await listen(t, server);
  // Node reads NODE_EXTRA_CA_CERTS when it starts: a child process per case.
  const run = async (extra: Record<string, string>) => {
    const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
    if (!extra.NODE_EXTRA_CA_CERTS) delete env.NODE_EXTRA_CA_CERTS;
    const body = `
      const http = new HttpClient({ retry: { maxAttempts: 1 } });
      try {
        const res = await http.request({ method: 'GET', url: new URL('https://127.0.0.1:${port}/v2/'), maxBytes: 100, context: {} });
        process.stdout.write(res.status + ' ' + Buffer.from(res.body).toString());
      } catch (e) {
        process.stdout.write('error: ' + e.message);
      }
    `;
    return (await runClient(body, env)).out;
  };
  assert.equal(await run({ NODE_EXTRA_CA_CERTS: material.caCert }), '200 ok');
  assert.match(await run({}), /^error: .*certificate is not trusted/);
});
