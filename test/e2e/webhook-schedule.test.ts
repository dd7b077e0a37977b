/**
 * The webhook with the real scheduler and the real nfd-master: kube-apiserver + kube-scheduler
 * (harness/kube.ts `scheduler: true`), nfd-master v0.19.0 labelling the Nodes from the NodeFeature objects
 * of test/k8s/cluster-fixtures.ts and the NodeFeatureRules `imgcompat nfr generate --spec --apply`
 * writes, and `imgcompat webhook serve` watching the Nodes. Labels are keyed by the spec blob's digest,
 * which `--spec FILE` and the attached artifact share, so the rules applied from the file label the nodes
 * the webhook requires for the image.
 *
 * Every node has room for one of the big pods (1500m of 2 CPUs): with the webhook on, the pods of the
 * image whose sets pass go to the "fast" nodes first (preferred weight 100), then to the "baseline" node,
 * and never to a node passing no set; an image whose rules were never applied is still scheduled; an image
 * no node can run is still scheduled and reported by an admission warning and a NoCompatibleNode Event.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CLUSTER, nodeFeature, SPEC, SPEC_NONE, SPEC_V2 } from '../k8s/cluster-fixtures.ts';
import {
  assertExit,
  imgcompat,
  makeTlsMaterial,
  missingTools,
  type PushedImage,
  pushImage,
  startDockerRegistry,
  type TestRegistry,
  tempDir,
  waitFor,
} from './harness/index.ts';
import {
  type ApiResponse,
  createNodes,
  type KubeApiServer,
  type NfdMaster,
  startKubeApiServer,
  startNfdMaster,
  waitForNodeLabels,
  waitForPodBound,
} from './harness/kube.ts';
import {
  type KubeObj,
  type RunningWebhookProcess,
  serverSideApply,
  startWebhookProcess,
} from './harness/kube-install.ts';

const skip = missingTools('docker-registry', 'skopeo', 'openssl', 'nfd-master');
const APPS = 'apps';

let kube: KubeApiServer;
let reg: TestRegistry;
let nfd: NfdMaster;
let hook: RunningWebhookProcess;
let app: PushedImage;
let fresh: PushedImage;
let none: PushedImage;

function specFile(text: string): string {
  const f = join(tempDir('imgcompat-sched-spec-'), 'spec.yaml');
  writeFileSync(f, text);
  return f;
}

/** POST a pod as the admin user; the response keeps the `Warning` headers (admission warnings). */
function createPod(name: string, image: string, cpu: string): Promise<ApiResponse> {
  return kube.api('POST', `/api/v1/namespaces/${APPS}/pods`, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      containers: [{ name: 'c', image, resources: { requests: { cpu, memory: '10Mi' } } }],
    },
  });
}

before(async () => {
  if (skip) return;
  [kube, reg] = await Promise.all([startKubeApiServer({ scheduler: true }), startDockerRegistry()]);
  [app, fresh, none] = await Promise.all([
    pushImage(reg, 'app', '1'),
    pushImage(reg, 'fresh', '1'),
    pushImage(reg, 'none', '1'),
  ]);
  const files = { app: specFile(SPEC), fresh: specFile(SPEC_V2), none: specFile(SPEC_NONE) };
  for (const [img, file] of [
    [app, files.app],
    [fresh, files.fresh],
    [none, files.none],
  ] as const) {
    assertExit(await imgcompat(['attach', '--plain-http', img.ref, file]), 0, 'attach');
  }
  await createNodes(
    kube,
    ['node-a', 'node-b', 'node-c', 'node-d', 'node-e'].map((name) => ({ name, cpu: '2', memory: '4Gi' })),
  );
  await serverSideApply(kube, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'vendor' } });
  for (const input of CLUSTER) {
    const o = nodeFeature(input) as KubeObj;
    const res = await kube.api(
      'POST',
      `/apis/nfd.k8s-sigs.io/v1alpha1/namespaces/${o.metadata.namespace}/nodefeatures`,
      o,
    );
    assert.equal(res.status, 201, JSON.stringify(res.body));
  }
  nfd = await startNfdMaster(kube);
  // The rules of SPEC and SPEC_NONE are applied; SPEC_V2's never are (a new build).
  for (const file of [files.app, files.none]) {
    assertExit(
      await imgcompat(['nfr', 'generate', '--spec', file, '--apply', '--kubeconfig', kube.kubeconfig]),
      0,
      'nfr generate --apply',
    );
  }
  await waitForNodeLabels(kube, (l) => {
    const keys = (n: string) => Object.keys(l.get(n) ?? {}).filter((k) => k.startsWith('compat.'));
    return keys('node-a').length === 2 && keys('node-c').length === 2 && keys('node-b').length === 1;
  }).catch(async (e) => {
    const rules = (await kube.api('GET', '/apis/nfd.k8s-sigs.io/v1alpha1/nodefeaturerules')).body.items;
    throw new Error(
      `${e.message}\nrules: ${rules.map((r: KubeObj) => r.metadata.name).join(', ')}\nnfd-master:\n${nfd.output().slice(-4000)}`,
    );
  });

  const tls = await makeTlsMaterial(tempDir('imgcompat-sched-tls-'));
  hook = await startWebhookProcess([
    '--tls-cert',
    tls.serverCert,
    '--tls-key',
    tls.serverKey,
    '--kubeconfig',
    kube.kubeconfig,
    '--timeout',
    '3s',
    '--plain-http',
  ]);
  const caFile = join(tempDir('imgcompat-sched-ca-'), 'ca.crt');
  writeFileSync(caFile, tls.caPem);
  const m = await imgcompat(['webhook', 'manifests', '--url', hook.url, '--ca-bundle', caFile, '-o', 'json']);
  assertExit(m, 0, 'webhook manifests');
  for (const o of JSON.parse(m.out).items) await serverSideApply(kube, o);
  await serverSideApply(kube, {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: APPS, labels: { 'imgcompat.io/webhook': 'enabled' } },
  });
  // The API server picks the configuration up asynchronously.
  let n = 0;
  await waitFor(
    async () => {
      const name = `probe-${++n}`;
      const res = await createPod(name, fresh.ref, '1m');
      await kube.api('DELETE', `/api/v1/namespaces/${APPS}/pods/${name}?gracePeriodSeconds=0`);
      return res.body.metadata?.annotations?.['imgcompat.io/artifacts'] !== undefined;
    },
    () => `the API server to call the webhook: ${hook.svc.output()}`,
    60_000,
  );
});

after(async () => {
  await hook?.svc.stop();
  await nfd?.stop();
  await Promise.all([kube?.stop(), reg?.stop()]);
});

describe('webhook with kube-scheduler and nfd-master', { skip }, () => {
  test('pods of an image whose sets pass go only to passing nodes, the preferred set first', async () => {
    const placed: string[] = [];
    for (let i = 1; i <= 3; i++) {
      const res = await createPod(`app-${i}`, app.ref, '1500m');
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.ok(res.body.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution);
      placed.push(await waitForPodBound(kube, APPS, `app-${i}`));
    }
    // node-a and node-c pass "fast" (weight 100) and fill first; node-b passes "baseline" only.
    assert.deepEqual(placed.slice(0, 2).sort(), ['node-a', 'node-c']);
    assert.equal(placed[2], 'node-b');
    // A fourth pod fits only on node-d or node-e, which pass no set: it is not placed there.
    const res = await createPod('app-4', app.ref, '1500m');
    assert.equal(res.status, 201);
    let pod: KubeObj;
    await waitFor(
      async () => {
        pod = (await kube.api('GET', `/api/v1/namespaces/${APPS}/pods/app-4`)).body;
        return (pod.status?.conditions ?? []).some(
          (c: KubeObj) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable',
        );
      },
      () => `app-4 to be reported unschedulable: ${JSON.stringify(pod?.status)}`,
      60_000,
    );
    assert.equal(pod.spec.nodeName, undefined);
    assert.match(
      JSON.stringify(pod.status.conditions),
      /didn't match Pod's node affinity\/selector|Insufficient cpu/,
    );
  });

  test('an image whose rules were never applied is still scheduled', async () => {
    const res = await createPod('fresh-1', fresh.ref, '10m');
    assert.equal(res.status, 201);
    assert.match(
      JSON.parse(res.body.metadata.annotations['imgcompat.io/reason'])[fresh.ref],
      /^rules-not-applied/,
    );
    assert.equal(
      res.body.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution,
      undefined,
    );
    assert.ok(await waitForPodBound(kube, APPS, 'fresh-1'));
  });

  test('an image no node can run: admission warning, NoCompatibleNode event, and the pod still scheduled', async () => {
    const res = await createPod('none-1', none.ref, '10m');
    assert.equal(res.status, 201);
    assert.ok(
      res.warnings.some((w) => w.includes(`no node can run ${none.ref}`)),
      res.warnings.join('\n'),
    );
    assert.match(
      JSON.parse(res.body.metadata.annotations['imgcompat.io/reason'])[none.ref],
      /^no-node-passes/,
    );
    assert.ok(await waitForPodBound(kube, APPS, 'none-1'));
    let events: KubeObj[] = [];
    await waitFor(
      async () => {
        events = (await kube.api('GET', `/api/v1/namespaces/${APPS}/events`)).body.items;
        return events.some(
          (e: KubeObj) => e.reason === 'NoCompatibleNode' && e.involvedObject.name === 'none-1',
        );
      },
      () => `the NoCompatibleNode event: ${JSON.stringify(events.map((e: KubeObj) => e.reason))}`,
    );
  });
});
