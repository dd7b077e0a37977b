import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HttpClient, redactUrl } from '../../../src/registry/transport/http-client.ts';
import { decideRedirect } from '../../../src/registry/transport/redirect.ts';
import { startServer } from '../helpers/http-server.ts';
import { stubSend } from '../helpers/stub-send.ts';

test('redirect policy: same origin keeps auth, another origin drops it, https→http refused', () => {
  const from = new URL('https://reg.example/v2/a/blobs/sha256:1');
  const same = decideRedirect(from, 307, '/other', 'GET', 0);
  assert.ok(same.follow && same.keepAuthorization && same.url.href === 'https://reg.example/other');
  const cross = decideRedirect(from, 307, 'https://cdn.example/x?sig=1', 'GET', 0);
  assert.ok(cross.follow && !cross.keepAuthorization);
  const port = decideRedirect(from, 302, 'https://reg.example:8443/x', 'GET', 0);
  assert.ok(port.follow && !port.keepAuthorization, 'another port is another origin');
  const down = decideRedirect(from, 302, 'http://reg.example/x', 'GET', 0);
  assert.ok(!down.follow && /https to plain http/.test(down.reason));
  assert.ok(!decideRedirect(from, 302, null, 'GET', 0).follow);
  assert.ok(!decideRedirect(from, 302, '/x', 'GET', 10).follow);
  assert.ok(!decideRedirect(from, 302, 'ftp://x/', 'GET', 0).follow);
  const see = decideRedirect(from, 303, '/x', 'PUT', 0);
  assert.ok(see.follow && see.method === 'GET' && !see.keepBody);
  const keep = decideRedirect(from, 307, '/x', 'PUT', 0);
  assert.ok(keep.follow && keep.method === 'PUT' && keep.keepBody);
});

test('HttpClient follows a blob redirect to another origin without the Authorization header', async () => {
  const cdn = await startServer((_req, res) => void res.writeHead(200).end('blob'));
  const reg = await startServer((req, res) => {
    if (req.url === '/v2/a/blobs/x')
      return void res.writeHead(307, { location: `${cdn.origin}/data?sig=s3cr3t` }).end();
    if (req.url === '/v2/a/blobs/local')
      return void res.writeHead(302, { location: '/v2/a/blobs/final' }).end();
    res.writeHead(200).end('local');
  });
  const lines: string[] = [];
  const http = new HttpClient({ trace: (l) => lines.push(l) });
  const res = await http.request({
    method: 'GET',
    url: new URL(`${reg.origin}/v2/a/blobs/x`),
    authorization: 'Bearer CANARY-TOKEN',
    maxBytes: 100,
    context: {},
  });
  assert.equal(new TextDecoder().decode(res.body), 'blob');
  assert.equal(reg.requests[0]!.headers.authorization, 'Bearer CANARY-TOKEN');
  assert.equal(cdn.requests[0]!.headers.authorization, undefined);
  // Same-origin redirects keep it.
  await http.request({
    method: 'GET',
    url: new URL(`${reg.origin}/v2/a/blobs/local`),
    authorization: 'Bearer T2',
    maxBytes: 100,
    context: {},
  });
  assert.equal(reg.requests.at(-1)!.headers.authorization, 'Bearer T2');
  // The trace shows the hop but not the signature or the token.
  const trace = lines.join('\n');
  assert.match(trace, /307 GET/);
  assert.doesNotMatch(trace, /s3cr3t|CANARY-TOKEN/);
  await reg.close();
  await cdn.close();
});

test('HttpClient refuses a redirect from https to http (E_REDIRECT_REFUSED)', async () => {
  // A stand-in answering like an https registry that redirects to plain http.
  const http = new HttpClient({
    send: stubSend(() => ({ status: 307, headers: { location: 'http://evil.example/blob' } })),
  });
  await assert.rejects(
    http.request({
      method: 'GET',
      url: new URL('https://reg.example/v2/a/blobs/x'),
      authorization: 'Basic Zm9vOmJhcg==',
      maxBytes: 100,
      context: { registry: 'reg.example', repository: 'a' },
    }),
    (e: Error & { code?: string }) => {
      assert.equal(e.code, 'E_REDIRECT_REFUSED');
      assert.match(e.message, /registry reg\.example, repository a, HTTP 307/);
      return true;
    },
  );
});

test('redactUrl hides user-info and secret-looking query values', () => {
  assert.equal(
    redactUrl(new URL('https://u:p@h.example/x?X-Amz-Signature=abc&_state=zz&digest=sha256:1')),
    'https://h.example/x?X-Amz-Signature=REDACTED&_state=REDACTED&digest=sha256%3A1',
  );
});

test('Warning: 299 headers are traced once each and change nothing', async () => {
  const srv = await startServer((_req, res) => {
    res.writeHead(200, { warning: '299 - "this registry is deprecated", 299 - "quota \\"low\\""' }).end('ok');
  });
  const lines: string[] = [];
  const http = new HttpClient({ trace: (l) => lines.push(l) });
  for (let i = 0; i < 2; i++) {
    const res = await http.request({
      method: 'GET',
      url: new URL(`${srv.origin}/v2/`),
      maxBytes: 100,
      context: {},
    });
    assert.equal(res.status, 200);
  }
  await srv.close();
  assert.deepEqual(
    lines.filter((l) => l.includes('registry warning')),
    ['  registry warning: this registry is deprecated', '  registry warning: quota "low"'],
  );
});
