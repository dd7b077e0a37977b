// Issue 11 benchmark: the admission webhook's /healthz while hostile specs are admitted. Five images in a
// real registry (docker-registry, pushed with skopeo, attached with oras) each carry a different spec of
// 20,000 compatibility sets (~3 MB, under the 4 MiB spec cap; seconds to load in one thread). Pods naming
// them are admitted one after another (each spec once: its failure is then cached) while /healthz is
// probed every 10 ms. Target: /healthz p99 ≤ 50 ms. Also reported: /healthz of the idle webhook over the
// same span first (what the machine's load alone costs: the probe client shares the webhook's process and
// the 2 cores with everything else), the event loop's delay during the admissions (monitorEventLoopDelay,
// 5 ms resolution: what blocks the main thread), review latencies and the process's peak RSS (the spec
// workers' heaps are capped at 64 MiB each).
// Needs the e2e tools (scripts/install-test-deps.sh) and a build (npx tsc -p tsconfig.json).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { root } from './lib/seed-spec.mjs';

const IMAGES = 5;
const load = (rel) => import(pathToFileURL(join(root, 'build', rel)).href);
const percentile = (s, p) => s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
const round = (n) => Math.round(n * 100) / 100;
function stats(ms) {
  const s = [...ms].sort((a, b) => a - b);
  return { n: s.length, p50: round(percentile(s, 50)), p99: round(percentile(s, 99)), max: round(s.at(-1)) };
}

export async function run() {
  const { startWebhook } = await load('src/k8s/webhook/server.js');
  const h = await load('test/e2e/harness/index.js');
  const { slowSpec } = await load('test/e2e/harness/fixtures.js');
  const { orasAttach } = await load('test/e2e/harness/oras.js');

  const reg = await h.startDockerRegistry();
  const refs = [];
  for (let i = 0; i < IMAGES; i++) {
    const img = await h.pushImage(reg, `hostile${i}`, '1');
    await orasAttach(reg, img.ref, h.writeSpec(`# variant ${i}\n${slowSpec(20_000)}`));
    refs.push(img.ref);
  }
  const tls = await h.makeTlsMaterial(h.tempDir('imgcompat-bench-hostile-'));
  const hook = await startWebhook({
    cert: readFileSync(tls.serverCert),
    key: readFileSync(tls.serverKey),
    host: '127.0.0.1',
    port: 0,
    deadlineMs: 10_000,
    policy: 'Ignore',
    registry: { plainHttp: true },
    cacheTtlMs: 60_000,
    negativeCacheTtlMs: 60_000,
    log: () => {},
  });
  const call = (method, path, body) => h.callWebhook(hook.port, tls.caPem, method, path, body);
  const review = (uid, image) => ({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid,
      kind: { group: '', version: 'v1', kind: 'Pod' },
      operation: 'CREATE',
      object: { metadata: { name: uid }, spec: { containers: [{ image }] } },
    },
  });

  let done = false;
  let health = [];
  let peakRss = 0;
  const probe = async () => {
    while (!done) {
      const t = performance.now();
      await call('GET', '/healthz');
      health.push(performance.now() - t);
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  // The idle webhook first, probed the same way for 10 s.
  let probing = probe();
  await new Promise((r) => setTimeout(r, 10_000));
  done = true;
  await probing;
  const idle = health;
  health = [];
  done = false;
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  probing = probe();
  const reviews = [];
  for (const [i, ref] of refs.entries()) {
    const t = performance.now();
    await call('POST', '/mutate', review(`p${i}`, ref));
    reviews.push(performance.now() - t);
  }
  const cached = [];
  for (const [i, ref] of refs.entries()) {
    const t = performance.now();
    await call('POST', '/mutate', review(`c${i}`, ref));
    cached.push(performance.now() - t);
  }
  done = true;
  await probing;
  loop.disable();
  await hook.close();
  await reg.stop();

  return {
    hostileSpecs: { count: IMAGES, sets: 20_000, bytes: slowSpec(20_000).length },
    specBudgetMs: 8000,
    workersReplaced: hook.specs.replaced,
    healthzMs: stats(health),
    healthzTargetP99Ms: 50,
    healthzIdleMs: stats(idle),
    eventLoopDelayMs: {
      p50: round(loop.percentile(50) / 1e6),
      p99: round(loop.percentile(99) / 1e6),
      max: round(loop.max / 1e6),
    },
    firstReviewMs: stats(reviews),
    cachedReviewMs: stats(cached),
    peakRssMB: Math.round(peakRss / 1e6),
  };
}
