/**
 * Which proxy a registry request goes through, by the rules of Go's net/http `ProxyFromEnvironment`
 * (golang.org/x/net/http/httpproxy proxy.go: `FromEnvironment`, `Config.ProxyFunc`, `useProxy`), the
 * rules NFD, oras and crane follow:
 * - https requests use HTTPS_PROXY (or https_proxy), http requests HTTP_PROXY (or http_proxy); the
 *   upper-case name wins when both are set and non-empty; there is no fallback from one to the other;
 * - a proxy value that does not parse as a URL with a scheme and a host is read as `http://VALUE`;
 * - `localhost` and loopback addresses are never proxied;
 * - NO_PROXY (or no_proxy) is a comma list of `*` (nothing is proxied), CIDRs, IP addresses (optionally
 *   with a port), and domain names (optionally with a port): `example.com` matches the name and its
 *   subdomains, `.example.com` and `*.example.com` only the subdomains;
 * - with REQUEST_METHOD set (a CGI environment, where a client's `Proxy:` header becomes HTTP_PROXY:
 *   golang.org/s/cgihttpproxy) HTTP_PROXY is not used. Go fails such a request; we send it directly.
 * Pure string work (no node: module), so loading it costs nothing on paths that make no request.
 */

export interface ProxyConfig {
  httpProxy: URL | undefined;
  httpsProxy: URL | undefined;
  /** REQUEST_METHOD was set: HTTP_PROXY is not trusted. */
  cgi: boolean;
  noProxy: NoProxyMatcher[];
}

type NoProxyMatcher =
  | { kind: 'all' }
  | { kind: 'cidr'; ip: Uint8Array; bits: number; v4: boolean }
  | { kind: 'ip'; ip: Uint8Array; port: string }
  | { kind: 'domain'; suffix: string; port: string; matchHost: boolean };

export type ProxyChoice =
  | { proxy: URL }
  | { proxy: undefined /** Why a configured proxy is not used (for --verbose). */; note?: string };

function envAny(env: Record<string, string | undefined>, ...names: string[]): string {
  for (const n of names) {
    const v = env[n];
    if (v) return v;
  }
  return '';
}

/** The proxy settings of an environment, or `undefined` when it names no proxy at all. */
export function proxyConfigFromEnv(env: Record<string, string | undefined>): ProxyConfig | undefined {
  const http = envAny(env, 'HTTP_PROXY', 'http_proxy');
  const https = envAny(env, 'HTTPS_PROXY', 'https_proxy');
  if (!http && !https) return undefined;
  return proxyConfig({
    httpProxy: http,
    httpsProxy: https,
    noProxy: envAny(env, 'NO_PROXY', 'no_proxy'),
    cgi: Boolean(env.REQUEST_METHOD),
  });
}

/** Same fields as Go's httpproxy.Config. */
export function proxyConfig(c: {
  httpProxy?: string;
  httpsProxy?: string;
  noProxy?: string;
  cgi?: boolean;
}): ProxyConfig {
  return {
    httpProxy: parseProxy(c.httpProxy ?? ''),
    httpsProxy: parseProxy(c.httpsProxy ?? ''),
    cgi: c.cgi ?? false,
    noProxy: parseNoProxy(c.noProxy ?? ''),
  };
}

/** A proxy value: a URL with scheme and host, else `http://` + the value; unusable values are ignored. */
export function parseProxy(value: string): URL | undefined {
  if (!value) return undefined;
  try {
    const u = new URL(value);
    if (u.protocol && u.host) return u;
  } catch {}
  try {
    const u = new URL(`http://${value}`);
    return u.host ? u : undefined;
  } catch {
    return undefined;
  }
}

function parseNoProxy(list: string): NoProxyMatcher[] {
  const out: NoProxyMatcher[] = [];
  for (const raw of list.split(',')) {
    const p = raw.trim().toLowerCase();
    if (!p) continue;
    if (p === '*') return [{ kind: 'all' }];
    const cidr = parseCidr(p);
    if (cidr) {
      out.push(cidr);
      continue;
    }
    let host = p;
    let port = '';
    const hp = splitHostPort(p);
    if (hp) {
      if (!hp.host) continue;
      host = hp.host;
      port = hp.port;
    }
    const ip = parseIp(host);
    if (ip) {
      out.push({ kind: 'ip', ip, port });
      continue;
    }
    if (host.startsWith('*.')) host = host.slice(1);
    const matchHost = !host.startsWith('.');
    if (matchHost) host = `.${host}`;
    out.push({ kind: 'domain', suffix: toAscii(host), port, matchHost });
  }
  return out;
}

/** The proxy for a request URL, per the rules in this file's header. */
export function proxyFor(cfg: ProxyConfig, url: URL): ProxyChoice {
  let proxy: URL | undefined;
  if (url.protocol === 'https:') proxy = cfg.httpsProxy;
  else if (url.protocol === 'http:') {
    proxy = cfg.httpProxy;
    if (proxy && cfg.cgi) {
      return { proxy: undefined, note: 'HTTP_PROXY not used: REQUEST_METHOD is set (CGI environment)' };
    }
  }
  if (!proxy) return { proxy: undefined };
  return useProxy(cfg, url) ? { proxy } : { proxy: undefined };
}

function useProxy(cfg: ProxyConfig, url: URL): boolean {
  const host = unbracket(url.hostname).toLowerCase();
  if (!host) return true;
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  if (host === 'localhost') return false;
  const ip = parseIp(host);
  if (ip && isLoopback(ip)) return false;
  for (const m of cfg.noProxy) {
    switch (m.kind) {
      case 'all':
        return false;
      case 'cidr':
        if (ip && inCidr(ip, m)) return false;
        break;
      case 'ip':
        if (ip && equalBytes(ip, m.ip) && (!m.port || m.port === port)) return false;
        break;
      case 'domain':
        if (!ip && (host.endsWith(m.suffix) || (m.matchHost && host === m.suffix.slice(1)))) {
          if (!m.port || m.port === port) return false;
        }
        break;
    }
  }
  return true;
}

function unbracket(h: string): string {
  return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
}

/** A domain (with its leading dot) in ASCII (IDNA), as the URL parser writes host names. */
function toAscii(dotted: string): string {
  if (/^[\x00-\x7f]*$/.test(dotted)) return dotted;
  try {
    return `.${new URL(`http://x${dotted}`).hostname.slice(2)}`;
  } catch {
    return dotted;
  }
}

/** Go's net.SplitHostPort: `host:port` or `[v6]:port`; undefined when there is no port part. */
function splitHostPort(s: string): { host: string; port: string } | undefined {
  if (s.startsWith('[')) {
    const end = s.indexOf(']');
    if (end < 0 || s[end + 1] !== ':') return undefined;
    const port = s.slice(end + 2);
    if (port.includes(':')) return undefined;
    return { host: s.slice(1, end), port };
  }
  const i = s.lastIndexOf(':');
  if (i < 0) return undefined;
  const host = s.slice(0, i);
  if (host.includes(':')) return undefined;
  return { host, port: s.slice(i + 1) };
}

/** An IP address as 16 bytes (IPv4 as IPv4-mapped IPv6, as Go's net.IP compares them). */
export function parseIp(s: string): Uint8Array | undefined {
  const v4 = parseIpv4(s);
  if (v4) return mapped(v4);
  if (!s.includes(':') || s.includes('%') || s.includes('[')) return undefined;
  let norm: string;
  try {
    norm = unbracket(new URL(`http://[${s}]/`).hostname);
  } catch {
    return undefined;
  }
  const [head, tail] = norm.split('::') as [string, string | undefined];
  const groups = (x: string | undefined) => (x ? x.split(':').map((g) => Number.parseInt(g, 16)) : []);
  const a = groups(head);
  const b = groups(tail);
  const all = tail === undefined ? a : [...a, ...new Array<number>(8 - a.length - b.length).fill(0), ...b];
  if (all.length !== 8) return undefined;
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

function parseIpv4(s: string): number[] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const parts = m.slice(1).map((p) => (p.length > 1 && p.startsWith('0') ? Number.NaN : Number(p)));
  return parts.every((n) => n <= 255) ? parts : undefined;
}

function mapped(v4: number[]): Uint8Array {
  const out = new Uint8Array(16);
  out[10] = 0xff;
  out[11] = 0xff;
  out.set(v4, 12);
  return out;
}

function isV4Mapped(ip: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (ip[i] !== 0) return false;
  return ip[10] === 0xff && ip[11] === 0xff;
}

function isLoopback(ip: Uint8Array): boolean {
  if (isV4Mapped(ip)) return ip[12] === 127;
  for (let i = 0; i < 15; i++) if (ip[i] !== 0) return false;
  return ip[15] === 1;
}

function parseCidr(s: string): NoProxyMatcher | undefined {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const v4 = parseIpv4(m[1]!);
  const ip = v4 ? mapped(v4) : m[1]!.includes(':') ? parseIp(m[1]!) : undefined;
  const bits = Number(m[2]);
  if (!ip || bits > (v4 ? 32 : 128)) return undefined;
  return { kind: 'cidr', ip, bits: v4 ? bits + 96 : bits, v4: Boolean(v4) };
}

function inCidr(ip: Uint8Array, cidr: { ip: Uint8Array; bits: number; v4: boolean }): boolean {
  // Go's IPNet.Contains: an IPv4 network holds IPv4 addresses only, an IPv6 network IPv6 ones only
  // (an IPv4-mapped address counts as IPv4).
  if (cidr.v4 !== isV4Mapped(ip)) return false;
  const net = cidr.ip;
  let bits = cidr.bits;
  for (let i = 0; i < 16 && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((ip[i]! & mask) !== (net[i]! & mask)) return false;
  }
  return true;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 16; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The proxy as it may be shown: scheme, host and port, never its user-info. */
export function showProxy(proxy: URL): string {
  return `${proxy.protocol}//${proxy.host}`;
}
