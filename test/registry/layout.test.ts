import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  attachSpec,
  discoverArtifacts,
  fetchNewestSpec,
  fetchSpecByDigest,
  removeArtifacts,
} from '../../src/registry/index.ts';
import { makeLayout, SPEC_YAML } from './helpers/layout-fixture.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

test('layout: attach, discover newest first, get, remove round-trip', async () => {
  const f = await makeLayout();
  const ref = `oci:${f.dir}:single`;
  const first = await attachSpec(ref, enc(SPEC_YAML), {
    created: new Date('2026-01-01T00:00:00Z'),
    title: 'spec.yaml',
  });
  const second = await attachSpec(ref, enc(`${SPEC_YAML}# v2\n`), {
    created: new Date('2026-02-01T00:00:00Z'),
  });
  assert.equal(first.subject.digest, f.single.manifest.digest);

  const d = await discoverArtifacts(ref);
  assert.deepEqual(
    d.artifacts.map((a) => a.digest),
    [second.artifact.digest, first.artifact.digest],
  );
  // Entries carry artifactType and the created annotation (what oras lists).
  assert.equal(d.artifacts[0]!.artifactType, 'application/vnd.nfd.image-compatibility.v1alpha1');
  assert.equal(d.artifacts[0]!.annotations?.['org.opencontainers.image.created'], '2026-02-01T00:00:00Z');

  const newest = await fetchNewestSpec(ref);
  assert.equal(dec(newest.bytes), `${SPEC_YAML}# v2\n`);
  assert.equal(newest.subjectDigest, f.single.manifest.digest);
  assert.equal(newest.layer.mediaType, 'application/vnd.nfd.image-compatibility.spec.v1alpha1+yaml');

  const older = await fetchSpecByDigest(ref, first.artifact.digest);
  assert.equal(dec(older.bytes), SPEC_YAML);

  // The artifact manifest is stored in index.json untagged, as oras-go's OCI store does.
  const index = JSON.parse(await readFile(join(f.dir, 'index.json'), 'utf8'));
  const entry = index.manifests.find((m: { digest: string }) => m.digest === first.artifact.digest);
  assert.ok(entry);
  assert.equal(entry.annotations['org.opencontainers.image.ref.name'], undefined);

  const removed = await removeArtifacts(ref, { digest: second.artifact.digest });
  assert.deepEqual(
    removed.removed.map((r) => r.digest),
    [second.artifact.digest],
  );
  assert.deepEqual(
    (await discoverArtifacts(ref)).artifacts.map((a) => a.digest),
    [first.artifact.digest],
  );
  await removeArtifacts(ref, { all: true });
  await assert.rejects(fetchNewestSpec(ref), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'E_ARTIFACT_NOT_FOUND');
    assert.match(e.message, /imgcompat attach .* spec\.yaml/);
    return true;
  });
});

test('layout: an artifact attached to the index is not a referrer of a platform manifest, and vice versa', async () => {
  const f = await makeLayout();
  const ref = `oci:${f.dir}:multi`;
  const onIndex = await attachSpec(ref, enc(SPEC_YAML));
  const onArm = await attachSpec(ref, enc(`${SPEC_YAML}# arm\n`), { platform: 'linux/arm64' });
  assert.equal(onIndex.subject.digest, f.index.digest);
  assert.equal(onArm.subject.digest, f.arm.manifest.digest);
  assert.deepEqual(
    (await discoverArtifacts(ref)).artifacts.map((a) => a.digest),
    [onIndex.artifact.digest],
  );
  const arm = await fetchNewestSpec(ref, { platform: 'linux/arm64/v8' });
  assert.equal(dec(arm.bytes), `${SPEC_YAML}# arm\n`);
  await assert.rejects(fetchNewestSpec(ref, { platform: 'linux/amd64' }), { code: 'E_ARTIFACT_NOT_FOUND' });
  await assert.rejects(fetchNewestSpec(ref, { platform: 'linux/s390x' }), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'E_PLATFORM_NOT_FOUND');
    assert.match(e.message, /linux\/amd64, linux\/arm64\/v8/);
    return true;
  });
  // A single-platform manifest matches through its config.
  await attachSpec(`oci:${f.dir}:single`, enc(SPEC_YAML), { platform: 'linux/amd64' });
  await assert.rejects(attachSpec(`oci:${f.dir}:single`, enc(SPEC_YAML), { platform: 'linux/arm64' }), {
    code: 'E_PLATFORM_NOT_FOUND',
  });
});

test('layout: unknown tag and digest are registry errors naming the reference', async () => {
  const f = await makeLayout();
  await assert.rejects(
    discoverArtifacts(`oci:${f.dir}:nope`),
    (e: Error & { code?: string; kind?: string }) => {
      assert.equal(e.kind, 'registry');
      assert.match(e.message, /nope/);
      return true;
    },
  );
  const missing = `sha256:${'ab'.repeat(32)}`;
  await assert.rejects(discoverArtifacts(`oci:${f.dir}@${missing}`), (e: Error & { kind?: string }) => {
    assert.equal(e.kind, 'registry');
    assert.ok(e.message.includes(missing));
    return true;
  });
  // A missing layout is a bad input the user named (exit 3), not a registry error.
  await assert.rejects(discoverArtifacts(`oci:${f.dir}/nowhere:x`), {
    code: 'E_LAYOUT_MISSING',
    kind: 'invalid-input',
  });
});

test('layout: a corrupted blob is a digest mismatch, not silently used', async () => {
  const f = await makeLayout();
  const ref = `oci:${f.dir}:single`;
  const a = await attachSpec(ref, enc(SPEC_YAML));
  const { writeFile } = await import('node:fs/promises');
  const layerDigest = JSON.parse(dec(a.manifest)).layers[0].digest as string;
  await writeFile(join(f.dir, 'blobs', 'sha256', layerDigest.slice(7)), 'tampered');
  await assert.rejects(fetchNewestSpec(ref), { code: 'E_DIGEST_MISMATCH' });
});
