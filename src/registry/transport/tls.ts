/**
 * Custom TLS for `--insecure` (https without certificate verification; explicit only) and `--ca-file`.
 * Node's global fetch cannot take per-client TLS settings, so only then do we load undici (pinned) and use
 * its own fetch with an Agent (Go crypto/tls; oras CLI --insecure/--ca-file). Loaded lazily: the common path pays nothing.
 */
import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { rootCertificates } from 'node:tls';
import { UsageError } from '../../errors.ts';

export type FetchLike = (
  input: string | URL,
  init: RequestInit & { dispatcher?: unknown },
) => Promise<Response>;

export interface TlsOptions {
  insecure?: boolean;
  /** PEM file with extra CA certificates, trusted in addition to Node's bundled roots. */
  caFile?: string;
}

export async function fetchFor(opts: TlsOptions): Promise<FetchLike> {
  if (!opts.insecure && !opts.caFile) return withBadPortFallback(globalThis.fetch as FetchLike);
  let ca: string[] | undefined;
  if (opts.caFile) {
    let pem: string;
    try {
      pem = await readFile(opts.caFile, 'utf8');
    } catch (e) {
      throw new UsageError(
        `--ca-file ${opts.caFile}: cannot read: ${(e as NodeJS.ErrnoException).code ?? e}`,
      );
    }
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
      throw new UsageError(`--ca-file ${opts.caFile}: no PEM certificate in the file`);
    }
    ca = [...rootCertificates, pem];
  }
  const undici = await loadUndici();
  const agent = new undici.Agent({
    connect: { rejectUnauthorized: !opts.insecure, ...(ca ? { ca } : {}) },
  });
  const viaAgent: FetchLike = (input, init) =>
    undici.fetch(input, { ...(init as object), dispatcher: agent } as never) as unknown as Promise<Response>;
  return withBadPortFallback(viaAgent, agent);
}

async function loadUndici() {
  const mod = await import('undici');
  // Native ESM sees undici's CommonJS exports as named exports; a bundler may put them under `default`.
  return (
    typeof mod.Agent === 'function' ? mod : (mod as unknown as { default: typeof mod }).default
  ) as typeof mod;
}

/** True when fetch refused the URL because its port is on the Fetch standard's "bad port" list. */
function isBadPortRefusal(e: unknown): boolean {
  const cause = (e as { cause?: unknown }).cause;
  return e instanceof TypeError && cause instanceof Error && cause.message === 'bad port';
}

/**
 * fetch refuses ports on the Fetch standard's "bad port" list (fetch.spec.whatwg.org, "port blocking":
 * 6000, 6667, 10080, ...), a browser protection against cross-protocol requests. A registry may listen on
 * any port, and the user named it, so a request fetch refuses for that reason alone is sent again with
 * undici's `request` (the same HTTP client without the blocklist) and turned back into a Response.
 */
function withBadPortFallback(fetchImpl: FetchLike, dispatcher?: unknown): FetchLike {
  return async (input, init) => {
    try {
      return await fetchImpl(input, init);
    } catch (e) {
      if (!isBadPortRefusal(e)) throw e;
    }
    const undici = await loadUndici();
    const headers = init.headers as Record<string, string> | undefined;
    const r = await undici.request(input, {
      method: (init.method ?? 'GET') as 'GET',
      ...(headers ? { headers } : {}),
      ...(init.body ? { body: init.body as Uint8Array } : {}),
      ...(init.signal ? { signal: init.signal } : {}),
      ...(dispatcher ? { dispatcher: dispatcher as never } : {}),
    });
    const out = new Headers();
    for (const [name, value] of Object.entries(r.headers)) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) out.append(name, v);
    }
    if (r.statusCode < 200 || r.statusCode > 599) {
      await r.body.dump().catch(() => {});
      throw new TypeError('fetch failed', {
        cause: new Error(`HTTP status ${r.statusCode} is out of range`),
      });
    }
    const noBody = r.statusCode === 204 || r.statusCode === 304 || init.method === 'HEAD';
    if (noBody) await r.body.dump();
    const body = noBody ? null : webStream(r.body);
    return new Response(body, { status: r.statusCode, headers: out });
  };
}

/** A pull-based web stream over a Node stream (Readable.toWeb breaks on undici's body in Node 20). */
function webStream(body: Readable): ReadableStream<Uint8Array> {
  const chunks = body[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await chunks.next();
      if (done) controller.close();
      else controller.enqueue(new Uint8Array(value as Buffer));
    },
    cancel() {
      body.destroy();
    },
  });
}
