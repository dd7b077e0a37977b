import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Spec } from '../../src/core/model/spec.ts';
import { clampWeight, digest12, nameSets, specDigest } from '../../src/k8s/set-names.ts';

const D = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

function spec(tags: (string | undefined)[]): Spec {
  return {
    version: 'v1alpha1',
    compatibilities: tags.map((tag) => ({ rules: [], ...(tag ? { tag } : {}) })),
  };
}

test('a unique DNS-label tag names the set; anything else falls back to set<N> (spec position)', () => {
  const sets = nameSets(spec(['fast', undefined, 'dup', 'dup', 'Upper', 'set1', 'a'.repeat(41), 'ok-2']), D);
  assert.deepEqual(
    sets.map((s) => s.name),
    ['fast', 'set2', 'set3', 'set4', 'set5', 'set6', 'set7', 'ok-2'],
  );
  assert.equal(sets[0]!.label, 'compat.feature.node.kubernetes.io/0123456789ab.fast');
  assert.equal(new Set(sets.map((s) => s.label)).size, sets.length);
  for (const s of sets) assert.ok(s.label.split('/')[1]!.length <= 63);
});

test('names do not depend on --tags; indices do', () => {
  const sets = nameSets(spec([undefined, 'gpu', 'cpu']), D, ['cpu']);
  assert.deepEqual(
    sets.map((s) => [s.name, s.position, s.index]),
    [['cpu', 3, 1]],
  );
});

test('weights are clamped to 1..100 and digests shortened to 12 hex digits', () => {
  assert.deepEqual([undefined, 0, -5, 1, 50, 100, 1000].map(clampWeight), [1, 1, 1, 1, 50, 100, 100]);
  assert.equal(digest12(D), '0123456789ab');
});

test('specDigest: sha256 of the bytes as stored (a BOM and CRLF count), as a registry digests the spec layer', () => {
  // sha256("abc"), FIPS 180-2 appendix B.1.
  assert.equal(
    specDigest(new TextEncoder().encode('abc')),
    'sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
  );
  assert.equal(specDigest('abc'), specDigest(new TextEncoder().encode('abc')));
  assert.notEqual(specDigest('\ufeffabc'), specDigest('abc'));
  assert.equal(digest12(specDigest('abc')), 'ba7816bf8f01');
});
