/**
 * The compatibility-artifact lifecycle (attach → discover → get → remove) against real registries:
 * docker-registry 2.8 (no referrers API: the `sha256-<hex>` tag schema, oras-go v2 registry/remote/repository.go `Push` (referrers tag schema)/oras-go v2 registry/remote/repository.go `referrersByTagSchema`) and
 * go-containerregistry's registry (referrers API, oras-go v2 registry/remote/repository.go `Push`/oras-go v2 registry/remote/repository.go `Referrers`), plus platform selection from a
 * two-platform image index (OCI image-spec image-index.md `platform`). What the registry holds afterwards is read back independently.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ARTIFACT_TYPE,
  access,
  assertCleanFailure,
  assertExit,
  fallbackIndex,
  getManifest,
  imgcompat,
  LINUX_AMD64,
  LINUX_ARM64,
  listedAmong,
  missingTools,
  pushImage,
  SPEC_MEDIA_TYPE,
  storedReferrers,
  type TestRegistry,
  useBothRegistries,
  validSpec,
  writeSpec,
} from './harness/index.ts';

const skip = missingTools('docker-registry', 'skopeo', 'imgcompat-ggcr-registry');

const registries = useBothRegistries(skip);

async function cli(reg: TestRegistry, args: string[]) {
  const a = access(reg);
  return imgcompat([...args, ...a.flags], { stdin: a.stdin });
}

for (const kind of ['docker-registry', 'ggcr'] as const) {
  describe(`artifact lifecycle on ${kind}`, { skip }, () => {
    test('attach → discover → get → remove, twice over, with the registry state checked', async () => {
      const reg = registries[kind]!;
      const img = await pushImage(reg, 'lifecycle/app', 'v1');
      const subject = img.descriptor.digest;
      const specA = validSpec('first artifact');
      const specB = validSpec('second artifact');

      const a1 = await cli(reg, [
        'attach',
        img.ref,
        writeSpec(specA),
        '--annotation',
        'e2e.test/which=first',
      ]);
      assertExit(a1, 0, 'attach A');
      const afterA = await storedReferrers(reg, 'lifecycle/app', subject);
      assert.equal(afterA.length, 1, `one referrer recorded after the first attach: ${afterA}`);
      const digestA = afterA[0]!;

      // The artifact manifest is what oras would push (oras-go v2 registry/remote/repository.go `Push`).
      const manifest = await getManifest(reg, 'lifecycle/app', digestA);
      assert.ok(manifest, 'artifact manifest is stored');
      const body = manifest.body as {
        artifactType: string;
        config: { mediaType: string; digest: string };
        layers: { mediaType: string }[];
        subject: { digest: string };
        annotations: Record<string, string>;
      };
      assert.equal(body.artifactType, ARTIFACT_TYPE);
      assert.equal(body.config.mediaType, 'application/vnd.oci.empty.v1+json');
      assert.deepEqual(
        body.layers.map((l) => l.mediaType),
        [SPEC_MEDIA_TYPE],
      );
      assert.equal(body.subject.digest, subject);
      assert.match(
        body.annotations['org.opencontainers.image.created'] ?? '',
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
      );
      assert.equal(body.annotations['e2e.test/which'], 'first');

      if (!reg.referrersApi) {
        // Fallback writers copy artifactType and all annotations into the tag index (OCI distribution-spec v1.1 "Referrers Tag Schema").
        const idx = await fallbackIndex(reg, 'lifecycle/app', subject);
        assert.equal(idx[0]?.artifactType, ARTIFACT_TYPE);
        assert.equal(idx[0]?.annotations?.['e2e.test/which'], 'first');
      }

      const g1 = await cli(reg, ['get', img.ref]);
      assertExit(g1, 0, 'get A');
      assert.equal(g1.out.trimEnd(), specA.trimEnd());

      const a2 = await cli(reg, ['attach', img.ref, writeSpec(specB)]);
      assertExit(a2, 0, 'attach B');
      const both = await storedReferrers(reg, 'lifecycle/app', subject);
      assert.equal(both.length, 2, `two referrers after the second attach: ${both}`);
      const digestB = both.find((d) => d !== digestA)!;

      for (const output of ['json', 'table', 'tree']) {
        const d = await cli(reg, ['discover', img.ref, '--output', output]);
        assertExit(d, 0, `discover --output ${output}`);
        const listed = listedAmong(d.out, both);
        assert.deepEqual(
          [...listed].sort(),
          [...both].sort(),
          `discover --output ${output} lists both:\n${d.out}`,
        );
      }
      const dj = await cli(reg, ['discover', img.ref, '--output', 'json']);
      assert.doesNotThrow(() => JSON.parse(dj.out), 'discover --output json prints JSON');

      const gA = await cli(reg, ['get', img.ref, '--digest', digestA]);
      assertExit(gA, 0, 'get --digest A');
      assert.equal(gA.out.trimEnd(), specA.trimEnd());
      const gB = await cli(reg, ['get', img.ref, '--digest', digestB]);
      assertExit(gB, 0, 'get --digest B');
      assert.equal(gB.out.trimEnd(), specB.trimEnd());

      // The image can also be named by digest.
      const byDigest = await cli(reg, ['get', `${reg.host}/lifecycle/app@${subject}`, '--digest', digestB]);
      assertExit(byDigest, 0, 'get by subject digest');
      assert.equal(byDigest.out.trimEnd(), specB.trimEnd());

      const r1 = await cli(reg, ['remove', img.ref, '--digest', digestA]);
      assertExit(r1, 0, 'remove --digest A');
      assert.deepEqual(await storedReferrers(reg, 'lifecycle/app', subject), [digestB]);
      assert.equal(
        await getManifest(reg, 'lifecycle/app', digestA),
        undefined,
        'artifact A manifest deleted',
      );
      const d2 = await cli(reg, ['discover', img.ref, '--output', 'json']);
      assert.deepEqual(listedAmong(d2.out, [digestA, digestB]), [digestB]);
      const g2 = await cli(reg, ['get', img.ref]);
      assertExit(g2, 0, 'get after removing A');
      assert.equal(g2.out.trimEnd(), specB.trimEnd());

      const rAll = await cli(reg, ['remove', img.ref, '--all']);
      assertExit(rAll, 0, 'remove --all');
      assert.deepEqual(await storedReferrers(reg, 'lifecycle/app', subject), []);
      const g3 = await cli(reg, ['get', img.ref]);
      assertCleanFailure(g3, 5, 'get after remove --all');
      const d3 = await cli(reg, ['discover', img.ref, '--output', 'json']);
      assert.ok(d3.code === 0 || d3.code === 5, `discover with no artifacts: exit ${d3.code}\n${d3.err}`);
      assert.deepEqual(listedAmong(d3.out, [digestA, digestB]), []);
      // The image itself is untouched.
      assert.ok(await getManifest(reg, 'lifecycle/app', subject));
    });

    test('re-attaching the same spec records it once', async () => {
      const reg = registries[kind]!;
      const img = await pushImage(reg, 'lifecycle/again', 'v1');
      const spec = writeSpec(validSpec('same bytes'));
      // Same file, same created second at most: a byte-identical manifest must not be listed twice.
      const created = ['--annotation', 'org.opencontainers.image.created=2026-01-02T03:04:05Z'];
      assertExit(await cli(reg, ['attach', img.ref, spec, ...created]), 0, 'attach 1');
      assertExit(await cli(reg, ['attach', img.ref, spec, ...created]), 0, 'attach 2');
      const stored = await storedReferrers(reg, 'lifecycle/again', img.descriptor.digest);
      assert.equal(stored.length, 1, `listed once: ${stored}`);
      if (!reg.referrersApi)
        assert.equal((await fallbackIndex(reg, 'lifecycle/again', img.descriptor.digest)).length, 1);
    });

    test('--platform selects the per-platform manifest of a two-platform index', async () => {
      const reg = registries[kind]!;
      const img = await pushImage(reg, 'lifecycle/multi', 'v1', [LINUX_AMD64, LINUX_ARM64]);
      const arm = img.platforms['linux/arm64']!;
      const amd = img.platforms['linux/amd64']!;
      const specArm = validSpec('arm64 only');
      const specIndex = validSpec('whole index');

      assertExit(
        await cli(reg, ['attach', img.ref, writeSpec(specArm), '--platform', 'linux/arm64']),
        0,
        'attach arm64',
      );
      assertExit(await cli(reg, ['attach', img.ref, writeSpec(specIndex)]), 0, 'attach index');
      // NFD resolves without --platform to the index digest, with it to the selected manifest (OCI distribution-spec v1.1).
      assert.equal((await storedReferrers(reg, 'lifecycle/multi', arm)).length, 1);
      assert.equal((await storedReferrers(reg, 'lifecycle/multi', img.descriptor.digest)).length, 1);
      assert.equal((await storedReferrers(reg, 'lifecycle/multi', amd)).length, 0);

      const gArm = await cli(reg, ['get', img.ref, '--platform', 'linux/arm64']);
      assertExit(gArm, 0, 'get --platform linux/arm64');
      assert.equal(gArm.out.trimEnd(), specArm.trimEnd());
      const gIdx = await cli(reg, ['get', img.ref]);
      assertExit(gIdx, 0, 'get without --platform');
      assert.equal(gIdx.out.trimEnd(), specIndex.trimEnd());
      const gAmd = await cli(reg, ['get', img.ref, '--platform', 'linux/amd64']);
      assertCleanFailure(gAmd, 5, 'get --platform linux/amd64 (nothing attached there)');
      const gNone = await cli(reg, ['get', img.ref, '--platform', 'linux/s390x']);
      assert.notEqual(gNone.code, 0, 'a platform the index does not have is an error');
      assertCleanFailure(gNone, gNone.code, 'get --platform linux/s390x', /s390x/);

      const dArm = await cli(reg, ['discover', img.ref, '--platform', 'linux/arm64', '--output', 'json']);
      assertExit(dArm, 0, 'discover --platform linux/arm64');
      assert.deepEqual(
        listedAmong(dArm.out, [
          ...(await storedReferrers(reg, img.repo, arm)),
          ...(await storedReferrers(reg, img.repo, img.descriptor.digest)),
        ]),
        await storedReferrers(reg, 'lifecycle/multi', arm),
      );
    });
  });
}
