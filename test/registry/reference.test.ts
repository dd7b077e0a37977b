import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiHost, formatReference, isRegistryHost, parseReference } from '../../src/registry/reference.ts';

const D = `sha256:${'a'.repeat(64)}`;

// input → [registry, repository, tag, digest] (distribution/reference normalisation)
const valid: [string, string, string, string | undefined, string | undefined][] = [
  ['ubuntu', 'docker.io', 'library/ubuntu', 'latest', undefined],
  ['ubuntu:22.04', 'docker.io', 'library/ubuntu', '22.04', undefined],
  ['docker.io/ubuntu', 'docker.io', 'library/ubuntu', 'latest', undefined],
  ['index.docker.io/ubuntu', 'docker.io', 'library/ubuntu', 'latest', undefined],
  ['docker.io/user/app:v1', 'docker.io', 'user/app', 'v1', undefined],
  ['user/app', 'docker.io', 'user/app', 'latest', undefined],
  ['localhost/app', 'localhost', 'app', 'latest', undefined],
  ['localhost:5000/a/b/c:tag_1.x-y', 'localhost:5000', 'a/b/c', 'tag_1.x-y', undefined],
  ['127.0.0.1:5000/test/app:1.0', '127.0.0.1:5000', 'test/app', '1.0', undefined],
  ['[::1]:5000/test/app:1.0', '[::1]:5000', 'test/app', '1.0', undefined],
  ['[fe80::1]/app', '[fe80::1]', 'app', 'latest', undefined],
  ['registry.example.com/app@' + D, 'registry.example.com', 'app', undefined, D],
  ['registry.example.com/app:v1@' + D, 'registry.example.com', 'app', 'v1', D],
  ['Example.COM/app', 'Example.COM', 'app', 'latest', undefined],
  ['ghcr.io/a__b/c-d--e.f:latest', 'ghcr.io', 'a__b/c-d--e.f', 'latest', undefined],
];

for (const [input, registry, repository, tag, digest] of valid) {
  test(`parses ${input}`, () => {
    const r = parseReference(input);
    assert.equal(r.kind, 'remote');
    if (r.kind !== 'remote') return;
    assert.equal(r.registry, registry);
    assert.equal(r.repository, repository);
    assert.equal(r.tag, tag);
    assert.equal(r.digest, digest);
  });
}

// input → a fragment the error message must contain
const invalid: [string, RegExp][] = [
  ['', /empty/],
  ['registry.example.com/App', /lower-case/],
  ['registry.example.com/app:', /empty tag/],
  ['registry.example.com/app:-bad', /bad tag/],
  ['registry.example.com/app:' + 'x'.repeat(129), /bad tag/],
  ['registry.example.com/app@sha256:abc', /sha256 digests have 64/],
  ['registry.example.com/app@md5:' + 'a'.repeat(32), /unsupported digest algorithm/],
  ['registry.example.com/app@nonsense', /expected <algorithm>:<hex>/],
  ['registry.example.com/a//b', /empty path component/],
  ['registry.example.com/a_-b', /bad repository path component/],
  ['registry.example.com/', /missing repository/],
  ['has space/app', /white space/],
  ['-bad.host/app', /bad registry host/],
  [`r.io/${'a'.repeat(260)}`, /longer than 255/],
  [`${'a'.repeat(64)}`, /64-digit hexadecimal/],
];

for (const [input, why] of invalid) {
  test(`rejects ${JSON.stringify(input.slice(0, 40))} saying what is wrong`, () => {
    assert.throws(
      () => parseReference(input),
      (e: Error & { code?: string; kind?: string }) => {
        assert.equal(e.code, 'E_REFERENCE_INVALID');
        assert.equal(e.kind, 'usage');
        assert.match(e.message, why);
        assert.ok(e.message.includes(JSON.stringify(input)), e.message);
        return true;
      },
    );
  });
}

test('oci layout references: dir, tag, digest', () => {
  assert.deepEqual(parseReference('oci:./layout'), { kind: 'layout', dir: './layout' });
  assert.deepEqual(parseReference('oci:/tmp/x:v1'), { kind: 'layout', dir: '/tmp/x', tag: 'v1' });
  assert.deepEqual(parseReference(`oci:/tmp/x@${D}`), { kind: 'layout', dir: '/tmp/x', digest: D });
  // A ':' followed by a path is part of the directory.
  assert.deepEqual(parseReference('oci:a:b/c'), { kind: 'layout', dir: 'a:b/c' });
  assert.throws(() => parseReference('oci:'), /missing the layout directory/);
  assert.throws(() => parseReference('oci:/x@sha256:1'), /bad digest/);
});

test('docker.io is served from registry-1.docker.io; references format back', () => {
  assert.equal(apiHost('docker.io'), 'registry-1.docker.io');
  assert.equal(apiHost('127.0.0.1:5000'), '127.0.0.1:5000');
  assert.equal(formatReference(parseReference('ubuntu')), 'docker.io/library/ubuntu:latest');
  assert.equal(formatReference(parseReference(`r.io/a@${D}`)), `r.io/a@${D}`);
});

test('a port outside 1-65535 is a usage error naming the port, not a URL failure', () => {
  for (const ref of [
    'localhost:65536/app:v1',
    '127.0.0.1:99999999999/app',
    '[::1]:0/app@sha256:' + 'a'.repeat(64),
  ]) {
    assert.throws(
      () => parseReference(ref),
      (e: Error & { code?: string; kind?: string }) => {
        assert.equal(e.kind, 'usage');
        assert.equal(e.code, 'E_REFERENCE_INVALID');
        assert.match(e.message, /bad port \d+: ports are 1 to 65535/);
        return true;
      },
      ref,
    );
  }
  assert.equal((parseReference('localhost:65535/app') as { registry: string }).registry, 'localhost:65535');
  assert.equal(isRegistryHost('localhost:65536'), false);
  assert.equal(isRegistryHost('localhost:6000'), true);
});
