/**
 * A throw-away CA and a serving certificate for the webhook (`webhook manifests --self-signed`), made with
 * node:crypto alone. Node can create keys and signatures but has no certificate builder
 * (`crypto.X509Certificate` only parses), so this file writes the X.509 v3 structures of RFC 5280 §4.1
 * in DER (ITU-T X.690) itself: ECDSA P-256 keys, `ecdsa-with-SHA256` signatures (RFC 5758 §3.2), and the
 * extensions Go's crypto/x509 (the API server, which verifies the webhook) checks: basicConstraints,
 * keyUsage, extKeyUsage serverAuth, subjectAltName (DNS names and IP addresses), subject and authority
 * key identifiers.
 */
import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { isIP } from 'node:net';

// ---- DER ------------------------------------------------------------------------------------------------

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), length(content.length), content]);
}

const seq = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items));
const octets = (b: Buffer) => tlv(0x04, b);
const bool = (v: boolean) => tlv(0x01, Buffer.from([v ? 0xff : 0x00]));
/** BIT STRING with `unused` padding bits in the last byte. */
const bits = (b: Buffer, unused = 0) => tlv(0x03, Buffer.concat([Buffer.from([unused]), b]));
const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, 'utf8'));
/** Context-specific constructed tag [n] (EXPLICIT). */
const explicit = (n: number, content: Buffer) => tlv(0xa0 | n, content);

/** A non-negative INTEGER from big-endian bytes. */
function integer(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  let v = b.subarray(i);
  if ((v[0] ?? 0) & 0x80) v = Buffer.concat([Buffer.from([0]), v]);
  return tlv(0x02, v);
}

function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const out: number[] = [40 * arcs[0]! + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const chunk: number[] = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift(0x80 | (v & 0x7f));
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050. */
function time(d: Date): Buffer {
  const iso = d.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  return d.getUTCFullYear() < 2050
    ? tlv(0x17, Buffer.from(digits.slice(2), 'ascii'))
    : tlv(0x18, Buffer.from(digits, 'ascii'));
}

// ---- X.509 ----------------------------------------------------------------------------------------------

const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'));
const name = (cn: string) => seq(set(seq(oid('2.5.4.3'), utf8(cn))));

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));
}

/** The SubjectPublicKeyInfo's key bits, hashed with SHA-1 (RFC 5280 §4.2.1.2 method 1). */
function keyId(spki: Buffer): Buffer {
  // SPKI = SEQUENCE { AlgorithmIdentifier, BIT STRING }: the key bits are the last TLV's content.
  const outer = spki[1]! & 0x80 ? 2 + (spki[1]! & 0x7f) : 2;
  const algLen = spki[outer + 1]!;
  const bitStringAt = outer + 2 + algLen;
  const hdr = spki[bitStringAt + 1]! & 0x80 ? 2 + (spki[bitStringAt + 1]! & 0x7f) : 2;
  return createHash('sha1')
    .update(spki.subarray(bitStringAt + hdr + 1))
    .digest();
}

function subjectAltName(names: readonly string[]): Buffer {
  return seq(
    ...names.map((n) => {
      const family = isIP(n);
      if (family === 4) return tlv(0x87, Buffer.from(n.split('.').map(Number)));
      if (family === 6) return tlv(0x87, ipv6Bytes(n));
      return tlv(0x82, Buffer.from(n, 'ascii'));
    }),
  );
}

function ipv6Bytes(ip: string): Buffer {
  const [head, tail] = ip.includes('::') ? ip.split('::') : [ip, undefined];
  const parse = (s: string | undefined) => (s ? s.split(':').filter((p) => p !== '') : []);
  const h = parse(head);
  const t = parse(tail);
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  for (const [i, g] of groups.entries()) out.writeUInt16BE(Number.parseInt(g, 16), i * 2);
  return out;
}

export interface IssuedCertificate {
  certPem: string;
  keyPem: string;
}

export interface CertificateRequest {
  commonName: string;
  /** DNS names and IP addresses. */
  sans?: readonly string[];
  isCa: boolean;
  notBefore: Date;
  notAfter: Date;
}

function pem(label: string, der: Buffer): string {
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN ${label}-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END ${label}-----\n`;
}

/** Signs a certificate for `subjectKey` with `issuerKey` (the same key for a self-signed CA). */
function issue(
  req: CertificateRequest,
  subjectKey: KeyObject,
  issuer: { name: string; key: KeyObject; spki: Buffer },
): Buffer {
  const spki = subjectKey.export({ type: 'spki', format: 'der' });
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x40; // positive and 16 bytes long
  const exts: Buffer[] = [
    extension('2.5.29.19', true, req.isCa ? seq(bool(true)) : seq()),
    // keyUsage: digitalSignature (bit 0) for the server; + keyCertSign (5), cRLSign (6) for the CA.
    extension('2.5.29.15', true, req.isCa ? bits(Buffer.from([0x86]), 1) : bits(Buffer.from([0x80]), 7)),
    extension('2.5.29.14', false, octets(keyId(spki))),
    extension('2.5.29.35', false, seq(tlv(0x80, keyId(issuer.spki)))),
  ];
  if (!req.isCa) exts.push(extension('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.1'))));
  if (req.sans?.length) exts.push(extension('2.5.29.17', false, subjectAltName(req.sans)));
  const tbs = seq(
    explicit(0, integer(Buffer.from([2]))),
    integer(serial),
    ECDSA_SHA256,
    name(issuer.name),
    seq(time(req.notBefore), time(req.notAfter)),
    name(req.commonName),
    spki,
    explicit(3, seq(...exts)),
  );
  const signature = sign('sha256', tbs, issuer.key);
  return seq(tbs, ECDSA_SHA256, bits(signature));
}

export interface WebhookPki {
  ca: IssuedCertificate;
  server: IssuedCertificate;
}

/** A CA and a serving certificate for `dnsNames` (and IPs), valid from an hour ago for `days`. */
export function makeWebhookPki(opts: {
  caName: string;
  serverName: string;
  sans: readonly string[];
  days: number;
  now?: Date;
}): WebhookPki {
  const now = opts.now ?? new Date();
  const notBefore = new Date(now.getTime() - 3600_000);
  const notAfter = new Date(now.getTime() + opts.days * 86_400_000);
  const caKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const caSpki = caKeys.publicKey.export({ type: 'spki', format: 'der' });
  const issuer = { name: opts.caName, key: caKeys.privateKey, spki: caSpki };
  const caDer = issue({ commonName: opts.caName, isCa: true, notBefore, notAfter }, caKeys.publicKey, issuer);
  const serverKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const serverDer = issue(
    { commonName: opts.serverName, sans: opts.sans, isCa: false, notBefore, notAfter },
    serverKeys.publicKey,
    issuer,
  );
  const keyPem = (k: KeyObject) => k.export({ type: 'pkcs8', format: 'pem' }).toString();
  return {
    ca: { certPem: pem('CERTIFICATE', caDer), keyPem: keyPem(caKeys.privateKey) },
    server: { certPem: pem('CERTIFICATE', serverDer), keyPem: keyPem(serverKeys.privateKey) },
  };
}
