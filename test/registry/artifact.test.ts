import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildArtifactManifest, parseRfc3339, sortNewestFirst } from '../../src/registry/artifact.ts';
import type { Descriptor } from '../../src/registry/descriptor.ts';

const M = 'application/vnd.oci.image.manifest.v1+json';
const art = (digestChar: string, annotations?: Record<string, string>): Descriptor => ({
  mediaType: M,
  digest: `sha256:${digestChar.repeat(64)}`,
  size: 1,
  ...(annotations ? { annotations } : {}),
});

test('RFC 3339 parsing as Go: offsets, fractions to the nanosecond, invalid dates', () => {
  assert.equal(parseRfc3339('1970-01-01T00:00:01Z'), 1_000_000_000n);
  assert.equal(parseRfc3339('1970-01-01T01:00:01+01:00'), 1_000_000_000n);
  assert.equal(parseRfc3339('1970-01-01T00:00:00.000000001Z'), 1n);
  // Go's time.Parse takes upper-case `T` and `Z` only (src/go/time.ts).
  assert.equal(parseRfc3339('1970-01-01t00:00:00.5z'), undefined);
  for (const bad of [
    '2026-02-30T00:00:00Z',
    '2026-01-01 00:00:00Z',
    '2026-01-01T00:00:00',
    'yesterday',
    '',
  ]) {
    assert.equal(parseRfc3339(bad), undefined, bad);
  }
});

test('newest first by org.opencontainers.image.created; the misspelt key is read; undated last; ties by digest', () => {
  const sorted = sortNewestFirst([
    art('1'),
    art('2', { 'org.opencontainers.image.created': '2026-01-01T00:00:00Z' }),
    art('3', { 'oci.opencontainers.image.created': '2026-03-01T00:00:00Z' }),
    art('4', { 'org.opencontainers.image.created': 'not a date' }),
    art('6', { 'org.opencontainers.image.created': '2026-02-01T00:00:00Z' }),
    art('5', { 'org.opencontainers.image.created': '2026-02-01T01:00:00+01:00' }),
    art('7', { 'org.opencontainers.image.created': '2026-01-01T00:00:00.5Z' }),
  ]);
  assert.deepEqual(
    sorted.map((d) => d.digest[7]),
    ['3', '5', '6', '7', '2', '1', '4'],
  );
  // The org. key wins over the misspelt one when both are present.
  const both = art('8', {
    'org.opencontainers.image.created': '2020-01-01T00:00:00Z',
    'oci.opencontainers.image.created': '2030-01-01T00:00:00Z',
  });
  assert.equal(
    sortNewestFirst([both, art('9', { 'org.opencontainers.image.created': '2025-01-01T00:00:00Z' })])[0]!
      .digest[7],
    '9',
  );
  // Input order does not matter (deterministic, unlike NFD's unstable sort).
  const a = [
    art('b', { 'org.opencontainers.image.created': '2026-01-01T00:00:00Z' }),
    art('a', { 'org.opencontainers.image.created': '2026-01-01T00:00:00Z' }),
  ];
  assert.deepEqual(sortNewestFirst(a), sortNewestFirst([...a].reverse()));
});

test('artifact manifest: oras field order, empty config with data, created at second precision, sorted annotations, Go escaping', () => {
  const subject = {
    mediaType: 'application/vnd.oci.image.index.v1+json',
    digest: `sha256:${'c'.repeat(64)}`,
    size: 506,
    platform: { os: 'linux', architecture: 'amd64' },
  };
  const spec = new TextEncoder().encode('version: v1alpha1\n');
  const m = buildArtifactManifest(subject, spec, {
    created: new Date('2026-11-27T17:22:27.123Z'),
    title: 'spec.yaml',
    annotations: { 'z.key': 'a<b>&c', 'a.key': 'x' },
  });
  const text = new TextDecoder().decode(m.bytes);
  assert.equal(
    text,
    '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",' +
      '"artifactType":"application/vnd.nfd.image-compatibility.v1alpha1",' +
      '"config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2,"data":"e30="},' +
      `"layers":[{"mediaType":"application/vnd.nfd.image-compatibility.spec.v1alpha1+yaml","digest":"${m.layer.digest}","size":18,"annotations":{"org.opencontainers.image.title":"spec.yaml"}}],` +
      `"subject":{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"${subject.digest}","size":506},` +
      '"annotations":{"a.key":"x","org.opencontainers.image.created":"2026-11-27T17:22:27Z","z.key":"a\\u003cb\\u003e\\u0026c"}}',
  );
  assert.equal(m.descriptor.size, m.bytes.byteLength);
  assert.throws(
    () =>
      buildArtifactManifest(subject, spec, { annotations: { 'org.opencontainers.image.created': 'today' } }),
    /not an RFC 3339 time/,
  );
  const given = buildArtifactManifest(subject, spec, {
    annotations: { 'org.opencontainers.image.created': '2020-01-01T00:00:00+02:00' },
  });
  assert.equal(
    given.descriptor.annotations?.['org.opencontainers.image.created'],
    '2020-01-01T00:00:00+02:00',
  );
});
