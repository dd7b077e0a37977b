/**
 * Fault injection for the Kubernetes client adapter: a hand-made HTTP server answers 429 before serving a
 * list, as an API server does while a new CRD's storage initialises ("storage is (re)initializing").
 * client-go retries such answers after Retry-After (k8s.io/client-go rest `Request.request`); so do the
 * cluster lifecycle requests.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { connectKube } from '../../src/k8s/kube-client.ts';
import { tempDir } from '../e2e/harness/index.ts';

let server: Server;
let kubeconfig: string;
const seen: string[] = [];
let tooMany = 0;

before(async () => {
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    if (tooMany > 0) {
      tooMany--;
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' });
      res.end(
        JSON.stringify({
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          message: 'storage is (re)initializing',
          code: 429,
        }),
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        apiVersion: 'nfd.k8s-sigs.io/v1alpha1',
        kind: 'NodeFeatureRuleList',
        metadata: {},
        items: [{ metadata: { name: 'imgcompat-0123456789ab-01-fast' } }],
      }),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  kubeconfig = join(tempDir('imgcompat-kubecfg-'), 'config');
  writeFileSync(
    kubeconfig,
    `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`,
  );
});
after(() => new Promise<void>((r) => server.close(() => r())));

async function port() {
  return connectKube({ kubeconfig, timeoutMs: 10_000, env: {}, cwd: '/' });
}

test('a 429 is retried after Retry-After, then the list succeeds', async () => {
  seen.length = 0;
  tooMany = 2;
  const started = Date.now();
  const rules = await (await port()).listNfdObjects(
    'NodeFeatureRule',
    'app.kubernetes.io/managed-by=imgcompat',
    10,
  );
  assert.deepEqual(
    rules.map((r) => [r.kind, r.metadata.name]),
    [['NodeFeatureRule', 'imgcompat-0123456789ab-01-fast']],
  );
  assert.equal(seen.length, 3);
  assert.match(
    seen[0]!,
    /^GET \/apis\/nfd\.k8s-sigs\.io\/v1alpha1\/nodefeaturerules\?.*labelSelector=app\.kubernetes\.io%2Fmanaged-by%3Dimgcompat/,
  );
  assert.ok(Date.now() - started >= 1900, 'waited Retry-After between attempts');
});

test('a 429 that does not stop is reported as an API server error after 6 attempts', async () => {
  seen.length = 0;
  tooMany = 100;
  await assert.rejects(
    async () => (await port()).listNfdObjects('NodeFeatureRule', 'x=y', 10),
    (e: Error & { status?: number }) => e.status === 429 && /storage is \(re\)initializing/.test(e.message),
  );
  assert.equal(seen.length, 6);
  tooMany = 0;
});
