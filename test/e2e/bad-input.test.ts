/**
 * Every bad-input case of issue 6, against real registries (docker-registry 2.8 and go-containerregistry's
 * registry), with faults the registries do not produce on demand injected by the fault proxy in front of
 * them. Each failure must be clean: the documented exit code, a message that says what is wrong, no stack
 * trace. Retried faults (5xx, 429, resets) must end in success.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  access,
  assertCleanFailure,
  assertExit,
  type FaultProxy,
  getManifest,
  hugeSpec,
  INVALID_SPEC,
  INVALID_SPEC_LINE,
  imgcompat,
  literal,
  missingTools,
  orasAttach,
  pushImage,
  startDockerRegistry,
  startFaultProxy,
  startGgcrRegistry,
  storedReferrers,
  type TestRegistry,
  validSpec,
  writeSpec,
} from './harness/index.ts';

const skip = missingTools('docker-registry', 'skopeo', 'imgcompat-ggcr-registry', 'oras');
/** The per-run deadline used by the timeout test (the CLI's --timeout flag). */
const SHORT_TIMEOUT = '1s';
const FOUR_MIB = 4 * 1024 * 1024;

interface Setup {
  reg: TestRegistry;
  proxy: FaultProxy;
  /** The same registry seen through the proxy. */
  via: TestRegistry;
  /** An image with one compatibility artifact attached by oras. */
  ref: string;
  viaRef: string;
  spec: string;
  artifact: string;
  layer: string;
}

const setups: Record<string, Setup> = {};

async function setUp(reg: TestRegistry): Promise<Setup> {
  const proxy = await startFaultProxy(`http://${reg.host}`);
  const via: TestRegistry = { ...reg, host: proxy.host };
  const img = await pushImage(reg, 'bad/app', 'v1');
  const spec = validSpec(`bad-input base on ${reg.label}`);
  const artifact = await orasAttach(reg, img.ref, writeSpec(spec));
  const m = await getManifest(reg, 'bad/app', artifact);
  if (!m) throw new Error(`artifact ${artifact} not stored`);
  const layer = (m.body.layers as { digest: string }[])[0]!.digest;
  return { reg, proxy, via, ref: img.ref, viaRef: `${proxy.host}/bad/app:v1`, spec, artifact, layer };
}

before(async () => {
  if (skip) return;
  const [dist, ggcr] = await Promise.all([startDockerRegistry(), startGgcrRegistry()]);
  const [a, b] = await Promise.all([setUp(dist), setUp(ggcr)]);
  setups['docker-registry'] = a;
  setups.ggcr = b;
});
after(async () => {
  for (const s of Object.values(setups)) {
    await s.proxy.close();
    await s.reg.stop();
  }
});

async function cli(reg: TestRegistry, args: string[]) {
  const a = access(reg);
  return imgcompat([...args, ...a.flags], { stdin: a.stdin });
}

for (const kind of ['docker-registry', 'ggcr'] as const) {
  describe(`bad input on ${kind}`, { skip }, () => {
    beforeEach(() => {
      setups[kind]?.proxy.clearFaults();
      setups[kind]?.proxy.reset();
    });

    test('malformed references are usage errors (exit 2) and send no request', async () => {
      const s = setups[kind]!;
      const h = s.proxy.host;
      const bad = [
        `${h}/Upper/Case:v1`,
        `${h}/bad/app:-leading-dash`,
        `${h}/bad/app:${'t'.repeat(129)}`,
        `${h}/bad/app@sha256:1234`,
        `${h}//bad/app:v1`,
        `${h}/bad/app:v1 `,
        '',
      ];
      for (const ref of bad) {
        const r = await cli(s.via, ['get', ref]);
        assertCleanFailure(r, 2, `get ${JSON.stringify(ref)}`, /reference|invalid|image/i);
      }
      assert.equal(
        s.proxy.total(),
        0,
        `no request for a malformed reference: ${JSON.stringify(s.proxy.counts())}`,
      );
    });

    test('a tag or digest that does not exist: exit 4 with the reference in the message', async () => {
      const s = setups[kind]!;
      const t = await cli(s.reg, ['get', `${s.reg.host}/bad/app:no-such-tag`]);
      assertCleanFailure(t, 4, 'unknown tag', /no-such-tag/, /bad\/app/);
      const missing = `sha256:${'0'.repeat(63)}1`;
      const d = await cli(s.reg, ['get', `${s.reg.host}/bad/app@${missing}`]);
      assertCleanFailure(d, 4, 'unknown digest', literal(missing));
    });

    test('a repository that does not exist: exit 4 naming it', async () => {
      const s = setups[kind]!;
      const r = await cli(s.reg, ['get', `${s.reg.host}/no/such/repository:v1`]);
      assertCleanFailure(r, 4, 'unknown repository', /no\/such\/repository/);
      const d = await cli(s.reg, ['discover', `${s.reg.host}/no/such/repository:v1`]);
      assertCleanFailure(d, 4, 'discover of an unknown repository', /no\/such\/repository/);
    });

    test('an image with no compatibility artifact: exit 5', async () => {
      const s = setups[kind]!;
      const img = await pushImage(s.reg, 'bad/plain', 'v1');
      assertCleanFailure(await cli(s.reg, ['get', img.ref]), 5, 'get');
      const d = await cli(s.reg, ['discover', img.ref]);
      assert.ok(d.code === 0 || d.code === 5, `discover with nothing attached: exit ${d.code}\n${d.err}`);
    });

    test('a registry that answers HTML: exit 4', async () => {
      const s = setups[kind]!;
      s.proxy.inject({ fault: { kind: 'html' } });
      assertCleanFailure(
        await cli(s.via, ['get', s.viaRef]),
        4,
        'get from an HTML server',
        literal(s.proxy.host),
      );
      assertCleanFailure(await cli(s.via, ['discover', s.viaRef]), 4, 'discover from an HTML server');
      const spec = writeSpec(validSpec('never pushed'));
      assertCleanFailure(await cli(s.via, ['attach', s.viaRef, spec]), 4, 'attach to an HTML server');
    });

    test('a referrer that is not a manifest is reported naming its digest, not "no artifact"', async () => {
      const s = setups[kind]!;
      s.proxy.inject({
        method: 'GET',
        pathClass: 'manifest',
        pathIncludes: s.artifact,
        fault: {
          kind: 'replace',
          contentType: 'application/vnd.oci.image.manifest.v1+json',
          body: 'not a manifest',
        },
      });
      const r = await cli(s.via, ['get', s.viaRef]);
      // Where the registry lists the artifactType the manifest is read for the spec (its digest then
      // fails); where it does not (go-containerregistry) it is read to learn the type: either way exit 4.
      assertCleanFailure(r, 4, 'referrer that is not a manifest', literal(s.artifact));
    });

    test('an artifact manifest whose bytes do not match its digest: exit 4', async () => {
      const s = setups[kind]!;
      s.proxy.inject({
        method: 'GET',
        pathClass: 'manifest',
        pathIncludes: s.artifact,
        fault: { kind: 'corrupt' },
      });
      assertCleanFailure(await cli(s.via, ['get', s.viaRef]), 4, 'corrupted manifest', /digest/i);
    });

    test('a spec blob whose bytes do not match its digest: exit 4', async () => {
      const s = setups[kind]!;
      s.proxy.inject({ method: 'GET', pathClass: 'blob', pathIncludes: s.layer, fault: { kind: 'corrupt' } });
      assertCleanFailure(await cli(s.via, ['get', s.viaRef]), 4, 'corrupted blob', /digest/i);
    });

    test('an oversized artifact manifest (over 4 MiB): exit 4', async () => {
      const s = setups[kind]!;
      s.proxy.inject({
        method: 'GET',
        pathClass: 'manifest',
        pathIncludes: s.artifact,
        fault: { kind: 'oversize', bytes: FOUR_MIB + 1024 },
      });
      assertCleanFailure(
        await cli(s.via, ['get', s.viaRef]),
        4,
        'oversized manifest',
        /MiB|too large|exceed|limit/i,
      );
    });

    test('a spec blob over 4 MiB: get refuses it (exit 4), attach refuses to push one', async () => {
      const s = setups[kind]!;
      const img = await pushImage(s.reg, 'bad/huge', 'v1');
      await orasAttach(s.reg, img.ref, writeSpec(hugeSpec(FOUR_MIB + 4096)));
      assertCleanFailure(
        await cli(s.reg, ['get', img.ref]),
        4,
        'get of a 4 MiB+ spec',
        /MiB|too large|exceed|limit/i,
      );
      const before = await storedReferrers(s.reg, 'bad/huge', img.descriptor.digest);
      const a = await cli(s.reg, ['attach', img.ref, writeSpec(hugeSpec(FOUR_MIB + 4096))]);
      assert.ok(a.code === 3 || a.code === 4, `attach of a 4 MiB+ spec: exit ${a.code}\n${a.err}`);
      assertCleanFailure(a, a.code, 'attach of a 4 MiB+ spec', /MiB|too large|exceed|limit/i);
      assert.deepEqual(
        await storedReferrers(s.reg, 'bad/huge', img.descriptor.digest),
        before,
        'nothing pushed',
      );
    });

    test('an invalid spec: attach refuses to push it (exit 3, line:column); get of one reports line:column', async () => {
      const s = setups[kind]!;
      const img = await pushImage(s.reg, 'bad/invalid', 'v1');
      const file = writeSpec(INVALID_SPEC, 'invalid.yaml');
      const a = await cli(s.reg, ['attach', img.ref, file]);
      assertCleanFailure(a, 3, 'attach of an invalid spec', new RegExp(`:${INVALID_SPEC_LINE}:\\d+`));
      assert.deepEqual(
        await storedReferrers(s.reg, 'bad/invalid', img.descriptor.digest),
        [],
        'nothing pushed',
      );

      await orasAttach(s.reg, img.ref, file);
      const g = await cli(s.reg, ['get', img.ref]);
      assertCleanFailure(
        g,
        3,
        'get of an invalid spec attached by oras',
        new RegExp(`:${INVALID_SPEC_LINE}:\\d+`),
      );
    });

    test('5xx bursts and 429 with Retry-After are retried, then succeed', async () => {
      const s = setups[kind]!;
      s.proxy.inject({
        method: 'HEAD',
        pathClass: 'manifest',
        times: 2,
        fault: { kind: 'status', status: 503 },
      });
      s.proxy.inject({
        method: 'GET',
        pathClass: 'blob',
        times: 1,
        fault: {
          kind: 'status',
          status: 429,
          headers: { 'retry-after': '1' },
          body: '{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}',
        },
      });
      s.proxy.inject({
        method: 'GET',
        pathClass: 'manifest',
        pathIncludes: s.artifact,
        times: 1,
        fault: { kind: 'status', status: 502 },
      });
      const g = await cli(s.via, ['get', s.viaRef]);
      assertExit(g, 0, 'get through 503, 502 and 429');
      assert.equal(g.out.trimEnd(), s.spec.trimEnd());
      const c = s.proxy.counts();
      const faulted = s.proxy.requests.filter((r) => r.fault).length;
      assert.equal(faulted, 4, `all four faults were hit: ${JSON.stringify(c)}`);
      assert.ok((c['GET blob'] ?? 0) >= 2, `the blob GET was retried: ${JSON.stringify(c)}`);
    });

    test('a connection reset and a truncated body are retried or reported cleanly', async () => {
      const s = setups[kind]!;
      s.proxy.inject({
        method: 'GET',
        pathClass: 'manifest',
        pathIncludes: s.artifact,
        times: 1,
        fault: { kind: 'reset' },
      });
      const g = await cli(s.via, ['get', s.viaRef]);
      assertExit(g, 0, 'get after one connection reset');
      assert.equal(g.out.trimEnd(), s.spec.trimEnd());

      s.proxy.inject({
        method: 'GET',
        pathClass: 'blob',
        pathIncludes: s.layer,
        times: 1,
        fault: { kind: 'truncate' },
      });
      const t = await cli(s.via, ['get', s.viaRef]);
      if (t.code === 0)
        assert.equal(t.out.trimEnd(), s.spec.trimEnd(), 'a retried truncated body gives the full spec');
      else assertCleanFailure(t, 4, 'one truncated body');

      s.proxy.inject({
        method: 'GET',
        pathClass: 'blob',
        pathIncludes: s.layer,
        fault: { kind: 'truncate' },
      });
      const always = await cli(s.via, ['get', s.viaRef]);
      // The message must say what happened in words, not as an HTTP library's error code (UND_ERR_SOCKET).
      assertCleanFailure(
        always,
        4,
        'always-truncated body',
        /connection|closed|truncated|incomplete|premature|terminated/i,
      );
      assert.doesNotMatch(always.err, /UND_ERR|ECONNRESET/, 'no library error codes in the message');
      assert.equal(always.out, '', 'no partial spec printed');
    });

    test('a persistent 5xx ends with exit 4 naming the status', async () => {
      const s = setups[kind]!;
      s.proxy.inject({
        method: 'GET',
        pathClass: 'blob',
        fault: { kind: 'status', status: 500, body: 'boom' },
      });
      const g = await cli(s.via, ['get', s.viaRef]);
      assertCleanFailure(g, 4, 'persistent 500', /500/, literal(s.proxy.host));
    });

    test('slow responses within --timeout succeed; a hanging registry fails with exit 4 (timeout)', async () => {
      const s = setups[kind]!;
      s.proxy.inject({ method: 'GET', pathClass: 'blob', times: 1, fault: { kind: 'delay', ms: 400 } });
      const slow = await cli(s.via, ['get', s.viaRef, '--timeout', '30s']);
      assertExit(slow, 0, 'slow blob');
      assert.equal(slow.out.trimEnd(), s.spec.trimEnd());

      s.proxy.inject({ method: 'GET', pathClass: 'blob', fault: { kind: 'hang' } });
      const hung = await cli(s.via, ['get', s.viaRef, '--timeout', SHORT_TIMEOUT]);
      assertCleanFailure(hung, 4, 'hanging blob GET', /time(d)? ?out|deadline/i);
    });
  });
}

describe('referrers responses that are not an index (go-containerregistry, referrers API)', { skip }, () => {
  beforeEach(() => {
    setups.ggcr?.proxy.clearFaults();
  });

  test('200 with the index media type but a body that is not an index: exit 4', async () => {
    const s = setups.ggcr!;
    s.proxy.inject({
      method: 'GET',
      pathClass: 'referrers',
      fault: {
        kind: 'replace',
        contentType: 'application/vnd.oci.image.index.v1+json',
        body: '<html>nope</html>',
      },
    });
    assertCleanFailure(await cli(s.via, ['get', s.viaRef]), 4, 'garbage referrers body');
    s.proxy.clearFaults();
    s.proxy.inject({
      method: 'GET',
      pathClass: 'referrers',
      fault: {
        kind: 'replace',
        contentType: 'application/vnd.oci.image.index.v1+json',
        body: '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":{"not":"a list"}}',
      },
    });
    assertCleanFailure(
      await cli(s.via, ['discover', s.viaRef]),
      4,
      'referrers index with a non-list manifests',
    );
  });

  test('200 with another content type means "no referrers API": the sha256-<hex> tag is read instead', async () => {
    const s = setups.ggcr!;
    // go-containerregistry sends no OCI-Subject, so oras also maintained the fallback tag for this artifact;
    // oras-go treats a non-index Content-Type as "API unsupported" (OCI distribution-spec v1.1 "Listing Referrers") and reads the tag.
    s.proxy.inject({
      method: 'GET',
      pathClass: 'referrers',
      fault: { kind: 'replace', contentType: 'text/plain; charset=utf-8', body: 'referrers are not here' },
    });
    const g = await cli(s.via, ['get', s.viaRef]);
    assertExit(g, 0, 'get via the fallback tag');
    assert.equal(g.out.trimEnd(), s.spec.trimEnd());
  });
});

describe('a sha256-<hex> fallback tag that holds something other than an index (docker-registry)', {
  skip,
}, () => {
  test('get treats it as no referrers (exit 5); attach refuses to overwrite it (exit 4)', async () => {
    const s = setups['docker-registry']!;
    const img = await pushImage(s.reg, 'bad/squatted', 'v1');
    // A plain image manifest under the subject's fallback tag (OCI distribution-spec v1.1 "Referrers Tag Schema": readers SHOULD assume no
    // referrers; writers SHOULD report failure rather than clobber it).
    const squatter = await pushImage(s.reg, 'bad/squatted', img.descriptor.digest.replace(':', '-'));
    const tag = img.descriptor.digest.replace(':', '-');
    assertCleanFailure(await cli(s.reg, ['get', img.ref]), 5, 'get with a non-index fallback tag');
    const a = await cli(s.reg, ['attach', img.ref, writeSpec(validSpec('must not clobber'))]);
    assertCleanFailure(a, 4, 'attach over a non-index fallback tag', literal(tag));
    const still = await getManifest(s.reg, 'bad/squatted', tag);
    assert.equal(
      still?.body.mediaType,
      squatter.descriptor.mediaType,
      'the tag still holds the image manifest',
    );
    assert.ok(Array.isArray(still?.body.layers), 'an image manifest (with layers), not an index');
  });
});
