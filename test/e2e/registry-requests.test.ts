/**
 * The registry client sends no more requests than the protocol needs (issue 6 item 7's target), counted
 * by the fault proxy in front of real registries: `get` of the newest artifact is resolve (HEAD), referrers
 * (the API, plus the `sha256-<hex>` tag where the API is missing), the artifact manifest and the spec blob.
 * go-containerregistry reports the empty config type as artifactType: each referrer's manifest is read
 * once to check it, and the newest one's is reused for the spec, not fetched twice.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  access,
  assertExit,
  imgcompat,
  missingTools,
  pushImage,
  startDockerRegistry,
  startFaultProxy,
  type TestRegistry,
  useBothRegistries,
  validSpec,
  writeSpec,
} from './harness/index.ts';

const skip = missingTools('docker-registry', 'skopeo', 'imgcompat-ggcr-registry');
const registries = useBothRegistries(skip);

const expected: Record<string, Record<string, number>> = {
  'docker-registry': {
    'HEAD manifest': 1,
    'GET referrers': 1,
    // the sha256-<hex> fallback tag, then the artifact manifest
    'GET manifest': 2,
    'GET blob': 1,
  },
  // go-containerregistry lists the empty config type as artifactType, so each of the two referrers'
  // manifests is read once to learn its real type; the newest one's is then reused for the spec.
  ggcr: { 'HEAD manifest': 1, 'GET referrers': 1, 'GET manifest': 2, 'GET blob': 1 },
};

for (const kind of ['docker-registry', 'ggcr'] as const) {
  describe(`request counts on ${kind}`, { skip }, () => {
    test('get of the newest artifact: resolve, referrers, manifest, blob — nothing more', async (t) => {
      const reg = registries[kind]!;
      const img = await pushImage(reg, 'count/app', 'v1');
      const a = access(reg);
      for (const which of ['older', 'newer']) {
        const r = await imgcompat(['attach', img.ref, writeSpec(validSpec(which)), ...a.flags], {
          stdin: a.stdin,
        });
        assertExit(r, 0, `attach ${which}`);
      }
      const proxy = await startFaultProxy(`http://${reg.host}`);
      t.after(() => proxy.close());
      const got = await imgcompat(['get', `${proxy.host}/count/app:v1`, ...a.flags], { stdin: a.stdin });
      assertExit(got, 0, 'get through the proxy');
      assert.deepEqual(proxy.counts(), expected[kind], JSON.stringify(proxy.requests, null, 1));
    });

    test('remove --all empties the referrers list, and a second remove is exit 5', async () => {
      const reg = registries[kind]!;
      const img = await pushImage(reg, 'count/rm', 'v1');
      const a = access(reg);
      for (const which of ['one', 'two', 'three']) {
        assertExit(
          await imgcompat(['attach', img.ref, writeSpec(validSpec(which)), ...a.flags], { stdin: a.stdin }),
          0,
          which,
        );
      }
      const listed = await imgcompat(['discover', img.ref, '--output', 'json', ...a.flags], {
        stdin: a.stdin,
      });
      assertExit(listed, 0, 'discover');
      assert.equal(JSON.parse(listed.out).referrers.length, 3);
      const rm = await imgcompat(['remove', img.ref, '--all', ...a.flags], { stdin: a.stdin });
      assertExit(rm, 0, 'remove --all');
      assert.equal(rm.out.trim().split('\n').length, 3);
      const again = await imgcompat(['remove', img.ref, '--all', ...a.flags], { stdin: a.stdin });
      assertExit(again, 5, 'nothing left to remove');
    });
  });
}

describe('request counts with Bearer token auth (docker-registry)', { skip }, () => {
  let reg: TestRegistry | undefined;
  before(async () => {
    if (!skip) reg = await startDockerRegistry({ auth: 'token' });
  });
  after(async () => {
    await reg?.stop();
  });

  test('get: one token request for the pull scope, reused for every registry request', async (t) => {
    const img = await pushImage(reg!, 'count/tok', 'v1');
    const a = access(reg!);
    assertExit(
      await imgcompat(['attach', img.ref, writeSpec(validSpec('tok')), ...a.flags], { stdin: a.stdin }),
      0,
      'attach',
    );
    const proxy = await startFaultProxy(`http://${reg!.host}`);
    t.after(() => proxy.close());
    reg!.tokenServer!.resetCounts();
    const got = await imgcompat(['get', `${proxy.host}/count/tok:v1`, ...a.flags], { stdin: a.stdin });
    assertExit(got, 0, 'get with a token');
    const tokens = reg!.tokenServer!.requests;
    assert.equal(tokens.length, 1, JSON.stringify(tokens));
    assert.deepEqual(tokens[0]!.scopes, ['repository:count/tok:pull']);
    // The first request is answered 401 (the challenge), everything after carries the cached token.
    const statuses = proxy.requests.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 401).length, 1, JSON.stringify(proxy.requests, null, 1));
    assert.deepEqual(proxy.counts(), {
      'HEAD manifest': 2,
      'GET referrers': 1,
      'GET manifest': 2,
      'GET blob': 1,
    });
  });
});
