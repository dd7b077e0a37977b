/**
 * Proxy selection against Go's own expectations: the cases of golang.org/x/net http/httpproxy
 * proxy_test.go (`proxyForURLTests`, `UseProxyTests` with its `noProxy` list, `TestInvalidNoProxy`,
 * `TestAllNoProxy`, `TestFromEnvironment*`), the package net/http's ProxyFromEnvironment uses.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { proxyConfig, proxyConfigFromEnv, proxyFor } from '../../../src/registry/transport/proxy.ts';

function shown(u: URL | undefined): string {
  return u ? `${u.protocol}//${u.host}` : '<nil>';
}

test('proxyForURLTests: which proxy a request uses', () => {
  const cases: { cfg: Parameters<typeof proxyConfig>[0]; req?: string; want: string }[] = [
    { cfg: { httpProxy: '127.0.0.1:8080' }, want: 'http://127.0.0.1:8080' },
    { cfg: { httpProxy: 'cache.corp.example.com:1234' }, want: 'http://cache.corp.example.com:1234' },
    { cfg: { httpProxy: 'cache.corp.example.com' }, want: 'http://cache.corp.example.com' },
    { cfg: { httpProxy: 'localhost' }, want: 'http://localhost' },
    { cfg: { httpProxy: 'https://cache.corp.example.com' }, want: 'https://cache.corp.example.com' },
    { cfg: { httpProxy: 'http://127.0.0.1:8080' }, want: 'http://127.0.0.1:8080' },
    { cfg: { httpProxy: 'https://127.0.0.1:8080' }, want: 'https://127.0.0.1:8080' },
    { cfg: { httpProxy: 'socks5://127.0.0.1' }, want: 'socks5://127.0.0.1' },
    { cfg: { httpProxy: 'foo://host' }, want: 'foo://host' },
    {
      cfg: { httpProxy: 'http.proxy.tld', httpsProxy: 'secure.proxy.tld' },
      req: 'http://insecure.tld/',
      want: 'http://http.proxy.tld',
    },
    {
      cfg: { httpProxy: 'http.proxy.tld', httpsProxy: 'secure.proxy.tld' },
      req: 'https://secure.tld/',
      want: 'http://secure.proxy.tld',
    },
    {
      cfg: { httpProxy: 'http.proxy.tld', httpsProxy: 'https://secure.proxy.tld' },
      req: 'https://secure.tld/',
      want: 'https://secure.proxy.tld',
    },
    { cfg: { httpProxy: 'http.proxy.tld' }, req: 'https://secure.tld/', want: '<nil>' },
    { cfg: { httpProxy: 'http.proxy.tld' }, req: 'ftp://insecure.tld/', want: '<nil>' },
    // HTTPS_PROXY is still used in a CGI environment.
    {
      cfg: { httpsProxy: 'https://secure.proxy.tld', cgi: true },
      req: 'https://secure.tld/',
      want: 'https://secure.proxy.tld',
    },
    { cfg: {}, want: '<nil>' },
    { cfg: { noProxy: 'example.com', httpProxy: 'proxy' }, req: 'http://example.com/', want: '<nil>' },
    {
      cfg: { noProxy: '.example.com', httpProxy: 'proxy' },
      req: 'http://example.com/',
      want: 'http://proxy',
    },
    { cfg: { noProxy: 'ample.com', httpProxy: 'proxy' }, req: 'http://example.com/', want: 'http://proxy' },
    { cfg: { noProxy: 'example.com', httpProxy: 'proxy' }, req: 'http://foo.example.com/', want: '<nil>' },
    { cfg: { noProxy: '.foo.com', httpProxy: 'proxy' }, req: 'http://example.com/', want: 'http://proxy' },
    { cfg: { noProxy: '.示例.com', httpProxy: 'proxy' }, req: 'http://www.示例.com', want: '<nil>' },
    { cfg: { noProxy: 'xn--fsq092h.com', httpProxy: 'proxy' }, req: 'http://www.示例.com', want: '<nil>' },
    { cfg: { noProxy: '示例.com', httpProxy: 'proxy' }, req: 'http://www.xn--fsq092h.com', want: '<nil>' },
    // Go's last case, `http://[1000::%25.example.com]:123`, is not a URL for the WHATWG URL parser.
  ];
  for (const c of cases) {
    const got = proxyFor(proxyConfig(c.cfg), new URL(c.req ?? 'http://example.com'));
    assert.equal(shown(got.proxy), c.want, `${JSON.stringify(c.cfg)} ${c.req ?? 'http://example.com'}`);
  }
});

test('CGI (REQUEST_METHOD set): HTTP_PROXY is not used (Go refuses the request; we send it directly)', () => {
  const got = proxyFor(
    proxyConfig({ httpProxy: 'http://10.1.2.3:8080', cgi: true }),
    new URL('http://example.com'),
  );
  assert.equal(got.proxy, undefined);
  assert.match('note' in got ? (got.note ?? '') : '', /REQUEST_METHOD/);
});

const NO_PROXY =
  'foobar.com, .barbaz.net, *.wildcard.io, 192.168.1.1, 192.168.1.2:81, 192.168.1.3:80, 10.0.0.0/30, 2001:db8::52:0:1, [2001:db8::52:0:2]:443, [2001:db8::52:0:3]:80, 2002:db8:a::45/64';

// host → whether a request to host:80 is proxied.
const USE_PROXY: [string, boolean][] = [
  ['localhost', false],
  ['127.0.0.1', false],
  ['127.0.0.2', false],
  ['[::1]', false],
  ['[::2]', true],
  ['192.168.1.1', false],
  ['192.168.1.2', true],
  ['192.168.1.3', false],
  ['192.168.1.4', true],
  ['10.0.0.2', false],
  ['[2001:db8::52:0:1]', false],
  ['[2001:db8::52:0:2]', true],
  ['[2001:db8::52:0:3]', false],
  ['[2002:db8:a::123]', false],
  ['[fe80::424b:c8be:1643:a1b6]', true],
  ['barbaz.net', true],
  ['www.barbaz.net', false],
  ['foobar.com', false],
  ['www.foobar.com', false],
  ['foofoobar.com', true],
  ['baz.com', true],
  ['localhost.net', true],
  ['local.localhost', true],
  ['barbarbaz.net', true],
  ['wildcard.io', true],
  ['nested.wildcard.io', false],
  ['awildcard.io', true],
];

test('UseProxyTests: localhost, loopback, IPs with and without ports, CIDRs, domains, wildcards', () => {
  const cfg = proxyConfig({ httpProxy: 'proxy.example', noProxy: NO_PROXY });
  for (const [host, proxied] of USE_PROXY) {
    const got = proxyFor(cfg, new URL(`http://${host}:80/`));
    assert.equal(got.proxy !== undefined, proxied, host);
  }
});

test('NO_PROXY "*" proxies nothing; an invalid entry (":1") is ignored', () => {
  const all = proxyConfig({ httpProxy: 'proxy.example', noProxy: '*' });
  for (const [host] of USE_PROXY)
    assert.equal(proxyFor(all, new URL(`http://${host}:80/`)).proxy, undefined, host);
  const invalid = proxyConfig({ httpProxy: 'proxy.example', noProxy: ':1' });
  assert.notEqual(proxyFor(invalid, new URL('http://example.com:80/')).proxy, undefined);
});

test('ports: an entry with a port matches that port only; https requests default to 443', () => {
  const cfg = proxyConfig({ httpsProxy: 'proxy.example', noProxy: 'reg.example:443, [2001:db8::9]:5000' });
  assert.equal(proxyFor(cfg, new URL('https://reg.example/v2/')).proxy, undefined);
  assert.notEqual(proxyFor(cfg, new URL('https://reg.example:5000/v2/')).proxy, undefined);
  assert.equal(proxyFor(cfg, new URL('https://[2001:db8::9]:5000/v2/')).proxy, undefined);
  assert.notEqual(proxyFor(cfg, new URL('https://[2001:db8::9]/v2/')).proxy, undefined);
});

test('TestFromEnvironment*: upper-case names win, lower-case ones are read, REQUEST_METHOD means CGI', () => {
  const upper = proxyConfigFromEnv({
    HTTP_PROXY: 'httpproxy',
    http_proxy: 'lower',
    HTTPS_PROXY: 'httpsproxy',
    NO_PROXY: 'noproxy',
  });
  assert.equal(shown(upper?.httpProxy), 'http://httpproxy');
  assert.equal(shown(upper?.httpsProxy), 'http://httpsproxy');
  assert.equal(upper?.cgi, false);
  assert.equal(proxyFor(upper!, new URL('https://noproxy/')).proxy, undefined);
  const lower = proxyConfigFromEnv({
    http_proxy: 'httpproxy',
    https_proxy: 'httpsproxy',
    no_proxy: 'noproxy',
    REQUEST_METHOD: '',
  });
  assert.equal(shown(lower?.httpProxy), 'http://httpproxy');
  assert.equal(shown(lower?.httpsProxy), 'http://httpsproxy');
  assert.equal(proxyFor(lower!, new URL('http://noproxy/')).proxy, undefined);
  // An empty upper-case value falls through to the lower-case one.
  assert.equal(shown(proxyConfigFromEnv({ HTTPS_PROXY: '', https_proxy: 'p2' })?.httpsProxy), 'http://p2');
  assert.equal(proxyConfigFromEnv({ HTTPS_PROXY: 'p', REQUEST_METHOD: 'PUT' })?.cgi, true);
  assert.equal(proxyConfigFromEnv({ NO_PROXY: '*' }), undefined);
});
