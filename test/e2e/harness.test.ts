/**
 * Self-test of the end-to-end harness, independent of imgcompat's registry commands: every registry
 * variant starts, skopeo pushes single- and multi-platform images byte-exact, oras attaches, discovers
 * and pulls, the token server enforces scopes, and the fault proxy forwards, counts and injects.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  ARTIFACT_TYPE,
  LINUX_AMD64,
  LINUX_ARM64,
  MT,
  missingTools,
  orasAttach,
  orasDiscover,
  orasPull,
  pushImage,
  startDockerRegistry,
  startFaultProxy,
  startGgcrRegistry,
  type TestRegistry,
  tempDir,
} from './harness/index.ts';

const skip = missingTools(
  'docker-registry',
  'skopeo',
  'htpasswd',
  'openssl',
  'imgcompat-ggcr-registry',
  'oras',
);

const ACCEPT = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  MT.manifest,
  MT.index,
].join(', ');

async function headDigest(reg: TestRegistry, repo: string, ref: string, auth?: string): Promise<Response> {
  return fetch(`${reg.scheme}://${reg.host}/v2/${repo}/manifests/${ref}`, {
    method: 'HEAD',
    headers: { accept: ACCEPT, ...(auth ? { authorization: auth } : {}) },
  });
}

describe('e2e harness', { skip }, () => {
  const regs: TestRegistry[] = [];
  let dist: TestRegistry;
  let ggcr: TestRegistry;
  const specDir = tempDir();
  const spec = join(specDir, 'spec.yaml');
  writeFileSync(spec, 'version: v1alpha1\ncompatibilities: []\n');

  before(async () => {
    [dist, ggcr] = await Promise.all([startDockerRegistry(), startGgcrRegistry()]);
    regs.push(dist, ggcr);
  });
  after(async () => {
    await Promise.all(regs.map((r) => r.stop()));
  });

  for (const which of ['docker-registry', 'ggcr'] as const) {
    test(`${which}: skopeo pushes a two-platform index byte-exact; oras attach/discover/pull work`, async () => {
      const reg = which === 'ggcr' ? ggcr : dist;
      const img = await pushImage(reg, 'harness/multi', 'v1', [LINUX_AMD64, LINUX_ARM64]);
      const head = await headDigest(reg, 'harness/multi', 'v1');
      assert.equal(head.status, 200);
      assert.equal(head.headers.get('docker-content-digest'), img.descriptor.digest);
      assert.equal(Object.keys(img.platforms).length, 2);
      const digest = await orasAttach(reg, img.ref, spec);
      const listed = await orasDiscover(reg, img.ref);
      assert.deepEqual(
        listed.map((d) => d.digest),
        [digest],
      );
      const files = await orasPull(reg, `${reg.host}/harness/multi@${digest}`);
      assert.equal(files['spec.yaml']?.toString('utf8'), 'version: v1alpha1\ncompatibilities: []\n');
    });
  }

  test('docker-registry has no referrers API (404), so oras maintained the sha256-<hex> tag', async () => {
    const img = await pushImage(dist, 'harness/single', 'v1');
    const digest = await orasAttach(dist, img.ref, spec);
    const r = await fetch(`http://${dist.host}/v2/harness/single/referrers/${img.descriptor.digest}`);
    assert.equal(r.status, 404);
    const tag = `sha256-${img.descriptor.digest.slice(7)}`;
    const idx = await fetch(`http://${dist.host}/v2/harness/single/manifests/${tag}`, {
      headers: { accept: ACCEPT },
    });
    assert.equal(idx.status, 200);
    const body = (await idx.json()) as { manifests: { digest: string; artifactType: string }[] };
    assert.deepEqual(
      body.manifests.map((m) => [m.digest, m.artifactType]),
      [[digest, ARTIFACT_TYPE]],
    );
  });

  test('ggcr serves the referrers API (with its quirk: artifactType = config media type)', async () => {
    const img = await pushImage(ggcr, 'harness/single', 'v1');
    const digest = await orasAttach(ggcr, img.ref, spec);
    const r = await fetch(`http://${ggcr.host}/v2/harness/single/referrers/${img.descriptor.digest}`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), MT.index);
    const body = (await r.json()) as { manifests: { digest: string; artifactType: string }[] };
    assert.deepEqual(
      body.manifests.map((m) => m.digest),
      [digest],
    );
    assert.equal(body.manifests[0]?.artifactType, 'application/vnd.oci.empty.v1+json');
  });

  test('Basic auth registry: 401 without credentials, skopeo and oras authenticate', async () => {
    const reg = await startDockerRegistry({ auth: 'basic' });
    regs.push(reg);
    const img = await pushImage(reg, 'harness/basic', 'v1');
    const anon = await headDigest(reg, 'harness/basic', 'v1');
    assert.equal(anon.status, 401);
    assert.match(anon.headers.get('www-authenticate') ?? '', /^Basic /);
    const creds = Buffer.from(`${reg.credentials!.username}:${reg.credentials!.password}`).toString('base64');
    const ok = await headDigest(reg, 'harness/basic', 'v1', `Basic ${creds}`);
    assert.equal(ok.headers.get('docker-content-digest'), img.descriptor.digest);
    const digest = await orasAttach(reg, img.ref, spec);
    assert.deepEqual(
      (await orasDiscover(reg, img.ref)).map((d) => d.digest),
      [digest],
    );
  });

  test('token auth registry: Bearer challenge, anonymous token pulls only, user token pushes', async () => {
    const reg = await startDockerRegistry({ auth: 'token' });
    regs.push(reg);
    const img = await pushImage(reg, 'harness/token', 'v1');
    const anon = await headDigest(reg, 'harness/token', 'v1');
    assert.equal(anon.status, 401);
    const challenge = anon.headers.get('www-authenticate') ?? '';
    assert.match(
      challenge,
      /^Bearer realm="http:\/\/127\.0\.0\.1:\d+\/token",service="imgcompat-e2e-registry"/,
    );
    const tokenUrl = `${reg.tokenServer!.realm}?service=imgcompat-e2e-registry&scope=repository:harness/token:pull,push`;
    const anonTok = (await (await fetch(tokenUrl)).json()) as { token: string };
    const pulled = await headDigest(reg, 'harness/token', 'v1', `Bearer ${anonTok.token}`);
    assert.equal(pulled.headers.get('docker-content-digest'), img.descriptor.digest);
    const push = await fetch(`http://${reg.host}/v2/harness/token/blobs/uploads/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${anonTok.token}` },
    });
    assert.equal(push.status, 401);
    assert.match(push.headers.get('www-authenticate') ?? '', /insufficient_scope/);
    const bad = await fetch(tokenUrl, {
      headers: { authorization: `Basic ${Buffer.from('alice:nope').toString('base64')}` },
    });
    assert.equal(bad.status, 401);
    const digest = await orasAttach(reg, img.ref, spec);
    assert.deepEqual(
      (await orasDiscover(reg, img.ref)).map((d) => d.digest),
      [digest],
    );
  });

  test('TLS registry: trusted with the generated CA, refused without it', async () => {
    const reg = await startDockerRegistry({ tls: true });
    regs.push(reg);
    const img = await pushImage(reg, 'harness/tls', 'v1');
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpsRequest(
        `https://${reg.host}/v2/harness/tls/manifests/v1`,
        { method: 'HEAD', ca: reg.tls!.caPem, headers: { accept: ACCEPT } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 200);
    await assert.rejects(fetch(`https://${reg.host}/v2/`));
    assert.ok(img.descriptor.digest.startsWith('sha256:'));
  });

  test('fault proxy forwards uploads (Location rewritten), counts by class, injects faults', async () => {
    const proxy = await startFaultProxy(`http://${dist.host}`);
    try {
      const viaProxy: TestRegistry = { ...dist, host: proxy.host };
      const img = await pushImage(viaProxy, 'harness/proxied', 'v1');
      const c = proxy.counts();
      assert.ok((c['POST upload'] ?? 0) >= 1, JSON.stringify(c));
      assert.ok((c['PUT upload'] ?? 0) >= 1, JSON.stringify(c));
      proxy.reset();
      proxy.inject({
        method: 'HEAD',
        pathClass: 'manifest',
        times: 2,
        fault: { kind: 'status', status: 503 },
      });
      assert.equal((await headDigest(viaProxy, 'harness/proxied', 'v1')).status, 503);
      assert.equal((await headDigest(viaProxy, 'harness/proxied', 'v1')).status, 503);
      const third = await headDigest(viaProxy, 'harness/proxied', 'v1');
      assert.equal(third.headers.get('docker-content-digest'), img.descriptor.digest);
      assert.deepEqual(proxy.counts(), { 'HEAD manifest': 3 });
      proxy.inject({ method: 'GET', pathClass: 'manifest', times: 1, fault: { kind: 'corrupt' } });
      const url = `http://${proxy.host}/v2/harness/proxied/manifests/${img.descriptor.digest}`;
      const corrupted = Buffer.from(await (await fetch(url, { headers: { accept: ACCEPT } })).arrayBuffer());
      const clean = Buffer.from(await (await fetch(url, { headers: { accept: ACCEPT } })).arrayBuffer());
      assert.equal(corrupted.length, clean.length);
      assert.notDeepEqual(corrupted, clean);
      proxy.inject({ method: 'GET', pathClass: 'manifest', times: 1, fault: { kind: 'truncate' } });
      await assert.rejects(async () => {
        await (await fetch(url, { headers: { accept: ACCEPT } })).arrayBuffer();
      });
    } finally {
      await proxy.close();
    }
  });
});
