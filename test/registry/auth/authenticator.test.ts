import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { test } from 'node:test';
import { Authenticator } from '../../../src/registry/auth/authenticator.ts';
import type { Credential } from '../../../src/registry/auth/credentials.ts';
import { HttpClient } from '../../../src/registry/transport/http-client.ts';
import { json, type Recorded, startServer } from '../helpers/http-server.ts';
import { stubSend } from '../helpers/stub-send.ts';

const USER = 'alice';
const PASS = 'CANARY-p4ss-7f3a';

/** A registry endpoint with distribution-style token auth: pull needs a pull token, PUT a push token. */
async function tokenRegistry() {
  let issued = 0;
  const srv = await startServer((req: Recorded, res: ServerResponse) => {
    const u = new URL(req.url, 'http://x');
    if (u.pathname === '/token') {
      const scopes = u.searchParams.getAll('scope');
      const auth = req.headers.authorization;
      if (auth && auth !== `Basic ${Buffer.from(`${USER}:${PASS}`).toString('base64')}`)
        return json(res, 401, { details: 'bad' });
      // Anonymous users get pull only; alice gets what she asks for.
      const granted = auth ? scopes : scopes.map((s) => s.replace(/:[^:]*$/, ':pull'));
      issued++;
      return json(res, 200, { token: `tok-${issued}|${granted.join(' ')}`, expires_in: 300 });
    }
    const needed = req.method === 'PUT' ? 'repository:app:pull,push' : 'repository:app:pull';
    const challenge = (err?: string) =>
      `Bearer realm="${srv.origin}/token",service="test-registry",scope="${needed}"${err ? `,error="${err}"` : ''}`;
    const auth = req.headers.authorization;
    if (!auth?.startsWith('Bearer '))
      return json(res, 401, { errors: [{ code: 'UNAUTHORIZED' }] }, { 'www-authenticate': challenge() });
    const granted = auth.slice(7).split('|')[1] ?? '';
    if (req.method === 'PUT' && !granted.includes('push')) {
      return json(
        res,
        401,
        { errors: [{ code: 'UNAUTHORIZED' }] },
        { 'www-authenticate': challenge('insufficient_scope') },
      );
    }
    res.writeHead(200).end('ok');
  });
  return srv;
}

function client(_srv: { origin: string }, cred?: Omit<Credential, 'source'>, trace?: string[]) {
  const http = new HttpClient({ trace: trace ? (l) => trace.push(l) : undefined });
  return new Authenticator(http, {
    plainHttp: true,
    credentials: async () => (cred ? { ...cred, source: 'test' } : undefined),
  });
}

const req = (origin: string, method = 'GET', path = '/v2/app/manifests/latest') => ({
  method,
  url: new URL(origin + path),
  maxBytes: 1000,
  context: { registry: new URL(origin).host, repository: 'app' },
});

test('Bearer: one token per scope set, cached and reused; upgrade to push on insufficient_scope', async () => {
  const srv = await tokenRegistry();
  const auth = client(srv, { username: USER, password: PASS });
  const host = new URL(srv.origin).host;
  assert.equal((await auth.send(req(srv.origin), host, 'app', ['repository:app:pull'])).status, 200);
  assert.equal((await auth.send(req(srv.origin), host, 'app', ['repository:app:pull'])).status, 200);
  const tokenCalls = () => srv.requests.filter((r) => r.url.startsWith('/token'));
  assert.equal(tokenCalls().length, 1, 'the second pull reuses the cached token');
  assert.deepEqual(new URL(tokenCalls()[0]!.url, 'http://x').searchParams.getAll('scope'), [
    'repository:app:pull',
  ]);
  assert.equal(new URL(tokenCalls()[0]!.url, 'http://x').searchParams.get('service'), 'test-registry');
  // A push with only pull hints: 401 insufficient_scope → token for pull,push → success.
  const put = await auth.send({ ...req(srv.origin, 'PUT'), body: new Uint8Array([1]) }, host, 'app', [
    'repository:app:pull',
  ]);
  assert.equal(put.status, 200);
  const last = tokenCalls().at(-1)!;
  assert.deepEqual(new URL(last.url, 'http://x').searchParams.getAll('scope'), ['repository:app:pull,push']);
  await srv.close();
});

test('Bearer: anonymous pull works; anonymous push is denied with insufficient_scope, naming the registry', async () => {
  const srv = await tokenRegistry();
  const auth = client(srv);
  const host = new URL(srv.origin).host;
  assert.equal((await auth.send(req(srv.origin), host, 'app', ['repository:app:pull'])).status, 200);
  assert.equal(srv.requests.find((r) => r.url.startsWith('/token'))!.headers.authorization, undefined);
  await assert.rejects(
    auth.send(req(srv.origin, 'PUT'), host, 'app', ['repository:app:pull,push']),
    (e: Error & { code?: string }) => {
      assert.equal(e.code, 'E_REGISTRY_DENIED');
      assert.ok(e.message.includes(host));
      assert.match(e.message, /HTTP 401/);
      return true;
    },
  );
  await srv.close();
});

test('Bearer: wrong credentials are rejected without printing them', async () => {
  const srv = await tokenRegistry();
  const trace: string[] = [];
  const auth = client(srv, { username: USER, password: 'wrong-CANARY-x9' }, trace);
  const host = new URL(srv.origin).host;
  await assert.rejects(
    auth.send(req(srv.origin), host, 'app', ['repository:app:pull']),
    (e: Error & { code?: string }) => {
      assert.equal(e.code, 'E_REGISTRY_UNAUTHORIZED');
      assert.match(e.message, /rejected the credentials/);
      assert.ok(e.message.includes(host) && e.message.includes('repository app'));
      assert.doesNotMatch(e.message, /CANARY|alice/);
      return true;
    },
  );
  assert.doesNotMatch(trace.join('\n'), /CANARY|Basic |Bearer /);
  await srv.close();
});

test('Basic: challenge answered once, then sent pre-emptively; missing credentials say how to log in', async () => {
  const good = `Basic ${Buffer.from(`${USER}:${PASS}`).toString('base64')}`;
  const srv = await startServer((r, res) => {
    if (r.headers.authorization === good) return void res.writeHead(200).end('ok');
    json(
      res,
      401,
      { errors: [{ code: 'UNAUTHORIZED' }] },
      { 'www-authenticate': 'Basic realm="basic-realm"' },
    );
  });
  const host = new URL(srv.origin).host;
  const auth = client(srv, { username: USER, password: PASS });
  assert.equal((await auth.send(req(srv.origin), host, 'app', [])).status, 200);
  assert.equal((await auth.send(req(srv.origin), host, 'app', [])).status, 200);
  assert.equal(srv.requests.length, 3, '401 + retry, then one pre-emptive request');
  await assert.rejects(client(srv).send(req(srv.origin), host, 'app', []), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'E_REGISTRY_UNAUTHORIZED');
    assert.match(e.message, /requires authentication; run "imgcompat login/);
    return true;
  });
  await assert.rejects(
    client(srv, { username: USER, password: 'CANARY-bad' }).send(req(srv.origin), host, 'app', []),
    (e: Error) => {
      assert.match(e.message, /rejected the credentials \(from test\)/);
      assert.doesNotMatch(e.message, /CANARY/);
      return true;
    },
  );
  await srv.close();
});

test('a static registry token (--registry-token-stdin) is sent as Bearer without a realm round trip', async () => {
  const srv = await startServer((r, res) => {
    if (r.headers.authorization === 'Bearer static-CANARY') return void res.writeHead(200).end();
    json(res, 401, {}, { 'www-authenticate': `Bearer realm="${srv.origin}/token"` });
  });
  const host = new URL(srv.origin).host;
  assert.equal(
    (await client(srv, { registryToken: 'static-CANARY' }).send(req(srv.origin), host, 'app', [])).status,
    200,
  );
  assert.equal(srv.requests.length, 1);
  await assert.rejects(client(srv, { registryToken: 'other' }).send(req(srv.origin), host, 'app', []), {
    code: 'E_REGISTRY_UNAUTHORIZED',
  });
  await srv.close();
});

test('identity token: OAuth2 refresh-token POST to the realm', async () => {
  const srv = await startServer((r, res) => {
    if (r.url === '/token' && r.method === 'POST') {
      const form = new URLSearchParams(r.body);
      if (form.get('grant_type') === 'refresh_token' && form.get('refresh_token') === 'refresh-CANARY') {
        return json(res, 200, { access_token: 'access-1', token: 'ignored' });
      }
      return json(res, 401, {});
    }
    if (r.headers.authorization === 'Bearer access-1') return void res.writeHead(200).end();
    json(
      res,
      401,
      {},
      { 'www-authenticate': `Bearer realm="${srv.origin}/token",service="svc",scope="repository:app:pull"` },
    );
  });
  const host = new URL(srv.origin).host;
  assert.equal(
    (await client(srv, { identityToken: 'refresh-CANARY' }).send(req(srv.origin), host, 'app', [])).status,
    200,
  );
  const post = srv.requests.find((r) => r.method === 'POST')!;
  const form = new URLSearchParams(post.body);
  assert.equal(form.get('scope'), 'repository:app:pull');
  assert.equal(form.get('service'), 'svc');
  assert.equal(form.get('client_id'), 'imgcompat');
  await srv.close();
});

test('token realm safety: http realm for an https registry and loopback realm for a remote registry are refused', async () => {
  const fakeRegistry = (realm: string) =>
    stubSend((u) => {
      if (u.hostname === 'reg.example') {
        return {
          status: 401,
          body: '{}',
          headers: { 'www-authenticate': `Bearer realm="${realm}",service="s"` },
        };
      }
      throw new Error(`must not contact ${u.href}`);
    });
  for (const realm of ['http://auth.example/token', 'https://127.0.0.1:9999/token']) {
    const auth = new Authenticator(new HttpClient({ send: fakeRegistry(realm) }), {
      credentials: async () => ({ username: 'u', password: 'p', source: 't' }),
    });
    await assert.rejects(
      auth.send(
        {
          method: 'GET',
          url: new URL('https://reg.example/v2/'),
          maxBytes: 100,
          context: { registry: 'reg.example' },
        },
        'reg.example',
        '',
        [],
      ),
      /refusing token realm/,
    );
  }
});
