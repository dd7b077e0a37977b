import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ArtifactCache, ArtifactFailure, type Lookup } from '../../../src/k8s/webhook/artifact-cache.ts';

test('positive entries live ttlMs, negative entries negativeTtlMs, errors are not cached', async () => {
  let now = 0;
  const cache = new ArtifactCache<string>({ ttlMs: 100, negativeTtlMs: 10, now: () => now });
  const calls: string[] = [];
  let fail = false;
  const load = async (ref: string): Promise<Lookup<string>> => {
    calls.push(ref);
    if (fail) throw new Error('down');
    return ref.startsWith('none') ? null : { subject: `sha256:${ref}`, value: `v-${ref}` };
  };
  assert.deepEqual(await cache.get('img', load), { subject: 'sha256:img', value: 'v-img' });
  assert.equal(await cache.get('none', load), null);
  now = 50;
  await cache.get('img', load);
  assert.equal(await cache.get('none', load), null);
  assert.deepEqual(
    calls,
    ['img', 'none', 'none'],
    'negative entry expired at 10, positive still fresh at 50',
  );
  now = 200;
  fail = true;
  await assert.rejects(cache.get('img', load), /down/);
  await assert.rejects(cache.get('img', load), /down/);
  assert.equal(calls.filter((c) => c === 'img').length, 3, 'errors are retried');
  assert.equal(cache.hits, 1);
});

test('concurrent lookups of one reference share one load', async () => {
  const cache = new ArtifactCache<number>({ ttlMs: 1000, negativeTtlMs: 1000 });
  let loads = 0;
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const load = async (): Promise<Lookup<number>> => {
    loads++;
    await gate;
    return { subject: 'sha256:x', value: 1 };
  };
  const all = Promise.all([cache.get('a', load), cache.get('a', load), cache.get('a', load)]);
  release();
  assert.deepEqual(
    (await all).map((l) => l?.value),
    [1, 1, 1],
  );
  assert.equal(loads, 1);
});

test('an ArtifactFailure is cached for negativeTtlMs; other errors are not', async () => {
  let now = 0;
  const cache = new ArtifactCache<string>({ ttlMs: 100, negativeTtlMs: 10, now: () => now });
  let calls = 0;
  const load = async (ref: string): Promise<Lookup<string>> => {
    calls++;
    if (ref === 'broken') throw new ArtifactFailure('invalid spec: line 1', 'sha256:broken');
    throw new Error('registry down');
  };
  await assert.rejects(cache.get('broken', load), /invalid spec: line 1/);
  await assert.rejects(cache.get('broken', load), /invalid spec: line 1/);
  assert.equal(calls, 1, 'the second pod is answered from the cache');
  assert.equal(cache.hits, 1);
  now = 9;
  await assert.rejects(cache.get('broken', load), ArtifactFailure);
  assert.equal(calls, 1);
  now = 10;
  await assert.rejects(cache.get('broken', load), /invalid spec/);
  assert.equal(calls, 2, 'expired after negativeTtlMs');
  await assert.rejects(cache.get('down', load), /registry down/);
  await assert.rejects(cache.get('down', load), /registry down/);
  assert.equal(calls, 4, 'registry errors are retried');
});
