/**
 * The lifecycle of what imgcompat puts in a cluster, against a real kube-apiserver and a real registry
 * (go-containerregistry's, referrers API):
 * - one identity per spec: `nfr generate --spec FILE` and `--image REF` carrying that file print the same
 *   objects apart from the image/artifact annotations, keyed by the sha256 of the file;
 * - `nfr prune` deletes generated objects whose spec no workload image carries, keeps the others, keeps on
 *   doubt, and `--dry-run` deletes nothing;
 * - `select` (this host, from a features file) and `cluster select` (NodeFeature objects) choose variants.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { CLUSTER, NFD_NS, nodeFeature, SPEC } from '../k8s/cluster-fixtures.ts';
import {
  assertExit,
  cliTransportFlags,
  imgcompat,
  missingTools,
  pushImage,
  sha256,
  startGgcrRegistry,
  type TestRegistry,
  tempDir,
  writeSpec,
} from './harness/index.ts';
import { type KubeApiServer, startKubeApiServer } from './harness/kube.ts';

const skip = missingTools('skopeo', 'imgcompat-ggcr-registry');

let kube: KubeApiServer;
let reg: TestRegistry;
let flags: string[];

before(async () => {
  if (skip) return;
  [kube, reg] = await Promise.all([startKubeApiServer(), startGgcrRegistry()]);
  flags = cliTransportFlags(reg);
});
after(async () => {
  await Promise.all([kube?.stop(), reg?.stop()]);
});

function kubeArgs(): string[] {
  return ['--kubeconfig', kube.kubeconfig, '--context', 'admin'];
}

/** Pushes an image and attaches `spec` to it; returns the image reference. */
async function imageWithSpec(repo: string, tag: string, spec: string): Promise<string> {
  const img = await pushImage(reg, repo, tag);
  const attached = await imgcompat(['attach', img.ref, writeSpec(spec), ...flags]);
  assertExit(attached, 0, `attach ${img.ref}`);
  return img.ref;
}

/** `spec` with `name` as its set tag and one AVX512F/AVX rule, so specs differ by tag and weight. */
function variantSpec(tag: string, weight: number, flag: string): string {
  return `version: v1alpha1
compatibilities:
  - tag: ${tag}
    weight: ${weight}
    rules:
      - name: ${tag}
        matchFeatures:
          - feature: cpu.cpuid
            matchExpressions:
              ${flag}: {op: Exists}
`;
}

type Obj = { kind: string; metadata: { name: string; annotations: Record<string, string> } };

function docs(text: string): Obj[] {
  return parseAllDocuments(text).map((d) => d.toJSON() as Obj);
}

describe('one identity for a spec', { skip }, () => {
  test('nfr generate --spec FILE and --image REF carrying FILE: the same objects, keyed by sha256(FILE)', async () => {
    const file = writeSpec(SPEC);
    const ref = await imageWithSpec('identity/app', 'v1', SPEC);
    const fromFile = await imgcompat(['nfr', 'generate', '--spec', file]);
    assertExit(fromFile, 0, 'generate --spec');
    const fromImage = await imgcompat(['nfr', 'generate', '--image', ref, ...flags]);
    assertExit(fromImage, 0, 'generate --image');
    const a = docs(fromFile.out);
    const b = docs(fromImage.out);
    const d12 = sha256(readFileSync(file)).slice(7, 19);
    assert.deepEqual(
      a.map((o) => o.metadata.name),
      [`imgcompat-${d12}-01-fast`, `imgcompat-${d12}-02-baseline`],
    );
    for (const o of b) {
      assert.equal(o.metadata.annotations['imgcompat.io/image'], ref);
      assert.match(o.metadata.annotations['imgcompat.io/artifact'] ?? '', /^sha256:[0-9a-f]{64}$/);
      delete o.metadata.annotations['imgcompat.io/image'];
      delete o.metadata.annotations['imgcompat.io/artifact'];
    }
    assert.deepEqual(b, a);
    assert.equal(a[0]!.metadata.annotations['imgcompat.io/spec-digest'], sha256(readFileSync(file)));
    // The affinity selects the same labels either way.
    const affFile = await imgcompat(['cluster', 'affinity', '--spec', file, '-o', 'json']);
    const affImage = await imgcompat(['cluster', 'affinity', '--image', ref, ...flags, '-o', 'json']);
    assertExit(affImage, 0, 'affinity --image');
    assert.deepEqual(JSON.parse(affImage.out), JSON.parse(affFile.out));
  });
});

describe('nfr prune', { skip }, () => {
  const NFR = '/apis/nfd.k8s-sigs.io/v1alpha1/nodefeaturerules';
  const NFG = `/apis/nfd.k8s-sigs.io/v1alpha1/namespaces/${NFD_NS}/nodefeaturegroups`;

  async function names(path: string): Promise<string[]> {
    const r = await kube.api('GET', `${path}?labelSelector=app.kubernetes.io%2Fmanaged-by%3Dimgcompat`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return (r.body.items as Obj[]).map((o) => o.metadata.name).sort();
  }

  async function create(path: string, body: unknown): Promise<void> {
    const r = await kube.api('POST', path, body);
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }

  test('deletes what no workload image carries, keeps what one does, keeps on doubt; --dry-run deletes nothing', async () => {
    const used = await imageWithSpec('prune/used', 'v1', variantSpec('used', 1, 'AVX'));
    const cronUsed = await imageWithSpec('prune/cron', 'v1', variantSpec('cron', 1, 'SSE4'));
    const gone = await imageWithSpec('prune/gone', 'v1', variantSpec('gone', 1, 'AVX2'));
    const plain = await pushImage(reg, 'prune/plain', 'v1');
    const fileSpec = writeSpec(variantSpec('file', 1, 'AMXTILE'));
    for (const src of [
      ['--image', used],
      ['--image', cronUsed],
      ['--image', gone],
      ['--spec', fileSpec],
    ]) {
      const g = await imgcompat(['nfr', 'generate', ...src, ...flags, '--apply', ...kubeArgs()]);
      assertExit(g, 0, `generate --apply ${src.join(' ')}`);
    }
    const grp = await imgcompat(['nfg', 'generate', '--image', gone, ...flags, '--apply', ...kubeArgs()]);
    assertExit(grp, 0, 'nfg generate --apply');
    const d12 = async (ref: string) => {
      const r = await imgcompat(['nfr', 'generate', '--image', ref, ...flags, '-o', 'json']);
      return (JSON.parse(r.out).items[0].metadata.name as string).slice(
        'imgcompat-'.length,
        'imgcompat-'.length + 12,
      );
    };
    const [dUsed, dCron, dGone] = [await d12(used), await d12(cronUsed), await d12(gone)];
    const dFile = sha256(readFileSync(fileSpec)).slice(7, 19);
    const allRules = [
      `imgcompat-${dCron}-01-cron`,
      `imgcompat-${dFile}-01-file`,
      `imgcompat-${dGone}-01-gone`,
      `imgcompat-${dUsed}-01-used`,
    ].sort();
    assert.deepEqual(await names(NFR), allRules);
    assert.deepEqual(await names(NFG), [`imgcompat-${dGone}-gone`]);
    // A rule nobody made with imgcompat is never touched.
    await create(NFR, {
      apiVersion: 'nfd.k8s-sigs.io/v1alpha1',
      kind: 'NodeFeatureRule',
      metadata: { name: 'hand-made' },
      spec: { rules: [{ name: 'r', labels: { 'example.com/x': 'y' } }] },
    });

    // Workloads: `used` by two Deployments (pages of one object with --chunk-size 1), `cron` only as a
    // CronJob's init container, and a Pod whose image's registry is unreachable (doubt).
    for (const name of ['web', 'api']) {
      await create('/apis/apps/v1/namespaces/default/deployments', {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name },
        spec: {
          selector: { matchLabels: { app: name } },
          template: {
            metadata: { labels: { app: name } },
            spec: { containers: [{ name: 'c', image: used }] },
          },
        },
      });
    }
    await create('/apis/batch/v1/namespaces/default/cronjobs', {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'nightly' },
      spec: {
        schedule: '0 3 * * *',
        jobTemplate: {
          spec: {
            template: {
              spec: {
                restartPolicy: 'Never',
                initContainers: [{ name: 'prep', image: cronUsed }],
                // An image without any compatibility artifact: it needs nothing, certainly.
                containers: [{ name: 'main', image: plain.ref }],
              },
            },
          },
        },
      },
    });
    await create('/api/v1/namespaces/default/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'doubt' },
      spec: { containers: [{ name: 'c', image: '127.0.0.1:1/unreachable/app:1' }] },
    });

    const pruneArgs = ['nfr', 'prune', ...kubeArgs(), ...flags, '--chunk-size', '1', '--timeout', '5s'];
    const dry = await imgcompat([...pruneArgs, '--dry-run', '-o', 'json']);
    assertExit(dry, 0, 'prune --dry-run');
    const plan = JSON.parse(dry.out) as {
      objects: { kind: string; name: string; action: string; reason: string }[];
    };
    const actions = Object.fromEntries(plan.objects.map((o) => [`${o.kind} ${o.name}`, o.action]));
    assert.deepEqual(actions, {
      [`NodeFeatureRule imgcompat-${dUsed}-01-used`]: 'kept',
      [`NodeFeatureRule imgcompat-${dCron}-01-cron`]: 'kept',
      [`NodeFeatureRule imgcompat-${dGone}-01-gone`]: 'would-delete',
      // Made from --spec (no image recorded): an unreadable image might carry it.
      [`NodeFeatureRule imgcompat-${dFile}-01-file`]: 'kept',
      [`NodeFeatureGroup imgcompat-${dGone}-gone`]: 'would-delete',
    });
    assert.match(
      dry.err,
      /warning: cannot read the compatibility artifact of 127\.0\.0\.1:1\/unreachable\/app:1/,
    );
    assert.deepEqual(await names(NFR), allRules, '--dry-run deleted nothing');

    const real = await imgcompat(pruneArgs);
    assertExit(real, 0, 'prune');
    assert.match(real.out, new RegExp(`NodeFeatureRule imgcompat-${dGone}-01-gone: deleted`));
    assert.deepEqual(
      await names(NFR),
      [`imgcompat-${dCron}-01-cron`, `imgcompat-${dFile}-01-file`, `imgcompat-${dUsed}-01-used`].sort(),
    );
    assert.deepEqual(await names(NFG), []);
    assert.equal((await kube.api('GET', `${NFR}/hand-made`)).status, 200);

    // The doubt gone, the --spec rule goes too; the used ones stay.
    assert.equal((await kube.api('DELETE', '/api/v1/namespaces/default/pods/doubt')).status, 200);
    const again = await imgcompat(pruneArgs);
    assertExit(again, 0, 'prune again');
    assert.deepEqual(await names(NFR), [`imgcompat-${dCron}-01-cron`, `imgcompat-${dUsed}-01-used`].sort());
  });

  test('RBAC: a user who may not list pods gets exit 4 naming the missing rule', async () => {
    const r = await imgcompat(['nfr', 'prune', '--kubeconfig', kube.kubeconfig, '--context', 'unprivileged']);
    assertExit(r, 4, 'prune unprivileged');
    assert.match(r.err, /forbidden|403/i);
  });
});

describe('select and cluster select', { skip }, () => {
  let generic: string;
  let avx512: string;
  let amx: string;
  before(async () => {
    if (skip) return;
    generic = await imageWithSpec('select/app', 'generic', variantSpec('avx', 10, 'AVX'));
    avx512 = await imageWithSpec('select/app', 'avx512', variantSpec('avx512', 100, 'AVX512F'));
    amx = await imageWithSpec('select/app', 'amx', variantSpec('amx', 200, 'AMXTILE'));
    const ns = await kube.api('POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'vendor' },
    });
    assert.ok(ns.status === 201 || ns.status === 409, JSON.stringify(ns.body));
    for (const input of CLUSTER) {
      const res = await kube.api(
        'POST',
        `/apis/nfd.k8s-sigs.io/v1alpha1/namespaces/${input.namespace ?? NFD_NS}/nodefeatures`,
        nodeFeature(input),
      );
      assert.equal(res.status, 201, JSON.stringify(res.body));
    }
  });

  test('select: this host (a features file) gets the highest-weight fitting variant', async () => {
    const dir = tempDir('imgcompat-select-');
    const features = join(dir, 'features.json');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      features,
      JSON.stringify({ flags: { 'cpu.cpuid': { elements: { AVX: {}, AVX512F: {} } } } }),
    );
    const r = await imgcompat([
      'select',
      '--image',
      amx,
      '--image',
      generic,
      '--image',
      avx512,
      ...flags,
      '--features',
      features,
      '-o',
      'json',
    ]);
    assertExit(r, 0, 'select');
    const doc = JSON.parse(r.out);
    assert.equal(doc.selected, avx512);
    assert.deepEqual(
      doc.variants.map((v: { image: string; fits: boolean }) => [v.image, v.fits]),
      [
        [amx, false],
        [generic, true],
        [avx512, true],
      ],
    );
    const none = await imgcompat(['select', '--image', amx, ...flags, '--features', features]);
    assertExit(none, 1, 'select, nothing fits');
    assert.match(none.out, /selected: none/);
  });

  test('cluster select: per node, from the merged NodeFeature objects; exit 1 only when no node fits', async () => {
    const r = await imgcompat([
      'cluster',
      'select',
      '--image',
      generic,
      '--image',
      avx512,
      ...flags,
      ...kubeArgs(),
      '-o',
      'yaml',
    ]);
    assertExit(r, 0, 'cluster select');
    const doc = parseAllDocuments(r.out)[0]!.toJSON() as {
      nodes: { node: string; selected: string | null }[];
    };
    assert.deepEqual(Object.fromEntries(doc.nodes.map((n) => [n.node, n.selected])), {
      'node-a': avx512,
      'node-b': generic,
      'node-c': avx512,
      'node-d': generic,
      'node-e': null,
    });
    const table = await imgcompat([
      'cluster',
      'select',
      '--image',
      generic,
      '--image',
      avx512,
      ...flags,
      ...kubeArgs(),
    ]);
    assertExit(table, 0, 'cluster select table');
    assert.match(table.out, /^node-e +- +no variant fits$/m);
    assert.match(table.out, /4 of 5 nodes have a fitting variant/);
    const none = await imgcompat(['cluster', 'select', '--image', amx, ...flags, ...kubeArgs()]);
    assertExit(none, 1, 'cluster select, no node fits');
  });
});
