/**
 * The challenge/response loop around every registry request (distribution docs/spec/auth/token.md, oras-go v2 registry/remote/auth/client.go): send (with a cached
 * credential when the host's scheme is known), on 401 parse `WWW-Authenticate`, answer Basic with the
 * username/password or Bearer with a token from the realm for the union of the hinted and challenged
 * scopes, and replay. `insufficient_scope` upgrades the scope (pull → pull,push) once more. Tokens are
 * cached per host + scope set. Error messages name the registry and status, never the credential.
 */
import { RegistryError, type RegistryErrorDetails } from '../../errors.ts';
import { hostname } from '../reference.ts';
import { REGISTRY_CODES, where } from '../registry-errors.ts';
import type { HttpClient, HttpRequest, HttpResponse } from '../transport/http-client.ts';
import { parseChallenge } from './challenge.ts';
import type { Credential, CredentialLookup } from './credentials.ts';
import { mergeScopes } from './scope.ts';
import { TokenCache } from './token-cache.ts';

const MAX_TOKEN_BYTES = 128 * 1024;
const CLIENT_ID = 'imgcompat';

interface HostState {
  scheme: 'basic' | 'bearer';
  realm?: string;
  service?: string;
}

export interface AuthenticatorOptions {
  credentials?: CredentialLookup;
  /** True when the registry is reached over plain http (then an http token realm is allowed). */
  plainHttp?: boolean;
  tokenCache?: TokenCache;
}

export class Authenticator {
  private readonly http: HttpClient;
  private readonly lookup: CredentialLookup | undefined;
  private readonly plainHttp: boolean;
  private readonly hosts = new Map<string, HostState>();
  private readonly creds = new Map<string, Promise<Credential | undefined>>();
  private readonly inflight = new Map<string, Promise<string>>();
  readonly tokens: TokenCache;

  constructor(http: HttpClient, opts: AuthenticatorOptions = {}) {
    this.http = http;
    this.lookup = opts.credentials;
    this.plainHttp = opts.plainHttp ?? false;
    this.tokens = opts.tokenCache ?? new TokenCache();
  }

  private credential(registry: string, repository: string): Promise<Credential | undefined> {
    const key = `${registry} ${repository}`;
    let p = this.creds.get(key);
    if (!p) {
      p = this.lookup ? this.lookup(registry, repository, this.http.signal) : Promise.resolve(undefined);
      p.then((c) => c && this.http.trace(`  credentials for ${registry} from ${c.source}`)).catch(() => {});
      this.creds.set(key, p);
    }
    return p;
  }

  /**
   * Sends `req` to `registry` (the reference's registry name; `req.url` carries the API host) with
   * authentication. `scopes` are the hints (e.g. `repository:app:pull`).
   */
  async send(
    req: HttpRequest,
    registry: string,
    repository: string,
    scopes: string[],
  ): Promise<HttpResponse> {
    const host = req.url.host;
    const cred = await this.credential(registry, repository);
    let authorization = await this.preemptive(host, scopes, cred);
    let res = await this.http.request({ ...req, authorization });
    let wanted = mergeScopes(scopes);
    for (let round = 0; res.status === 401 && round < 2; round++) {
      const details = { ...req.context, status: 401 };
      if (res.url.origin !== req.url.origin) {
        // The 401 comes from where the registry redirected us (blob storage, a CDN): its challenge is not
        // the registry's, so the registry's credentials are never used to answer it, nor sent to its realm
        // (auth is never forwarded across hosts; distribution docs/spec/auth/token.md, oras-go v2 registry/remote/auth/client.go; oras-go v2 registry/remote/auth/client.go).
        throw new RegistryError(
          `${req.what ?? 'request'} was redirected to ${res.url.origin}, which asks for authentication; the credentials for ${registry} are not sent there${where(details)}`,
          details,
          REGISTRY_CODES.unauthorized,
        );
      }
      const challenge = parseChallenge(res.headers.get('www-authenticate'));
      if (!challenge) return res;
      if (challenge.scheme === 'basic') {
        this.hosts.set(host, { scheme: 'basic' });
        if (!cred?.username || cred.password === undefined)
          throw this.unauthorized(details, cred, authorization);
        const basic = basicHeader(cred.username, cred.password);
        if (authorization === basic) throw this.unauthorized(details, cred, authorization);
        authorization = basic;
      } else if (challenge.scheme === 'bearer') {
        const { realm, service, scope, error } = challenge.params;
        if (cred?.registryToken) {
          // A static token cannot be upgraded: it was sent and refused.
          throw this.unauthorized(details, cred, authorization, error === 'insufficient_scope');
        }
        if (!realm)
          throw new RegistryError(
            `Bearer challenge without a realm${where(details)}`,
            details,
            REGISTRY_CODES.protocol,
          );
        this.hosts.set(host, { scheme: 'bearer', realm, service });
        const needed = mergeScopes(wanted, scope ? [scope] : []);
        if (authorization?.startsWith('Bearer ') && needed.join(' ') === wanted.join(' ') && round > 0) {
          throw this.unauthorized(details, cred, authorization, error === 'insufficient_scope');
        }
        if (authorization?.startsWith('Bearer ')) {
          // The token we sent was refused or too narrow: never reuse it.
          this.tokens.delete(host, wanted);
          this.tokens.delete(host, needed);
          this.tokens.delete(host, mergeScopes(scopes));
        }
        wanted = needed;
        const token = await this.fetchToken(host, realm, service, wanted, cred, req.url, details);
        this.tokens.set(host, mergeScopes(scopes), token.token, token.expiresIn);
        authorization = `Bearer ${token.token}`;
      } else {
        throw new RegistryError(
          `unsupported authentication scheme "${challenge.scheme}"${where(details)}`,
          details,
          REGISTRY_CODES.unauthorized,
        );
      }
      res = await this.http.request({ ...req, authorization });
    }
    if (res.status === 401) {
      const challenge = parseChallenge(res.headers.get('www-authenticate'));
      throw this.unauthorized(
        { ...req.context, status: 401 },
        cred,
        authorization,
        challenge?.params.error === 'insufficient_scope',
      );
    }
    return res;
  }

  private async preemptive(
    host: string,
    scopes: string[],
    cred: Credential | undefined,
  ): Promise<string | undefined> {
    if (cred?.registryToken) return `Bearer ${cred.registryToken}`;
    const state = this.hosts.get(host);
    if (state?.scheme === 'basic' && cred?.username && cred.password !== undefined) {
      return basicHeader(cred.username, cred.password);
    }
    if (state?.scheme === 'bearer') {
      const t = this.tokens.get(host, mergeScopes(scopes));
      if (t) return `Bearer ${t}`;
    }
    return undefined;
  }

  private fetchToken(
    host: string,
    realm: string,
    service: string | undefined,
    scopes: string[],
    cred: Credential | undefined,
    registryUrl: URL,
    details: RegistryErrorDetails,
  ): Promise<{ token: string; expiresIn?: number }> {
    const cached = this.tokens.get(host, scopes);
    if (cached) return Promise.resolve({ token: cached });
    const key = TokenCache.key(host, scopes);
    let p = this.inflight.get(key) as Promise<string> | undefined;
    if (!p) {
      p = this.requestToken(realm, service, scopes, cred, registryUrl, details).then((t) => {
        this.tokens.set(host, scopes, t.token, t.expiresIn);
        return t.token;
      });
      this.inflight.set(key, p);
      p.finally(() => this.inflight.delete(key)).catch(() => {});
    }
    return p.then((token) => ({ token }));
  }

  private async requestToken(
    realm: string,
    service: string | undefined,
    scopes: string[],
    cred: Credential | undefined,
    registryUrl: URL,
    details: RegistryErrorDetails,
  ): Promise<{ token: string; expiresIn?: number }> {
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw new RegistryError(`token realm is not a URL${where(details)}`, details, REGISTRY_CODES.protocol);
    }
    this.checkRealm(url, registryUrl, details);
    const tokenDetails = { ...details, status: undefined };
    let res: HttpResponse;
    if (cred?.identityToken) {
      // OAuth2 refresh-token grant (distribution docs spec/auth/oauth.md), as docker and oras-go do.
      const form = new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: cred.identityToken,
        client_id: CLIENT_ID,
      });
      if (service) form.set('service', service);
      if (scopes.length) form.set('scope', scopes.join(' '));
      res = await this.http.request({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new TextEncoder().encode(form.toString()),
        maxBytes: MAX_TOKEN_BYTES,
        context: tokenDetails,
        what: 'token request',
        // The body is the refresh token: a 307/308 to another origin must not replay it there.
        confidentialBody: true,
      });
    } else {
      if (service) url.searchParams.set('service', service);
      for (const s of scopes) url.searchParams.append('scope', s);
      const authorization =
        cred?.username && cred.password !== undefined ? basicHeader(cred.username, cred.password) : undefined;
      res = await this.http.request({
        method: 'GET',
        url,
        authorization,
        maxBytes: MAX_TOKEN_BYTES,
        context: tokenDetails,
        what: 'token request',
      });
    }
    if (res.status === 401 || res.status === 403) {
      throw this.unauthorized({ ...details, status: res.status }, cred, 'token');
    }
    if (res.status !== 200) {
      throw new RegistryError(
        `token server ${url.host} answered HTTP ${res.status}${where({ ...details, status: res.status })}`,
        { ...details, status: res.status },
        REGISTRY_CODES.unauthorized,
      );
    }
    let body: { token?: unknown; access_token?: unknown; expires_in?: unknown };
    try {
      body = JSON.parse(new TextDecoder().decode(res.body));
    } catch {
      throw new RegistryError(
        `token server ${url.host} did not answer JSON${where(details)}`,
        details,
        REGISTRY_CODES.protocol,
      );
    }
    // oras-go prefers access_token over token.
    const token = typeof body.access_token === 'string' && body.access_token ? body.access_token : body.token;
    if (typeof token !== 'string' || token === '') {
      throw new RegistryError(
        `token server ${url.host} answered without a token${where(details)}`,
        details,
        REGISTRY_CODES.protocol,
      );
    }
    return { token, expiresIn: typeof body.expires_in === 'number' ? body.expires_in : undefined };
  }

  /** oras-go's safety checks: https realms (http only for a plain-http registry), no loopback detours. */
  private checkRealm(realm: URL, registryUrl: URL, details: RegistryErrorDetails): void {
    if (
      realm.protocol !== 'https:' &&
      !(realm.protocol === 'http:' && (this.plainHttp || registryUrl.protocol === 'http:'))
    ) {
      throw new RegistryError(
        `refusing token realm ${realm.origin}: only https is allowed for an https registry${where(details)}`,
        details,
        REGISTRY_CODES.unauthorized,
      );
    }
    if (isLoopback(realm.hostname) && !isLoopback(hostname(registryUrl.host))) {
      throw new RegistryError(
        `refusing token realm ${realm.origin}: a loopback address for a non-loopback registry${where(details)}`,
        details,
        REGISTRY_CODES.unauthorized,
      );
    }
    // distribution docs/spec/auth/token.md, oras-go v2 registry/remote/auth/client.go (oras-go): no realm on a private, link-local (cloud metadata) or unspecified
    // address for a registry on a public address: the registry's credentials would go inside the
    // network (regclient refuses public→local the same way). A registry that is itself on a private
    // address may use a token server on another private address (common on-premises), but never a
    // link-local one (cloud metadata endpoints live there).
    const realmHost = realm.hostname.replace(/^\[|\]$/g, '').toLowerCase();
    const registryHost = hostname(registryUrl.host)
      .replace(/^\[|\]$/g, '')
      .toLowerCase();
    const registryInternal = isInternalAddress(registryHost) || isLoopback(registryHost);
    if (
      isInternalAddress(realmHost) &&
      realmHost !== registryHost &&
      !isLoopback(realmHost) &&
      (!registryInternal || isLinkLocal(realmHost))
    ) {
      throw new RegistryError(
        `refusing token realm ${realm.origin}: a private or link-local address for a registry elsewhere${where(details)}`,
        details,
        REGISTRY_CODES.unauthorized,
      );
    }
  }

  private unauthorized(
    details: RegistryErrorDetails,
    cred: Credential | undefined,
    sent: string | undefined,
    insufficientScope = false,
  ): RegistryError {
    const registry = details.registry ?? 'the registry';
    if (insufficientScope) {
      return new RegistryError(
        `access denied: the credentials for ${registry} do not grant the needed access (insufficient_scope)${where(details)}`,
        details,
        REGISTRY_CODES.denied,
      );
    }
    const hadCredential = cred !== undefined && (sent !== undefined || cred.username !== undefined);
    const msg = hadCredential
      ? `${registry} rejected the credentials (from ${cred.source})`
      : `${registry} requires authentication; run "imgcompat login ${registry}" or pass --registry-username with --registry-password-stdin`;
    return new RegistryError(`${msg}${where(details)}`, details, REGISTRY_CODES.unauthorized);
  }
}

export function basicHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return (
    h === 'localhost' ||
    h === '::1' ||
    /^127\./.test(h) ||
    /^::ffff:127\./.test(h) ||
    /^::ffff:7f[0-9a-f]{2}:/.test(h) ||
    h === '0.0.0.0' ||
    h === '::'
  );
}

/** An IPv4 169.254/16 or IPv6 fe80::/10 literal (as normalised by URL, IPv4-mapped included). */
function isLinkLocal(host: string): boolean {
  const h = host.toLowerCase();
  return /^169\.254\./.test(h) || /^::ffff:a9fe:/.test(h) || /^fe[89ab][0-9a-f]?:/.test(h);
}

/** An IP literal in a private, link-local, CGNAT or unique-local range (no DNS lookup: literals only). */
function isInternalAddress(host: string): boolean {
  let h = host.toLowerCase();
  // IPv4-mapped IPv6 (URL normalises ::ffff:a.b.c.d to ::ffff:xxxx:xxxx).
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(h);
  if (mapped) {
    const hi = Number.parseInt(mapped[1]!, 16);
    const lo = Number.parseInt(mapped[2]!, 16);
    h = `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(h);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return (
      a === 10 ||
      a === 0 ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 169 && b === 254) ||
      (a === 100 && b >= 64 && b <= 127)
    );
  }
  if (!h.includes(':')) return false;
  return /^f[cd][0-9a-f]{0,2}:/.test(h) || /^fe[89ab][0-9a-f]?:/.test(h);
}
