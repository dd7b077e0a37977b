/**
 * HTTPS_PROXY / HTTP_PROXY / NO_PROXY (Go's ProxyFromEnvironment rules) against a real docker-registry
 * behind the harness proxy (harness/proxy.ts). Loopback is never proxied, so the registry is addressed as
 * `registry.proxy.test:PORT`, a name only the proxy resolves: a request that succeeds went through it.
 * SOCKS5 (socks5://, socks5h://) through microsocks, a real SOCKS5 proxy demanding a password, in front
 * of the registries at this machine's non-loopback address.
 */
import assert from 'node:assert/strict';
import { networkInterfaces } from 'node:os';
import { after, before, describe, test } from 'node:test';
import {
  assertCleanFailure,
  assertExit,
  imgcompat,
  isolatedEnv,
  missingTools,
  pushImage,
  type SocksProxy,
  startDockerRegistry,
  startSocksProxy,
  startTcpForwarder,
  startTestProxy,
  type TcpForwarder,
  type TestProxy,
  type TestRegistry,
  validSpec,
  writeSpec,
} from './harness/index.ts';

const skip = missingTools('docker-registry', 'skopeo', 'htpasswd', 'openssl');
const NAME = 'registry.proxy.test';
const PROXY_USER = 'proxy-user';
const PROXY_SECRET = 'proxy-canary-7Hq2';

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/** A non-loopback IPv4 address of this machine, if it has one. */
function externalIpv4(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}

describe('registry requests through a proxy', { skip }, () => {
  let tlsReg: TestRegistry;
  let plainReg: TestRegistry;
  let proxy: TestProxy;
  let tlsPort: string;
  let plainPort: string;
  let password: string;
  const proxyUrl = () => `http://${PROXY_USER}:${PROXY_SECRET}@127.0.0.1:${proxy.port}`;

  before(async () => {
    [tlsReg, plainReg] = await Promise.all([
      startDockerRegistry({ auth: 'basic', tls: true }),
      startDockerRegistry(),
    ]);
    tlsPort = tlsReg.host.split(':')[1]!;
    plainPort = plainReg.host.split(':')[1]!;
    password = tlsReg.credentials!.password;
    await Promise.all([pushImage(tlsReg, 'proxied/app', 'v1'), pushImage(plainReg, 'proxied/plain', 'v1')]);
    proxy = await startTestProxy({
      hosts: { [NAME]: '127.0.0.1', 'other.proxy.test': '127.0.0.1' },
      credentials: { username: PROXY_USER, password: PROXY_SECRET },
    });
  });
  after(async () => {
    await proxy?.close();
    await tlsReg?.stop();
    await plainReg?.stop();
  });

  const registryFlags = () => [
    '--ca-file',
    tlsReg.tls!.caCert,
    '--registry-username',
    tlsReg.credentials!.username,
    '--registry-password-stdin',
  ];

  test('https through CONNECT: attach and get; the proxy sees only CONNECT with its own credentials', async () => {
    const before = proxy.requests.length;
    const env = isolatedEnv({ HTTPS_PROXY: proxyUrl() });
    const ref = `${NAME}:${tlsPort}/proxied/app:v1`;
    const spec = validSpec('proxied');
    const attach = await imgcompat(['attach', ref, writeSpec(spec), ...registryFlags()], {
      env,
      stdin: password,
    });
    assertExit(attach, 0, 'attach through the proxy');
    const beforeGet = proxy.requests.length;
    const got = await imgcompat(['get', ref, ...registryFlags(), '--verbose'], { env, stdin: password });
    assertExit(got, 0, 'get through the proxy');
    assert.equal(got.out, spec);
    assert.match(got.err, new RegExp(`via proxy http://127\\.0\\.0\\.1:${proxy.port}`));
    // Proxied connections are kept alive: get's requests share their tunnels (6 requests, 1-2 tunnels).
    const requests = got.err
      .split('\n')
      .filter((l) => /> [A-Z]+ https:\/\/registry\.proxy\.test:/.test(l)).length;
    assert.ok(requests >= 3, `get made ${requests} requests:\n${got.err}`);
    const connects = proxy.requests.length - beforeGet;
    assert.ok(connects >= 1 && connects <= 2, `${connects} CONNECTs for ${requests} requests:\n${got.err}`);
    const seen = proxy.requests.slice(before);
    assert.ok(seen.length >= 2, `the proxy saw ${seen.length} requests`);
    for (const r of seen) {
      assert.equal(r.method, 'CONNECT');
      assert.equal(r.target, `${NAME}:${tlsPort}`);
      assert.equal(r.headers['proxy-authorization'], basic(PROXY_USER, PROXY_SECRET));
      assert.equal(r.headers.authorization, undefined, 'registry credentials reached the proxy');
      assert.doesNotMatch(JSON.stringify(r.headers), new RegExp(password));
    }
    for (const text of [attach.out, attach.err, got.out, got.err]) {
      assert.doesNotMatch(text, new RegExp(`${PROXY_SECRET}|${password}|${PROXY_USER}`));
    }
  });

  test('the registry certificate is checked against the registry host inside the tunnel', async () => {
    // other.proxy.test reaches the same registry, whose certificate does not name it.
    const env = isolatedEnv({ HTTPS_PROXY: proxyUrl() });
    const r = await imgcompat(['get', `other.proxy.test:${tlsPort}/proxied/app:v1`, ...registryFlags()], {
      env,
      stdin: password,
    });
    assertCleanFailure(r, 4, 'certificate for another name', /not trusted \(ERR_TLS_CERT_ALTNAME_INVALID\)/);
  });

  test('http through the proxy as absolute-form requests, proxy credentials to the proxy only', async () => {
    const before = proxy.requests.length;
    const env = isolatedEnv({ HTTP_PROXY: proxyUrl() });
    const ref = `${NAME}:${plainPort}/proxied/plain:v1`;
    const spec = validSpec('plain-proxied');
    assertExit(await imgcompat(['attach', ref, writeSpec(spec), '--plain-http'], { env }), 0, 'attach');
    const got = await imgcompat(['get', ref, '--plain-http'], { env });
    assertExit(got, 0, 'get');
    assert.equal(got.out, spec);
    const seen = proxy.requests.slice(before);
    assert.ok(seen.length >= 2);
    for (const r of seen) {
      assert.notEqual(r.method, 'CONNECT');
      assert.ok(r.target.startsWith(`http://${NAME}:${plainPort}/v2/`), r.target);
      assert.equal(r.headers['proxy-authorization'], basic(PROXY_USER, PROXY_SECRET));
    }
  });

  test('HTTP_PROXY alone is not used for an https registry', async () => {
    const before = proxy.requests.length;
    const env = isolatedEnv({ HTTP_PROXY: proxyUrl() });
    // The https registry by its loopback address would be direct anyway; by name, with only HTTP_PROXY
    // set, the name must be resolved directly, which fails.
    const r = await imgcompat(
      ['get', `${NAME}:${tlsPort}/proxied/app:v1`, ...registryFlags(), '--timeout', '10s'],
      {
        env,
        stdin: password,
      },
    );
    assertCleanFailure(r, 4, 'https without HTTPS_PROXY');
    assert.equal(proxy.requests.length, before, 'the proxy was used for https with only HTTP_PROXY set');
  });

  test('NO_PROXY sends matching hosts directly; other hosts still use the proxy', async (t) => {
    const ip = externalIpv4();
    if (!ip) {
      t.skip('no non-loopback IPv4 address on this machine');
      return;
    }
    // The registry listens on loopback only: a forwarder makes it reachable at the external address.
    const fwd: TcpForwarder = await startTcpForwarder(ip, plainReg.host);
    t.after(() => fwd.close());
    const ref = `${fwd.host}/proxied/plain:v1`;
    const before = proxy.requests.length;
    const direct = await imgcompat(['get', ref, '--plain-http'], {
      env: isolatedEnv({ HTTP_PROXY: proxyUrl(), NO_PROXY: `example.com, ${ip.replace(/\.\d+$/, '.0')}/24` }),
    });
    assertExit(direct, 0, 'get with NO_PROXY matching');
    assert.equal(proxy.requests.length, before, 'NO_PROXY host went through the proxy');
    // The same reference without NO_PROXY goes to the proxy, which does not know the address: 502.
    const proxied = await imgcompat(['get', ref, '--plain-http', '--timeout', '10s'], {
      env: isolatedEnv({ HTTP_PROXY: proxyUrl(), NO_PROXY: 'example.com' }),
    });
    assertCleanFailure(proxied, 4, 'get through the proxy to an unknown address', /HTTP 502/);
    assert.ok(proxy.requests.length > before);
  });

  test('a proxy refusing CONNECT is a clear exit-4 error naming the proxy and its answer, never credentials', async () => {
    const refusing = await startTestProxy({
      hosts: { [NAME]: '127.0.0.1' },
      refuse: { status: 403, reason: 'Forbidden' },
    });
    try {
      const r = await imgcompat(['get', `${NAME}:${tlsPort}/proxied/app:v1`, ...registryFlags()], {
        env: isolatedEnv({ HTTPS_PROXY: `http://${PROXY_USER}:${PROXY_SECRET}@127.0.0.1:${refusing.port}` }),
        stdin: password,
      });
      assertCleanFailure(
        r,
        4,
        'refusing proxy',
        new RegExp(
          `proxy http://127\\.0\\.0\\.1:${refusing.port} refused CONNECT to ${NAME}:${tlsPort}: HTTP 403 Forbidden`,
        ),
      );
      assert.doesNotMatch(r.err, new RegExp(`${PROXY_SECRET}|${password}|${PROXY_USER}`));
      assert.equal(refusing.requests.length, 1, 'a refusal is not retried');
    } finally {
      await refusing.close();
    }
  });

  test('wrong proxy credentials: HTTP 407 from the proxy, exit 4', async () => {
    const r = await imgcompat(['get', `${NAME}:${tlsPort}/proxied/app:v1`, ...registryFlags()], {
      env: isolatedEnv({ HTTPS_PROXY: `http://${PROXY_USER}:wrong-${PROXY_SECRET}@127.0.0.1:${proxy.port}` }),
      stdin: password,
    });
    assertCleanFailure(r, 4, 'wrong proxy credentials', /HTTP 407 Proxy Authentication Required/);
    assert.doesNotMatch(r.err, new RegExp(PROXY_SECRET));
  });

  test('an unreachable proxy is a clear exit-4 error naming it', async () => {
    const gone = await startTestProxy({ hosts: {} });
    const port = gone.port;
    await gone.close();
    const r = await imgcompat(['get', `${NAME}:${tlsPort}/proxied/app:v1`, ...registryFlags()], {
      env: isolatedEnv({ HTTPS_PROXY: `127.0.0.1:${port}` }),
      stdin: password,
    });
    assertCleanFailure(
      r,
      4,
      'unreachable proxy',
      new RegExp(`proxy http://127\\.0\\.0\\.1:${port}: connection refused`),
    );
  });
});

describe('registry requests through a SOCKS5 proxy (microsocks)', {
  skip: missingTools('docker-registry', 'skopeo', 'htpasswd', 'openssl', 'microsocks'),
}, () => {
  const SOCKS_USER = 'socks-user';
  const SOCKS_SECRET = 'socks-canary-9Zp4';
  let tlsReg: TestRegistry;
  let plainReg: TestRegistry;
  let socks: SocksProxy;
  let ip: string | undefined;
  const forwarders: TcpForwarder[] = [];
  /** The registry at this machine's non-loopback address (loopback is never proxied). */
  let plainHost: string;
  let tlsHost: string;

  before(async () => {
    ip = externalIpv4();
    if (!ip) return;
    [tlsReg, plainReg] = await Promise.all([
      startDockerRegistry({ auth: 'basic', tls: true }),
      startDockerRegistry(),
    ]);
    await Promise.all([pushImage(tlsReg, 'socks/app', 'v1'), pushImage(plainReg, 'socks/plain', 'v1')]);
    for (const reg of [plainReg, tlsReg]) forwarders.push(await startTcpForwarder(ip, reg.host));
    [plainHost, tlsHost] = [forwarders[0]!.host, forwarders[1]!.host];
    socks = await startSocksProxy({ username: SOCKS_USER, password: SOCKS_SECRET });
  });
  after(async () => {
    await socks?.stop();
    await Promise.all(forwarders.map((f) => f.close()));
    await tlsReg?.stop();
    await plainReg?.stop();
  });

  const socksUrl = (scheme: string, secret = SOCKS_SECRET) =>
    `${scheme}://${SOCKS_USER}:${secret}@127.0.0.1:${socks.port}`;

  test('http through socks5: attach and get; a wrong password is refused by the proxy, exit 4', async (t) => {
    if (!ip) return t.skip('no non-loopback IPv4 address on this machine');
    const ref = `${plainHost}/socks/plain:v1`;
    const spec = validSpec('through-socks');
    const env = isolatedEnv({ HTTP_PROXY: socksUrl('socks5'), NO_PROXY: 'example.com' });
    assertExit(await imgcompat(['attach', ref, writeSpec(spec), '--plain-http'], { env }), 0, 'attach');
    const got = await imgcompat(['get', ref, '--plain-http', '--verbose'], { env });
    assertExit(got, 0, 'get through socks5');
    assert.equal(got.out, spec);
    assert.match(got.err, new RegExp(`via proxy socks5://127\\.0\\.0\\.1:${socks.port}`));
    // microsocks demands the password: only requests that went through it can have succeeded above.
    const refused = await imgcompat(['get', ref, '--plain-http'], {
      env: isolatedEnv({ HTTP_PROXY: socksUrl('socks5', `wrong-${SOCKS_SECRET}`) }),
    });
    assertCleanFailure(
      refused,
      4,
      'wrong SOCKS password',
      new RegExp(`proxy socks5://127\\.0\\.0\\.1:${socks.port}: the proxy rejected the username/password`),
    );
    for (const text of [got.out, got.err, refused.out, refused.err]) {
      assert.doesNotMatch(text, new RegExp(`${SOCKS_SECRET}|${SOCKS_USER}`));
    }
  });

  test('https through socks5h: TLS to the registry inside the tunnel', async (t) => {
    if (!ip) return t.skip('no non-loopback IPv4 address on this machine');
    const password = tlsReg.credentials!.password;
    const flags = ['--registry-username', tlsReg.credentials!.username, '--registry-password-stdin'];
    const ref = `${tlsHost}/socks/app:v1`;
    const env = isolatedEnv({ HTTPS_PROXY: socksUrl('socks5h') });
    // The test registry's certificate names 127.0.0.1, not this address: checked, it is refused...
    const checked = await imgcompat(['get', ref, '--ca-file', tlsReg.tls!.caCert, ...flags], {
      env,
      stdin: password,
    });
    assertCleanFailure(
      checked,
      4,
      'certificate for another address',
      /not trusted \(ERR_TLS_CERT_ALTNAME_INVALID\)/,
    );
    // ...so the TLS handshake did reach the registry through the tunnel; with --insecure the exchange runs.
    const spec = validSpec('tls-through-socks');
    const attach = await imgcompat(['attach', ref, writeSpec(spec), '--insecure', ...flags], {
      env,
      stdin: password,
    });
    assertExit(attach, 0, 'attach over TLS through socks5h');
    const got = await imgcompat(['get', ref, '--insecure', ...flags], { env, stdin: password });
    assertExit(got, 0, 'get over TLS through socks5h');
    assert.equal(got.out, spec);
  });

  test('an unreachable SOCKS proxy and an unsupported scheme: clear exit-4 errors', async (t) => {
    if (!ip) return t.skip('no non-loopback IPv4 address on this machine');
    const ref = `${plainHost}/socks/plain:v1`;
    const gone = await startSocksProxy();
    await gone.stop();
    const down = await imgcompat(['get', ref, '--plain-http'], {
      env: isolatedEnv({ HTTP_PROXY: `socks5://127.0.0.1:${gone.port}` }),
    });
    assertCleanFailure(
      down,
      4,
      'SOCKS proxy down',
      new RegExp(`proxy socks5://127\\.0\\.0\\.1:${gone.port}: connection refused`),
    );
    const socks4 = await imgcompat(['get', ref, '--plain-http'], {
      env: isolatedEnv({ HTTP_PROXY: `socks4://127.0.0.1:${socks.port}` }),
    });
    assertCleanFailure(socks4, 4, 'socks4', /unsupported proxy scheme socks4:/);
  });
});
