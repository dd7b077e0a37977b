/** The webhook server with a substituted lookup: deadline, cache, health and routing. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { after, before, test } from 'node:test';
import type { Lookup } from '../../../src/k8s/webhook/artifact-cache.ts';
import { type ImageCompat, type RunningWebhook, startWebhook } from '../../../src/k8s/webhook/server.ts';
import { callWebhook, makeTlsMaterial, podReview, tempDir } from '../../e2e/harness/index.ts';

let hook: RunningWebhook;
let ca: string;
let lookups = 0;
const logs: string[] = [];
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
    log: (l) => logs.push(l),
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

const call = (method: string, path: string, body?: unknown) => callWebhook(hook.port, ca, method, path, body);

const review = (...images: string[]) =>
  podReview({ metadata: {}, spec: { containers: images.map((image) => ({ image })) } }, { uid: 'u' });

test('health and routing', async () => {
  assert.deepEqual(await call('GET', '/healthz'), { status: 200, text: 'ok\n' });
  assert.equal((await call('GET', '/other')).status, 404);
  assert.equal((await call('GET', '/mutate')).status, 405);
});

test('an accept failure after listening is logged; the webhook keeps serving', async () => {
  const emfile = Object.assign(new Error('accept EMFILE'), { code: 'EMFILE', syscall: 'accept' });
  assert.doesNotThrow(() => hook.server.emit('error', emfile));
  assert.ok(
    logs.some((l) => l.includes('accepting a connection failed: accept EMFILE')),
    logs.join('\n'),
  );
  assert.equal((await call('GET', '/healthz')).status, 200);
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

function postRaw(body: Buffer): Promise<{ status: number; text: string; type: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: hook.port, method: 'POST', path: '/mutate', ca },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text, type: String(res.headers['content-type']) }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

test('a body over the cap gets HTTP 400 with an AdmissionReview-shaped error, not a reset', async () => {
  const r = await postRaw(Buffer.alloc(5 * 1024 * 1024, 0x20));
  assert.equal(r.status, 400);
  assert.match(r.type, /application\/json/);
  const doc = JSON.parse(r.text);
  assert.equal(doc.kind, 'AdmissionReview');
  assert.equal(doc.response.allowed, false);
  assert.equal(doc.response.status.code, 400);
  assert.match(doc.response.status.message, /larger than the webhook's limit of 4194304 bytes/);
  // The server still answers afterwards.
  assert.equal((await call('GET', '/healthz')).status, 200);
});

test('a pod with 3,000 images: 64 looked up, the rest named, annotations well under 256 KiB', async () => {
  const before = lookups;
  const images = Array.from({ length: 3000 }, (_, i) => `registry.example/team/app-${i}:v${i}`);
  const r = await call('POST', '/mutate', review(...images));
  assert.equal(r.status, 200);
  assert.equal(lookups - before, 64);
  const res = JSON.parse(r.text).response;
  assert.equal(res.allowed, true);
  const ops = JSON.parse(Buffer.from(res.patch, 'base64').toString()) as { path: string; value: unknown }[];
  const annotations = ops.find((o) => o.path === '/metadata/annotations')?.value as Record<string, string>;
  const total = Object.entries(annotations).reduce(
    (n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v),
    0,
  );
  assert.ok(total < 128 * 1024, `annotations total ${total} bytes`);
  assert.ok(Buffer.byteLength(JSON.stringify(ops)) < 256 * 1024);
  const skipped = JSON.parse(annotations['imgcompat.io/skipped'] ?? '[]') as string[];
  assert.equal(skipped[0], images[64]);
  assert.match(skipped.at(-1) ?? '', /^… \d+ more not shown$/);
  const named = skipped.length - 1;
  assert.equal(Number(/… (\d+) more/.exec(skipped.at(-1) ?? '')?.[1]), 3000 - 64 - named);
  const artifacts = JSON.parse(annotations['imgcompat.io/artifacts'] ?? '{}') as Record<string, unknown>;
  assert.ok((images[0] as string) in artifacts);
  assert.ok(res.warnings.length <= 16);
});
