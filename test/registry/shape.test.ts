import assert from 'node:assert/strict';
import { test } from 'node:test';
import { descriptorProblem, indexProblem, manifestProblem } from '../../src/registry/shape.ts';

const D = {
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  digest: `sha256:${'a'.repeat(64)}`,
  size: 3,
};

test('descriptors: each wrong field is named with its path', () => {
  assert.equal(descriptorProblem(D, 'd'), undefined);
  assert.equal(
    descriptorProblem({ ...D, annotations: { a: 'b' }, platform: { os: 'linux' } }, 'd'),
    undefined,
  );
  const cases: [unknown, RegExp][] = [
    [null, /^d: expected a descriptor object, found null$/],
    [[], /^d: expected a descriptor object, found an array$/],
    [{ ...D, mediaType: 1 }, /^d\.mediaType: expected a string, found a number$/],
    [{ ...D, digest: 'nope' }, /^d\.digest: "nope" is not a digest$/],
    [{ ...D, size: -1 }, /^d\.size: expected a non-negative integer, found -1$/],
    [{ ...D, size: 1.5 }, /^d\.size/],
    [{ ...D, size: '3' }, /^d\.size: expected a non-negative integer, found a string$/],
    [{ ...D, annotations: { a: 1 } }, /^d\.annotations\.a: expected a string, found a number$/],
    [{ ...D, annotations: [] }, /^d\.annotations: expected an object of strings, found an array$/],
    [{ ...D, platform: null }, /^d\.platform: expected an object, found null$/],
    [{ ...D, platform: { os: 1 } }, /^d\.platform\.os: expected a string/],
    [{ ...D, platform: { 'os.features': 'x' } }, /^d\.platform\.os\.features/],
    [{ ...D, urls: [1] }, /^d\.urls/],
    [{ ...D, artifactType: {} }, /^d\.artifactType: expected a string, found an object$/],
  ];
  for (const [v, want] of cases) assert.match(descriptorProblem(v, 'd') ?? '', want, JSON.stringify(v));
});

test('indexes: a null entry, a missing list, a bad subject', () => {
  assert.equal(indexProblem({ schemaVersion: 2, manifests: [D] }), undefined);
  assert.match(indexProblem(null)!, /expected an image index object, found null/);
  assert.match(indexProblem({ manifests: {} })!, /^manifests: expected a list, found an object$/);
  assert.match(
    indexProblem({ manifests: [D, null] })!,
    /^manifests\[1\]: expected a descriptor object, found null$/,
  );
  assert.match(indexProblem({ manifests: [], subject: 'x' })!, /^subject: expected a descriptor object/);
  assert.match(
    indexProblem({ manifests: [], annotations: { k: null } })!,
    /^annotations\.k: expected a string/,
  );
  assert.match(indexProblem({ manifests: [], schemaVersion: '2' })!, /^schemaVersion/);
});

test('manifests: config and every layer are descriptors', () => {
  assert.equal(manifestProblem({ schemaVersion: 2, config: D, layers: [D] }), undefined);
  assert.match(manifestProblem({ layers: [] })!, /^config: expected a descriptor object, found nothing$/);
  assert.match(manifestProblem({ config: D, layers: null })!, /^layers: expected a list, found null$/);
  assert.match(
    manifestProblem({ config: D, layers: [D, 7] })!,
    /^layers\[1\]: expected a descriptor object, found a number$/,
  );
  assert.match(manifestProblem({ config: D, layers: [], mediaType: 5 })!, /^mediaType: expected a string/);
});
