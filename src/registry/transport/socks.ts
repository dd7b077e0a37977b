/**
 * SOCKS version 5 (RFC 1928) with username/password authentication (RFC 1929): the CONNECT handshake
 * on a socket to the proxy, after which the socket is a tunnel to the registry. Go's net/http reaches
 * `socks5://` and `socks5h://` proxies from HTTPS_PROXY/HTTP_PROXY this way (net/http transport.go
 * `connectMethod` with golang.org/x/net/internal/socks): host names are sent to the proxy, which
 * resolves them (ATYP 3), IP literals as addresses; user-info of the proxy URL is the RFC 1929
 * username and password, offered together with "no authentication".
 * Every answer is bounded (at most 262 bytes per reply) and checked; the signal ends the handshake.
 */
import type { Socket } from 'node:net';
import { type HandshakeStep, runHandshake } from './handshake.ts';
import { parseIp } from './proxy.ts';

/** Why a SOCKS handshake failed: `code` is E_PROXY_REFUSED, E_PROXY_AUTH or E_PROXY_RESPONSE. */
export class SocksError extends Error {
  readonly code: string;
  constructor(message: string, code: string) {
    super(message);
    this.name = 'SocksError';
    this.code = code;
  }
}

/** RFC 1928 §6 reply codes. */
const REPLIES: Record<number, string> = {
  1: 'general SOCKS server failure',
  2: 'connection not allowed by ruleset',
  3: 'network unreachable',
  4: 'host unreachable',
  5: 'connection refused',
  6: 'TTL expired',
  7: 'command not supported',
  8: 'address type not supported',
};

/** The longest SOCKS5 answer is 262 bytes (a CONNECT reply with a 255-byte name). */
const MAX_ANSWER_BYTES = 512;
const NO_AUTH = 0x00;
const USER_PASS = 0x02;
const NO_ACCEPTABLE = 0xff;

export interface SocksTarget {
  host: string;
  port: number;
  username?: string | undefined;
  password?: string | undefined;
}

/** The CONNECT request's address: an IPv4 or IPv6 literal as such, a name for the proxy to resolve. */
export function encodeConnect(host: string, port: number): Uint8Array {
  const ip = parseIp(host);
  let addr: number[];
  if (ip && host.includes(':')) addr = [0x04, ...ip];
  else if (ip) addr = [0x01, ...ip.subarray(12)];
  else {
    const name = new TextEncoder().encode(host);
    if (name.length === 0 || name.length > 255)
      throw new SocksError(`host name "${host}" is not 1 to 255 bytes long`, 'E_PROXY_REQUEST');
    addr = [0x03, name.length, ...name];
  }
  return Uint8Array.from([0x05, 0x01, 0x00, ...addr, port >> 8, port & 0xff]);
}

/** RFC 1929's sub-negotiation message. */
export function encodeUserPass(username: string, password: string): Uint8Array {
  const u = new TextEncoder().encode(username);
  const p = new TextEncoder().encode(password);
  if (u.length > 255 || p.length > 255)
    throw new SocksError('proxy username and password must be at most 255 bytes each', 'E_PROXY_REQUEST');
  return Uint8Array.from([0x01, u.length, ...u, p.length, ...p]);
}

/**
 * The length of the CONNECT reply starting `buf` (VER REP RSV ATYP BND.ADDR BND.PORT), or undefined
 * while too few bytes have come to tell. Throws on a malformed start.
 */
export function connectReplyLength(buf: Uint8Array): number | undefined {
  if (buf.length < 5) return undefined;
  if (buf[0] !== 0x05) throw new SocksError('not a SOCKS5 answer to CONNECT', 'E_PROXY_RESPONSE');
  switch (buf[3]) {
    case 0x01:
      return 4 + 4 + 2;
    case 0x04:
      return 4 + 16 + 2;
    case 0x03:
      return 4 + 1 + (buf[4] as number) + 2;
    default:
      throw new SocksError(`SOCKS5 answer with unknown address type ${buf[3]}`, 'E_PROXY_RESPONSE');
  }
}

/**
 * Runs the handshake on `socket` (connected or connecting to the proxy). Resolves once the proxy has
 * connected to the target (the socket is then the tunnel). Rejects with a SocksError, the socket's
 * error, or the signal's reason; the socket is destroyed then.
 */
export function socksConnect(socket: Socket, target: SocksTarget, signal: AbortSignal): Promise<void> {
  const withAuth = target.username !== undefined || target.password !== undefined;
  let stage: 'method' | 'auth' | 'connect' = 'method';
  const step: HandshakeStep = (pending) => {
    if (stage === 'connect') {
      const n = connectReplyLength(pending);
      if (n === undefined || pending.length < n) return { used: 0, complete: false };
      const rep = pending[1] as number;
      if (rep !== 0x00)
        throw new SocksError(
          `the proxy could not connect: ${REPLIES[rep] ?? `reply code ${rep}`}`,
          'E_PROXY_REFUSED',
        );
      return { used: n, complete: true };
    }
    if (pending.length < 2) return { used: 0, complete: false };
    const [version, answer] = [pending[0], pending[1]];
    if (stage === 'auth') {
      if (version !== 0x01) throw new SocksError('bad answer to the username/password', 'E_PROXY_RESPONSE');
      if (answer !== 0x00) throw new SocksError('the proxy rejected the username/password', 'E_PROXY_AUTH');
    } else {
      if (version !== 0x05)
        throw new SocksError('not a SOCKS5 proxy (bad version in its answer)', 'E_PROXY_RESPONSE');
      if (answer === NO_ACCEPTABLE)
        throw new SocksError(
          withAuth
            ? 'the proxy accepts none of the offered authentication methods'
            : 'the proxy requires authentication (give a username and password in the proxy URL)',
          'E_PROXY_AUTH',
        );
      if (answer === USER_PASS && withAuth) {
        socket.write(encodeUserPass(target.username ?? '', target.password ?? ''));
        stage = 'auth';
        return { used: 2, complete: false };
      }
      if (answer !== NO_AUTH)
        throw new SocksError(
          `the proxy chose authentication method ${answer}, not offered`,
          'E_PROXY_RESPONSE',
        );
    }
    socket.write(encodeConnect(target.host, target.port));
    stage = 'connect';
    return { used: 2, complete: false };
  };
  return runHandshake(
    socket,
    Uint8Array.from(withAuth ? [0x05, 0x02, NO_AUTH, USER_PASS] : [0x05, 0x01, NO_AUTH]),
    step,
    {
      signal,
      maxBytes: MAX_ANSWER_BYTES,
      errors: {
        tooLarge: () => new SocksError('the proxy sent more than a SOCKS5 answer', 'E_PROXY_RESPONSE'),
        closed: () =>
          new SocksError('the proxy closed the connection during the SOCKS5 handshake', 'ECONNRESET'),
        // Neither HTTP nor TLS lets the server speak first: bytes already here are not the registry's.
        early: () => new SocksError('the proxy sent data before the tunnel was used', 'E_PROXY_RESPONSE'),
      },
    },
  );
}
