/**
 * The complete install printed by `imgcompat webhook manifests --self-signed`, through a real
 * kube-apiserver:
 *
 * - every object is server-side applied;
 * - the webhook runs as its own process from the applied Secret's tls.crt/tls.key, authenticated with a
 *   token of the applied ServiceAccount (so the applied ClusterRoleBinding is what lets it watch Nodes);
 * - the test API server has no cluster network to reach a Service, so the applied
 *   MutatingWebhookConfiguration's clientConfig is switched to `url: https://127.0.0.1:PORT/mutate` (its
 *   `caBundle` kept) and the serving certificate gets 127.0.0.1 through `--cert-san`;
 * - Node objects and NodeFeatureRules are created through the API (no kubelet, no nfd-master here: the
 *   test writes the labels nfd-master would write), and pods created in a labelled namespace show what the
 *   webhook decided: required terms only for labels some Node carries, otherwise preferred terms and
 *   `imgcompat.io/reason` (rules never applied / nfd-master not running / no node passes, the last with an
 *   admission warning and a NoCompatibleNode Event);
 * - a TCP proxy between the webhook and the API server cuts the Node watch: the webhook keeps answering
 *   within its deadline, preferred terms only, and says why; it recovers when the proxy lets it through.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SPEC } from '../k8s/cluster-fixtures.ts';
import {
  assertExit,
  imgcompat,
  missingTools,
  type PushedImage,
  pushImage,
  startDockerRegistry,
  type TestRegistry,
  tempDir,
  waitFor,
} from './harness/index.ts';
import { type ApiResponse, type KubeApiServer, startKubeApiServer } from './harness/kube.ts';
import {
  type KubeObj,
  nodeObject,
  type RunningWebhookProcess,
  serverSideApply,
  serviceAccountKubeconfig,
  startTcpProxy,
  startWebhookProcess,
  type TcpProxy,
} from './harness/kube-install.ts';

const skip = missingTools('docker-registry', 'skopeo');

const NS = 'imgcompat-system';
const NAME = 'imgcompat-webhook';
const APPS = 'apps';

// The labels are keyed by the spec blob's digest: sha256 of the spec bytes attached below.
const SPEC_D12 = createHash('sha256').update(SPEC).digest('hex').slice(0, 12);
const FAST = `compat.feature.node.kubernetes.io/${SPEC_D12}.fast`;
const BASE = `compat.feature.node.kubernetes.io/${SPEC_D12}.baseline`;
const fastReq = { matchExpressions: [{ key: FAST, operator: 'In', values: ['true'] }] };
const baseReq = { matchExpressions: [{ key: BASE, operator: 'In', values: ['true'] }] };
// SPEC's weights 150 and 0 clamped to Kubernetes' 1..100.
const PREFERRED = [
  { weight: 100, preference: fastReq },
  { weight: 1, preference: baseReq },
];

let kube: KubeApiServer;
let reg: TestRegistry;
let app: PushedImage;
let proxy: TcpProxy;
let hook: RunningWebhookProcess;
const installed: KubeObj[] = [];
const timings: Record<string, number> = {};

/** POST a pod as the admin user; the response keeps the `Warning` headers (admission warnings). */
function createPod(ns: string, name: string, image: string, dryRun = false): Promise<ApiResponse> {
  return kube.api('POST', `/api/v1/namespaces/${ns}/pods${dryRun ? '?dryRun=All' : ''}`, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: { containers: [{ name: 'c', image }] },
  });
}

let counter = 0;
const podName = () => `p${++counter}`;

function reasonOf(pod: KubeObj): string {
  return JSON.parse(pod.metadata.annotations?.['imgcompat.io/reason'] ?? '{}')[app.ref] ?? '';
}

/** Waits until a dry-run pod shows the webhook's cluster view has caught up (`check` on the pod). */
async function until(check: (pod: KubeObj) => boolean, what: string): Promise<void> {
  let last: KubeObj;
  await waitFor(
    async () => {
      last = (await createPod(APPS, podName(), app.ref, true)).body;
      return check(last);
    },
    () =>
      `${what}; last pod: ${JSON.stringify(last?.metadata?.annotations)} ${JSON.stringify(last?.spec?.affinity)}; webhook: ${hook.svc.output().slice(-1500)}`,
    30_000,
  );
}

async function put(obj: KubeObj): Promise<void> {
  await serverSideApply(kube, obj);
}

before(async () => {
  if (skip) return;
  [kube, reg] = await Promise.all([startKubeApiServer(), startDockerRegistry()]);
  app = await pushImage(reg, 'app', '1');
  const specFile = join(tempDir('imgcompat-install-spec-'), 'spec.yaml');
  writeFileSync(specFile, SPEC);
  assertExit(await imgcompat(['attach', '--plain-http', app.ref, specFile]), 0, 'attach');

  const r = await imgcompat([
    'webhook',
    'manifests',
    '--image',
    'registry.example/imgcompat:0.1.0',
    '--self-signed',
    '--cert-san',
    '127.0.0.1',
    '--plain-http',
    '-o',
    'json',
  ]);
  assertExit(r, 0, 'webhook manifests');
  const items: KubeObj[] = JSON.parse(r.out).items;
  let t = performance.now();
  for (const o of items) {
    // The API server cannot reach a Service here: the webhook is called at 127.0.0.1 (see the top).
    if (o.kind === 'MutatingWebhookConfiguration') continue;
    installed.push(await serverSideApply(kube, o));
  }
  timings.applyMs = performance.now() - t;

  // The webhook, from the applied Secret and with the applied ServiceAccount's token, through a proxy.
  const secret = (await kube.api('GET', `/api/v1/namespaces/${NS}/secrets/imgcompat-webhook-tls`)).body;
  const dir = tempDir('imgcompat-install-tls-');
  writeFileSync(join(dir, 'tls.crt'), Buffer.from(secret.data['tls.crt'], 'base64'));
  writeFileSync(join(dir, 'tls.key'), Buffer.from(secret.data['tls.key'], 'base64'));
  const api = new URL(kube.server);
  proxy = await startTcpProxy(api.hostname, Number(api.port));
  const kubeconfig = await serviceAccountKubeconfig(kube, NS, NAME, `https://127.0.0.1:${proxy.port}`);
  t = performance.now();
  hook = await startWebhookProcess([
    '--tls-cert',
    join(dir, 'tls.crt'),
    '--tls-key',
    join(dir, 'tls.key'),
    '--kubeconfig',
    kubeconfig,
    '--timeout',
    '3s',
    '--node-cache-stale',
    '2s',
    '--plain-http',
  ]);
  const mwc = items.find((o) => o.kind === 'MutatingWebhookConfiguration');
  const { service: _service, ...rest } = mwc.webhooks[0].clientConfig;
  mwc.webhooks[0].clientConfig = { ...rest, url: hook.url };
  installed.push(await serverSideApply(kube, mwc));
  await put({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: APPS, labels: { 'imgcompat.io/webhook': 'enabled' } },
  });
  await put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'elsewhere' } });
  await until(
    (p) => p.metadata.annotations?.['imgcompat.io/artifacts'] !== undefined,
    'the API server to call the webhook',
  );
  timings.firstMutationMs = performance.now() - t;
});

after(async () => {
  if (timings.applyMs !== undefined) {
    process.stderr.write(`webhook-install timings: ${JSON.stringify(timings)}\n`);
  }
  await hook?.svc.stop();
  await proxy?.close();
  await Promise.all([kube?.stop(), reg?.stop()]);
});

describe('webhook install through the API server', { skip }, () => {
  test('the whole emitted install is accepted by server-side apply', () => {
    assert.deepEqual(
      installed.map((o) => `${o.kind}/${o.metadata.name}`),
      [
        `Namespace/${NS}`,
        `ServiceAccount/${NAME}`,
        `ClusterRole/${NAME}`,
        `ClusterRoleBinding/${NAME}`,
        'ClusterRole/imgcompat-cluster-reader',
        `Deployment/${NAME}`,
        `PodDisruptionBudget/${NAME}`,
        `Service/${NAME}`,
        'Secret/imgcompat-webhook-tls',
        `MutatingWebhookConfiguration/${NAME}`,
      ],
    );
    // Every object got a uid: stored, not just validated.
    for (const o of installed) assert.match(o.metadata.uid, /^[0-9a-f-]{36}$/);
  });

  test('rules never applied: the pod is admitted with preferred terms only and the reason', async () => {
    const res = await createPod(APPS, podName(), app.ref);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.deepEqual(res.body.spec.affinity, {
      nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: PREFERRED },
    });
    assert.match(reasonOf(res.body), /^rules-not-applied: no NodeFeatureRule in the cluster sets /);
    assert.deepEqual(res.warnings, []);
    const artifacts = JSON.parse(res.body.metadata.annotations['imgcompat.io/artifacts']);
    assert.equal(artifacts[app.ref].spec, `sha256:${createHash('sha256').update(SPEC).digest('hex')}`);
    // Namespaces without the opt-in label are not served.
    const other = await createPod('elsewhere', podName(), app.ref);
    assert.equal(other.status, 201);
    assert.equal(other.body.metadata.annotations, undefined);
  });

  test('nfd-master not running: rules exist, no node labelled by nfd-master: preferred, reason, warning', async () => {
    for (const [set, label] of [
      ['fast', FAST],
      ['baseline', BASE],
    ] as const) {
      await put({
        apiVersion: 'nfd.k8s-sigs.io/v1alpha1',
        kind: 'NodeFeatureRule',
        metadata: { name: `imgcompat-${SPEC_D12}-${set}` },
        spec: { rules: [{ name: `${set}: all rules matched`, labels: { [label]: 'true' } }] },
      });
    }
    await put(nodeObject('node-a'));
    await until((p) => reasonOf(p).startsWith('nfd-master-inactive'), 'the rules to be seen');
    const res = await createPod(APPS, podName(), app.ref);
    assert.equal(res.status, 201);
    assert.equal(
      res.body.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution,
      undefined,
    );
    assert.ok(
      res.warnings.some((w) => /nfd-master does not seem to run/.test(w)),
      res.warnings.join('\n'),
    );
  });

  test('labels no node carries (nfd-master labels nodes): admitted, annotated, warning and an Event', async () => {
    await put(nodeObject('node-a', {}, { 'nfd.node.kubernetes.io/feature-labels': 'cpu-cpuid.AVX' }));
    await until((p) => reasonOf(p).startsWith('no-node-passes'), 'nfd-master annotation to be seen');
    const name = podName();
    const res = await createPod(APPS, name, app.ref);
    assert.equal(res.status, 201);
    assert.deepEqual(res.body.spec.affinity, {
      nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: PREFERRED },
    });
    assert.ok(
      res.warnings.some((w) => w.startsWith(`imgcompat: no node can run ${app.ref}: no Node carries any of`)),
      res.warnings.join('\n'),
    );
    let events: KubeObj[] = [];
    await waitFor(
      async () => {
        events = (await kube.api('GET', `/api/v1/namespaces/${APPS}/events`)).body.items;
        return events.some((e: KubeObj) => e.reason === 'NoCompatibleNode');
      },
      () => `a NoCompatibleNode event; events: ${JSON.stringify(events)}; webhook: ${hook.svc.output()}`,
    );
    const ev = events.find((e: KubeObj) => e.reason === 'NoCompatibleNode');
    assert.equal(ev.type, 'Warning');
    assert.equal(ev.involvedObject.kind, 'Pod');
    assert.match(ev.message, new RegExp(`no node can run ${app.ref.replaceAll('.', '\\.')}`));
  });

  test('required terms only for the sets whose labels some Node carries', async () => {
    await put(nodeObject('node-b', { [BASE]: 'true' }));
    await until(
      (p) =>
        JSON.stringify(p.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution) ===
        JSON.stringify({ nodeSelectorTerms: [baseReq] }),
      'baseline to become required',
    );
    const partial = await createPod(APPS, podName(), app.ref);
    assert.deepEqual(
      partial.body.spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution,
      PREFERRED,
    );
    assert.match(reasonOf(partial.body), /labels carried by no Node: .*\.fast$/);
    assert.deepEqual(partial.warnings, []);
    await put(nodeObject('node-c', { [FAST]: 'true', [BASE]: 'true' }));
    await until(
      (p) =>
        JSON.stringify(p.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution) ===
        JSON.stringify({ nodeSelectorTerms: [fastReq, baseReq] }),
      'both sets to become required',
    );
    const full = await createPod(APPS, podName(), app.ref);
    assert.equal(full.body.metadata.annotations['imgcompat.io/reason'], undefined);
    // A deleted node takes its labels away again.
    assert.equal((await kube.api('DELETE', '/api/v1/nodes/node-c')).status, 200);
    await until(
      (p) =>
        JSON.stringify(p.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution) ===
        JSON.stringify({ nodeSelectorTerms: [baseReq] }),
      'node-c deletion to be seen',
    );
  });

  test('a Node watch that fails: answers within the deadline with preferred terms and says why; recovers', async () => {
    proxy.cut();
    // --node-cache-stale 2s: after that the last known labels are no longer trusted.
    await until((p) => reasonOf(p).startsWith('cache-unavailable'), 'the webhook to stop trusting its cache');
    const res = await createPod(APPS, podName(), app.ref);
    // Annotated by the webhook: it answered before the API server's timeout (which would have admitted
    // the pod untouched under failurePolicy Ignore).
    assert.equal(res.status, 201);
    assert.deepEqual(res.body.spec.affinity, {
      nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: PREFERRED },
    });
    assert.match(
      reasonOf(res.body),
      /^cache-unavailable: the Node label cache cannot be trusted \(the nodes watch has been failing for \d+s/,
    );
    assert.ok(res.warnings.some((w) => /cache-unavailable/.test(w)));
    assert.match(hook.svc.output(), /imgcompat webhook: nodes: /);
    assert.match(hook.svc.output(), /Node label cache unavailable/);
    proxy.restore();
    await until(
      (p) => p.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution !== undefined,
      'the webhook to watch again',
    );
    assert.match(hook.svc.output(), /nodes: watching again/);
  });
});
