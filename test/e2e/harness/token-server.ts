/**
 * A small token server for docker-registry's `auth.token` mode (distribution "token" protocol, see
 * distribution docs/spec/auth/token.md, oras-go v2 registry/remote/auth/client.go distribution's docs/spec/auth/token.md): `GET /token?service=S&scope=A&scope=B` with
 * optional HTTP Basic credentials answers `{token, access_token, expires_in, issued_at}`, where the token
 * is an RS256 JWT whose header carries the signing certificate in `x5c` (docker-registry verifies it
 * against `rootcertbundle`) and whose `access` claim lists the granted actions. Anonymous callers get
 * pull only; known users get what their entry allows; wrong credentials get 401. The OAuth2 form
 * (`POST /token`, grant_type=password) is answered too. It counts requests for the benchmark.
 */
import { createSign, randomBytes, X509Certificate } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SigningMaterial } from './certs.ts';

export interface TokenUser {
  password: string;
  /** Actions this user may get on any repository (default pull, push, delete). */
  actions?: string[];
}

export interface TokenServerOptions {
  service: string;
  issuer: string;
  signing: SigningMaterial;
  users: Record<string, TokenUser>;
  /** Whether a caller without credentials gets a pull token (default true). */
  anonymousPull?: boolean;
}

export interface TokenRequestRecord {
  method: string;
  user: string | undefined;
  scopes: string[];
  status: number;
}

export interface TokenServer {
  /** The realm URL to configure in the registry (`http://127.0.0.1:PORT/token`). */
  realm: string;
  requests: TokenRequestRecord[];
  resetCounts(): void;
  close(): Promise<void>;
}

function b64url(b: Buffer | string): string {
  return Buffer.from(b).toString('base64url');
}

function signJwt(signing: SigningMaterial, claims: object): string {
  const der = new X509Certificate(signing.certPem).raw;
  const header = { typ: 'JWT', alg: 'RS256', x5c: [der.toString('base64')] };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const sig = createSign('RSA-SHA256').update(input).sign(signing.keyPem);
  return `${input}.${b64url(sig)}`;
}

/** `repository:name:pull,push` → its parts; names never contain ':' (ports live in the host). */
function parseScope(s: string): { type: string; name: string; actions: string[] } | undefined {
  const first = s.indexOf(':');
  const last = s.lastIndexOf(':');
  if (first < 0 || last === first) return undefined;
  return {
    type: s.slice(0, first),
    name: s.slice(first + 1, last),
    actions: s
      .slice(last + 1)
      .split(',')
      .filter(Boolean),
  };
}

function basicUser(req: IncomingMessage): { user: string; password: string } | undefined {
  const h = req.headers.authorization;
  if (!h || !/^basic /i.test(h)) return undefined;
  const raw = Buffer.from(h.slice(6).trim(), 'base64').toString('utf8');
  const i = raw.indexOf(':');
  if (i < 0) return undefined;
  return { user: raw.slice(0, i), password: raw.slice(i + 1) };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startTokenServer(opts: TokenServerOptions): Promise<TokenServer> {
  const requests: TokenRequestRecord[] = [];
  const anonymousPull = opts.anonymousPull ?? true;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://token.invalid');
    const send = (status: number, body: object, user?: string, scopes: string[] = []) => {
      requests.push({ method: req.method ?? '', user, scopes, status });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname !== '/token') return send(404, { errors: [{ code: 'NOT_FOUND' }] });

    let user: string | undefined;
    let password: string | undefined;
    let scopes: string[] = [];
    let service: string | null = null;
    if (req.method === 'GET') {
      const basic = basicUser(req);
      user = basic?.user;
      password = basic?.password;
      scopes = url.searchParams
        .getAll('scope')
        .flatMap((s) => s.split(' '))
        .filter(Boolean);
      service = url.searchParams.get('service');
    } else if (req.method === 'POST') {
      const form = new URLSearchParams(await readBody(req));
      if (form.get('grant_type') !== 'password') {
        // Refresh tokens are never issued here, so the refresh grant is "unsupported" like a plain
        // token server: clients must fall back to the GET form.
        return send(404, { error: 'unsupported_grant_type' });
      }
      user = form.get('username') ?? undefined;
      password = form.get('password') ?? undefined;
      scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
      service = form.get('service');
    } else {
      return send(405, { error: 'method not allowed' });
    }
    if (service !== opts.service) return send(400, { error: 'unknown service' }, user, scopes);

    let allowed: string[];
    if (user === undefined) {
      allowed = anonymousPull ? ['pull'] : [];
    } else {
      const entry = opts.users[user];
      if (!entry || entry.password !== password) {
        return send(
          401,
          { errors: [{ code: 'UNAUTHORIZED', message: 'authentication failed' }] },
          user,
          scopes,
        );
      }
      allowed = entry.actions ?? ['pull', 'push', 'delete'];
    }
    const access = scopes
      .map(parseScope)
      .filter((s): s is NonNullable<typeof s> => s !== undefined && s.type === 'repository')
      .map((s) => ({
        type: 'repository',
        name: s.name,
        actions: s.actions.includes('*') ? allowed : s.actions.filter((a) => allowed.includes(a)),
      }));
    const now = Math.floor(Date.now() / 1000);
    const token = signJwt(opts.signing, {
      iss: opts.issuer,
      sub: user ?? '',
      aud: opts.service,
      exp: now + 300,
      nbf: now - 10,
      iat: now,
      jti: randomBytes(12).toString('hex'),
      access,
    });
    send(
      200,
      { token, access_token: token, expires_in: 300, issued_at: new Date(now * 1000).toISOString() },
      user,
      scopes,
    );
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      res.writeHead(500);
      res.end(String(e));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    requests,
    resetCounts: () => {
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
