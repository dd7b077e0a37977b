/**
 * Our SHA-256 (src/registry/sha256.ts) against node:crypto (OpenSSL) — every length from 0 to 1,100
 * bytes (all padding cases: a message ending anywhere in a 64-byte block) and random inputs up to the
 * size limit — and against the example vectors of FIPS 180-4 (NIST's "Example Algorithms", SHA-256).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { computeDigest } from '../../src/registry/descriptor.ts';
import { SMALL_INPUT_MAX, sha256Hex } from '../../src/registry/sha256.ts';
import { prng } from '../e2e/harness/varied-cluster.ts';

const openssl = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const ascii = (s: string) => new TextEncoder().encode(s);

test('FIPS 180-4 example messages', () => {
  assert.equal(sha256Hex(ascii('abc')), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.equal(
    sha256Hex(ascii('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')),
    '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
  );
  assert.equal(
    sha256Hex(new Uint8Array(0)),
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  );
});

test('every length from 0 to 1,100 bytes equals node:crypto', () => {
  const next = prng(256);
  const buf = new Uint8Array(1100 + 7);
  for (let i = 0; i < buf.length; i++) buf[i] = Math.floor(next() * 256);
  for (let n = 0; n <= 1100; n++) {
    // At varying offsets: the input is a view, as the registry client's are.
    const b = buf.subarray(n % 7, (n % 7) + n);
    assert.equal(b.length, n);
    assert.equal(sha256Hex(b), openssl(b), `length ${n}`);
  }
});

test('random inputs up to the size limit, including views into larger buffers', () => {
  const next = prng(4096);
  for (let round = 0; round < 40; round++) {
    const len = Math.floor(next() * SMALL_INPUT_MAX);
    const whole = new Uint8Array(len + 16);
    for (let i = 0; i < whole.length; i++) whole[i] = Math.floor(next() * 256);
    const view = whole.subarray(8, 8 + len);
    assert.equal(sha256Hex(view), openssl(view), `round ${round}, length ${len}`);
  }
});

test('computeDigest: the same digests on both sides of the limit, and sha512 through node:crypto', () => {
  for (const len of [0, 1, SMALL_INPUT_MAX - 1, SMALL_INPUT_MAX, SMALL_INPUT_MAX + 1, 100_000]) {
    const b = new Uint8Array(len).fill(0x61);
    assert.equal(computeDigest(b), `sha256:${openssl(b)}`);
  }
  const b = ascii('abc');
  assert.equal(computeDigest(b, 'sha512'), `sha512:${createHash('sha512').update(b).digest('hex')}`);
});
