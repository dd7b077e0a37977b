/**
 * The streamed NodeFeature read (src/k8s/node-stream.ts) against a real kube-apiserver that compacts
 * etcd every second (`--etcd-compaction-interval`), so that a snapshot really expires: the metadata-only
 * list, the exact-resourceVersion lists, and the 410 Gone that makes the stream start over.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { KubeApiError } from '../../src/errors.ts';
import { connectKube, type KubePort, type NodeFeaturePage } from '../../src/k8s/kube-client.ts';
import { type ListNodeFeaturePages, streamNodes } from '../../src/k8s/node-stream.ts';
import { groupByNode, type NodeObjects } from '../../src/k8s/nodefeatures.ts';
import { CLUSTER, NFD_NS, nodeFeature } from '../k8s/cluster-fixtures.ts';
import { REPO_ROOT } from './harness/index.ts';
import { type KubeApiServer, startKubeApiServer } from './harness/kube.ts';

let kube: KubeApiServer;
let port: KubePort;

before(async () => {
  kube = await startKubeApiServer({ apiserverArgs: ['--etcd-compaction-interval=1s'] });
  const ns = await kube.api('POST', '/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'vendor' },
  });
  assert.equal(ns.status, 201, JSON.stringify(ns.body));
  for (const input of CLUSTER) {
    const res = await kube.api(
      'POST',
      `/apis/nfd.k8s-sigs.io/v1alpha1/namespaces/${input.namespace ?? NFD_NS}/nodefeatures`,
      nodeFeature(input),
    );
    assert.equal(res.status, 201, JSON.stringify(res.body));
  }
  port = await connectKube({
    kubeconfig: kube.kubeconfig,
    context: 'admin',
    timeoutMs: 30_000,
    env: {},
    cwd: REPO_ROOT,
  });
});
after(async () => {
  await kube?.stop();
});

async function pages(it: AsyncIterable<NodeFeaturePage>): Promise<NodeFeaturePage[]> {
  const out: NodeFeaturePage[] = [];
  for await (const p of it) out.push(p);
  return out;
}

/** Writes until the API server answers 410 to a list at `rv`: the version is compacted away. */
async function compactAway(rv: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (let i = 0; Date.now() < deadline; i++) {
    const cm = await kube.api('POST', '/api/v1/namespaces/default/configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `churn-${rv}-${i}` },
    });
    assert.equal(cm.status, 201);
    const probe = await kube.api(
      'GET',
      `/apis/nfd.k8s-sigs.io/v1alpha1/nodefeatures?limit=1&resourceVersion=${rv}&resourceVersionMatch=Exact`,
    );
    if (probe.status === 410) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`resourceVersion ${rv} was not compacted within 60s`);
}

test('the metadata-only list carries names and labels, no features, and one resourceVersion', async () => {
  const got = await pages(port.nodeFeaturePages({ pageSize: 2, metadataOnly: true }));
  assert.equal(got.length, 3);
  const items = got.flatMap((p) => p.items);
  assert.equal(items.length, CLUSTER.length);
  for (const o of items) {
    assert.equal(o.spec, undefined);
    assert.ok(o.metadata.labels?.['nfd.node.kubernetes.io/node-name']);
  }
  assert.ok(got.every((p) => p.resourceVersion === got[0]!.resourceVersion && p.resourceVersion !== ''));
  // A namespace's list at that version holds its objects with their features.
  const vendor = await pages(
    port.nodeFeaturePages({ pageSize: 1, namespace: 'vendor', resourceVersion: got[0]!.resourceVersion }),
  );
  assert.deepEqual(
    vendor.flatMap((p) => p.items.map((o) => o.metadata.name)),
    ['node-c-accel'],
  );
  assert.ok(vendor[0]!.items[0]!.spec?.features);
});

test('a compacted snapshot: 410 Gone is KubeApiError E_KUBE_EXPIRED, and the stream starts over', async () => {
  const meta = await pages(port.nodeFeaturePages({ pageSize: 100, metadataOnly: true }));
  const old = meta[0]!.resourceVersion;
  await compactAway(old);
  await assert.rejects(
    pages(port.nodeFeaturePages({ pageSize: 2, namespace: NFD_NS, resourceVersion: old })),
    (e: unknown) =>
      e instanceof KubeApiError &&
      e.code === 'E_KUBE_EXPIRED' &&
      e.status === 410 &&
      /answered 410 Gone to list nodefeatures\.nfd\.k8s-sigs\.io in namespace node-feature-discovery/.test(
        e.message,
      ),
  );

  // The first snapshot's version is compacted away between the metadata pass and the object lists.
  let first = true;
  let expired = 0;
  const list: ListNodeFeaturePages = (o) => {
    if (o.metadataOnly || o.resourceVersion === undefined) return port.nodeFeaturePages(o);
    return (async function* () {
      if (first) {
        first = false;
        await compactAway(o.resourceVersion!);
      }
      try {
        yield* port.nodeFeaturePages(o);
      } catch (e) {
        if (e instanceof KubeApiError && e.status === 410) expired++;
        throw e;
      }
    })();
  };
  let nodes: NodeObjects[] = [];
  let restarts = 0;
  const stats = await streamNodes(
    list,
    {
      pageSize: 2,
      masterNamespace: NFD_NS,
      onRestart: () => {
        restarts++;
        nodes = [];
      },
    },
    (n) => nodes.push(n),
  );
  assert.ok(expired >= 1, 'the API server answered 410');
  assert.equal(restarts, 1);
  assert.equal(stats.snapshots, 2);
  nodes.sort((a, b) => (a.node < b.node ? -1 : 1));
  const all = (await pages(port.nodeFeaturePages({ pageSize: 100 }))).flatMap((p) => p.items);
  const key = (ns: NodeObjects[]) =>
    ns.map((n) => [n.node, n.objects.map((o) => `${o.metadata.namespace}/${o.metadata.name}`)]);
  assert.deepEqual(key(nodes), key(groupByNode(all, NFD_NS)));
});
