/**
 * Interoperability with the oras CLI v1.3.6 (the seed workflow's client) in both directions, on a
 * registry without the referrers API (docker-registry) and one with it (go-containerregistry's):
 * an artifact attached by `oras attach` is found and read by imgcompat, and one attached by imgcompat
 * is listed by `oras discover` and pulled by `oras pull` with the same bytes.
 */
import assert from 'node:assert/strict';
import { basename } from 'node:path';
import { describe, test } from 'node:test';
import {
  ARTIFACT_TYPE,
  access,
  assertExit,
  imgcompat,
  listedAmong,
  missingTools,
  orasAttach,
  orasDiscover,
  orasPull,
  pushImage,
  storedReferrers,
  type TestRegistry,
  useBothRegistries,
  validSpec,
  writeSpec,
} from './harness/index.ts';

const skip = missingTools('docker-registry', 'skopeo', 'imgcompat-ggcr-registry', 'oras');
const CREATED = 'org.opencontainers.image.created';

const registries = useBothRegistries(skip);

async function cli(reg: TestRegistry, args: string[]) {
  const a = access(reg);
  return imgcompat([...args, ...a.flags], { stdin: a.stdin });
}

for (const kind of ['docker-registry', 'ggcr'] as const) {
  describe(`oras interop on ${kind}`, { skip }, () => {
    test('oras attach → imgcompat discover and get', async () => {
      const reg = registries[kind]!;
      const img = await pushImage(reg, 'interop/from-oras', 'v1');
      const spec = validSpec('attached by oras');
      const digest = await orasAttach(reg, img.ref, writeSpec(spec));
      const d = await cli(reg, ['discover', img.ref, '--output', 'json']);
      assertExit(d, 0, 'discover');
      assert.deepEqual(listedAmong(d.out, await storedReferrers(reg, img.repo, img.descriptor.digest)), [
        digest,
      ]);
      const g = await cli(reg, ['get', img.ref]);
      assertExit(g, 0, 'get');
      assert.equal(g.out.trimEnd(), spec.trimEnd());
    });

    test('imgcompat attach → oras discover lists it and oras pull returns the same bytes', async () => {
      const reg = registries[kind]!;
      const img = await pushImage(reg, 'interop/from-imgcompat', 'v1');
      const spec = validSpec('attached by imgcompat');
      const file = writeSpec(spec, 'compat-spec.yaml');
      assertExit(await cli(reg, ['attach', img.ref, file]), 0, 'attach');
      const [digest] = await storedReferrers(reg, 'interop/from-imgcompat', img.descriptor.digest);
      assert.ok(digest);

      // go-containerregistry reports each referrer's artifactType as its config media type (its quirk),
      // so oras's client-side --artifact-type filter only works where the registry reports it truly.
      const listed = await orasDiscover(
        reg,
        img.ref,
        reg.referrersApi ? {} : { artifactType: ARTIFACT_TYPE },
      );
      assert.deepEqual(
        listed.map((r) => r.digest),
        [digest],
      );
      if (!reg.referrersApi) assert.equal(listed[0]?.artifactType, ARTIFACT_TYPE);

      const files = await orasPull(reg, `${reg.host}/interop/from-imgcompat@${digest}`);
      // oras names the file after the layer's org.opencontainers.image.title annotation.
      assert.deepEqual(Object.keys(files), [basename(file)]);
      assert.equal(files[basename(file)]!.toString('utf8'), spec);
    });

    test('the newest artifact (by org.opencontainers.image.created) wins; discover lists newest first', async () => {
      const reg = registries[kind]!;
      const img = await pushImage(reg, 'interop/newest', 'v1');
      const mid = await orasAttach(reg, img.ref, writeSpec(validSpec('2024')), {
        annotations: { [CREATED]: '2024-05-01T00:00:00Z' },
      });
      const newest = validSpec('2025 newest');
      const top = await orasAttach(reg, img.ref, writeSpec(newest), {
        annotations: { [CREATED]: '2025-05-01T00:00:00Z' },
      });
      const old = await orasAttach(reg, img.ref, writeSpec(validSpec('2023')), {
        annotations: { [CREATED]: '2023-05-01T12:00:00+02:00' },
      });
      const g = await cli(reg, ['get', img.ref]);
      assertExit(g, 0, 'get');
      assert.equal(g.out.trimEnd(), newest.trimEnd());
      for (const output of ['json', 'table']) {
        const d = await cli(reg, ['discover', img.ref, '--output', output]);
        assertExit(d, 0, `discover --output ${output}`);
        assert.deepEqual(
          listedAmong(d.out, await storedReferrers(reg, img.repo, img.descriptor.digest)),
          [top, mid, old],
          `discover --output ${output} orders newest first:\n${d.out}`,
        );
      }
    });

    test('an artifact of another type attached by oras is ignored', async () => {
      const reg = registries[kind]!;
      const img = await pushImage(reg, 'interop/other-type', 'v1');
      await orasAttach(reg, img.ref, writeSpec('not a compat spec\n', 'sbom.json'), {
        artifactType: 'application/vnd.example.sbom.v1',
        mediaType: 'application/json',
      });
      const g = await cli(reg, ['get', img.ref]);
      assertExit(g, 5, 'get with only a foreign artifact');
      const spec = validSpec('the real one');
      const digest = await orasAttach(reg, img.ref, writeSpec(spec));
      const d = await cli(reg, ['discover', img.ref, '--output', 'json']);
      assertExit(d, 0, 'discover');
      assert.deepEqual(listedAmong(d.out, await storedReferrers(reg, img.repo, img.descriptor.digest)), [
        digest,
      ]);
      const g2 = await cli(reg, ['get', img.ref]);
      assertExit(g2, 0, 'get');
      assert.equal(g2.out.trimEnd(), spec.trimEnd());
    });
  });
}
