/**
 * Eight concurrent `imgcompat attach` runs, each its own process, against one image on docker-registry
 * (no referrers API): the `sha256-<hex>` fallback index is read-modify-write with no conditional PUT
 * on the registry side (OCI distribution-spec v1.1 "Referrers Tag Schema"), so writers race; every artifact must end up discoverable.
 * Checked with the registry's own index, with `imgcompat discover`, and with `oras discover`.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  ARTIFACT_TYPE,
  access,
  assertExit,
  fallbackIndex,
  imgcompat,
  imgcompatProcess,
  isolatedEnv,
  listedAmong,
  missingTools,
  orasDiscover,
  pushImage,
  startDockerRegistry,
  type TestRegistry,
  toolPath,
  validSpec,
  writeSpec,
} from './harness/index.ts';

const skip = missingTools('docker-registry', 'skopeo', 'oras');
let reg: TestRegistry | undefined;

before(async () => {
  if (!skip) reg = await startDockerRegistry();
});
after(async () => {
  await reg?.stop();
});

test('eight concurrent attach processes on a registry without the referrers API: all eight discoverable', {
  skip,
}, async () => {
  const r = reg!;
  const img = await pushImage(r, 'concurrency/app', 'v1');
  const a = access(r);
  const runs = await Promise.all(
    Array.from({ length: 8 }, (_, i) =>
      imgcompatProcess(['attach', img.ref, writeSpec(validSpec(`concurrent attach #${i}`)), ...a.flags], {
        stdin: a.stdin,
        env: isolatedEnv(),
      }),
    ),
  );
  runs.forEach((run, i) => {
    assertExit({ code: run.code, out: run.stdout, err: run.stderr }, 0, `attach #${i}`);
  });

  const idx = await fallbackIndex(r, 'concurrency/app', img.descriptor.digest);
  const digests = idx.map((e) => e.digest);
  assert.equal(
    new Set(digests).size,
    8,
    `eight distinct artifacts in the fallback index: ${digests.join(' ')}`,
  );
  assert.equal(digests.length, 8, 'no duplicate descriptors');
  assert.ok(idx.every((e) => e.artifactType === ARTIFACT_TYPE));

  const d = await imgcompat(['discover', img.ref, '--output', 'json', ...a.flags], { stdin: a.stdin });
  assertExit(d, 0, 'discover');
  assert.deepEqual([...listedAmong(d.out, digests)].sort(), [...digests].sort());

  if (toolPath('oras')) {
    const listed = await orasDiscover(r, img.ref, { artifactType: ARTIFACT_TYPE });
    assert.deepEqual(listed.map((x) => x.digest).sort(), [...digests].sort());
  }
});
