/**
 * Key material for the TLS and token-auth registries, made with the `openssl` CLI: a throw-away CA with
 * a server certificate for 127.0.0.1 (for `--ca-file` / `--insecure` tests; also valid for `registry.proxy.test`,
 * the name the proxy tests reach a registry by), and a self-signed signing
 * certificate for the token server (docker-registry trusts it through `auth.token.rootcertbundle`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execOk, mustTool } from './tools.ts';

export interface TlsMaterial {
  caCert: string;
  serverCert: string;
  serverKey: string;
  /** The CA in PEM form (what `--ca-file` reads). */
  caPem: string;
}

export async function makeTlsMaterial(dir: string): Promise<TlsMaterial> {
  const openssl = mustTool('openssl');
  const caKey = join(dir, 'ca.key');
  const caCert = join(dir, 'ca.crt');
  const serverKey = join(dir, 'server.key');
  const csr = join(dir, 'server.csr');
  const serverCert = join(dir, 'server.crt');
  const ext = join(dir, 'server.ext');
  await execOk(openssl, [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    caKey,
    '-out',
    caCert,
    '-days',
    '2',
    '-subj',
    '/CN=imgcompat e2e test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  await execOk(openssl, [
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    serverKey,
    '-out',
    csr,
    '-subj',
    '/CN=127.0.0.1',
  ]);
  writeFileSync(
    ext,
    'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:registry.proxy.test\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n',
  );
  await execOk(openssl, [
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    caCert,
    '-CAkey',
    caKey,
    '-CAcreateserial',
    '-out',
    serverCert,
    '-days',
    '2',
    '-extfile',
    ext,
  ]);
  return { caCert, serverCert, serverKey, caPem: readFileSync(caCert, 'utf8') };
}

export interface SigningMaterial {
  keyPem: string;
  certPem: string;
  certFile: string;
}

/** A self-signed RSA certificate whose key signs the token server's JWTs (RS256). */
export async function makeSigningMaterial(dir: string): Promise<SigningMaterial> {
  const openssl = mustTool('openssl');
  const key = join(dir, 'token.key');
  const cert = join(dir, 'token.crt');
  await execOk(openssl, [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '2',
    '-subj',
    '/CN=imgcompat e2e token issuer',
  ]);
  return { keyPem: readFileSync(key, 'utf8'), certPem: readFileSync(cert, 'utf8'), certFile: cert };
}
