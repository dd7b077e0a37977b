/** The certificates we write, checked by Node's parser and by OpenSSL (`openssl verify -purpose sslserver`). */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeWebhookPki } from '../../../src/k8s/webhook/x509.ts';
import { execOk, mustTool, tempDir } from '../../e2e/harness/index.ts';

test('a CA and a serving certificate OpenSSL accepts for TLS servers, with DNS and IP SANs', async () => {
  const now = new Date('2049-12-31T12:00:00Z');
  const pki = makeWebhookPki({
    caName: 'hook CA',
    serverName: 'hook.ns.svc',
    sans: ['hook.ns.svc', '127.0.0.1', '::1'],
    days: 30,
    now,
  });
  const ca = new X509Certificate(pki.ca.certPem);
  const leaf = new X509Certificate(pki.server.certPem);
  assert.equal(ca.ca, true);
  assert.equal(leaf.ca, false);
  assert.ok(leaf.verify(ca.publicKey));
  assert.ok(ca.verify(ca.publicKey));
  assert.equal(leaf.subjectAltName, 'DNS:hook.ns.svc, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
  // notAfter crosses 2050: GeneralizedTime there, UTCTime before.
  assert.equal(new Date(leaf.validTo).toISOString(), '2050-01-30T12:00:00.000Z');
  assert.equal(new Date(leaf.validFrom).toISOString(), '2049-12-31T11:00:00.000Z');
  assert.ok(leaf.checkPrivateKey((await import('node:crypto')).createPrivateKey(pki.server.keyPem)));
  const dir = tempDir('imgcompat-x509-');
  writeFileSync(join(dir, 'ca.pem'), pki.ca.certPem);
  writeFileSync(join(dir, 'leaf.pem'), pki.server.certPem);
  const openssl = mustTool('openssl');
  const out = await execOk(openssl, [
    'verify',
    '-attime',
    String(Math.floor(now.getTime() / 1000)),
    '-CAfile',
    join(dir, 'ca.pem'),
    '-purpose',
    'sslserver',
    join(dir, 'leaf.pem'),
  ]);
  assert.match(out.stdout, /leaf\.pem: OK/);
});
