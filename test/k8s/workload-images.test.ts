import assert from 'node:assert/strict';
import { test } from 'node:test';
import { imagesOf, workloadImages } from '../../src/k8s/workload-images.ts';

const podSpec = {
  initContainers: [{ name: 'init', image: 'reg.example/init:1' }],
  containers: [
    { name: 'app', image: 'reg.example/app:1' },
    { name: 'side', image: 'reg.example/app:1' },
  ],
  ephemeralContainers: [{ name: 'debug', image: 'busybox' }],
};

test('images of every container list, where each kind keeps its pod spec', () => {
  const want = ['reg.example/init:1', 'reg.example/app:1', 'busybox'];
  assert.deepEqual(imagesOf('Pod', { spec: podSpec }), want);
  for (const kind of ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'] as const) {
    assert.deepEqual(imagesOf(kind, { spec: { template: { spec: podSpec } } }), want, kind);
  }
  assert.deepEqual(
    imagesOf('CronJob', { spec: { jobTemplate: { spec: { template: { spec: podSpec } } } } }),
    want,
  );
  // The wrong path for the kind finds nothing.
  assert.deepEqual(imagesOf('CronJob', { spec: { template: { spec: podSpec } } }), []);
});

test('malformed objects give no images instead of throwing; workloads are named for messages', () => {
  assert.deepEqual(imagesOf('Pod', null), []);
  assert.deepEqual(imagesOf('Pod', { spec: { containers: 'x' } }), []);
  assert.deepEqual(imagesOf('Pod', { spec: { containers: [{ image: 7 }, null, { image: '' }] } }), []);
  assert.deepEqual(
    workloadImages('Deployment', {
      metadata: { namespace: 'shop', name: 'web' },
      spec: { template: { spec: { containers: [{ image: 'a:1' }] } } },
    }),
    [{ image: 'a:1', workload: 'Deployment shop/web' }],
  );
});
