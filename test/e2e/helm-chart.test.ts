/**
 * The Helm chart in deploy/helm/imgcompat, checked with helm itself (built from helm.sh/helm/v3 by
 * scripts/install-test-deps.sh): `helm lint`, `helm template` rendering the same objects as
 * `imgcompat webhook manifests` for the same choices, and values.schema.json rejecting unknown keys.
 *
 * Documented differences (README "Admission webhook"): with the self-signed certificate, the key pairs
 * are generated at render time by each tool (Helm's genCA/genSignedCert make RSA keys, imgcompat ECDSA
 * P-256), so the Secret's data and the caBundle differ; the test checks that in both outputs the caBundle
 * verifies the Secret's serving certificate for the Service's DNS name, then compares everything else.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { assertExit, exec, imgcompat, missingTools, REPO_ROOT, tempDir, toolPath } from './harness/index.ts';

const skip = missingTools('helm');
const CHART = join(REPO_ROOT, 'deploy', 'helm', 'imgcompat');
const IMAGE = 'registry.example/imgcompat:0.1.0';

// biome-ignore lint/suspicious/noExplicitAny: Kubernetes objects are compared as JSON
type Obj = any;

function helmEnv(): NodeJS.ProcessEnv {
  const home = tempDir('imgcompat-helm-');
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_DATA_HOME: join(home, 'data'),
  };
}

function helm(args: string[]) {
  return exec(toolPath('helm') as string, args, { env: helmEnv(), timeoutMs: 120_000 });
}

const key = (o: Obj) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

function byKey(objs: Obj[]): Map<string, Obj> {
  return new Map(objs.filter(Boolean).map((o) => [key(o), o]));
}

/** Checks the generated certificate material and replaces it by placeholders. */
function normalizeCerts(objs: Map<string, Obj>, ns: string, what: string): void {
  const secret = objs.get(`Secret/${ns}/imgcompat-webhook-tls`);
  const mwc = objs.get('MutatingWebhookConfiguration//imgcompat-webhook');
  if (!secret) return;
  const ca = new X509Certificate(Buffer.from(mwc.webhooks[0].clientConfig.caBundle, 'base64'));
  const leaf = new X509Certificate(secret.stringData['tls.crt']);
  assert.ok(leaf.verify(ca.publicKey), `${what}: the caBundle verifies the serving certificate`);
  assert.equal(leaf.checkHost(`imgcompat-webhook.${ns}.svc`), `imgcompat-webhook.${ns}.svc`, what);
  assert.equal(leaf.checkIP('127.0.0.1'), '127.0.0.1', what);
  assert.deepEqual(Object.keys(secret.stringData).sort(), ['ca.crt', 'tls.crt', 'tls.key'], what);
  secret.stringData = 'generated';
  mwc.webhooks[0].clientConfig.caBundle = 'generated';
}

async function compare(flags: string[], sets: string[]): Promise<void> {
  const r = await imgcompat([
    'webhook',
    'manifests',
    '--namespace',
    'hooks',
    '--image',
    IMAGE,
    ...flags,
    '-o',
    'json',
  ]);
  assertExit(r, 0, 'webhook manifests');
  const ours = byKey(JSON.parse(r.out).items);
  const h = await helm([
    'template',
    'rel',
    CHART,
    '--namespace',
    'hooks',
    '--set',
    `image=${IMAGE}`,
    ...sets.flatMap((s) => ['--set', s]),
  ]);
  assert.equal(h.code, 0, h.stderr);
  const theirs = byKey(parseAllDocuments(h.stdout).map((d) => d.toJSON()));
  normalizeCerts(ours, 'hooks', 'webhook manifests');
  normalizeCerts(theirs, 'hooks', 'helm template');
  assert.deepEqual([...theirs.keys()].sort(), [...ours.keys()].sort());
  for (const [k, o] of ours) assert.deepEqual(theirs.get(k), o, k);
}

describe('Helm chart', { skip }, () => {
  test('helm lint passes (strict)', async () => {
    const r = await helm(['lint', '--strict', CHART, '--set', `image=${IMAGE}`]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
  });

  test('helm template renders the objects of webhook manifests (self-signed certificate)', async () => {
    await compare(['--self-signed', '--cert-san', '127.0.0.1'], ['certificate.extraSans={127.0.0.1}']);
  });

  test('... with cert-manager, another mode, policy, label and replicas', async () => {
    await compare(
      [
        '--cert-manager',
        '--mode',
        'preferred',
        '--failure-policy',
        'Fail',
        '--namespace-label',
        'team=a',
        '--replicas',
        '3',
        '--timeout-seconds',
        '5',
        '--plain-http',
      ],
      [
        'certificate.source=cert-manager',
        'mode=preferred',
        'failurePolicy=Fail',
        'namespaceLabel.key=team',
        'namespaceLabel.value=a',
        'replicas=3',
        'timeoutSeconds=5',
        'plainHttp=true',
      ],
    );
  });

  test('a values file with unknown keys is rejected by the chart schema', async () => {
    const file = join(tempDir('imgcompat-helm-values-'), 'values.yaml');
    writeFileSync(file, `image: ${IMAGE}\nreplica: 3\ncertificate:\n  sorce: cert-manager\n`);
    const r = await helm(['template', 'rel', CHART, '-f', file]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /values don't meet the specifications of the schema/);
    assert.match(r.stderr, /replica/);
    assert.match(r.stderr, /sorce/);
    const lint = await helm(['lint', CHART, '-f', file]);
    assert.notEqual(lint.code, 0);
  });

  test('no image: rejected with how to get one', async () => {
    const r = await helm(['template', 'rel', CHART]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /image/);
  });
});
