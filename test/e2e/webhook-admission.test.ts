/**
 * The mutating admission webhook exercised through a real kube-apiserver: `imgcompat webhook serve` runs
 * as its own process on 127.0.0.1 with a throw-away CA, watching the API server's Nodes; the
 * MutatingWebhookConfiguration printed by `imgcompat webhook manifests --url ... --ca-bundle ...` is
 * created in the API server; a Node carries both compatibility labels of the attached spec (so required
 * terms are safe); pods are created through the API in the opted-in `default` namespace and the stored
 * pods are checked. A registry that never answers stands in for a registry outage during admission.
 * (webhook-install.test.ts covers the complete install and the cases where no Node carries the labels.)
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SPEC } from '../k8s/cluster-fixtures.ts';
import {
  assertExit,
  imgcompat,
  makeTlsMaterial,
  missingTools,
  type PushedImage,
  pushImage,
  startDockerRegistry,
  type TestRegistry,
  type TlsMaterial,
  tempDir,
  waitFor,
} from './harness/index.ts';
import { type ApiResponse, type KubeApiServer, startKubeApiServer } from './harness/kube.ts';
import { type RunningWebhookProcess, startWebhookProcess } from './harness/kube-install.ts';

const skip = missingTools('docker-registry', 'skopeo', 'openssl');

let kube: KubeApiServer;
let reg: TestRegistry;
let tls: TlsMaterial;
let app: PushedImage;
let plain: PushedImage;
let silent: Server;
let blackhole: string;
const hooks: RunningWebhookProcess[] = [];

const WEBHOOK_NS = 'imgcompat-system';

async function startWebhook(policy: 'Ignore' | 'Fail'): Promise<RunningWebhookProcess> {
  const h = await startWebhookProcess([
    '--tls-cert',
    tls.serverCert,
    '--tls-key',
    tls.serverKey,
    '--timeout',
    '2s',
    '--failure-policy',
    policy,
    '--plain-http',
    '--kubeconfig',
    kube.kubeconfig,
    '--verbose',
  ]);
  hooks.push(h);
  return h;
}

/** Creates the manifests' objects (skipping ones that already exist), with an objectSelector per policy. */
async function installConfiguration(name: string, url: string, policy: 'Ignore' | 'Fail'): Promise<void> {
  const caFile = join(tempDir('imgcompat-webhook-ca-'), 'ca.crt');
  writeFileSync(caFile, tls.caPem);
  const r = await imgcompat([
    'webhook',
    'manifests',
    '--name',
    name,
    '--namespace',
    WEBHOOK_NS,
    '--url',
    url,
    '--ca-bundle',
    caFile,
    '--failure-policy',
    policy,
    '-o',
    'json',
  ]);
  assertExit(r, 0, 'webhook manifests');
  const items = JSON.parse(r.out).items as {
    kind: string;
    metadata: { name: string };
    webhooks?: Record<string, unknown>[];
  }[];
  for (const o of items) {
    let path: string;
    if (o.kind === 'Namespace') path = '/api/v1/namespaces';
    else if (o.kind === 'ServiceAccount') path = `/api/v1/namespaces/${WEBHOOK_NS}/serviceaccounts`;
    else if (o.kind === 'ClusterRole') path = '/apis/rbac.authorization.k8s.io/v1/clusterroles';
    else if (o.kind === 'ClusterRoleBinding') path = '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings';
    else if (o.kind === 'MutatingWebhookConfiguration') {
      path = '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations';
      // Two configurations side by side: pods labelled policy=fail go to the Fail one only.
      o.webhooks![0]!.objectSelector =
        policy === 'Fail'
          ? { matchLabels: { policy: 'fail' } }
          : { matchExpressions: [{ key: 'policy', operator: 'NotIn', values: ['fail'] }] };
    } else throw new Error(`unexpected ${o.kind}`);
    const res = await kube.api('POST', path, o);
    assert.ok(
      res.status === 201 ||
        (res.status === 409 &&
          ['ClusterRole', 'Namespace', 'ServiceAccount', 'ClusterRoleBinding'].includes(o.kind)),
      `${o.kind}: ${res.status} ${JSON.stringify(res.body)}`,
    );
  }
}

interface Pod {
  metadata: { name: string; annotations?: Record<string, string>; labels?: Record<string, string> };
  // biome-ignore lint/suspicious/noExplicitAny: API objects are arbitrary JSON
  spec: { containers: { name: string; image: string }[]; affinity?: Record<string, any> };
}

let podCounter = 0;
function pod(images: string[], extra: { affinity?: unknown; labels?: Record<string, string> } = {}): Pod {
  return {
    metadata: { name: `p${++podCounter}`, ...(extra.labels ? { labels: extra.labels } : {}) },
    spec: {
      containers: images.map((image, i) => ({ name: `c${i}`, image })),
      ...(extra.affinity ? { affinity: extra.affinity as Record<string, unknown> } : {}),
    },
  };
}

async function createPod(p: Pod, dryRun = false): Promise<ApiResponse> {
  return kube.api('POST', `/api/v1/namespaces/default/pods${dryRun ? '?dryRun=All' : ''}`, {
    apiVersion: 'v1',
    kind: 'Pod',
    ...p,
  });
}

/** The set labels, keyed by the spec blob's digest (sha256 of the attached spec bytes). */
function labelsOf(spec: string): string[] {
  const d = createHash('sha256').update(spec).digest('hex').slice(0, 12);
  return [`compat.feature.node.kubernetes.io/${d}.fast`, `compat.feature.node.kubernetes.io/${d}.baseline`];
}

before(async () => {
  if (skip) return;
  [kube, reg] = await Promise.all([startKubeApiServer(), startDockerRegistry()]);
  tls = await makeTlsMaterial(tempDir('imgcompat-webhook-tls-'));
  [app, plain] = await Promise.all([pushImage(reg, 'app', '1'), pushImage(reg, 'plain', '1')]);
  const specFile = join(tempDir('imgcompat-webhook-spec-'), 'spec.yaml');
  writeFileSync(specFile, SPEC);
  assertExit(await imgcompat(['attach', '--plain-http', app.ref, specFile]), 0, 'attach');
  silent = createServer(() => {});
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
  blackhole = `127.0.0.1:${(silent.address() as { port: number }).port}/stuck/app:1`;
  // Pods of `default` are served (the manifests' opt-in label); a Node carries both sets' labels.
  const label = await kube.api(
    'PATCH',
    '/api/v1/namespaces/default',
    { metadata: { labels: { 'imgcompat.io/webhook': 'enabled' } } },
    undefined,
    'application/merge-patch+json',
  );
  assert.equal(label.status, 200, JSON.stringify(label.body));
  const [fast, baseline] = labelsOf(SPEC);
  const node = await kube.api('POST', '/api/v1/nodes', {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'node-1', labels: { [fast!]: 'true', [baseline!]: 'true' } },
  });
  assert.equal(node.status, 201, JSON.stringify(node.body));
  const [ignore, fail] = await Promise.all([startWebhook('Ignore'), startWebhook('Fail')]);
  await installConfiguration('imgcompat-ignore', ignore.url, 'Ignore');
  await installConfiguration('imgcompat-fail', fail.url, 'Fail');
  // The API server picks configurations up asynchronously: wait until a dry-run pod is mutated.
  await waitFor(
    async () => {
      const res = await createPod(pod([app.ref]), true);
      return res.body?.metadata?.annotations?.['imgcompat.io/artifacts'] !== undefined;
    },
    () => 'the API server to call the webhook',
    60_000,
  );
});
after(async () => {
  await Promise.all(hooks.map((h) => h.svc.stop()));
  silent?.close();
  await Promise.all([kube?.stop(), reg?.stop()]);
});

describe('webhook through the API server', { skip }, () => {
  test('a pod whose image has an artifact gets the affinity and the annotations', async () => {
    const res = await createPod(pod([app.ref]));
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const stored = (await kube.api('GET', `/api/v1/namespaces/default/pods/${res.body.metadata.name}`))
      .body as Pod;
    const [fast, baseline] = labelsOf(SPEC);
    const na = stored.spec.affinity?.nodeAffinity;
    assert.deepEqual(na.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms, [
      { matchExpressions: [{ key: fast, operator: 'In', values: ['true'] }] },
      { matchExpressions: [{ key: baseline, operator: 'In', values: ['true'] }] },
    ]);
    assert.deepEqual(na.preferredDuringSchedulingIgnoredDuringExecution, [
      { weight: 100, preference: { matchExpressions: [{ key: fast, operator: 'In', values: ['true'] }] } },
      { weight: 1, preference: { matchExpressions: [{ key: baseline, operator: 'In', values: ['true'] }] } },
    ]);
    const artifacts = JSON.parse(stored.metadata.annotations!['imgcompat.io/artifacts']!);
    assert.equal(artifacts[app.ref].subject, app.descriptor.digest);
    assert.match(artifacts[app.ref].artifact, /^sha256:[0-9a-f]{64}$/);
    assert.match(stored.metadata.annotations!['imgcompat.io/applied']!, /has 2 required nodeSelectorTerm/);
  });

  test("the user's own affinity terms are kept (each required term ANDed with a set)", async () => {
    const userTerm = {
      matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['a', 'b'] }],
    };
    const userPref = {
      weight: 7,
      preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] },
    };
    const res = await createPod(
      pod([app.ref], {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [userTerm] },
            preferredDuringSchedulingIgnoredDuringExecution: [userPref],
          },
          podAntiAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              {
                weight: 5,
                podAffinityTerm: {
                  topologyKey: 'kubernetes.io/hostname',
                  labelSelector: { matchLabels: { app: 'x' } },
                },
              },
            ],
          },
        },
      }),
    );
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const a = (res.body as Pod).spec.affinity!;
    const [fast, baseline] = labelsOf(SPEC);
    assert.deepEqual(a.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms, [
      { matchExpressions: [...userTerm.matchExpressions, { key: fast, operator: 'In', values: ['true'] }] },
      {
        matchExpressions: [...userTerm.matchExpressions, { key: baseline, operator: 'In', values: ['true'] }],
      },
    ]);
    assert.deepEqual(a.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0], userPref);
    assert.equal(a.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution.length, 3);
    assert.equal(a.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight, 5);
  });

  test('an image without an artifact passes unchanged', async () => {
    const res = await createPod(pod([plain.ref]));
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.spec.affinity, undefined);
    assert.equal(res.body.metadata.annotations?.['imgcompat.io/artifacts'], undefined);
  });

  test('registry down, policy Ignore: the pod is admitted within the deadline, the others images still applied', async () => {
    const res = await createPod(pod([blackhole, app.ref]));
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const errors = JSON.parse(res.body.metadata.annotations['imgcompat.io/errors']);
    assert.match(errors[blackhole], /no answer from the registry within the webhook's deadline of 2s/);
    // The image that did answer still gets its affinity.
    assert.ok(JSON.parse(res.body.metadata.annotations['imgcompat.io/artifacts'])[app.ref]);
    assert.equal(
      res.body.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms
        .length,
      2,
    );
  });

  test('registry down, policy Fail: the webhook denies within its deadline (before the API server gives up)', async () => {
    const res = await createPod(pod([blackhole], { labels: { policy: 'fail' } }));
    assert.notEqual(res.status, 201);
    // Our own denial (not the API server's "context deadline exceeded"): the webhook answered in time.
    assert.match(
      res.body.message,
      /imgcompat: cannot read the compatibility artifact of .*stuck\/app:1 \(no answer from the registry within the webhook's deadline of 2s\) \(failure policy Fail\)/,
    );
    assert.doesNotMatch(res.body.message, /context deadline exceeded|failed calling webhook/);
  });

  test('a malformed AdmissionReview gets HTTP 400', async () => {
    const url = new URL(hooks[0]!.url);
    const post = (body: string) =>
      new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = request(
          {
            host: url.hostname,
            port: url.port,
            path: url.pathname,
            method: 'POST',
            ca: tls.caPem,
            headers: { 'content-type': 'application/json' },
          },
          (res) => {
            let text = '';
            res.on('data', (c) => (text += c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    const notJson = await post('{"apiVersion": ');
    assert.equal(notJson.status, 400);
    assert.match(notJson.text, /not JSON/);
    const wrongKind = await post(JSON.stringify({ apiVersion: 'v1', kind: 'Pod' }));
    assert.equal(wrongKind.status, 400);
    assert.match(wrongKind.text, /expected apiVersion admission\.k8s\.io\/v1 and kind AdmissionReview/);
    const noUid = await post(
      JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: {} }),
    );
    assert.equal(noUid.status, 400);
    assert.match(noUid.text, /request\.uid is missing/);
  });

  test('webhook manifests for an in-cluster deployment are accepted by the API server', async () => {
    const r = await imgcompat([
      'webhook',
      'manifests',
      '--namespace',
      WEBHOOK_NS,
      '--name',
      'imgcompat-incluster',
      '--image',
      'registry.example/imgcompat:0.1.0',
      '--cert-manager',
      '-o',
      'json',
    ]);
    assertExit(r, 0, 'manifests');
    const items = JSON.parse(r.out).items as { kind: string; apiVersion: string }[];
    assert.deepEqual(
      items.map((i) => i.kind),
      [
        'Namespace',
        'ServiceAccount',
        'ClusterRole',
        'ClusterRoleBinding',
        'ClusterRole',
        'Deployment',
        'PodDisruptionBudget',
        'Service',
        'Issuer',
        'Certificate',
        'MutatingWebhookConfiguration',
      ],
    );
    for (const o of items.filter((i) => i.kind === 'Deployment' || i.kind === 'Service')) {
      const path =
        o.kind === 'Deployment'
          ? `/apis/apps/v1/namespaces/${WEBHOOK_NS}/deployments`
          : `/api/v1/namespaces/${WEBHOOK_NS}/services`;
      const res = await kube.api('POST', `${path}?dryRun=All`, o);
      assert.equal(res.status, 201, `${o.kind}: ${JSON.stringify(res.body)}`);
    }
    const mwc = items.at(-1)!;
    const res = await kube.api(
      'POST',
      '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations?dryRun=All',
      mwc,
    );
    assert.equal(res.status, 201, JSON.stringify(res.body));
  });
});
