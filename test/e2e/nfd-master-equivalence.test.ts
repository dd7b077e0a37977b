/**
 * Equivalence through NFD's real nfd-master: for a varied cluster (250 nodes from a seeded generator, a
 * third party's NodeFeature object merged into every tenth) and a spec of about ten sets that uses every op,
 * matchName, matchAny, instance terms, vars and varsTemplate read back within and across sets, the nodes
 * nfd-master labels after `imgcompat nfr generate --apply` are, set by set, the nodes
 * `imgcompat cluster validate -o json` reports passing. Nothing computed by imgcompat's engine stands in
 * for nfd-master: the labels are read from the Node objects nfd-master patched.
 *
 * The seed is printed; IMGCOMPAT_EQUIVALENCE_SEED=<n> replays another cluster.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { MATCH_OPS } from '../../src/core/model/rules.ts';
import { assertExit, imgcompat, missingTools, tempDir } from './harness/index.ts';
import {
  createNodes,
  type KubeApiServer,
  NFD_NAMESPACE,
  type NfdMaster,
  startKubeApiServer,
  startNfdMaster,
  waitForNodeLabels,
} from './harness/kube.ts';
import { variedNodes, variedSpec } from './harness/varied-cluster.ts';

const SEED = Number(process.env.IMGCOMPAT_EQUIVALENCE_SEED ?? 6);
const NODES = 250;
/** Set on every node by a NodeFeatureRule that sorts after the generated ones: "nfd-master was here". */
const PROCESSED = 'feature.node.kubernetes.io/imgcompat-test-processed';

const skip = missingTools('nfd-master');
let kube: KubeApiServer;
let master: NfdMaster | undefined;

before(async () => {
  if (skip) return;
  kube = await startKubeApiServer();
});
after(async () => {
  await master?.stop();
  await kube?.stop();
});

async function pool(n: number, concurrency: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await work(next++);
    }),
  );
}

interface ValidateJson {
  nodes: { node: string; skipped?: string; sets: { index: number; compatible: boolean }[] }[];
  sets: { index: number; tag?: string }[];
  totals: { nodes: number; skipped: number; perSet: number[] };
}

test(`nfd-master labels exactly the nodes cluster validate passes, set by set (seed ${SEED})`, {
  skip,
}, async (t) => {
  t.diagnostic(`seed ${SEED} (IMGCOMPAT_EQUIVALENCE_SEED replays another)`);
  const nodes = variedNodes(SEED, NODES);
  const spec = variedSpec(SEED);
  const dir = tempDir('imgcompat-equivalence-');
  const text = JSON.stringify(spec);
  const ops = new Set([...text.matchAll(/"op":"(\w+)"/g)].map((m) => m[1]));
  assert.deepEqual(
    [...MATCH_OPS].filter((op) => !ops.has(op)),
    [],
    'ops the spec does not use',
  );
  const versionOps = new Set(
    [...text.matchAll(/"op":"(\w+)","value":\[[^\]]*\],"type":"version"/g)].map((m) => m[1]),
  );
  assert.deepEqual(
    ['Gt', 'Ge', 'Lt', 'Le', 'GtLt', 'GeLe'].filter((op) => !versionOps.has(op)),
    [],
    'type: version',
  );
  for (const part of ['"matchAny"', '"matchName"', '"rule.matched"', '"varsTemplate"', '"pci.device"']) {
    assert.ok(text.includes(part), `the spec uses ${part}`);
  }
  const specFile = join(dir, 'spec.json');
  writeFileSync(specFile, `${JSON.stringify(spec, null, 2)}\n`);

  const ns = await kube.api('POST', '/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'vendor' },
  });
  assert.equal(ns.status, 201, JSON.stringify(ns.body));
  await createNodes(
    kube,
    nodes.map((n) => ({ name: n.name })),
  );
  const post = async (namespace: string, name: string, node: string, features: object) => {
    const res = await kube.api(
      'POST',
      `/apis/nfd.k8s-sigs.io/v1alpha1/namespaces/${namespace}/nodefeatures`,
      {
        apiVersion: 'nfd.k8s-sigs.io/v1alpha1',
        kind: 'NodeFeature',
        metadata: { name, labels: { 'nfd.node.kubernetes.io/node-name': node } },
        spec: { features },
      },
    );
    assert.equal(res.status, 201, JSON.stringify(res.body));
  };
  await pool(nodes.length, 8, async (i) => {
    const n = nodes[i]!;
    await post(NFD_NAMESPACE, n.name, n.name, n.features);
    if (n.vendor) await post('vendor', `${n.name}-accel`, n.name, n.vendor);
  });

  const kubeArgs = ['--kubeconfig', kube.kubeconfig, '--context', 'admin'];
  const gen = await imgcompat(['nfr', 'generate', '--spec', specFile, '-o', 'json']);
  assertExit(gen, 0, 'nfr generate');
  const generated = JSON.parse(gen.out).items as { metadata: { annotations: Record<string, string> } }[];
  const labelOf = generated.map((o) => o.metadata.annotations['imgcompat.io/node-label']!);
  assert.equal(labelOf.length, spec.compatibilities.length);
  const applied = await imgcompat(['nfr', 'generate', '--spec', specFile, '--apply', ...kubeArgs]);
  assertExit(applied, 0, 'nfr generate --apply');
  const last = await kube.api('POST', '/apis/nfd.k8s-sigs.io/v1alpha1/nodefeaturerules', {
    apiVersion: 'nfd.k8s-sigs.io/v1alpha1',
    kind: 'NodeFeatureRule',
    metadata: { name: 'zz-imgcompat-test-processed' },
    spec: { rules: [{ name: 'processed', labels: { 'imgcompat-test-processed': 'true' } }] },
  });
  assert.equal(last.status, 201, JSON.stringify(last.body));

  const validate = await imgcompat(['cluster', 'validate', '--spec', specFile, ...kubeArgs, '-o', 'json']);
  assert.ok(validate.code === 0 || validate.code === 1, validate.err);
  const v = JSON.parse(validate.out) as ValidateJson;
  assert.equal(v.totals.nodes, NODES);
  // A node validate-node cannot evaluate is skipped, while nfd-master only skips the failing rule: the
  // generator avoids such nodes, so the comparison covers every node.
  assert.equal(v.totals.skipped, 0, JSON.stringify(v.nodes.filter((n) => n.skipped)));
  t.diagnostic(`nodes passing each set (cluster validate): ${v.totals.perSet.join(', ')}`);
  // The comparison means something: most sets pass on some nodes and fail on others.
  assert.ok(v.totals.perSet.filter((p) => p > 0 && p < NODES).length >= 4, `perSet ${v.totals.perSet}`);

  const started = Date.now();
  master = await startNfdMaster(kube);
  const names = nodes.map((n) => n.name);
  const labels = await waitForNodeLabels(
    kube,
    (l) => names.every((n) => l.get(n)?.[PROCESSED] === 'true'),
    180_000,
    (l) => `${names.filter((n) => l.get(n)?.[PROCESSED] !== 'true').length} nodes not processed yet`,
  );
  t.diagnostic(`nfd-master labelled ${NODES} nodes in ${Date.now() - started} ms`);

  v.sets.forEach((set, i) => {
    const expected = v.nodes
      .filter((n) => n.sets.find((s) => s.index === set.index)?.compatible)
      .map((n) => n.node);
    const labelled = names.filter((n) => labels.get(n)?.[labelOf[i]!] === 'true');
    assert.deepEqual(
      labelled,
      expected,
      `set #${set.index}${set.tag ? ` (${set.tag})` : ''}: label ${labelOf[i]}`,
    );
  });
  // nfd-master wrote nothing else of ours: every compat label on a node is one of the generated ones.
  for (const [node, l] of labels) {
    for (const key of Object.keys(l)) {
      if (key.startsWith('compat.feature.node.kubernetes.io/'))
        assert.ok(labelOf.includes(key), `${node}: ${key}`);
    }
  }
});
