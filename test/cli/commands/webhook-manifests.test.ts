import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { memoryIo } from '../../../src/cli/io.ts';
import { run } from '../../../src/cli/main.ts';

const dir = mkdtempSync(join(tmpdir(), 'imgcompat-whm-'));

async function manifests(args: string[]) {
  const io = memoryIo({ cwd: dir, env: {} });
  const code = await run(['webhook', 'manifests', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

// biome-ignore lint/suspicious/noExplicitAny: Kubernetes objects are checked field by field
type Obj = any;

test('bad flags: exit 2 naming the flag; no image explains how to build and push one', async () => {
  const noImage = await manifests(['--self-signed']);
  assert.equal(noImage.code, 2);
  assert.match(noImage.err, /--image is required: .*scripts\/build-image\.sh REGISTRY\/imgcompat:TAG/);
  for (const [args, why] of [
    [['--image', 'r/i:1'], /choose the serving certificate: --cert-manager .* --self-signed .* --ca-bundle/],
    [
      ['--image', 'r/i:1', '--self-signed', '--cert-manager'],
      /--cert-manager and --self-signed cannot be combined/,
    ],
    [
      ['--image', 'r/i:1', '--cert-manager', '--cert-san', '1.2.3.4'],
      /--cert-san applies to --self-signed only/,
    ],
    [['--image', 'r/i:1', '--self-signed', '--namespace-label', 'novalue'], /--namespace-label "novalue"/],
    [['--image', 'r/i:1', '--self-signed', '--mode', 'force'], /--mode/],
  ] as const) {
    const r = await manifests([...args]);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.err, why, args.join(' '));
  }
  const missing = await manifests(['--image', 'r/i:1', '--ca-bundle', 'nope.pem']);
  assert.equal(missing.code, 3);
  assert.match(missing.err, /--ca-bundle nope\.pem: no such file/);
});

test('--self-signed: the complete install, a Secret whose serving certificate the caBundle verifies', async () => {
  const r = await manifests([
    '--image',
    'registry.example/imgcompat:0.1.0',
    '--self-signed',
    '--namespace',
    'hooks',
    '--cert-san',
    '127.0.0.1',
  ]);
  assert.equal(r.code, 0, r.err);
  const objs: Obj[] = parseAllDocuments(r.out).map((d) => d.toJSON());
  assert.deepEqual(
    objs.map((o) => `${o.kind}/${o.metadata.name}`),
    [
      'Namespace/hooks',
      'ServiceAccount/imgcompat-webhook',
      'ClusterRole/imgcompat-webhook',
      'ClusterRoleBinding/imgcompat-webhook',
      'ClusterRole/imgcompat-cluster-reader',
      'Deployment/imgcompat-webhook',
      'PodDisruptionBudget/imgcompat-webhook',
      'Service/imgcompat-webhook',
      'Secret/imgcompat-webhook-tls',
      'MutatingWebhookConfiguration/imgcompat-webhook',
    ],
  );
  const by = (kind: string) => objs.find((o) => o.kind === kind);
  assert.deepEqual(by('ClusterRoleBinding').subjects, [
    { kind: 'ServiceAccount', name: 'imgcompat-webhook', namespace: 'hooks' },
  ]);
  assert.deepEqual(by('ClusterRole').rules[0], {
    apiGroups: [''],
    resources: ['nodes'],
    verbs: ['list', 'watch'],
  });
  const pod = by('Deployment').spec.template.spec;
  assert.equal(by('Deployment').spec.replicas, 2);
  assert.equal(pod.containers[0].image, 'registry.example/imgcompat:0.1.0');
  assert.equal(pod.containers[0].securityContext.readOnlyRootFilesystem, true);
  assert.equal(pod.securityContext.runAsNonRoot, true);
  assert.equal(pod.containers[0].readinessProbe.httpGet.path, '/healthz');
  assert.ok(pod.containers[0].args.includes('--mode'));
  const hook = by('MutatingWebhookConfiguration').webhooks[0];
  assert.deepEqual(hook.namespaceSelector.matchExpressions, [
    { key: 'imgcompat.io/webhook', operator: 'In', values: ['enabled'] },
    { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', 'hooks'] },
  ]);
  const ca = new X509Certificate(Buffer.from(hook.clientConfig.caBundle, 'base64'));
  const secret = by('Secret');
  assert.equal(secret.type, 'kubernetes.io/tls');
  const leaf = new X509Certificate(secret.stringData['tls.crt']);
  assert.ok(leaf.verify(ca.publicKey));
  assert.equal(leaf.checkHost('imgcompat-webhook.hooks.svc'), 'imgcompat-webhook.hooks.svc');
  assert.equal(leaf.checkIP('127.0.0.1'), '127.0.0.1');
  assert.match(secret.stringData['tls.key'], /^-----BEGIN PRIVATE KEY-----/);
});

test('--cert-manager: Issuer, Certificate and the CA-injection annotation; --url: nothing runs in the cluster', async () => {
  const r = await manifests(['--image', 'r.example/i:1', '--cert-manager', '-o', 'json']);
  assert.equal(r.code, 0, r.err);
  const objs: Obj[] = JSON.parse(r.out).items;
  const cert = objs.find((o) => o.kind === 'Certificate');
  assert.equal(cert.spec.secretName, 'imgcompat-webhook-tls');
  assert.ok(cert.spec.dnsNames.includes('imgcompat-webhook.imgcompat-system.svc'));
  assert.equal(objs.find((o) => o.kind === 'Issuer').spec.selfSigned !== undefined, true);
  const mwc = objs.at(-1);
  assert.equal(
    mwc.metadata.annotations['cert-manager.io/inject-ca-from'],
    'imgcompat-system/imgcompat-webhook',
  );
  assert.equal(mwc.webhooks[0].clientConfig.caBundle, undefined);
  writeFileSync(join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  const url = await manifests([
    '--url',
    'https://10.0.0.1:8443/mutate',
    '--ca-bundle',
    'ca.pem',
    '-o',
    'json',
  ]);
  assert.equal(url.code, 0, url.err);
  const kinds = JSON.parse(url.out).items.map((o: Obj) => o.kind);
  assert.deepEqual(kinds, [
    'Namespace',
    'ServiceAccount',
    'ClusterRole',
    'ClusterRoleBinding',
    'ClusterRole',
    'MutatingWebhookConfiguration',
  ]);
});
