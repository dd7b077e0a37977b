import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { loadSpec } from '../../src/core/load/load-spec.ts';
import { featuresRead } from '../../src/core/match/features-read.ts';
import { KubeApiError } from '../../src/errors.ts';
import { evaluateNode } from '../../src/k8s/cluster-eval.ts';
import type {
  NodeFeatureListOptions,
  NodeFeatureObject,
  NodeFeaturePage,
} from '../../src/k8s/kube-client.ts';
import {
  type ListNodeFeaturePages,
  projectObject,
  type StreamNodesOptions,
  streamNodes,
} from '../../src/k8s/node-stream.ts';
import { groupByNode, type NodeObjects } from '../../src/k8s/nodefeatures.ts';
import { CLUSTER, NFD_NS, nodeFeature, SPEC } from './cluster-fixtures.ts';

const LABEL = 'nfd.node.kubernetes.io/node-name';

function nf(name: string, namespace: string, node: string, features: unknown = {}): NodeFeatureObject {
  return { metadata: { name, namespace, labels: { [LABEL]: node } }, spec: { features } };
}

interface FakeCall extends NodeFeatureListOptions {
  page: number;
}

/**
 * An in-memory list with the API server's paging contract: `limit` objects per page, every page of one
 * list at one resourceVersion, a namespace filter. `order` permutes the objects (the API server's order
 * is by namespace and name; the stream must not depend on it). `fail` injects errors.
 */
function fakeLister(
  objects: readonly NodeFeatureObject[],
  o: {
    order?: (objs: NodeFeatureObject[]) => NodeFeatureObject[];
    fail?: (call: FakeCall, callIndex: number) => Error | undefined;
    secondList?: readonly NodeFeatureObject[];
  } = {},
): { list: ListNodeFeaturePages; calls: FakeCall[] } {
  const calls: FakeCall[] = [];
  let lists = 0;
  const list: ListNodeFeaturePages = (opts) => {
    const listIndex = lists++;
    return (async function* (): AsyncGenerator<NodeFeaturePage> {
      const source = listIndex > 0 && o.secondList ? o.secondList : objects;
      let items = source.filter(
        (x) => opts.namespace === undefined || x.metadata.namespace === opts.namespace,
      );
      items = o.order ? o.order([...items]) : items;
      for (let i = 0, page = 0; i < items.length || (i === 0 && page === 0); i += opts.pageSize, page++) {
        const call = { ...opts, page };
        calls.push(call);
        const err = o.fail?.(call, calls.length - 1);
        if (err) throw err;
        const slice = items
          .slice(i, i + opts.pageSize)
          .map((x) => (opts.metadataOnly ? { metadata: structuredClone(x.metadata) } : structuredClone(x)));
        yield { items: slice, resourceVersion: '42' };
        if (items.length === 0) break;
      }
    })();
  };
  return { list, calls };
}

async function collect(
  list: ListNodeFeaturePages,
  opts: Partial<StreamNodesOptions> = {},
): Promise<{ nodes: NodeObjects[]; restarts: number; stats: Awaited<ReturnType<typeof streamNodes>> }> {
  let nodes: NodeObjects[] = [];
  let restarts = 0;
  const stats = await streamNodes(
    list,
    {
      pageSize: 2,
      masterNamespace: 'nfd',
      onRestart: () => {
        restarts++;
        nodes = [];
      },
      ...opts,
    },
    (n) => nodes.push(n),
  );
  nodes.sort((a, b) => (a.node < b.node ? -1 : 1));
  return { nodes, restarts, stats };
}

const keys = (nodes: NodeObjects[]) =>
  nodes.map((n) => [n.node, n.objects.map((o) => `${o.metadata.namespace}/${o.metadata.name}`)]);

test("a node's objects split across pages and namespaces are merged once, in nfd-master's order", async () => {
  const objs = [
    nf('z-extra', 'alpha', 'n1'),
    nf('n1', 'zeta', 'n1'),
    nf('a-extra', 'zeta', 'n1'),
    nf('n1', 'nfd', 'n1'),
    nf('a-extra', 'beta', 'n1'),
    nf('n2', 'nfd', 'n2'),
    nf('n3', 'nfd', 'n3'),
    nf('n3-more', 'nfd', 'n3'),
  ];
  for (const pageSize of [1, 2, 3, 100]) {
    const { list, calls } = fakeLister(objs);
    const { nodes, stats } = await collect(list, { pageSize });
    assert.deepEqual(keys(nodes), [
      ['n1', ['nfd/n1', 'beta/a-extra', 'zeta/a-extra', 'zeta/n1', 'alpha/z-extra']],
      ['n2', ['nfd/n2']],
      ['n3', ['nfd/n3', 'nfd/n3-more']],
    ]);
    assert.equal(stats.objects, 8);
    assert.equal(stats.nodes, 3);
    // The metadata pass lists all namespaces; then one list per namespace at its version.
    const full = calls.filter((c) => !c.metadataOnly && c.page === 0);
    assert.deepEqual(full.map((c) => c.namespace).sort(), ['alpha', 'beta', 'nfd', 'zeta']);
    assert.ok(full.every((c) => c.resourceVersion === '42'));
    assert.ok(calls.filter((c) => c.metadataOnly).every((c) => c.namespace === undefined));
  }
});

test('any page size and any listing order give the grouping of the whole list', async () => {
  const object = fc
    .record({
      node: fc.constantFrom('n1', 'n2', 'n3', 'n4'),
      namespace: fc.constantFrom('nfd', 'alpha', 'zeta'),
      name: fc.constantFrom('a', 'b', 'n1', 'n2', 'z'),
    })
    .map((r) => nf(r.name, r.namespace, r.node, { attributes: { x: { elements: { v: r.name } } } }));
  await fc.assert(
    fc.asyncProperty(
      fc.uniqueArray(object, {
        selector: (o) => `${o.metadata.namespace}/${o.metadata.name}`,
        maxLength: 15,
      }),
      fc.integer({ min: 1, max: 6 }),
      fc.integer(),
      async (objs, pageSize, seed) => {
        // A seeded shuffle of each list's objects.
        const order = (xs: NodeFeatureObject[]) => {
          let s = seed >>> 0;
          for (let i = xs.length - 1; i > 0; i--) {
            s = (Math.imul(s, 1103515245) + 12345) >>> 0;
            const j = s % (i + 1);
            [xs[i], xs[j]] = [xs[j]!, xs[i]!];
          }
          return xs;
        };
        const { nodes, stats } = await collect(fakeLister(objs, { order }).list, { pageSize });
        assert.deepEqual(keys(nodes), keys(groupByNode(objs, 'nfd')));
        assert.equal(stats.objects, objs.length);
      },
    ),
    { numRuns: 200 },
  );
});

test('objects named after their node are merged across namespaces with at most one object held', async () => {
  const objs: NodeFeatureObject[] = [];
  for (let i = 0; i < 50; i++) {
    const node = `n${String(i).padStart(2, '0')}`;
    objs.push(nf(node, 'nfd', node));
    if (i % 3 === 0) objs.push(nf(`${node}-accel`, 'avendor', node));
    if (i % 5 === 0) objs.push(nf(`${node}-fpga`, 'zvendor', node));
  }
  // The API server's order: by namespace, then name.
  objs.sort((a, b) =>
    `${a.metadata.namespace}/${a.metadata.name}` < `${b.metadata.namespace}/${b.metadata.name}` ? -1 : 1,
  );
  const { nodes, stats } = await collect(fakeLister(objs).list, { pageSize: 4 });
  assert.equal(nodes.length, 50);
  assert.deepEqual(
    nodes[15]!.objects.map((o) => o.metadata.namespace),
    ['nfd', 'avendor', 'zvendor'],
  );
  assert.equal(stats.peakHeldObjects, 2);
});

test('objects held for an incomplete node are reduced to the sets read', async () => {
  const big = { flags: { 'cpu.cpuid': { elements: { AVX: {} } }, 'kernel.loadedmodule': { elements: {} } } };
  const objs = [
    nf('w1', 'nfd', 'n1', big),
    nf('w2', 'nfd', 'n2', big),
    nf('w3', 'nfd', 'n3', big),
    nf('accel', 'vendor', 'n1', { attributes: { 'vendor.accel': { elements: { model: 'x' } } } }),
    nf('accel', 'zvendor', 'n2', { attributes: { 'vendor.accel': { elements: { model: 'y' } } } }),
  ];
  const keep = new Set(['cpu.cpuid']);
  const { nodes, stats } = await collect(fakeLister(objs).list, { keepFeatures: keep, pageSize: 1 });
  assert.equal(stats.peakHeldObjects, 2, 'the two vendor objects, nfd-worker objects never');
  const n1 = nodes.find((n) => n.node === 'n1')!;
  // The last object of a node arrives whole; the held one keeps only cpu.cpuid (it has none).
  assert.deepEqual(n1.objects[1]!.spec, { features: { attributes: {} } });
  assert.deepEqual(n1.objects[0]!.spec, { features: big });
});

test('reducing held objects to the sets the spec reads changes no verdict', async () => {
  const spec = loadSpec(SPEC, { file: 'spec.yaml' }).spec;
  const keep = featuresRead(spec, []);
  assert.deepEqual([...keep].sort(), ['cpu.cpuid', 'kernel.loadedmodule', 'kernel.version']);
  // The fixture cluster plus a node whose vendor object (read before the node's other object: its name
  // sorts first, so it is held) carries a malformed set the spec never reads: the node is still skipped,
  // as merging the whole objects skips it.
  const objs = [
    ...CLUSTER.map((i) => nodeFeature(i) as unknown as NodeFeatureObject),
    nf('node-f', NFD_NS, 'node-f', { flags: { 'cpu.cpuid': { elements: { AVX: {} } } } }),
    nf('a-node-f-x', 'vendor', 'node-f', { attributes: { 'usb.device': { elements: { n: 3 } } } }),
  ];
  const whole = groupByNode(objs, NFD_NS).map((n) => evaluateNode(spec, n, []));
  const { nodes, stats } = await collect(fakeLister(objs).list, {
    masterNamespace: NFD_NS,
    keepFeatures: keep,
    pageSize: 1,
  });
  assert.equal(stats.peakHeldObjects, 1);
  const streamed = nodes.map((n) => evaluateNode(spec, n, []));
  assert.deepEqual(streamed, whole);
  assert.match(
    streamed.at(-1)!.skipped ?? '',
    /vendor\/a-node-f-x: spec\.features\.attributes\["usb\.device"\]/,
  );
  assert.ok(streamed.find((v) => v.node === 'node-c')!.compatible, 'node-c passes only when merged');
});

test('projectObject keeps metadata and only the named sets', () => {
  const pci = { elements: [{ attributes: { vendor: '8086' } }] };
  const o = nf('w', 'nfd', 'n', {
    flags: { 'cpu.cpuid': { elements: { A: {} } }, other: { elements: {} } },
    instances: { 'pci.device': pci },
  });
  assert.deepEqual(projectObject(o, new Set(['pci.device'])), {
    metadata: { name: 'w', namespace: 'nfd' },
    spec: { features: { flags: {}, instances: { 'pci.device': pci } } },
  });
  assert.equal(projectObject(o, undefined), o);
});

const gone = () =>
  new KubeApiError('the Kubernetes API server answered 410 Gone: continue too old', 'E_KUBE_EXPIRED', 410);

test('410 Gone on a continue token restarts on a new snapshot and forgets what was handed over', async () => {
  const objs = [nf('n1', 'nfd', 'n1'), nf('n2', 'nfd', 'n2'), nf('n3', 'nfd', 'n3'), nf('n4', 'nfd', 'n4')];
  let failed = false;
  const { list } = fakeLister(objs, {
    fail: (c) => {
      // The second page of the first full list: n1 and n2 have been handed over already.
      if (!failed && !c.metadataOnly && c.page === 1) {
        failed = true;
        return gone();
      }
      return undefined;
    },
  });
  const { nodes, restarts, stats } = await collect(list, { pageSize: 2 });
  assert.equal(restarts, 1);
  assert.equal(stats.snapshots, 2);
  assert.deepEqual(
    nodes.map((n) => n.node),
    ['n1', 'n2', 'n3', 'n4'],
  );
});

test('410 Gone on every snapshot: a clear error after the last attempt', async () => {
  const { list } = fakeLister([nf('n1', 'nfd', 'n1')], {
    fail: (c) => (c.metadataOnly ? undefined : gone()),
  });
  await assert.rejects(
    collect(list, { attempts: 3 }),
    (e: unknown) =>
      e instanceof KubeApiError &&
      e.code === 'E_KUBE_EXPIRED' &&
      /NodeFeature list expired 3 times before its last page was read \(410 Gone/.test(e.message) &&
      /--chunk-size/.test(e.message),
  );
});

test('other errors are not retried', async () => {
  let calls = 0;
  const { list } = fakeLister([nf('n1', 'nfd', 'n1')], {
    fail: () => {
      calls++;
      return new KubeApiError('forbidden', 'E_KUBE_FORBIDDEN', 403);
    },
  });
  await assert.rejects(collect(list), /forbidden/);
  assert.equal(calls, 1);
});

test('--node-selector: only the selected nodes are handed over; others are never held', async () => {
  const objs = [
    nf('n1', 'nfd', 'n1'),
    nf('x', 'alpha', 'n1'),
    nf('n2', 'nfd', 'n2'),
    nf('x2', 'alpha', 'n2'),
    nf('n3', 'nfd', 'n3'),
  ];
  const { nodes, stats } = await collect(fakeLister(objs).list, { only: new Set(['n2', 'n3', 'n9']) });
  assert.deepEqual(keys(nodes), [
    ['n2', ['nfd/n2', 'alpha/x2']],
    ['n3', ['nfd/n3']],
  ]);
  assert.equal(stats.objects, 3);
  assert.equal(stats.peakHeldObjects, 1);
});

test('lists that disagree (an API server not honouring the resourceVersion) are an error, not a wrong answer', async () => {
  const objs = [nf('n1', 'nfd', 'n1'), nf('x', 'alpha', 'n1')];
  const { list } = fakeLister(objs, { secondList: [nf('n1', 'nfd', 'n1')] });
  await assert.rejects(
    collect(list),
    /NodeFeature lists at resourceVersion 42 disagree: 1 object\(s\) of node n1 were not listed again/,
  );
  const more = fakeLister([nf('n1', 'nfd', 'n1')], {
    secondList: [nf('n1', 'nfd', 'n1'), nf('n1b', 'nfd', 'n1')],
  });
  await assert.rejects(collect(more.list), /node n1 has an object the first list did not show \(nfd\/n1b\)/);
});

test('no objects: nothing handed over, one list', async () => {
  const { list, calls } = fakeLister([]);
  const { nodes, stats } = await collect(list);
  assert.deepEqual(nodes, []);
  assert.equal(stats.objects, 0);
  assert.equal(calls.length, 1);
});
