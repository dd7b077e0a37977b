/**
 * The cluster commands against a real kube-apiserver (one per file): `cluster validate`, `cluster diff`,
 * `cluster affinity`, `nfr generate`, `nfg generate`, and the bad-input cases (kubeconfig, unreachable
 * server, RBAC). NodeFeature objects are those of test/k8s/cluster-fixtures.ts.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { loadSpec } from '../../src/core/load/load-spec.ts';
import { evaluateNodeFeatureGroup } from '../../src/core/match/group.ts';
import { executeRuleSequence } from '../../src/core/match/sequence.ts';
import type { NodeFeatureGroup, NodeFeatureRule } from '../../src/core/model/rules.ts';
import type { NodeFeatureObject } from '../../src/k8s/kube-client.ts';
import { groupByNode, mergeNodeFeatures } from '../../src/k8s/nodefeatures.ts';
import { CLUSTER, NFD_NS, nodeFeature, SPEC, SPEC_NONE, SPEC_V2 } from '../k8s/cluster-fixtures.ts';
import {
  assertCleanFailure,
  assertExit,
  buildLayout,
  type CliResult,
  imgcompat,
  isolatedEnv,
  LINUX_AMD64,
  sha256,
  tempDir,
} from './harness/index.ts';
import { type KubeApiServer, startKubeApiServer } from './harness/kube.ts';

let kube: KubeApiServer;
let dir: string;
let specFile: string;
let specV2File: string;
let specNoneFile: string;

const NF = (ns: string) => `/apis/nfd.k8s-sigs.io/v1alpha1/namespaces/${ns}/nodefeatures`;

before(async () => {
  kube = await startKubeApiServer();
  dir = tempDir('imgcompat-cluster-');
  specFile = join(dir, 'spec.yaml');
  specV2File = join(dir, 'spec-v2.yaml');
  specNoneFile = join(dir, 'spec-none.yaml');
  writeFileSync(specFile, SPEC);
  writeFileSync(specV2File, SPEC_V2);
  writeFileSync(specNoneFile, SPEC_NONE);
  const ns = await kube.api('POST', '/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'vendor' },
  });
  assert.equal(ns.status, 201, JSON.stringify(ns.body));
  for (const input of CLUSTER) {
    const obj = nodeFeature(input);
    const res = await kube.api('POST', NF(input.namespace ?? NFD_NS), obj);
    assert.equal(res.status, 201, JSON.stringify(res.body));
  }
  // Node objects for --node-selector: node-a and node-c in pool gpu, plus node-x with no NodeFeature.
  for (const [name, pool] of [
    ['node-a', 'gpu'],
    ['node-b', 'cpu'],
    ['node-c', 'gpu'],
    ['node-x', 'gpu'],
  ] as const) {
    const res = await kube.api('POST', '/api/v1/nodes', {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, labels: { pool } },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
  }
});
after(async () => {
  await kube?.stop();
});

function kubeArgs(context = 'admin'): string[] {
  return ['--kubeconfig', kube.kubeconfig, '--context', context];
}

interface ValidateJson {
  nodes: {
    node: string;
    compatible: boolean;
    skipped?: string;
    objects: string[];
    sets: { index: number; compatible: boolean; firstFailure?: string }[];
  }[];
  totals: { nodes: number; compatible: number; incompatible: number; skipped: number; perSet: number[] };
  sets: { index: number; tag?: string }[];
  digest: string;
}

function json(r: CliResult): ValidateJson {
  return JSON.parse(r.out) as ValidateJson;
}

const compatibleNodes = (j: ValidateJson) => j.nodes.filter((n) => n.compatible).map((n) => n.node);
const passingSet = (j: ValidateJson, index: number) =>
  j.nodes.filter((n) => n.sets.find((s) => s.index === index)?.compatible).map((n) => n.node);

async function listNodeFeatures(): Promise<NodeFeatureObject[]> {
  const res = await kube.api('GET', '/apis/nfd.k8s-sigs.io/v1alpha1/nodefeatures');
  assert.equal(res.status, 200);
  return res.body.items as NodeFeatureObject[];
}

describe('cluster validate', () => {
  test('evaluates every node from merged NodeFeature objects: matrix, totals, skipped node, exit 0', async () => {
    const r = await imgcompat(['cluster', 'validate', '--spec', specFile, ...kubeArgs(), '-o', 'json']);
    assertExit(r, 0, 'cluster validate');
    const j = json(r);
    assert.deepEqual(
      j.nodes.map((n) => n.node),
      ['node-a', 'node-b', 'node-c', 'node-d', 'node-e'],
    );
    assert.deepEqual(compatibleNodes(j), ['node-a', 'node-b', 'node-c']);
    // node-c passes "fast" only because nfd-master's merge adds the vendor object's features.
    assert.deepEqual(passingSet(j, 1), ['node-a', 'node-c']);
    assert.deepEqual(passingSet(j, 2), ['node-a', 'node-b', 'node-c']);
    const c = j.nodes.find((n) => n.node === 'node-c')!;
    assert.deepEqual(c.objects, [`${NFD_NS}/node-c`, 'vendor/node-c-accel']);
    const d = j.nodes.find((n) => n.node === 'node-d')!;
    assert.match(d.skipped ?? '', /not a number "six"/);
    const b = j.nodes.find((n) => n.node === 'node-b')!;
    assert.equal(b.sets[0]!.firstFailure, 'avx512: cpu.cpuid.AVX512F Exists');
    assert.deepEqual(j.totals, { nodes: 5, compatible: 3, incompatible: 1, skipped: 1, perSet: [2, 3] });
  });

  test('--explain -o json: an explain field per evaluated node, with the value that failed', async () => {
    const r = await imgcompat([
      'cluster',
      'validate',
      '--spec',
      specFile,
      ...kubeArgs(),
      '-o',
      'json',
      '--explain',
    ]);
    assertExit(r, 0, 'cluster validate --explain');
    const nodes = JSON.parse(r.out).nodes as {
      node: string;
      skipped?: string;
      explain?: {
        index: number;
        verdict: string;
        rules: {
          name: string;
          isMatch: boolean;
          matchFeatures?: {
            terms: { feature: string; expressions: { name: string; actual: unknown; reason?: string }[] }[];
          };
        }[];
      }[];
    }[];
    const b = nodes.find((n) => n.node === 'node-b')!;
    assert.deepEqual(
      b.explain!.map((s) => [s.index, s.verdict]),
      [
        [1, 'incompatible'],
        [2, 'compatible'],
      ],
    );
    const avx = b.explain![0]!.rules.find((x) => x.name === 'avx512')!;
    assert.equal(avx.isMatch, false);
    const e = avx.matchFeatures!.terms[0]!.expressions[0]!;
    assert.equal(e.name, 'AVX512F');
    assert.deepEqual(e.actual, { present: false });
    assert.match(e.reason ?? '', /^"AVX512F" is not in cpu\.cpuid \(\d+ elements?\)$/);
    // A skipped node has no explanation; the table does not take --explain.
    assert.equal(nodes.find((n) => n.node === 'node-d')!.explain, undefined);
    const table = await imgcompat(['cluster', 'validate', '--spec', specFile, ...kubeArgs(), '--explain']);
    assertExit(table, 2, 'cluster validate --explain without -o json');
    assert.match(table.err, /--explain .* -o json/);
  });

  test('the table shows the matrix, the first failing expression and the totals', async () => {
    const r = await imgcompat(['cluster', 'validate', '--spec', specFile, ...kubeArgs()]);
    assertExit(r, 0, 'table');
    const lines = r.out.split('\n');
    assert.match(lines[0]!, /^NODE\s+#1 fast\s+#2 baseline\s+COMPATIBLE$/);
    assert.match(r.out, /^node-b\s+FAIL avx512: cpu\.cpuid\.AVX512F Exists\s+ok\s+yes$/m);
    assert.match(r.out, /^node-d\s+-\s+-\s+skipped: .*not a number "six"/m);
    assert.match(
      r.out,
      /^3 of 5 nodes compatible, 1 incompatible, 1 skipped \(nodes passing each set: #1 fast: 2, #2 baseline: 3\)$/m,
    );
  });

  test('pagination: one object per page gives the same answer', async () => {
    const all = await imgcompat(['cluster', 'validate', '--spec', specFile, ...kubeArgs(), '-o', 'json']);
    const paged = await imgcompat([
      'cluster',
      'validate',
      '--spec',
      specFile,
      ...kubeArgs(),
      '-o',
      'json',
      '--chunk-size',
      '1',
    ]);
    assertExit(paged, 0, 'paged');
    assert.deepEqual(json(paged), json(all));
  });

  test('--node-selector selects Nodes by their labels; a selected node without NodeFeature is skipped', async () => {
    const r = await imgcompat([
      'cluster',
      'validate',
      '--spec',
      specFile,
      ...kubeArgs(),
      '-o',
      'json',
      '--node-selector',
      'pool=gpu',
    ]);
    assertExit(r, 0, 'node selector');
    const j = json(r);
    assert.deepEqual(
      j.nodes.map((n) => n.node),
      ['node-a', 'node-c', 'node-x'],
    );
    assert.match(j.nodes[2]!.skipped ?? '', /no NodeFeature object/);
  });

  test('--tags keeps only the tagged sets; yaml output', async () => {
    const r = await imgcompat([
      'cluster',
      'validate',
      '--spec',
      specFile,
      ...kubeArgs(),
      '-o',
      'yaml',
      '--tags',
      'fast',
    ]);
    assertExit(r, 0, 'tags');
    const j = parseAllDocuments(r.out)[0]!.toJSON() as ValidateJson;
    assert.equal(j.sets.length, 1);
    assert.deepEqual(compatibleNodes(j), ['node-a', 'node-c']);
  });

  test('no node compatible: exit 1', async () => {
    const r = await imgcompat(['cluster', 'validate', '--spec', specNoneFile, ...kubeArgs()]);
    assertExit(r, 1, 'none compatible');
    assert.match(r.out, /0 of 5 nodes compatible/);
  });

  test('--image: the artifact of an OCI layout image is fetched once and evaluated', async () => {
    const layout = buildLayout([LINUX_AMD64], 'app', 'cluster-validate');
    const ref = `oci:${layout.dir}:app`;
    const attached = await imgcompat(['attach', ref, specFile]);
    assertExit(attached, 0, 'attach');
    const r = await imgcompat(['cluster', 'validate', '--image', ref, ...kubeArgs(), '-o', 'json']);
    assertExit(r, 0, 'cluster validate --image');
    const j = json(r);
    assert.equal(j.digest, layout.top.digest);
    assert.deepEqual(compatibleNodes(j), ['node-a', 'node-b', 'node-c']);
    const aff = await imgcompat(['cluster', 'affinity', '--image', ref, '-o', 'json']);
    assertExit(aff, 0, 'affinity');
    // Labels are keyed by the spec's digest (the spec layer's), not the image's.
    const d12 = sha256(readFileSync(specFile)).slice('sha256:'.length, 'sha256:'.length + 12);
    assert.notEqual(d12, layout.top.digest.slice('sha256:'.length, 'sha256:'.length + 12));
    const a = JSON.parse(aff.out).affinity.nodeAffinity;
    assert.deepEqual(a.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms, [
      {
        matchExpressions: [
          { key: `compat.feature.node.kubernetes.io/${d12}.fast`, operator: 'In', values: ['true'] },
        ],
      },
      {
        matchExpressions: [
          { key: `compat.feature.node.kubernetes.io/${d12}.baseline`, operator: 'In', values: ['true'] },
        ],
      },
    ]);
    // weight 150 is clamped to 100, weight 0 (unset) to 1
    assert.deepEqual(
      a.preferredDuringSchedulingIgnoredDuringExecution.map((p: { weight: number }) => p.weight),
      [100, 1],
    );
  });
});

describe('cluster diff', () => {
  test('lists the nodes that lose or gain compatibility; exit 1 when some node loses it', async () => {
    const r = await imgcompat([
      'cluster',
      'diff',
      '--spec',
      specFile,
      '--spec',
      specV2File,
      ...kubeArgs(),
      '-o',
      'json',
    ]);
    assertExit(r, 1, 'diff');
    const j = JSON.parse(r.out) as {
      nodes: { node: string; change: string }[];
      totals: Record<string, number>;
    };
    assert.deepEqual(Object.fromEntries(j.nodes.map((n) => [n.node, n.change])), {
      'node-a': 'unchanged-compatible',
      'node-b': 'lost',
      'node-c': 'unchanged-compatible',
      'node-d': 'skipped',
      'node-e': 'unchanged-incompatible',
    });
    const back = await imgcompat([
      'cluster',
      'diff',
      '--spec',
      specV2File,
      '--spec',
      specFile,
      ...kubeArgs(),
    ]);
    assertExit(back, 0, 'reverse diff');
    assert.match(back.out, /^node-b\s+no\s+yes\s+gained$/m);
  });

  test('needs exactly two images', async () => {
    const r = await imgcompat(['cluster', 'diff', '--spec', specFile, ...kubeArgs()]);
    assertCleanFailure(r, 2, 'one image', /--image OLD --image NEW/);
  });
});

describe('scheduling outputs', () => {
  test('nfr generate: accepted by the API server, and nfd-master-style evaluation labels exactly the compatible nodes', async () => {
    const gen = await imgcompat(['nfr', 'generate', '--spec', specFile, '-o', 'json']);
    assertExit(gen, 0, 'nfr generate');
    const rules = (JSON.parse(gen.out) as { items: NodeFeatureRule[] }).items;
    assert.equal(rules.length, 2);
    // Accepted by the real API server (schema validation of the CRD), through our own client too.
    const applied = await imgcompat(['nfr', 'generate', '--spec', specFile, '--apply', ...kubeArgs()]);
    assertExit(applied, 0, 'nfr generate --apply');
    assert.match(applied.out, /NodeFeatureRule imgcompat-[0-9a-f]{12}-01-fast applied/);
    const stored = await kube.api(
      'GET',
      `/apis/nfd.k8s-sigs.io/v1alpha1/nodefeaturerules/${rules[0]!.metadata.name}`,
    );
    assert.equal(stored.status, 200);
    assert.deepEqual(stored.body.spec, rules[0]!.spec);

    const v = json(await imgcompat(['cluster', 'validate', '--spec', specFile, ...kubeArgs(), '-o', 'json']));
    const nodes = groupByNode(await listNodeFeatures(), NFD_NS);
    rules.forEach((nfr, i) => {
      const label = Object.keys(nfr.spec.rules.at(-1)!.labels!)[0]!;
      const labelled: string[] = [];
      for (const n of nodes) {
        let features: ReturnType<typeof mergeNodeFeatures>;
        try {
          // The engine's rule loop writes rule.matched into the features: give it a private copy.
          features = structuredClone(mergeNodeFeatures(n.objects));
        } catch {
          continue;
        }
        const out = executeRuleSequence(nfr.spec.rules, features);
        if (out.labels[label] === 'true') labelled.push(n.node);
      }
      // node-d: the erroring rule is skipped by nfd-master, so it is never labelled; validate skips it.
      assert.deepEqual(labelled, passingSet(v, i + 1), `set #${i + 1} (${label})`);
    });
  });

  test('nfg generate: accepted by the API server; group membership equals the passing nodes', async () => {
    const gen = await imgcompat(['nfg', 'generate', '--spec', specFile, '-o', 'json']);
    assertExit(gen, 0, 'nfg generate');
    const groups = (JSON.parse(gen.out) as { items: NodeFeatureGroup[] }).items;
    for (const g of groups) {
      const res = await kube.api(
        'POST',
        `/apis/nfd.k8s-sigs.io/v1alpha1/namespaces/${NFD_NS}/nodefeaturegroups`,
        g,
      );
      assert.equal(res.status, 201, JSON.stringify(res.body));
    }
    const v = json(await imgcompat(['cluster', 'validate', '--spec', specFile, ...kubeArgs(), '-o', 'json']));
    const nodes = groupByNode(await listNodeFeatures(), NFD_NS)
      .filter((n) => n.node !== 'node-d')
      .map((n) => mergeNodeFeatures(n.objects));
    groups.forEach((g, i) => {
      const members = evaluateNodeFeatureGroup(g.spec.featureGroupRules, structuredClone(nodes)).map(
        (m) => m.name,
      );
      assert.deepEqual(members, passingSet(v, i + 1), `group ${g.metadata.name}`);
    });
  });

  test('generated names derive from the spec digest and are stable', async () => {
    const a = await imgcompat(['nfr', 'generate', '--spec', specFile]);
    const b = await imgcompat(['nfr', 'generate', '--spec', specFile]);
    assert.equal(a.out, b.out);
    const spec = loadSpec(SPEC, { file: 'spec.yaml' }).spec;
    assert.equal(spec.compatibilities.length, 2);
    assert.match(a.out, /compat\.feature\.node\.kubernetes\.io\/[0-9a-f]{12}\.baseline: "true"/);
    // kubectl-nfd's static checks (imgcompat nfr validate) accept both kinds of generated objects.
    const nfrFile = join(dir, 'generated-nfr.yaml');
    const nfgFile = join(dir, 'generated-nfg.yaml');
    writeFileSync(nfrFile, a.out);
    writeFileSync(nfgFile, (await imgcompat(['nfg', 'generate', '--spec', specFile])).out);
    const checked = await imgcompat(['nfr', 'validate', nfrFile, nfgFile]);
    assertExit(checked, 0, 'nfr validate of generated objects');
  });
});

describe('bad input', () => {
  test('a missing kubeconfig names the file (exit 3)', async () => {
    const r = await imgcompat([
      'cluster',
      'validate',
      '--spec',
      specFile,
      '--kubeconfig',
      join(dir, 'nope.yaml'),
    ]);
    assertCleanFailure(r, 3, 'missing kubeconfig', /kubeconfig .*nope\.yaml: file not found/);
  });

  test('a broken kubeconfig names the file and the problem (exit 3)', async () => {
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {}\n');
    const r = await imgcompat(['cluster', 'validate', '--spec', specFile, '--kubeconfig', broken]);
    assertCleanFailure(r, 3, 'broken kubeconfig', /broken\.yaml: clusters\[0\]\.cluster\.server is missing/);
    const r2 = await imgcompat(['cluster', 'validate', '--spec', specFile, ...kubeArgs('nope')]);
    assertCleanFailure(r2, 3, 'unknown context', /no context "nope".*contexts: admin, unprivileged/);
  });

  test('no kubeconfig anywhere (exit 3)', async () => {
    const r = await imgcompat(['cluster', 'validate', '--spec', specFile], { env: isolatedEnv() });
    assertCleanFailure(
      r,
      3,
      'no kubeconfig',
      /no kubeconfig: --kubeconfig is not given, KUBECONFIG is not set/,
    );
  });

  test('KUBECONFIG is honoured', async () => {
    const r = await imgcompat(['cluster', 'validate', '--spec', specFile, '-o', 'json'], {
      env: isolatedEnv({ KUBECONFIG: kube.kubeconfig }),
    });
    assertExit(r, 0, 'KUBECONFIG');
    assert.equal(json(r).totals.compatible, 3);
  });

  test('an API server that never answers: exit 4 within --timeout', async () => {
    const silent: Server = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const port = (silent.address() as { port: number }).port;
    const cfg = join(dir, 'silent.yaml');
    writeFileSync(
      cfg,
      `apiVersion: v1\nkind: Config\nclusters:\n- name: s\n  cluster: {server: "https://127.0.0.1:${port}", insecure-skip-tls-verify: true}\n` +
        'contexts:\n- name: s\n  context: {cluster: s, user: u}\nusers:\n- name: u\n  user: {token: t}\ncurrent-context: s\n',
    );
    try {
      const r = await imgcompat([
        'cluster',
        'validate',
        '--spec',
        specFile,
        '--kubeconfig',
        cfg,
        '--timeout',
        '1s',
      ]);
      assertCleanFailure(
        r,
        4,
        'silent server',
        new RegExp(`127\\.0\\.0\\.1:${port} did not answer within 1s \\(--timeout\\)`),
      );
    } finally {
      silent.close();
    }
  });

  test('an unreachable API server: exit 4 naming the server', async () => {
    const closed: Server = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const cfg = join(dir, 'closed.yaml');
    writeFileSync(
      cfg,
      `apiVersion: v1\nkind: Config\nclusters:\n- name: s\n  cluster: {server: "https://127.0.0.1:${port}"}\n` +
        'contexts:\n- name: s\n  context: {cluster: s, user: u}\nusers:\n- name: u\n  user: {token: t}\ncurrent-context: s\n',
    );
    const r = await imgcompat(['cluster', 'validate', '--spec', specFile, '--kubeconfig', cfg]);
    assertCleanFailure(
      r,
      4,
      'closed port',
      /cannot reach the Kubernetes API server https:\/\/127\.0\.0\.1:\d+ .*ECONNREFUSED/,
    );
  });

  test('rejected credentials: exit 4, the token is not printed', async () => {
    const cfg = join(dir, 'bad-token.yaml');
    writeFileSync(
      cfg,
      readFileSync(kube.kubeconfig, 'utf8').replaceAll(kube.adminToken, 'not-a-valid-token'),
    );
    const r = await imgcompat([
      'cluster',
      'validate',
      '--spec',
      specFile,
      '--kubeconfig',
      cfg,
      '--context',
      'admin',
    ]);
    assertCleanFailure(r, 4, 'bad token', /rejected the credentials of context admin \(401 Unauthorized\)/);
    assert.doesNotMatch(r.err, /not-a-valid-token/);
  });

  test('RBAC forbidden: names the verb, the resource and a ClusterRole (exit 4)', async () => {
    const r = await imgcompat(['cluster', 'validate', '--spec', specFile, ...kubeArgs('unprivileged')]);
    assertCleanFailure(
      r,
      4,
      'forbidden',
      /forbidden: context unprivileged may not list nodefeatures\.nfd\.k8s-sigs\.io in all namespaces/,
      /ClusterRole with the rule \{apiGroups: \[nfd\.k8s-sigs\.io\], resources: \[nodefeatures\], verbs: \[list\]\}/,
      /imgcompat-cluster-reader/,
    );
    assert.doesNotMatch(r.err, new RegExp(kube.unprivilegedToken));
  });
});
