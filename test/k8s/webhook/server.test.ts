/** The webhook server with a substituted lookup: deadline, cache, health and routing. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { after, before, test } from 'node:test';
import type { Lookup } from '../../../src/k8s/webhook/artifact-cache.ts';
import { type ImageCompat, type RunningWebhook, startWebhook } from '../../../src/k8s/webhook/server.ts';
import { makeTlsMaterial, tempDir } from '../../e2e/harness/index.ts';

let hook: RunningWebhook;
let ca: string;
let lookups = 0;
const D = `sha256:${'12'.repeat(32)}`;

before(async () => {
  const tls = await makeTlsMaterial(tempDir('imgcompat-webhook-unit-'));
  ca = tls.caPem;
  hook = await startWebhook({
    cert: readFileSync(tls.serverCert),
    key: readFileSync(tls.serverKey),
    host: '127.0.0.1',
    port: 0,
    deadlineMs: 300,
    policy: 'Fail',
    registry: {},
    cacheTtlMs: 60_000,
    negativeCacheTtlMs: 60_000,
    log: () => {},
    lookup: (image): Promise<Lookup<ImageCompat>> => {
      lookups++;
      if (image === 'hang') return new Promise(() => {});
      return Promise.resolve({
        subject: D,
        value: {
          artifact: D,
          spec: D,
          sets: [{ label: 'compat.feature.node.kubernetes.io/121212121212.set1', weight: 1 }],
        },
      });
    },
  });
});
after(() => hook?.close());

function call(method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: hook.port, method, path, ca }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const review = (image: string) => ({
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  request: {
    uid: 'u',
    kind: { group: '', version: 'v1', kind: 'Pod' },
    operation: 'CREATE',
    object: { metadata: {}, spec: { containers: [{ image }] } },
  },
});

test('health and routing', async () => {
  assert.deepEqual(await call('GET', '/healthz'), { status: 200, text: 'ok\n' });
  assert.equal((await call('GET', '/other')).status, 404);
  assert.equal((await call('GET', '/mutate')).status, 405);
});

test('a warm image is answered from the cache', async () => {
  const before = lookups;
  for (let i = 0; i < 3; i++) {
    const r = await call('POST', '/mutate', review('app'));
    assert.equal(r.status, 200);
    assert.equal(JSON.parse(r.text).response.patchType, 'JSONPatch');
  }
  assert.equal(lookups - before, 1);
  assert.equal(hook.cache.hits, 2);
});

test('a lookup that never ends is cut by the deadline and the policy applies', async () => {
  const r = await call('POST', '/mutate', review('hang'));
  assert.equal(r.status, 200);
  const res = JSON.parse(r.text).response;
  assert.equal(res.allowed, false);
  assert.match(res.status.message, /within the webhook's deadline of 0\.3s/);
});
