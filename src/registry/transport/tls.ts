/**
 * Custom TLS for `--insecure` (https without certificate verification; explicit only) and `--ca-file`.
 * Node's global fetch cannot take per-client TLS settings, so only then do we load undici (pinned) and use
 * its own fetch with an Agent (Go crypto/tls; oras CLI --insecure/--ca-file). Loaded lazily: the common path pays nothing.
 */
import { readFile } from 'node:fs/promises';
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
  if (!opts.insecure && !opts.caFile) return globalThis.fetch as FetchLike;
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
  const mod = await import('undici');
  // Native ESM sees undici's CommonJS exports as named exports; a bundler may put them under `default`.
  const undici = (
    typeof mod.Agent === 'function' ? mod : (mod as unknown as { default: typeof mod }).default
  ) as typeof mod;
  const agent = new undici.Agent({
    connect: { rejectUnauthorized: !opts.insecure, ...(ca ? { ca } : {}) },
  });
  const viaAgent: FetchLike = (input, init) =>
    undici.fetch(input, { ...(init as object), dispatcher: agent } as never) as unknown as Promise<Response>;
  return viaAgent;
}
