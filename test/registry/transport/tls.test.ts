import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { test } from 'node:test';
import { fetchFor } from '../../../src/registry/transport/tls.ts';

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
  // Node's own fetch refuses the port: the reason for the fallback.
  await assert.rejects(
    fetch(`http://127.0.0.1:${port}/v2/`),
    (e: Error) => (e.cause as Error).message === 'bad port',
  );
  const f = await fetchFor({});
  const ok = await f(`http://127.0.0.1:${port}/v2/`, { method: 'GET', headers: { 'user-agent': 'probe' } });
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get('x-echo'), 'GET');
  assert.deepEqual(await ok.json(), { url: '/v2/', ua: 'probe' });
  const missing = await f(new URL(`http://127.0.0.1:${port}/nope`), { method: 'GET' });
  assert.equal(missing.status, 404);
  await missing.body?.cancel();
  const head = await f(`http://127.0.0.1:${port}/v2/`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.body, null);
  const moved = await f(`http://127.0.0.1:${port}/moved`, { method: 'GET', redirect: 'manual' });
  assert.equal(moved.status, 307);
  assert.equal(moved.headers.get('location'), '/v2/');
  await moved.body?.cancel();
});
