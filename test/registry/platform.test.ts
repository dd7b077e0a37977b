import assert from 'node:assert/strict';
import { test } from 'node:test';
import { goArch, parsePlatform, platformMatches } from '../../src/registry/platform.ts';

test("NFD's platform syntax", () => {
  assert.deepEqual(parsePlatform('linux/arm64/v8', 'amd64'), {
    os: 'linux',
    architecture: 'arm64',
    variant: 'v8',
  });
  assert.deepEqual(parsePlatform('linux', 'arm64'), { os: 'linux', architecture: 'arm64' });
  assert.deepEqual(parsePlatform('windows/amd64:10.0.17763.1234', 'amd64'), {
    os: 'windows',
    architecture: 'amd64',
    'os.version': '10.0.17763.1234',
  });
  // Only the first ':' splits: the OS version keeps the rest.
  assert.equal(parsePlatform('windows/amd64:a:b', 'amd64')['os.version'], 'a:b');
  assert.deepEqual(parsePlatform('linux/x86_64', 'arm64'), { os: 'linux', architecture: 'amd64' });
  assert.deepEqual(parsePlatform('linux/aarch64', 'amd64'), { os: 'linux', architecture: 'arm64' });
  assert.deepEqual(parsePlatform('linux/armhf', 'amd64'), {
    os: 'linux',
    architecture: 'arm',
    variant: 'v7',
  });
});

test('platform errors use NFD wording', () => {
  assert.throws(
    () => parsePlatform('linux/arm/v7/extra', 'amd64'),
    /expected format os\[\/arch\[\/variant\]\]/,
  );
  assert.throws(() => parsePlatform('/amd64', 'amd64'), /OS cannot be empty/);
  assert.throws(() => parsePlatform('linux/', 'amd64'), /Architecture cannot be empty/);
});

test('oras-go matching: variant and os.version only when requested; features a subset', () => {
  const cand = { os: 'linux', architecture: 'arm64', variant: 'v8', 'os.features': ['a', 'b'] };
  assert.equal(platformMatches(cand, { os: 'linux', architecture: 'arm64' }), true);
  assert.equal(platformMatches(cand, { os: 'linux', architecture: 'arm64', variant: 'v8' }), true);
  assert.equal(platformMatches(cand, { os: 'linux', architecture: 'arm64', variant: 'v9' }), false);
  assert.equal(platformMatches(cand, { os: 'linux', architecture: 'amd64' }), false);
  assert.equal(platformMatches(cand, { os: 'linux', architecture: 'arm64', 'os.features': ['a'] }), true);
  assert.equal(platformMatches(cand, { os: 'linux', architecture: 'arm64', 'os.features': ['c'] }), false);
  assert.equal(platformMatches(cand, { os: 'linux', architecture: 'arm64', 'os.version': '1' }), false);
  assert.equal(platformMatches(undefined, { os: 'linux', architecture: 'arm64' }), false);
});

test("Node's arch names map to Go's", () => {
  assert.equal(goArch('x64'), 'amd64');
  assert.equal(goArch('ia32'), '386');
  assert.equal(goArch('arm64'), 'arm64');
});
