import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { lightConnection } from '../../src/k8s/kube-light-config.ts';

const dir = mkdtempSync(join(tmpdir(), 'imgcompat-light-'));

function kubeconfig(user: string, extraCluster = ''): string {
  const file = join(dir, `kc-${Math.random().toString(36).slice(2)}`);
  writeFileSync(
    file,
    `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster:
    server: https://127.0.0.1:6443
    certificate-authority-data: ${Buffer.from('CA PEM').toString('base64')}
${extraCluster}
users:
- name: u
  user:
${user}
contexts:
- name: ctx
  context: {cluster: c, user: u}
current-context: ctx
`,
  );
  return file;
}

const opts = (kubeconfig: string, context?: string) => ({
  kubeconfig,
  ...(context ? { context } : {}),
  timeoutMs: 1000,
  env: {},
  cwd: dir,
});

test('token, token file and client certificates are read without the client library', () => {
  const c = lightConnection(opts(kubeconfig('    token: abc')));
  assert.equal(c?.server, 'https://127.0.0.1:6443');
  assert.equal(c?.ca?.toString(), 'CA PEM');
  assert.equal(c?.token(), 'abc');
  assert.equal(c?.verify, true);
  writeFileSync(join(dir, 'tok'), 'from-file\n');
  assert.equal(lightConnection(opts(kubeconfig('    tokenFile: tok')))?.token(), 'from-file');
  writeFileSync(join(dir, 'c.crt'), 'CERT');
  const cert = lightConnection(
    opts(
      kubeconfig(
        `    client-certificate: c.crt\n    client-key-data: ${Buffer.from('KEY').toString('base64')}`,
      ),
    ),
  );
  assert.equal(cert?.cert?.toString(), 'CERT');
  assert.equal(cert?.key?.toString(), 'KEY');
  assert.equal(cert?.token(), undefined);
  const insecure = lightConnection(opts(kubeconfig('    token: t', '    insecure-skip-tls-verify: true')));
  assert.equal(insecure?.verify, false);
});

test('anything else is left to the client library', () => {
  assert.equal(
    lightConnection(opts(kubeconfig('    exec: {command: x, apiVersion: client.authentication.k8s.io/v1}'))),
    undefined,
  );
  assert.equal(lightConnection(opts(kubeconfig('    username: a\n    password: b'))), undefined);
  assert.equal(lightConnection(opts(kubeconfig('    token: t'), 'other')), undefined);
  assert.equal(lightConnection(opts(join(dir, 'missing'))), undefined);
});
