import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { after, before, test } from 'node:test';
import { fallbackIndexTuning, nextLink } from '../../src/registry/referrers.ts';
import { RegistryClient } from '../../src/registry/remote.ts';
import { json, type Recorded, startServer } from './helpers/http-server.ts';

const AT = 'application/vnd.nfd.image-compatibility.v1alpha1';
const INDEX = 'application/vnd.oci.image.index.v1+json';
const sha = (s: string) => `sha256:${createHash('sha256').update(s).digest('hex')}`;
const SUBJECT = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha('subject'), size: 7 };
const d = (name: string, artifactType?: string, created?: string) => ({
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  digest: sha(name),
  size: 100,
  ...(artifactType ? { artifactType } : {}),
  ...(created ? { annotations: { 'org.opencontainers.image.created': created } } : {}),
});

let savedSleep: typeof fallbackIndexTuning.sleep;
before(() => {
  savedSleep = fallbackIndexTuning.sleep;
  fallbackIndexTuning.sleep = async () => {};
});
after(() => {
  fallbackIndexTuning.sleep = savedSleep;
});

test('Link: next page resolved against the request; another origin is refused', () => {
  const cur = new URL('http://r.example:5000/v2/a/referrers/sha256:1?artifactType=x');
  assert.equal(
    nextLink('</v2/a/referrers/sha256:1?last=b>; rel="next"', cur)?.href,
    'http://r.example:5000/v2/a/referrers/sha256:1?last=b',
  );
  assert.equal(nextLink('<http://r.example:5000/p2>; rel=next', cur)?.href, 'http://r.example:5000/p2');
  assert.equal(nextLink('<http://other.example/p2>; rel="next"', cur), null);
  assert.equal(nextLink('</x>; rel="prev"', cur), undefined);
  assert.equal(nextLink(null, cur), undefined);
});

function repoFor(host: string) {
  return new RegistryClient({ plainHttp: true }).repository(host, 'app');
}

test('referrers API: pages followed, client-side filter when the registry did not apply it', async () => {
  const srv = await startServer((r: Recorded, res: ServerResponse) => {
    const u = new URL(r.url, 'http://x');
    if (u.searchParams.get('page') === '2') {
      return json(
        res,
        200,
        { schemaVersion: 2, mediaType: INDEX, manifests: [d('c', AT)] },
        { 'content-type': INDEX },
      );
    }
    json(
      res,
      200,
      { schemaVersion: 2, mediaType: INDEX, manifests: [d('a', AT), d('b', 'application/other')] },
      {
        'content-type': INDEX,
        link: `<${u.pathname}?page=2>; rel="next"`,
      },
    );
  });
  const repo = repoFor(srv.host);
  const got = await repo.referrers(SUBJECT, AT);
  assert.deepEqual(
    got.map((x) => x.digest),
    [sha('a'), sha('c')],
  );
  assert.equal(repo.referrersState.capability, 'supported');
  assert.match(srv.requests[0]!.url, /artifactType=application%2Fvnd\.nfd\.image-compatibility\.v1alpha1/);
  await srv.close();
});

test('OCI-Filters-Applied: the registry filtered, nothing is dropped client-side', async () => {
  const srv = await startServer((_r, res) =>
    json(
      res,
      200,
      { schemaVersion: 2, manifests: [d('a', 'application/other')] },
      { 'content-type': INDEX, 'oci-filters-applied': 'artifactType' },
    ),
  );
  assert.equal((await repoFor(srv.host).referrers(SUBJECT, AT)).length, 1);
  await srv.close();
});

test('a descriptor with the empty config type as artifactType is checked against the manifest itself', async () => {
  const manifest = JSON.stringify({
    schemaVersion: 2,
    artifactType: AT,
    annotations: { 'org.opencontainers.image.created': '2026-01-01T00:00:00Z' },
  });
  const desc = {
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    digest: sha(manifest),
    size: manifest.length,
    artifactType: 'application/vnd.oci.empty.v1+json',
  };
  const srv = await startServer((r, res) => {
    if (r.url.includes('/referrers/'))
      return json(res, 200, { schemaVersion: 2, manifests: [desc] }, { 'content-type': INDEX });
    res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' }).end(manifest);
  });
  const got = await repoFor(srv.host).referrers(SUBJECT, AT);
  assert.equal(got.length, 1);
  assert.equal(got[0]!.artifactType, AT);
  assert.equal(got[0]!.annotations?.['org.opencontainers.image.created'], '2026-01-01T00:00:00Z');
  await srv.close();
});

test('404 without NAME_UNKNOWN → tag schema, decided once per repository; NAME_UNKNOWN is an error', async () => {
  const srv = await startServer((r, res) => {
    if (r.url.includes('/referrers/'))
      return void res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found');
    if (r.url.includes('/manifests/sha256-')) {
      return json(
        res,
        200,
        { schemaVersion: 2, mediaType: INDEX, manifests: [d('a', AT), d('a', AT), d('z', 'other')] },
        { 'content-type': INDEX },
      );
    }
    json(res, 404, { errors: [{ code: 'MANIFEST_UNKNOWN' }] });
  });
  const repo = repoFor(srv.host);
  const first = await repo.referrers(SUBJECT, AT);
  assert.deepEqual(
    first.map((x) => x.digest),
    [sha('a')],
    'filtered and de-duplicated',
  );
  assert.equal(repo.referrersState.capability, 'unsupported');
  await repo.referrers(SUBJECT, AT);
  assert.equal(
    srv.requests.filter((r) => r.url.includes('/referrers/')).length,
    1,
    'the API is not probed again',
  );
  await srv.close();

  const gone = await startServer((_r, res) =>
    json(res, 404, { errors: [{ code: 'NAME_UNKNOWN', message: 'repository name not known' }] }),
  );
  await assert.rejects(repoFor(gone.host).referrers(SUBJECT, AT), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'E_NAME_UNKNOWN');
    assert.match(e.message, /repository .*\/app not found.*HTTP 404/);
    return true;
  });
  await gone.close();
});

test('a 200 referrers answer that is an index type but not an index is an error, not a crash', async () => {
  const srv = await startServer(
    (_r, res) => void res.writeHead(200, { 'content-type': INDEX }).end('{"schemaVersion":2}'),
  );
  await assert.rejects(repoFor(srv.host).referrers(SUBJECT, AT), /not a valid image index/);
  await srv.close();
});

test('a registry answering HTML is unsupported for referrers, and the tag then must be an index', async () => {
  const srv = await startServer(
    (_r, res) => void res.writeHead(200, { 'content-type': 'text/html' }).end('<html>hello</html>'),
  );
  assert.deepEqual(await repoFor(srv.host).referrers(SUBJECT, AT), []);
  await srv.close();
});

/** A minimal manifest store: the fallback path's read-modify-write, with one injected lost update. */
async function manifestStore(opts: { loseFirstTagWrite?: boolean } = {}) {
  const manifests = new Map<string, { type: string; body: string }>();
  let tagWrites = 0;
  const srv = await startServer((r, res) => {
    const m = /^\/v2\/app\/manifests\/(.+)$/.exec(r.url);
    if (r.url.includes('/referrers/')) return void res.writeHead(404).end('404 page not found');
    if (!m) return void res.writeHead(404).end();
    const ref = decodeURIComponent(m[1]!);
    if (r.method === 'PUT') {
      const type = String(r.headers['content-type']);
      const digest = sha(r.body);
      manifests.set(digest, { type, body: r.body });
      if (ref.startsWith('sha256-')) {
        tagWrites++;
        if (opts.loseFirstTagWrite && tagWrites === 1) {
          // Another writer, who read before us, lands its own stale index over ours.
          const stale = JSON.stringify({
            schemaVersion: 2,
            mediaType: INDEX,
            manifests: [d('other-writer', AT)],
          });
          manifests.set(ref, { type: INDEX, body: stale });
        } else manifests.set(ref, { type, body: r.body });
      }
      return void res.writeHead(201, { 'docker-content-digest': digest }).end();
    }
    const hit = manifests.get(ref);
    if (!hit) return json(res, 404, { errors: [{ code: 'MANIFEST_UNKNOWN' }] });
    res.writeHead(200, {
      'content-type': hit.type,
      'docker-content-digest': sha(hit.body),
      'content-length': String(Buffer.byteLength(hit.body)),
    });
    res.end(r.method === 'HEAD' ? undefined : hit.body);
  });
  return { srv, manifests, tagWrites: () => tagWrites };
}

function artifactManifest(n: string) {
  const body = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    artifactType: AT,
    config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: sha('{}'), size: 2 },
    layers: [],
    subject: SUBJECT,
    annotations: { 'org.opencontainers.image.created': '2026-01-01T00:00:00Z', n },
  });
  const bytes = new TextEncoder().encode(body);
  return {
    bytes,
    desc: {
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: sha(body),
      size: bytes.byteLength,
    },
  };
}

test('fallback index: appended as oras does, lost update detected and merged, removal drops only ours', async () => {
  const { srv, tagWrites } = await manifestStore({ loseFirstTagWrite: true });
  const repo = repoFor(srv.host);
  const a = artifactManifest('a');
  await repo.pushManifest(a.desc, a.bytes);
  assert.equal(tagWrites(), 2, 'the overwritten update was detected and written again');
  const list = await repo.referrers(SUBJECT, AT);
  assert.deepEqual(new Set(list.map((x) => x.digest)), new Set([sha('other-writer'), a.desc.digest]));
  const ours = list.find((x) => x.digest === a.desc.digest)!;
  assert.equal(ours.artifactType, AT);
  assert.equal(ours.annotations?.n, 'a', 'all manifest annotations are copied into the index entry');
  // Pushing the same manifest again does not duplicate it.
  await repo.pushManifest(a.desc, a.bytes);
  assert.equal((await repo.referrers(SUBJECT, AT)).length, 2);
  await repo.deleteManifest(a.desc, SUBJECT);
  assert.deepEqual(
    (await repo.referrers(SUBJECT, AT)).map((x) => x.digest),
    [sha('other-writer')],
  );
  await srv.close();
});

test('fallback index: an entry that vanished while its manifest exists is put back (healing)', async () => {
  const { srv, manifests } = await manifestStore();
  const repo = repoFor(srv.host);
  const a = artifactManifest('a');
  const b = artifactManifest('b');
  await repo.pushManifest(a.desc, a.bytes);
  // Let the next pushes' first read see [a], then drop a from the tag behind their back once.
  let dropped = false;
  const origSleep = fallbackIndexTuning.sleep;
  fallbackIndexTuning.sleep = async () => {
    if (dropped) return;
    dropped = true;
    const tag = `sha256-${SUBJECT.digest.slice(7)}`;
    const idx = JSON.parse(manifests.get(tag)!.body);
    idx.manifests = idx.manifests.filter((x: { digest: string }) => x.digest !== a.desc.digest);
    manifests.set(tag, { type: INDEX, body: JSON.stringify(idx) });
  };
  try {
    await repo.pushManifest(b.desc, b.bytes);
  } finally {
    fallbackIndexTuning.sleep = origSleep;
  }
  assert.deepEqual(
    new Set((await repo.referrers(SUBJECT, AT)).map((x) => x.digest)),
    new Set([a.desc.digest, b.desc.digest]),
  );
  await srv.close();
});

test('fallback tag holding a non-index manifest is not overwritten', async () => {
  const { srv, manifests } = await manifestStore();
  const tag = `sha256-${SUBJECT.digest.slice(7)}`;
  manifests.set(tag, {
    type: 'application/vnd.oci.image.manifest.v1+json',
    body: '{"schemaVersion":2,"layers":[]}',
  });
  const a = artifactManifest('a');
  await assert.rejects(repoFor(srv.host).pushManifest(a.desc, a.bytes), { code: 'E_REFERRERS_INDEX' });
  await srv.close();
});
