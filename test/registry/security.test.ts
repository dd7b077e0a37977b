/**
 * Security defaults of the registry client (credentials never leave their host or reach output,
 * digests validated before they become URLs or paths, bounded reads of local files).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Authenticator } from '../../src/registry/auth/authenticator.ts';
import { fromFiles } from '../../src/registry/auth/credentials.ts';
import { verifyContent } from '../../src/registry/descriptor.ts';
import { LayoutRepository } from '../../src/registry/layout.ts';
import { RegistryClient } from '../../src/registry/remote.ts';
import { HttpClient } from '../../src/registry/transport/http-client.ts';
import { NO_RETRY } from '../../src/registry/transport/retry.ts';
import { json, type Recorded, startServer } from './helpers/http-server.ts';
import { makeLayout } from './helpers/layout-fixture.ts';
import { stubSend } from './helpers/stub-send.ts';

const USER = 'alice';
const PASS = 'CANARY-p4ss-91c2';
const isRegistryError = (code?: string) => (e: unknown) => {
  const o = e as { kind?: string; code?: string };
  assert.equal(o.kind, 'registry', `expected a RegistryError, got ${String(e)}`);
  if (code) assert.equal(o.code, code);
  return true;
};

test('a malformed config.json never echoes its content (V8 quotes a snippet of the JSON)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'imgcompat-sec-'));
  const secret = Buffer.from(`${USER}:${PASS}`).toString('base64');
  // Unquoted value: V8's message is `Unexpected token 'Y', ..."{"auth":YWxpY2U6Q0"... is not valid JSON`.
  await writeFile(join(dir, 'config.json'), `{\n  "auths": {\n    "r.example": {"auth":${secret}}\n  }\n}\n`);
  await assert.rejects(fromFiles('r.example', 'app', { DOCKER_CONFIG: dir }), (e: Error) => {
    assert.match(e.message, /config\.json: not valid JSON/);
    assert.ok(!e.message.includes(secret.slice(0, 6)), e.message);
    assert.match(e.message, /line 3/);
    return true;
  });
  await rm(dir, { recursive: true, force: true });
});

test('a 401 from the origin a registry redirected to is not answered with the credentials', async () => {
  const other = await startServer((r: Recorded, res: ServerResponse) => {
    const u = new URL(r.url, 'http://x');
    if (u.pathname === '/token') return json(res, 200, { token: 'stolen' });
    json(res, 401, {}, { 'www-authenticate': `Bearer realm="${other.origin}/token",service="x"` });
  });
  const registry = await startServer((_r, res) => {
    res.writeHead(307, { location: `${other.origin}/storage/blob` }).end();
  });
  const auth = new Authenticator(new HttpClient(), {
    plainHttp: true,
    credentials: async () => ({ username: USER, password: PASS, source: 'test' }),
  });
  try {
    const res = await auth
      .send(
        {
          method: 'GET',
          url: new URL(`${registry.origin}/v2/app/blobs/sha256:${'a'.repeat(64)}`),
          maxBytes: 1000,
          context: { registry: registry.host, repository: 'app' },
        },
        registry.host,
        'app',
        ['repository:app:pull'],
      )
      .catch((e: unknown) => e);
    void res;
    for (const r of other.requests) {
      assert.equal(r.headers.authorization, undefined, `${r.method} ${r.url} carried credentials`);
    }
    assert.ok(!other.requests.some((r) => r.url.startsWith('/token')), 'asked the other origin for a token');
  } finally {
    await other.close();
    await registry.close();
  }
});

test('a token POST carrying a refresh token is not replayed to another origin on a 307', async () => {
  const other = await startServer((_r, res) => json(res, 200, { access_token: 'x' }));
  const registry = await startServer((r: Recorded, res: ServerResponse) => {
    const u = new URL(r.url, 'http://x');
    if (u.pathname === '/token') {
      res.writeHead(307, { location: `${other.origin}/token` }).end();
      return;
    }
    if (r.headers.authorization === 'Bearer x') {
      res.writeHead(200).end('ok');
      return;
    }
    json(res, 401, {}, { 'www-authenticate': `Bearer realm="${registry.origin}/token",service="s"` });
  });
  const auth = new Authenticator(new HttpClient(), {
    plainHttp: true,
    credentials: async () => ({ identityToken: 'CANARY-refresh-4411', source: 'test' }),
  });
  try {
    await auth
      .send(
        {
          method: 'GET',
          url: new URL(`${registry.origin}/v2/app/manifests/latest`),
          maxBytes: 1000,
          context: { registry: registry.host, repository: 'app' },
        },
        registry.host,
        'app',
        ['repository:app:pull'],
      )
      .catch(() => undefined);
    assert.ok(
      !other.requests.some((r) => r.body.includes('CANARY-refresh-4411')),
      'the refresh token was sent to another origin',
    );
  } finally {
    await other.close();
    await registry.close();
  }
});

test('digests from the wire are validated before they become URLs or are hashed', async () => {
  const bytes = new TextEncoder().encode('hello');
  // md5 is not an OCI digest algorithm: content "verified" with it proves nothing.
  const md5 = `md5:${createHash('md5').update(bytes).digest('hex')}`;
  assert.throws(() => verifyContent(bytes, { digest: md5 }, 'blob', {}), isRegistryError());
  // An unknown algorithm must be a clear RegistryError, not node:crypto's "Digest method not supported".
  assert.throws(() => verifyContent(bytes, { digest: 'nosuch:abcd' }, 'blob', {}), isRegistryError());

  const srv = await startServer((_r, res) => {
    res.writeHead(200).end('hello');
  });
  try {
    const repo = new RegistryClient({ plainHttp: true }).repository(srv.host, 'app');
    for (const digest of ['sha256:../../../v2/_catalog', 'nosuch:abcd', '../x']) {
      await assert.rejects(
        repo.fetchBlob({ mediaType: 'application/octet-stream', digest, size: 5 }),
        isRegistryError(),
      );
      await assert.rejects(
        repo.fetchManifest({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest, size: 5 }),
        isRegistryError(),
      );
    }
    for (const reference of ['../../_catalog', 'latest?x=1', 'a#b', '']) {
      await assert.rejects(repo.fetchManifest(reference), isRegistryError());
      await assert.rejects(repo.resolve(reference), isRegistryError());
    }
    assert.equal(srv.requests.length, 0, srv.requests.map((r) => r.url).join(', '));
  } finally {
    await srv.close();
  }
});

test('layout: a blob that is not a regular file is a clear error, not a raw EISDIR', async () => {
  const f = await makeLayout();
  const layer = f.single.blobs.find((b) => b.mediaType !== f.single.manifest.mediaType)!;
  const path = join(f.dir, 'blobs', 'sha256', layer.digest.slice(7));
  await rm(path);
  const elsewhere = join(f.dir, 'elsewhere');
  await mkdir(elsewhere);
  await symlink(elsewhere, path);
  const repo = await LayoutRepository.open(f.dir);
  await assert.rejects(
    repo.fetchBlob({ mediaType: layer.mediaType, digest: layer.digest, size: layer.bytes.byteLength }),
    isRegistryError(),
  );
  await rm(f.dir, { recursive: true, force: true });
});

test('layout: index.json that is not a regular file is a clear error', async () => {
  const f = await makeLayout();
  await rm(join(f.dir, 'index.json'));
  await mkdir(join(f.dir, 'index.json'));
  const repo = await LayoutRepository.open(f.dir);
  await assert.rejects(repo.resolve('single'), isRegistryError());
  await rm(f.dir, { recursive: true, force: true });
});

test('registry error text echoed in messages has control characters and bearer tokens removed', async () => {
  const srv = await startServer((_r, res) =>
    json(res, 400, {
      errors: [
        {
          code: 'BAD',
          message: 'oops \u001b[2J\u001b]0;pwned\u0007 Authorization: Bearer eyJhbGciOi.abc.def',
        },
      ],
    }),
  );
  try {
    const repo = new RegistryClient({ plainHttp: true }).repository(srv.host, 'app');
    await assert.rejects(repo.fetchManifest('latest'), (e: Error) => {
      assert.ok(!/[\u0000-\u001f\u007f]/.test(e.message), JSON.stringify(e.message));
      assert.ok(!e.message.includes('eyJhbGciOi'), e.message);
      return true;
    });
  } finally {
    await srv.close();
  }
});

test('user-info in a URL a server sends (redirect Location) never reaches a message or the trace', async () => {
  const srv = await startServer((r: Recorded, res: ServerResponse) => {
    if (r.url === '/a') {
      res.writeHead(302, { location: `http://u:CANARY-url-5150@${srv.host}/b` }).end();
      return;
    }
    res.writeHead(200).end('ok');
  });
  const trace: string[] = [];
  try {
    const http = new HttpClient({ trace: (l) => trace.push(l) });
    const out = await http
      .request({ method: 'GET', url: new URL(`${srv.origin}/a`), maxBytes: 100, context: {} })
      .then((r) => `HTTP ${r.status}`)
      .catch((e: Error) => e.message);
    assert.ok(!out.includes('CANARY-url-5150'), out);
    assert.ok(!trace.join('\n').includes('CANARY-url-5150'), trace.join('\n'));
    assert.equal(out, 'HTTP 200');
    assert.ok(!srv.requests.some((r) => r.headers.authorization), 'URL user-info was turned into a header');
  } finally {
    await srv.close();
  }
});

test('webhook: an image named oci:DIR in a Pod never makes the webhook read the local filesystem', async () => {
  const { registryLookup } = await import('../../src/k8s/webhook/server.ts');
  const f = await makeLayout();
  const { attachSpec } = await import('../../src/registry/index.ts');
  const { SPEC_YAML } = await import('./helpers/layout-fixture.ts');
  await attachSpec(`oci:${f.dir}:single`, new TextEncoder().encode(SPEC_YAML));
  try {
    const got = await registryLookup({})(`oci:${f.dir}:single`);
    assert.equal(got, null, 'the webhook read an OCI layout from its own disk for a Pod image');
  } finally {
    await rm(f.dir, { recursive: true, force: true });
  }
});

test('login/logout with user-info in the registry argument: usage error that does not echo it', async () => {
  const { memoryIo } = await import('../../src/cli/io.ts');
  const { run } = await import('../../src/cli/main.ts');
  const dir = await mkdtemp(join(tmpdir(), 'imgcompat-sec-'));
  try {
    for (const argv of [
      ['login', 'https://bob:CANARY-arg-7001@127.0.0.1:1/', '-u', 'bob', '--password-stdin'],
      ['logout', 'bob:CANARY-arg-7001@127.0.0.1:1'],
    ]) {
      const io = memoryIo({ stdin: 'pw\n', env: { DOCKER_CONFIG: dir, HOME: dir } });
      const code = await run(argv, io);
      assert.equal(code, 2, `${argv[0]}: ${io.err()}`);
      assert.ok(!`${io.out()}${io.err()}`.includes('CANARY-arg-7001'), io.err());
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a subject digest taken from an index entry is validated before the referrers URL is built', async () => {
  const srv = await startServer((_r, res) => json(res, 404, { errors: [{ code: 'MANIFEST_UNKNOWN' }] }));
  try {
    const repo = new RegistryClient({ plainHttp: true }).repository(srv.host, 'app');
    const subject = {
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: 'sha256:../../../v2/_catalog?',
      size: 2,
    };
    await assert.rejects(repo.referrers(subject), isRegistryError());
    assert.equal(srv.requests.length, 0, srv.requests.map((r) => r.url).join(', '));
  } finally {
    await srv.close();
  }
});

test('a config.json of the wrong shape is an invalid-input error, not a TypeError', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'imgcompat-sec-'));
  try {
    for (const cfg of [
      { auths: 'r.example' },
      { auths: { 'r.example': { auth: 12 } } },
      { auths: { 'r.example': 'x' } },
      { credHelpers: ['x'] },
      { credHelpers: { 'r.example': 7 } },
      { credsStore: {} },
    ]) {
      await writeFile(join(dir, 'config.json'), JSON.stringify(cfg));
      await assert.rejects(fromFiles('r.example', 'app', { DOCKER_CONFIG: dir }), (e: Error) => {
        assert.equal((e as { kind?: string }).kind, 'invalid-input', `${JSON.stringify(cfg)}: ${e}`);
        return true;
      });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('layout: a blob that is a FIFO is refused instead of blocking forever', async () => {
  const { execFileSync } = await import('node:child_process');
  const f = await makeLayout();
  const layer = f.single.blobs.find((b) => b.mediaType !== f.single.manifest.mediaType)!;
  const path = join(f.dir, 'blobs', 'sha256', layer.digest.slice(7));
  await rm(path);
  execFileSync('mkfifo', [path]);
  const repo = await LayoutRepository.open(f.dir);
  await assert.rejects(
    repo.fetchBlob({ mediaType: layer.mediaType, digest: layer.digest, size: layer.bytes.byteLength }),
    isRegistryError(),
  );
  await rm(f.dir, { recursive: true, force: true });
});

test('a public registry cannot point its token realm at private, link-local or loopback addresses', async () => {
  for (const realm of [
    'https://169.254.169.254/latest/meta-data',
    'https://10.1.2.3/token',
    'https://192.168.0.1/token',
    'https://172.20.0.1/token',
    'https://[fe80::1]/token',
    'https://[fd00::1]/token',
    'https://[::ffff:127.0.0.1]/token',
    'https://0.0.0.0/token',
    'https://127.0.0.1/token',
  ]) {
    const asked: string[] = [];
    const send = stubSend((u) => {
      asked.push(u.href);
      return {
        status: 401,
        body: '{}',
        headers: { 'www-authenticate': `Bearer realm="${realm}",service="s"` },
      };
    });
    const auth = new Authenticator(new HttpClient({ send, retry: { ...NO_RETRY } }), {
      credentials: async () => ({ username: USER, password: PASS, source: 'test' }),
    });
    await assert.rejects(
      auth.send(
        {
          method: 'GET',
          url: new URL('https://registry.example/v2/app/manifests/latest'),
          maxBytes: 1000,
          context: { registry: 'registry.example', repository: 'app' },
        },
        'registry.example',
        'app',
        ['repository:app:pull'],
      ),
      isRegistryError(),
    );
    assert.deepEqual(
      asked.filter((u) => !u.startsWith('https://registry.example/')),
      [],
      `realm ${realm} was contacted`,
    );
  }
});

test('a registry on a private address may use a token server on another private address, never link-local', async () => {
  for (const [realm, allowed] of [
    ['https://10.0.0.6/token', true],
    ['https://[fd00::6]/token', true],
    ['https://169.254.169.254/latest/meta-data', false],
    ['https://[fe80::1]/token', false],
  ] as const) {
    const asked: string[] = [];
    const send = stubSend((u) => {
      asked.push(u.href);
      return {
        status: 401,
        body: '{}',
        headers: { 'www-authenticate': `Bearer realm="${realm}",service="s"` },
      };
    });
    const auth = new Authenticator(new HttpClient({ send, retry: { ...NO_RETRY } }), {
      credentials: async () => ({ username: USER, password: PASS, source: 'test' }),
    });
    await assert.rejects(
      auth.send(
        {
          method: 'GET',
          url: new URL('https://10.0.0.5/v2/app/manifests/latest'),
          maxBytes: 1000,
          context: { registry: '10.0.0.5', repository: 'app' },
        },
        '10.0.0.5',
        'app',
        ['repository:app:pull'],
      ),
      isRegistryError(),
    );
    const contacted = asked.some((u) => u.startsWith(realm.replace(/\/[^/]*$/, '')));
    assert.equal(contacted, allowed, `realm ${realm}: contacted=${contacted}`);
  }
});

test('discover: a registry-supplied created annotation cannot inject terminal escape sequences', async () => {
  const { memoryIo } = await import('../../src/cli/io.ts');
  const { run } = await import('../../src/cli/main.ts');
  const { describe: describeBytes } = await import('../../src/registry/descriptor.ts');
  const f = await makeLayout();
  try {
    const ref = `oci:${f.dir}:single`;
    const repo = await LayoutRepository.open(f.dir);
    const enc = (x: string) => new TextEncoder().encode(x);
    const empty = describeBytes('application/vnd.oci.empty.v1+json', enc('{}'));
    const spec = describeBytes(
      'application/vnd.nfd.image-compatibility.spec.v1alpha1+yaml',
      enc('version: v1alpha1\n'),
    );
    await repo.pushBlob(empty, enc('{}'));
    await repo.pushBlob(spec, enc('version: v1alpha1\n'));
    const manifest = enc(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        artifactType: 'application/vnd.nfd.image-compatibility.v1alpha1',
        config: empty,
        layers: [spec],
        subject: {
          mediaType: f.single.manifest.mediaType,
          digest: f.single.manifest.digest,
          size: f.single.manifest.bytes.byteLength,
        },
        annotations: { 'org.opencontainers.image.created': '\u001b]0;pwned\u0007\u001b[2J' },
      }),
    );
    await repo.pushManifest(describeBytes('application/vnd.oci.image.manifest.v1+json', manifest), manifest);
    for (const output of ['table', 'tree']) {
      const io = memoryIo({});
      assert.equal(await run(['discover', ref, '--output', output], io), 0, io.err());
      assert.match(io.out(), /unparsable/);
      assert.ok(!io.out().includes('\u001b'), JSON.stringify(io.out()));
    }
  } finally {
    await rm(f.dir, { recursive: true, force: true });
  }
});
