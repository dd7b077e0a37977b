// Issue 9: how long NFD's nfd-master takes to label 1,000 nodes after `imgcompat nfr generate --apply`.
// Reported, no target: the time is nfd-master's (v0.19.0, built by tools/nfd), not imgcompat's.
//
// 1,000 Node objects and their NodeFeature objects (bench/lib/features-gen.mjs realistic hosts, ~13 KB
// each) are created in the e2e harness's real kube-apiserver, nfd-master is started and left to go through
// every node once (no rules yet, so it changes nothing), then `imgcompat nfr generate --spec
// examples/spec.yaml --apply` runs (in this process) and the clock runs until the Node labels equal, set by
// set, the nodes `imgcompat cluster validate` reports passing (polled every 250 ms; each poll lists the
// 1,000 Nodes). Reported: the apply, the time to the last label, and nfd-master's own counters.
// Needs the e2e tools (scripts/install-test-deps.sh: kube-testenv, nfd-master) and a build (npm run build).
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { realisticFeatures } from './lib/features-gen.mjs';
import { root } from './lib/seed-spec.mjs';

const NODES = 1000;
const NS = 'node-feature-discovery';
const SPEC = join(root, 'examples', 'spec.yaml');

const load = (rel) => import(pathToFileURL(join(root, 'build', rel)).href);
const r2 = (n) => Math.round(n * 100) / 100;

async function pool(n, concurrency, work) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await work(next++);
    }),
  );
}

async function labelAfterApply(h, k, kube) {
  const names = Array.from({ length: NODES }, (_, i) => `node-${String(i).padStart(4, '0')}`);
  const t0 = performance.now();
  await pool(NODES / 50, 4, (b) =>
    k.createNodes(
      kube,
      names.slice(b * 50, b * 50 + 50).map((name) => ({ name })),
    ),
  );
  await pool(NODES, 16, async (i) => {
    const res = await kube.api('POST', `/apis/nfd.k8s-sigs.io/v1alpha1/namespaces/${NS}/nodefeatures`, {
      apiVersion: 'nfd.k8s-sigs.io/v1alpha1',
      kind: 'NodeFeature',
      metadata: { name: names[i], labels: { 'nfd.node.kubernetes.io/node-name': names[i] } },
      spec: { features: realisticFeatures(5000 + i) },
    });
    if (res.status !== 201) throw new Error(`create NodeFeature ${names[i]}: ${res.status}`);
  });
  const createSeconds = (performance.now() - t0) / 1000;

  const kubeArgs = ['--kubeconfig', kube.kubeconfig, '--context', 'admin'];
  const gen = await h.imgcompat(['nfr', 'generate', '--spec', SPEC, '-o', 'json']);
  if (gen.code !== 0) throw new Error(`nfr generate: ${gen.err}`);
  const labelOf = JSON.parse(gen.out).items.map((o) => o.metadata.annotations['imgcompat.io/node-label']);
  const validate = await h.imgcompat(['cluster', 'validate', '--spec', SPEC, ...kubeArgs, '-o', 'json']);
  if (validate.code > 1) throw new Error(`cluster validate: ${validate.err}`);
  const v = JSON.parse(validate.out);
  const expected = v.sets.map((set) =>
    v.nodes
      .filter((n) => n.sets.find((s) => s.index === set.index)?.compatible)
      .map((n) => n.node)
      .join(','),
  );

  // nfd-master goes through every node once at start; wait until it has and is idle.
  const master = await k.startNfdMaster(kube);
  try {
    const s0 = performance.now();
    let requests = 0;
    for (let stable = 0; stable < 8; ) {
      await new Promise((r) => setTimeout(r, 250));
      const now = await master.metric('nfd_master_node_update_requests_total');
      stable = now >= NODES && now === requests ? stable + 1 : 0;
      requests = now;
      if (performance.now() - s0 > 300_000) throw new Error(`nfd-master start pass: ${requests} requests`);
    }
    const initialPassSeconds = (performance.now() - s0) / 1000 - 2;

    const a0 = performance.now();
    const applied = await h.imgcompat(['nfr', 'generate', '--spec', SPEC, '--apply', ...kubeArgs]);
    if (applied.code !== 0) throw new Error(`nfr generate --apply: ${applied.err}`);
    const applySeconds = (performance.now() - a0) / 1000;
    let polls = 0;
    for (;;) {
      polls++;
      const labels = await k.nodeLabels(kube);
      const done = labelOf.every(
        (label, i) => names.filter((n) => labels.get(n)?.[label] === 'true').join(',') === expected[i],
      );
      if (done) break;
      if (performance.now() - a0 > 600_000) throw new Error('nfd-master did not label the nodes in 600 s');
      await new Promise((r) => setTimeout(r, 250));
    }
    const labelSeconds = (performance.now() - a0) / 1000;
    return {
      nodes: NODES,
      sets: labelOf.length,
      nodesPassingEachSet: v.totals.perSet,
      createObjectsSeconds: r2(createSeconds),
      nfdMasterInitialPassSeconds: r2(initialPassSeconds),
      applySeconds: r2(applySeconds),
      labelledAfterApplySeconds: r2(labelSeconds),
      polls,
      nfdMasterNodeUpdateRequests: await master.metric('nfd_master_node_update_requests_total'),
      nfdMasterNodeUpdates: await master.metric('nfd_master_node_updates_total'),
    };
  } finally {
    await master.stop();
  }
}

export async function run() {
  const h = await load('test/e2e/harness/index.js');
  const k = await load('test/e2e/harness/kube.js');
  if (!h.toolPath('nfd-master')) throw new Error('missing nfd-master: run scripts/install-test-deps.sh');
  const kube = await k.startKubeApiServer();
  try {
    return { nfdMasterLabelsAfterApply: await labelAfterApply(h, k, kube) };
  } finally {
    await kube.stop();
  }
}
