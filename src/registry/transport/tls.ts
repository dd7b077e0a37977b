/**
 * TLS settings of a client: certificates are verified by default against Node's bundled roots plus
 * NODE_EXTRA_CA_CERTS (Node applies it to every TLS context that does not name its own `ca`);
 * `--ca-file` adds a PEM bundle to Node's bundled roots; `--insecure` (explicit only) skips verification
 * (Go crypto/tls `InsecureSkipVerify`; oras CLI --insecure/--ca-file). node:tls is loaded only when a
 * CA file is read, so commands that make no https request never load it.
 */
import { readFile } from 'node:fs/promises';
import { UsageError } from '../../errors.ts';

export interface TlsOptions {
  insecure?: boolean;
  /** PEM file with extra CA certificates, trusted in addition to Node's bundled roots. */
  caFile?: string;
}

/** Options for tls.connect. */
export interface TlsSettings {
  rejectUnauthorized: boolean;
  ca?: string[];
}

export async function tlsSettings(opts: TlsOptions): Promise<TlsSettings> {
  const settings: TlsSettings = { rejectUnauthorized: !opts.insecure };
  if (!opts.caFile) return settings;
  let pem: string;
  try {
    pem = await readFile(opts.caFile, 'utf8');
  } catch (e) {
    throw new UsageError(`--ca-file ${opts.caFile}: cannot read: ${(e as NodeJS.ErrnoException).code ?? e}`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new UsageError(`--ca-file ${opts.caFile}: no PEM certificate in the file`);
  }
  // Loaded here, on use, rather than imported: see wire.ts `modules`.
  const { rootCertificates } = process.getBuiltinModule('node:tls');
  settings.ca = [...rootCertificates, pem];
  return settings;
}
