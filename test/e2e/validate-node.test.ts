/**
 * `imgcompat validate-node --image REF` against REAL registries (issue 4): an image pushed with skopeo,
 * a compatibility artifact attached with `imgcompat attach` (or the real `oras attach` where imgcompat
 * refuses the content), then validate-node on go-containerregistry's registry (referrers API) and on
 * docker-registry 2.8 (no referrers API: the tag-schema fallback), with Basic and Bearer auth, a
 * two-platform index and every bad-input case of issue 4. Host features come from
 * examples/features.json where the report must be exact (byte-compared with `eval` on the same spec),
 * and from discovery of this host where only the verdict/exit-code agreement is checked.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  access,
  assertCleanFailure,
  assertExit,
  cliTransportFlags,
  type FaultProxy,
  INVALID_SPEC,
  INVALID_SPEC_LINE,
  imgcompat,
  imgcompatProcess,
  LINUX_AMD64,
  LINUX_ARM64,
  literal,
  missingTools,
  orasAttach,
  pushImage,
  REPO_ROOT,
  startDockerRegistry,
  startFaultProxy,
  startGgcrRegistry,
  type TestRegistry,
  validSpec,
  writeSpec,
} from './harness/index.ts';

const skip = missingTools(
  'docker-registry',
  'skopeo',
  'htpasswd',
  'openssl',
  'imgcompat-ggcr-registry',
  'oras',
);

const FEATURES = join(REPO_ROOT, 'examples', 'features.json');
const IMAGE_SPEC = join(REPO_ROOT, 'examples', 'image-spec.yaml');
const CANARY = `canary-${randomBytes(9).toString('hex')}`;

let dist: TestRegistry;
let ggcr: TestRegistry;
let basic: TestRegistry;
let token: TestRegistry;
let tls: TestRegistry;
/** The fault proxy in front of `dist` (requests counted; slow answers on demand). */
let proxy: FaultProxy;
const started: TestRegistry[] = [];

before(async () => {
  if (skip) return;
  [dist, ggcr, basic, token, tls] = await Promise.all([
    startDockerRegistry(),
    startGgcrRegistry(),
    startDockerRegistry({ auth: 'basic', users: { canary: CANARY } }),
    startDockerRegistry({ auth: 'token', users: { canary: CANARY } }),
    startDockerRegistry({ tls: true }),
  ]);
  started.push(dist, ggcr, basic, token, tls);
  proxy = await startFaultProxy(`http://${dist.host}`);
});
after(async () => {
  await proxy?.close();
  await Promise.all(started.map((r) => r.stop()));
});

/** Runs imgcompat with the flags (and stdin password) that reach `reg` as its pushing user. */
async function cli(reg: TestRegistry, args: string[]) {
  const a = access(reg);
  return imgcompat([...args, ...a.flags], { stdin: a.stdin });
}

/** `imgcompat attach REF FILE` as the registry's user; returns the artifact digest it printed. */
async function attach(reg: TestRegistry, ref: string, file: string, extra: string[] = []): Promise<string> {
  const r = await cli(reg, ['attach', ref, file, ...extra]);
  assertExit(r, 0, `attach ${file} to ${ref}`);
  const m = /^Digest: (sha256:[0-9a-f]{64})$/m.exec(r.out);
  assert.ok(m, `attach printed its digest: ${r.out}`);
  return m[1]!;
}

/** `eval` of the same spec and features: the report validate-node must reproduce byte for byte. */
async function evalJson(specFile: string): Promise<{ code: number; out: string }> {
  const r = await imgcompat(['eval', '--spec', specFile, '--features', FEATURES, '--output', 'json']);
  assert.equal(r.err, '', r.err);
  return r;
}

for (const kind of ['ggcr', 'docker-registry'] as const) {
  describe(`validate-node against ${kind === 'ggcr' ? 'a referrers-API registry (go-containerregistry)' : 'docker-registry 2.8 (tag-schema fallback)'}`, {
    skip,
  }, () => {
    const reg = () => (kind === 'ggcr' ? ggcr : dist);

    test('push, attach, validate-node --plain-http: NFD JSON identical to eval of the attached spec', async () => {
      const img = await pushImage(reg(), 'vn/app', 'v1');
      const digest = await attach(reg(), img.ref, IMAGE_SPEC);
      const expected = await evalJson(IMAGE_SPEC);

      const r = await cli(reg(), [
        'validate-node',
        '--image',
        img.ref,
        '--features',
        FEATURES,
        '--output',
        'json',
      ]);
      assert.equal(r.err, '', r.err);
      assert.equal(r.out, expected.out);
      assert.equal(r.code, expected.code);
      // NFD's own flag name for the same output.
      const nfdFlag = await cli(reg(), [
        'validate-node',
        '--image',
        img.ref,
        '--features',
        FEATURES,
        '--output-json',
      ]);
      // NFD's flag prints NFD's exact bytes; our -o json adds the final newline.
      assert.equal(`${nfdFlag.out}\n`, expected.out);

      // The summary names the artifact that was attached and the subject it was attached to.
      const s = await cli(reg(), [
        'validate-node',
        '--image',
        img.ref,
        '--features',
        FEATURES,
        '--summary',
        '-o',
        'json',
      ]);
      const summary = JSON.parse(s.out) as { image: string; subject: string; artifact: string };
      assert.equal(summary.image, img.ref);
      assert.equal(summary.subject, img.descriptor.digest);
      assert.equal(summary.artifact, digest);

      // How the artifact was found: the referrers API, or the sha256-<hex> tag where there is none.
      const v = await cli(reg(), ['validate-node', '--image', img.ref, '--features', FEATURES, '--verbose']);
      assert.match(v.err, literal(`/v2/vn/app/referrers/${img.descriptor.digest}`));
      if (kind === 'ggcr') assert.doesNotMatch(v.err, /referrers API not available/);
      else {
        assert.match(v.err, /referrers API not available/);
        assert.match(v.err, literal(`/v2/vn/app/manifests/${img.descriptor.digest.replace(':', '-')}`));
      }
      assert.match(v.err, literal(`using compatibility artifact ${reg().host}/vn/app@${digest}`));
    });

    test('discovering this host: the table ends with a verdict that matches the exit code', async () => {
      const img = await pushImage(reg(), 'vn/host', 'v1');
      await attach(reg(), img.ref, IMAGE_SPEC);
      const table = await cli(reg(), ['validate-node', '--image', img.ref]);
      assert.ok(table.code === 0 || table.code === 1, `exit ${table.code}: ${table.err}`);
      assert.ok(table.out.startsWith('COMPATIBILITY SET #1 Weight: 90; Tag: telecom\n'), table.out);
      const verdict = table.out.slice(table.out.lastIndexOf('\nVerdict: ') + 1);
      assert.match(verdict, table.code === 0 ? /^Verdict: compatible - / : /^Verdict: incompatible - /);
      const s = await cli(reg(), ['validate-node', '--image', img.ref, '--summary', '-o', 'json']);
      assert.equal((JSON.parse(s.out) as { compatible: boolean }).compatible, s.code === 0);
    });

    test('--tags selects sets; an unknown tag evaluates nothing, says so, exit 1', async () => {
      const img = await pushImage(reg(), 'vn/tags', 'v1');
      await attach(reg(), img.ref, IMAGE_SPEC);
      const g = await cli(reg(), [
        'validate-node',
        '--image',
        img.ref,
        '--features',
        FEATURES,
        '--tags',
        'generic',
        '--output',
        'json',
      ]);
      assert.deepEqual(
        (JSON.parse(g.out) as { tag: string }[]).map((x) => x.tag),
        ['generic'],
      );
      const gpu = await cli(reg(), [
        'validate-node',
        '--image',
        img.ref,
        '--features',
        FEATURES,
        '--tags',
        'gpu',
      ]);
      assertCleanFailure(
        gpu,
        2,
        'unknown tag',
        /no compatibility set has tag "gpu"/,
        /telecom, generic/,
        /nothing was evaluated/,
      );
      assert.doesNotMatch(gpu.out, /COMPATIBILITY SET/);
    });

    test('an image with no compatibility artifact: exit 5, the message says how to attach one', async () => {
      const img = await pushImage(reg(), 'vn/bare', 'v1');
      const r = await cli(reg(), ['validate-node', '--image', img.ref, '--features', FEATURES]);
      assertCleanFailure(
        r,
        5,
        'no artifact',
        /compatibility artifact not found/,
        literal(`imgcompat attach ${img.ref}`),
      );
      assert.equal(r.out, '');
    });

    test('an artifact whose spec is invalid (pushed by oras): exit 3 with line:column', async () => {
      const img = await pushImage(reg(), 'vn/invalid', 'v1');
      const digest = await orasAttach(reg(), img.ref, writeSpec(INVALID_SPEC));
      const r = await cli(reg(), ['validate-node', '--image', img.ref, '--features', FEATURES]);
      assertCleanFailure(r, 3, 'invalid spec artifact', literal(`@${digest}:${INVALID_SPEC_LINE}:`), /Bogus/);
    });

    test('a --features file that is not a Features/NodeFeature document: exit 3', async () => {
      const img = await pushImage(reg(), 'vn/features', 'v1');
      await attach(reg(), img.ref, IMAGE_SPEC);
      const notFeatures = writeSpec('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n', 'cm.yaml');
      const r = await cli(reg(), ['validate-node', '--image', img.ref, '--features', notFeatures]);
      assertCleanFailure(r, 3, 'ConfigMap as --features', /cm\.yaml:\d+:\d+/, /ConfigMap/);
    });
  });
}

describe('validate-node: --platform on a two-platform index (go-containerregistry)', { skip }, () => {
  test('each platform manifest has its own artifact; the index has another', async () => {
    const img = await pushImage(ggcr, 'vn/multi', 'v1', [LINUX_AMD64, LINUX_ARM64]);
    const armSpec = writeSpec(validSpec('arm64 requirements'));
    const indexSpec = writeSpec(validSpec('index requirements'));
    const armDigest = await attach(ggcr, img.ref, armSpec, ['--platform', 'linux/arm64']);
    const indexDigest = await attach(ggcr, img.ref, indexSpec);

    const arm = await cli(ggcr, [
      'validate-node',
      '--image',
      img.ref,
      '--platform',
      'linux/arm64',
      '--features',
      FEATURES,
      '--output',
      'json',
    ]);
    assert.equal(arm.out, (await evalJson(armSpec)).out);
    const armSummary = await cli(ggcr, [
      'validate-node',
      '--image',
      img.ref,
      '--platform',
      'linux/arm64',
      '--features',
      FEATURES,
      '--summary',
      '-o',
      'json',
    ]);
    const s = JSON.parse(armSummary.out) as { subject: string; artifact: string };
    assert.equal(s.subject, img.platforms['linux/arm64']);
    assert.equal(s.artifact, armDigest);

    // Without --platform, NFD resolves the tag to the index and reads the index's artifact.
    const idx = await cli(ggcr, [
      'validate-node',
      '--image',
      img.ref,
      '--features',
      FEATURES,
      '--summary',
      '-o',
      'json',
    ]);
    assert.equal((JSON.parse(idx.out) as { artifact: string }).artifact, indexDigest);
    const idxJson = await cli(ggcr, [
      'validate-node',
      '--image',
      img.ref,
      '--features',
      FEATURES,
      '--output',
      'json',
    ]);
    assert.match(idxJson.out, /"description":"index requirements"/);

    const amd = await cli(ggcr, [
      'validate-node',
      '--image',
      img.ref,
      '--platform',
      'linux/amd64',
      '--features',
      FEATURES,
    ]);
    assertCleanFailure(amd, 5, 'nothing attached to the amd64 manifest', /compatibility artifact not found/);
    const none = await cli(ggcr, [
      'validate-node',
      '--image',
      img.ref,
      '--platform',
      'linux/s390x',
      '--features',
      FEATURES,
    ]);
    assert.notEqual(none.code, 0);
    assertCleanFailure(none, none.code, 'a platform the index lacks', /s390x/);
  });
});

describe('validate-node: authentication (docker-registry 2.8)', { skip }, () => {
  test('Basic auth via --registry-username/--registry-password-stdin; anonymous and wrong passwords: exit 4', async () => {
    const img = await pushImage(basic, 'vn/basic', 'v1');
    await attach(basic, img.ref, IMAGE_SPEC);
    const expected = await evalJson(IMAGE_SPEC);
    const ok = await imgcompat(
      [
        'validate-node',
        '--image',
        img.ref,
        ...cliTransportFlags(basic),
        '--registry-username',
        'canary',
        '--registry-password-stdin',
        '--features',
        FEATURES,
        '--output',
        'json',
        '--verbose',
      ],
      { stdin: `${CANARY}\n` },
    );
    assert.equal(ok.out, expected.out, ok.err);
    assert.equal(ok.code, expected.code);
    assert.ok(!ok.err.includes(CANARY), 'the password is never printed');
    assert.ok(!ok.err.includes(Buffer.from(`canary:${CANARY}`).toString('base64')), 'nor its Basic form');

    const anon = await imgcompat([
      'validate-node',
      '--image',
      img.ref,
      ...cliTransportFlags(basic),
      '--features',
      FEATURES,
    ]);
    assertCleanFailure(anon, 4, 'anonymous on a Basic-auth registry', literal(basic.host));
    const wrong = await imgcompat(
      [
        'validate-node',
        '--image',
        img.ref,
        ...cliTransportFlags(basic),
        '--registry-username',
        'canary',
        '--registry-password-stdin',
        '--features',
        FEATURES,
      ],
      { stdin: 'not-the-password' },
    );
    assertCleanFailure(wrong, 4, 'wrong password', literal(basic.host));
    assert.ok(!wrong.err.includes('not-the-password'));
  });

  test('Bearer: token-server login with a password, and a static --registry-token-stdin token', async () => {
    const img = await pushImage(token, 'vn/bearer', 'v1');
    await attach(token, img.ref, IMAGE_SPEC);
    const expected = await evalJson(IMAGE_SPEC);
    const viaPassword = await imgcompat(
      [
        'validate-node',
        '--image',
        img.ref,
        ...cliTransportFlags(token),
        '--registry-username',
        'canary',
        '--registry-password-stdin',
        '--features',
        FEATURES,
        '--output',
        'json',
      ],
      { stdin: CANARY },
    );
    assert.equal(viaPassword.out, expected.out, viaPassword.err);
    const sawCanary = token.tokenServer!.requests.some((q) => q.user === 'canary' && q.status === 200);
    assert.ok(sawCanary, 'the token server issued a token to the user');

    const url = `${token.tokenServer!.realm}?service=imgcompat-e2e-registry&scope=repository:vn/bearer:pull`;
    const res = await fetch(url, {
      headers: { authorization: `Basic ${Buffer.from(`canary:${CANARY}`).toString('base64')}` },
    });
    const tok = ((await res.json()) as { token: string }).token;
    token.tokenServer!.resetCounts();
    const viaToken = await imgcompat(
      [
        'validate-node',
        '--image',
        img.ref,
        ...cliTransportFlags(token),
        '--registry-token-stdin',
        '--features',
        FEATURES,
        '--output',
        'json',
        '--verbose',
      ],
      { stdin: `${tok}\n` },
    );
    assert.equal(viaToken.out, expected.out, viaToken.err);
    assert.equal(token.tokenServer!.requests.length, 0, 'a static token needs no token-server round trip');
    assert.ok(!viaToken.err.includes(tok), 'the token is never printed');

    const bogus = await imgcompat(
      [
        'validate-node',
        '--image',
        img.ref,
        ...cliTransportFlags(token),
        '--registry-token-stdin',
        '--features',
        FEATURES,
      ],
      { stdin: 'not-a-token' },
    );
    assertCleanFailure(bogus, 4, 'a token the registry rejects', literal(token.host));
  });
});

describe('validate-node: TLS with a private CA (docker-registry 2.8)', { skip }, () => {
  test('--ca-file trusts the registry; without it the certificate is rejected (exit 4)', async () => {
    const img = await pushImage(tls, 'vn/tls', 'v1');
    await attach(tls, img.ref, IMAGE_SPEC);
    const ok = await imgcompat([
      'validate-node',
      '--image',
      img.ref,
      ...cliTransportFlags(tls),
      '--features',
      FEATURES,
      '--output',
      'json',
    ]);
    assert.equal(ok.out, (await evalJson(IMAGE_SPEC)).out, ok.err);
    const untrusted = await imgcompat(['validate-node', '--image', img.ref, '--features', FEATURES]);
    assertCleanFailure(untrusted, 4, 'unknown CA', literal(tls.host), /certificate|UNABLE_TO_VERIFY/i);
  });
});

describe('validate-node: usage errors and timeouts (docker-registry 2.8 behind the fault proxy)', {
  skip,
}, () => {
  let ref: string;
  before(async () => {
    if (skip) return;
    await pushImage(dist, 'vn/proxied', 'v1');
    await attach(dist, `${dist.host}/vn/proxied:v1`, IMAGE_SPEC);
    ref = `${proxy.host}/vn/proxied:v1`;
  });

  test('neither --image nor --spec: exit 2, and no request is made', async () => {
    proxy.reset();
    const r = await imgcompat(['validate-node', '--plain-http', '--features', FEATURES]);
    assertCleanFailure(r, 2, 'no --image/--spec', /either --image .* or --spec .* is required/);
    assert.equal(proxy.total(), 0);
  });

  test("--registry-password-stdin with --registry-token-stdin: exit 2 with NFD's message, no request", async () => {
    proxy.reset();
    const r = await imgcompat(
      [
        'validate-node',
        '--image',
        ref,
        '--plain-http',
        '--registry-username',
        'u',
        '--registry-password-stdin',
        '--registry-token-stdin',
        '--features',
        FEATURES,
      ],
      { stdin: CANARY },
    );
    assertCleanFailure(
      r,
      2,
      'both stdin flags',
      /^imgcompat: cannot use --registry-token-stdin and --registry-password-stdin at the same time$/m,
    );
    assert.equal(proxy.total(), 0);
    assert.ok(!(r.out + r.err).includes(CANARY));
  });

  test('through the proxy without faults: the same report as directly', async () => {
    const r = await imgcompat([
      'validate-node',
      '--image',
      ref,
      '--plain-http',
      '--features',
      FEATURES,
      '--output',
      'json',
    ]);
    assert.equal(r.out, (await evalJson(IMAGE_SPEC)).out, r.err);
    assert.ok(proxy.total() > 0);
  });

  test('a registry that answers slowly: exit 4 within --timeout, with a timeout message', async () => {
    // Every request is slow but each alone would fit in the deadline: only the whole-run deadline
    // (--timeout covers the whole fetch, like NFD's one-minute context) can stop it.
    proxy.clearFaults();
    proxy.inject({ fault: { kind: 'delay', ms: 600 } });
    const slow = await imgcompat([
      'validate-node',
      '--image',
      ref,
      '--plain-http',
      '--timeout',
      '1s',
      '--features',
      FEATURES,
    ]);
    proxy.clearFaults();
    assertCleanFailure(slow, 4, 'slow registry', /timed out|timeout/i, literal(ref));
    assert.equal(slow.out, '');

    // A registry that never answers a manifest request.
    proxy.inject({ pathClass: 'manifest', fault: { kind: 'hang' } });
    const hung = await imgcompat([
      'validate-node',
      '--image',
      ref,
      '--plain-http',
      '--timeout',
      '1s',
      '--features',
      FEATURES,
    ]);
    proxy.clearFaults();
    assertCleanFailure(hung, 4, 'hanging registry', /timed out|timeout/i);
  });
  test('whole process: after the timeout is reported nothing more is sent, and the process ends', async () => {
    // Each request is slow (but shorter than --timeout): the deadline fires in the middle of the fetch.
    // The trace (--verbose) must show no request after the timeout message: the abandoned fetch is
    // aborted, not left retrying in the background of a process that cannot exit until it is done.
    proxy.clearFaults();
    proxy.inject({ fault: { kind: 'delay', ms: 400 } });
    const r = await imgcompatProcess([
      'validate-node',
      '--image',
      ref,
      '--plain-http',
      '--timeout',
      '1s',
      '--features',
      FEATURES,
      '--verbose',
    ]);
    proxy.clearFaults();
    assert.equal(r.code, 4, r.stderr);
    const lines = r.stderr.split('\n');
    const at = lines.findIndex((l) => /timed out after 1s \(--timeout\)/.test(l));
    assert.ok(at > 0, r.stderr);
    assert.ok(
      lines.slice(0, at).some((l) => /^imgcompat: > /.test(l)),
      'requests were traced before it',
    );
    assert.deepEqual(
      lines.slice(at + 1).filter((l) => /^imgcompat: (> |< |\s+retrying)/.test(l)),
      [],
      `no request after the timeout:\n${r.stderr}`,
    );
  });
});
