/**
 * Bearer tokens cached per registry host + sorted scope set (oras-go). Expiry is tracked from
 * `expires_in` (default 60 s) with a safety margin; a 401 on a cached token also evicts it.
 */

export interface CachedToken {
  token: string;
  scopes: string[];
  /** Epoch ms after which the token is not reused. */
  expiresAt: number;
}

export class TokenCache {
  private readonly entries = new Map<string, CachedToken>();
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  static key(host: string, scopes: readonly string[]): string {
    return `${host} ${[...scopes].sort().join(' ')}`;
  }

  get(host: string, scopes: readonly string[]): string | undefined {
    const k = TokenCache.key(host, scopes);
    const e = this.entries.get(k);
    if (!e) return undefined;
    if (this.now() >= e.expiresAt) {
      this.entries.delete(k);
      return undefined;
    }
    return e.token;
  }

  set(host: string, scopes: readonly string[], token: string, expiresInSeconds?: number): void {
    // Renew 10 s (or a tenth of the lifetime) early so a token does not expire mid-request.
    const life = (expiresInSeconds && expiresInSeconds > 0 ? expiresInSeconds : 60) * 1000;
    const margin = Math.min(10_000, life / 10);
    this.entries.set(TokenCache.key(host, scopes), {
      token,
      scopes: [...scopes].sort(),
      expiresAt: this.now() + life - margin,
    });
  }

  delete(host: string, scopes: readonly string[]): void {
    this.entries.delete(TokenCache.key(host, scopes));
  }

  get size(): number {
    return this.entries.size;
  }
}
