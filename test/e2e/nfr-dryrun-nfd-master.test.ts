/**
 * `nfr dryrun` against NFD's own nfd-master (v0.19.0, default configuration) on a real API server: the
 * labels, annotations and extended resources our dry run says nfd-master writes are the ones it writes on
 * the Node, for NodeFeatureRules with prefixed, unprefixed and denied-namespace keys, templates, dynamic
 * values and back-references across objects (run in name order). nfd-master records what it manages in
 * the Node annotations nfd.node.kubernetes.io/feature-labels, feature-annotations and extended-resources
 * (api/nfd/v1alpha1 annotations_labels.go), keys in the default namespace without their prefix.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { stringify } from 'yaml';
import { assertExit, imgcompat, tempDir } from './harness/index.ts';
import {
  createNodes,
  type KubeApiServer,
  listNodes,
  NFD_NAMESPACE,
  type NfdMaster,
  startKubeApiServer,
  startNfdMaster,
  waitForNodeLabels,
} from './harness/kube.ts';

const NODE = 'node-a';
const DEFAULT_NS = 'feature.node.kubernetes.io';

const NODE_FEATURE = {
  apiVersion: 'nfd.k8s-sigs.io/v1alpha1',
  kind: 'NodeFeature',
  metadata: { name: NODE, namespace: NFD_NAMESPACE, labels: { 'nfd.node.kubernetes.io/node-name': NODE } },
  spec: {
    features: {
      flags: { 'kernel.loadedmodule': { elements: { 'vfio-pci': {}, ext4: {} } } },
      attributes: {
        'cpu.model': { elements: { vendor_id: 'Intel', family: '6' } },
        'kernel.version': { elements: { major: '6', minor: '8' } },
      },
      instances: {},
    },
  },
};

const rule = (name: string, rules: unknown[]) => ({
  apiVersion: 'nfd.k8s-sigs.io/v1alpha1',
  kind: 'NodeFeatureRule',
  metadata: { name },
  spec: { rules },
});

/** Listed out of name order on purpose: nfd-master sorts them by name. */
const RULES = [
  rule('z-reads-back', [
    {
      name: 'reads a var of an earlier object',
      labels: { 'from-earlier-object': '@rule.matched.vfio-var' },
      matchFeatures: [
        { feature: 'rule.matched', matchExpressions: { 'vfio-var': { op: 'In', value: ['loaded'] } } },
      ],
    },
  ]),
  rule('a-keys', [
    {
      name: 'prefixed, unprefixed and denied keys',
      labels: {
        'vendor.example/prefixed': 'true',
        unprefixed: 'true',
        'sub.feature.node.kubernetes.io/sub': 'true',
        'profile.node.kubernetes.io/profile': 'true',
        'kubernetes.io/denied': 'true',
        'node-role.kubernetes.io/gpu': 'true',
        twin: 'unprefixed-loses',
        'feature.node.kubernetes.io/twin': 'prefixed-wins',
        vendor: '@cpu.model.vendor_id',
      },
      annotations: { note: 'unprefixed annotation', 'vendor.example/note': 'vendor annotation' },
      extendedResources: { 'my-er': '3', 'vendor.example/er': '@kernel.version.major' },
      vars: { 'vfio-var': 'loaded' },
      matchFeatures: [{ feature: 'kernel.loadedmodule', matchExpressions: { 'vfio-pci': { op: 'Exists' } } }],
    },
    {
      name: 'templates',
      labelsTemplate: '{{ range .kernel.version }}kernel-{{ .Name }}={{ .Value }}\n{{ end }}',
      matchFeatures: [{ feature: 'kernel.version', matchExpressions: { major: { op: 'Gt', value: ['5'] } } }],
    },
    {
      name: 'does not match',
      labels: { 'never-set': 'true' },
      matchFeatures: [
        { feature: 'cpu.model', matchExpressions: { vendor_id: { op: 'In', value: ['AMD'] } } },
      ],
    },
  ]),
];

let kube: KubeApiServer;
let master: NfdMaster | undefined;
let dir: string;

before(async () => {
  kube = await startKubeApiServer();
  dir = tempDir('imgcompat-dryrun-master-');
});
after(async () => {
  await master?.stop();
  await kube?.stop();
});

/** Keys nfd-master tracks in a Node annotation, with the default namespace put back. */
function tracked(annotations: Record<string, string>, name: string): string[] {
  const v = annotations[`nfd.node.kubernetes.io/${name}`];
  if (!v) return [];
  return v
    .split(',')
    .map((k) => (k.includes('/') ? k : `${DEFAULT_NS}/${k}`))
    .sort();
}

test('nfr dryrun predicts the labels, annotations and extended resources nfd-master writes', async () => {
  const rulesFile = join(dir, 'rules.yaml');
  writeFileSync(rulesFile, RULES.map((r) => stringify(r)).join('---\n'));
  const featuresFile = join(dir, 'node-a.json');
  writeFileSync(featuresFile, JSON.stringify(NODE_FEATURE));
  const dry = await imgcompat([
    'nfr',
    'dryrun',
    '--rule',
    rulesFile,
    '--features',
    featuresFile,
    '-o',
    'json',
  ]);
  assertExit(dry, 0, 'nfr dryrun');
  const results = JSON.parse(dry.out) as {
    name: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
    extendedResources: Record<string, string>;
    dropped: string[];
  }[];
  assert.deepEqual(
    results.map((r) => r.name),
    ['a-keys', 'z-reads-back'],
  );
  const want = { labels: {}, annotations: {}, extendedResources: {} } as Record<
    string,
    Record<string, string>
  >;
  for (const r of results) {
    Object.assign(want.labels!, r.labels);
    Object.assign(want.annotations!, r.annotations);
    Object.assign(want.extendedResources!, r.extendedResources);
  }
  assert.match(dry.err, /label "kubernetes\.io\/denied" is dropped by nfd-master/);
  assert.match(dry.err, /label "node-role\.kubernetes\.io\/gpu" is dropped by nfd-master/);

  await createNodes(kube, [{ name: NODE }]);
  // A kubelet-registered Node always has annotations; nfd-master's JSON patch adds its own under
  // /metadata/annotations and is rejected when that map does not exist yet.
  const annotated = await kube.api(
    'PATCH',
    `/api/v1/nodes/${NODE}`,
    { metadata: { annotations: { 'node.alpha.kubernetes.io/ttl': '0' } } },
    undefined,
    'application/merge-patch+json',
  );
  assert.equal(annotated.status, 200, JSON.stringify(annotated.body));
  const nf = await kube.api(
    'POST',
    `/apis/nfd.k8s-sigs.io/v1alpha1/namespaces/${NFD_NAMESPACE}/nodefeatures`,
    NODE_FEATURE,
  );
  assert.equal(nf.status, 201, JSON.stringify(nf.body));
  for (const r of RULES) {
    const res = await kube.api('POST', '/apis/nfd.k8s-sigs.io/v1alpha1/nodefeaturerules', r);
    assert.equal(res.status, 201, JSON.stringify(res.body));
  }
  master = await startNfdMaster(kube);
  // nfd-master writes all of a node's labels in one update.
  await waitForNodeLabels(
    kube,
    (l) => Object.keys(l.get(NODE) ?? {}).some((k) => k.startsWith(`${DEFAULT_NS}/`)),
    60_000,
    (l) => `${JSON.stringify(Object.fromEntries(l))}; nfd-master: ${master?.output().slice(-3000)}`,
  );
  // Annotations and extended resources follow in their own patches.
  let node:
    | {
        metadata: { labels: Record<string, string>; annotations: Record<string, string> };
        status: { capacity: Record<string, string> };
      }
    | undefined;
  for (let i = 0; i < 50; i++) {
    node = (await listNodes(kube)).find((n) => n.metadata.name === NODE);
    const a = node?.metadata.annotations ?? {};
    if (a['nfd.node.kubernetes.io/feature-annotations'] && a['nfd.node.kubernetes.io/extended-resources'])
      break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const meta = node!.metadata;
  const labelKeys = tracked(meta.annotations, 'feature-labels');
  assert.deepEqual(labelKeys, Object.keys(want.labels!).sort(), master.output().slice(-3000));
  assert.deepEqual(Object.fromEntries(labelKeys.map((k) => [k, meta.labels[k]])), want.labels);
  const annotationKeys = tracked(meta.annotations, 'feature-annotations');
  assert.deepEqual(annotationKeys, Object.keys(want.annotations!).sort());
  assert.deepEqual(Object.fromEntries(annotationKeys.map((k) => [k, meta.annotations[k]])), want.annotations);
  const erKeys = tracked(meta.annotations, 'extended-resources');
  assert.deepEqual(erKeys, Object.keys(want.extendedResources!).sort());
  assert.deepEqual(
    Object.fromEntries(erKeys.map((k) => [k, node!.status.capacity[k]])),
    want.extendedResources,
  );
  // What the comparison covers, spelled out (so a dry run that lost everything cannot pass).
  assert.equal(want.labels![`${DEFAULT_NS}/unprefixed`], 'true');
  assert.equal(want.labels![`${DEFAULT_NS}/twin`], 'prefixed-wins');
  assert.equal(want.labels![`${DEFAULT_NS}/kernel-major`], '6');
  assert.equal(want.labels![`${DEFAULT_NS}/from-earlier-object`], 'loaded');
  assert.equal(want.labels![`${DEFAULT_NS}/vendor`], 'Intel');
  assert.equal(want.labels!['kubernetes.io/denied'], undefined);
  assert.equal(want.extendedResources![`${DEFAULT_NS}/my-er`], '3');
});
