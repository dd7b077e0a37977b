/**
 * The lifecycle on an OCI image layout on disk (`oci:DIR[:tag|@digest]`, as oras `--oci-layout` does;
 * referrers found through `subject`), cross-checked with oras in both directions.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { test } from 'node:test';
import {
  ARTIFACT_TYPE,
  assertCleanFailure,
  assertExit,
  buildLayout,
  imgcompat,
  LINUX_AMD64,
  LINUX_ARM64,
  listedAmong,
  missingTools,
  orasRaw,
  SPEC_MEDIA_TYPE,
  tempDir,
  validSpec,
  writeSpec,
} from './harness/index.ts';

const skip = missingTools('oras');

async function orasDiscoverLayout(layoutRef: string): Promise<string[]> {
  const r = await orasRaw([
    'discover',
    '--oci-layout',
    '--format',
    'json',
    '--artifact-type',
    ARTIFACT_TYPE,
    layoutRef,
  ]);
  const out = JSON.parse(r.stdout) as { referrers?: { digest: string }[] };
  return (out.referrers ?? []).map((d) => d.digest);
}

test('attach → discover → get → remove on an OCI layout, interoperating with oras --oci-layout', {
  skip,
}, async () => {
  const layout = buildLayout([LINUX_AMD64], 'v1', 'oci-layout lifecycle');
  const ref = `oci:${layout.dir}:v1`;
  const specA = validSpec('layout artifact A');
  const a = await imgcompat(['attach', ref, writeSpec(specA)]);
  assertExit(a, 0, 'attach to a layout');

  // oras finds imgcompat's artifact and pulls the same bytes.
  const afterA = await orasDiscoverLayout(`${layout.dir}:v1`);
  assert.equal(afterA.length, 1, 'oras discover lists one artifact');
  const digestA = afterA[0]!;
  const out = tempDir('imgcompat-e2e-oras-pull-');
  await orasRaw(['pull', '--oci-layout', '--output', out, `${layout.dir}@${digestA}`]);
  const pulled = readdirSync(out);
  assert.equal(pulled.length, 1);
  assert.equal(readFileSync(join(out, pulled[0]!), 'utf8'), specA);

  // An artifact attached by oras (dated later) is found and is the newest.
  const specB = validSpec('layout artifact B (oras)');
  const fileB = writeSpec(specB);
  await orasRaw(
    [
      'attach',
      '--oci-layout',
      '--artifact-type',
      ARTIFACT_TYPE,
      '--annotation',
      'org.opencontainers.image.created=2099-01-01T00:00:00Z',
      `${layout.dir}:v1`,
      `${basename(fileB)}:${SPEC_MEDIA_TYPE}`,
    ],
    { cwd: dirname(fileB) },
  );
  const both = await orasDiscoverLayout(`${layout.dir}:v1`);
  assert.equal(both.length, 2);
  const digestB = both.find((d) => d !== digestA)!;

  const g = await imgcompat(['get', ref]);
  assertExit(g, 0, 'get from a layout');
  assert.equal(g.out.trimEnd(), specB.trimEnd());
  const d = await imgcompat(['discover', ref, '--output', 'json']);
  assertExit(d, 0, 'discover on a layout');
  assert.deepEqual(listedAmong(d.out, both), [digestB, digestA], 'newest first');
  const gA = await imgcompat(['get', ref, '--digest', digestA]);
  assertExit(gA, 0, 'get --digest');
  assert.equal(gA.out.trimEnd(), specA.trimEnd());
  const byDigest = await imgcompat(['get', `oci:${layout.dir}@${layout.top.digest}`]);
  assertExit(byDigest, 0, 'get by digest from a layout');
  assert.equal(byDigest.out.trimEnd(), specB.trimEnd());

  assertExit(await imgcompat(['remove', ref, '--digest', digestB]), 0, 'remove --digest');
  assert.deepEqual(await orasDiscoverLayout(`${layout.dir}:v1`), [digestA]);
  assertExit(await imgcompat(['remove', ref, '--all']), 0, 'remove --all');
  assert.deepEqual(await orasDiscoverLayout(`${layout.dir}:v1`), []);
  assertCleanFailure(await imgcompat(['get', ref]), 5, 'get after remove --all');
});

test('--platform on a two-platform layout; a missing layout or tag is a clean error', { skip }, async () => {
  const layout = buildLayout([LINUX_AMD64, LINUX_ARM64], 'v1', 'oci-layout platforms');
  const ref = `oci:${layout.dir}:v1`;
  const spec = validSpec('layout arm64');
  assertExit(
    await imgcompat(['attach', ref, writeSpec(spec), '--platform', 'linux/arm64']),
    0,
    'attach --platform',
  );
  const g = await imgcompat(['get', ref, '--platform', 'linux/arm64']);
  assertExit(g, 0, 'get --platform linux/arm64');
  assert.equal(g.out.trimEnd(), spec.trimEnd());
  assertCleanFailure(await imgcompat(['get', ref]), 5, 'get of the index (nothing attached to it)');

  const noTag = await imgcompat(['get', `oci:${layout.dir}:nope`]);
  assert.notEqual(noTag.code, 0);
  assertCleanFailure(noTag, noTag.code, 'unknown tag in a layout', /nope/);
  const noDir = await imgcompat(['get', `oci:${join(layout.dir, 'missing')}:v1`]);
  assert.notEqual(noDir.code, 0);
  assertCleanFailure(noDir, noDir.code, 'missing layout directory', /missing/);
});
