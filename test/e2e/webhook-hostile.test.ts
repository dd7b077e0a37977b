/**
 * The admission webhook against a hostile spec from a real registry (docker-registry, pushed with
 * skopeo, attached with oras): a spec that takes seconds to load is evaluated off the event loop, so
 * `/healthz` keeps answering; the evaluation is cut by its budget under the deadline, the failure
 * policy applies, and the failure is cached, so the next pod costs no evaluation and no registry request.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { type RunningWebhook, startWebhook } from '../../src/k8s/webhook/server.ts';
import { slowSpec } from './harness/fixtures.ts';
import {
  callWebhook,
  makeTlsMaterial,
  missingTools,
  type PushedImage,
  podReview,
  pushImage,
  startDockerRegistry,
  type TestRegistry,
  tempDir,
  writeSpec,
} from './harness/index.ts';
import { orasAttach } from './harness/oras.ts';

const skip = missingTools('docker-registry', 'skopeo', 'oras', 'openssl');

let reg: TestRegistry;
let hook: RunningWebhook;
let ca: string;
let image: PushedImage;
const logs: string[] = [];

const call = (method: string, path: string, body?: unknown) => callWebhook(hook.port, ca, method, path, body);

const review = (uid: string, ref: string) =>
  podReview({ metadata: { name: uid }, spec: { containers: [{ image: ref }] } }, { uid });

describe('webhook: a hostile spec', { skip }, () => {
  before(async () => {
    reg = await startDockerRegistry();
    image = await pushImage(reg, 'hostile', '1');
    await orasAttach(reg, image.ref, writeSpec(slowSpec(20_000)));
    const tls = await makeTlsMaterial(tempDir('imgcompat-webhook-hostile-'));
    ca = tls.caPem;
    hook = await startWebhook({
      cert: readFileSync(tls.serverCert),
      key: readFileSync(tls.serverKey),
      host: '127.0.0.1',
      port: 0,
      deadlineMs: 3000,
      specBudgetMs: 1500,
      policy: 'Ignore',
      registry: { plainHttp: true },
      cacheTtlMs: 60_000,
      negativeCacheTtlMs: 60_000,
      log: (l) => logs.push(l),
    });
  });
  after(async () => {
    await hook?.close();
    await reg?.stop();
  });

  test('/healthz answers while the spec is evaluated; the budget cuts it; the failure is cached', async () => {
    const admitted = call('POST', '/mutate', review('first', image.ref));
    let done = false;
    void admitted.finally(() => {
      done = true;
    });
    let worst = 0;
    let probes = 0;
    while (!done) {
      const t = performance.now();
      assert.equal((await call('GET', '/healthz')).status, 200);
      worst = Math.max(worst, performance.now() - t);
      probes++;
      await new Promise((r) => setTimeout(r, 10));
    }
    const first = JSON.parse((await admitted).text).response;
    assert.equal(first.allowed, true, 'policy Ignore admits the pod');
    const ops = JSON.parse(Buffer.from(first.patch, 'base64').toString()) as { value: unknown }[];
    const errors = JSON.parse(
      ((ops[0]?.value ?? {}) as Record<string, string>)['imgcompat.io/errors'] ?? '{}',
    );
    assert.match(
      errors[image.ref],
      /unusable compatibility artifact .*hostile@sha256:[0-9a-f]{64}: evaluating the spec (takes longer than the 1500 ms allowed|needs more than the 64 MiB heap allowed)/,
    );
    assert.ok(probes >= 5, `only ${probes} health probes during the review`);
    // Loose bound (loaded test machines); the in-thread evaluation blocked it for seconds. The 50 ms
    // target is measured by bench/webhook-hostile.bench.mjs.
    assert.ok(worst < 250, `/healthz took ${worst.toFixed(0)} ms while the spec was evaluated`);
    assert.equal(hook.specs.replaced, 1);

    const hits = hook.cache.hits;
    const second = JSON.parse((await call('POST', '/mutate', review('second', image.ref))).text).response;
    const ops2 = JSON.parse(Buffer.from(second.patch, 'base64').toString()) as { value: unknown }[];
    assert.deepEqual(
      JSON.parse(((ops2[0]?.value ?? {}) as Record<string, string>)['imgcompat.io/errors'] ?? '{}'),
      errors,
    );
    assert.equal(hook.cache.hits, hits + 1, 'answered from the cache: no registry request');
    assert.equal(hook.specs.replaced, 1, 'not evaluated again');
  });
});
