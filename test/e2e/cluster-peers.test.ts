/**
 * Self-test of the cluster harness: kube-apiserver with kube-scheduler in one launcher, Node objects
 * without a kubelet, and NFD's real nfd-master. nfd-master labels a node from a NodeFeatureRule and its
 * NodeFeature object; the scheduler binds a pod that selects that label onto that node.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { missingTools } from './harness/index.ts';
import {
  createNodes,
  type KubeApiServer,
  NFD_NAMESPACE,
  type NfdMaster,
  startKubeApiServer,
  startNfdMaster,
  waitForNodeLabels,
  waitForPodBound,
} from './harness/kube.ts';

const skip = missingTools('nfd-master');
let kube: KubeApiServer;
let master: NfdMaster | undefined;

before(async () => {
  if (skip) return;
  kube = await startKubeApiServer({ scheduler: true });
});
after(async () => {
  await master?.stop();
  await kube?.stop();
});

const LABEL = 'feature.node.kubernetes.io/harness-avx512';

test('nfd-master labels a node from a NodeFeatureRule and kube-scheduler binds a pod there', {
  skip,
}, async () => {
  await createNodes(kube, [{ name: 'node-plain' }, { name: 'node-avx' }]);
  for (const [node, cpu] of [
    ['node-plain', { AVX: {} }],
    ['node-avx', { AVX: {}, AVX512F: {} }],
  ] as const) {
    const res = await kube.api(
      'POST',
      `/apis/nfd.k8s-sigs.io/v1alpha1/namespaces/${NFD_NAMESPACE}/nodefeatures`,
      {
        apiVersion: 'nfd.k8s-sigs.io/v1alpha1',
        kind: 'NodeFeature',
        metadata: { name: node, labels: { 'nfd.node.kubernetes.io/node-name': node } },
        spec: { features: { flags: { 'cpu.cpuid': { elements: cpu } } } },
      },
    );
    assert.equal(res.status, 201, JSON.stringify(res.body));
  }
  const rule = await kube.api('POST', '/apis/nfd.k8s-sigs.io/v1alpha1/nodefeaturerules', {
    apiVersion: 'nfd.k8s-sigs.io/v1alpha1',
    kind: 'NodeFeatureRule',
    metadata: { name: 'harness' },
    spec: {
      rules: [
        {
          name: 'avx512',
          labels: { 'harness-avx512': 'true' },
          matchFeatures: [{ feature: 'cpu.cpuid', matchExpressions: { AVX512F: { op: 'Exists' } } }],
        },
      ],
    },
  });
  assert.equal(rule.status, 201, JSON.stringify(rule.body));

  master = await startNfdMaster(kube);
  // The unprefixed label gets NFD's default namespace (feature.node.kubernetes.io).
  const labels = await waitForNodeLabels(kube, (l) => l.get('node-avx')?.[LABEL] === 'true').catch((e) => {
    throw new Error(`${e.message}\nnfd-master output:\n${master?.output().slice(-4000)}`);
  });
  assert.equal(labels.get('node-plain')?.[LABEL], undefined);
  assert.ok((await master.metric('nfd_master_node_update_requests_total')) >= 2);

  const pod = await kube.api('POST', '/api/v1/namespaces/default/pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'needs-avx512' },
    spec: {
      nodeSelector: { [LABEL]: 'true' },
      containers: [
        { name: 'app', image: 'registry.invalid/app:1', resources: { requests: { cpu: '100m' } } },
      ],
    },
  });
  assert.equal(pod.status, 201, JSON.stringify(pod.body));
  assert.equal(await waitForPodBound(kube, 'default', 'needs-avx512'), 'node-avx');
});
