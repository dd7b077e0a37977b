/**
 * The list + watch loop against a scripted in-memory source (fault injection: 410 Gone, errors, stream
 * ends); the real API server is exercised in test/e2e/webhook-install.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  Informer,
  type ListPage,
  type WatchEvent,
  type WatchSource,
} from '../../../src/k8s/webhook/informer.ts';
import { LabelIndex, nodeExtractor } from '../../../src/k8s/webhook/label-index.ts';

const K = 'compat.feature.node.kubernetes.io/aaaaaaaaaaaa.fast';
const n = (name: string, rv: string, labels: Record<string, string> = { [K]: 'true' }) => ({
  metadata: { name, resourceVersion: rv, labels },
});

type Step =
  | { list: ListPage[] }
  | { watch: WatchEvent[]; end?: 'close' | Error | 'hang'; expectRv?: string }
  | { listError: Error };

/** Plays `steps` in order: each list() / watch() call consumes the next step of its kind. */
function scripted(steps: Step[]) {
  const calls: string[] = [];
  let pageIndex = 0;
  const src: WatchSource = {
    resource: 'nodes',
    async list({ continue: cont }) {
      const s = steps[0];
      if (s && 'listError' in s) {
        steps.shift();
        calls.push('list-error');
        throw s.listError;
      }
      if (!s || !('list' in s)) throw new Error(`unexpected list, next step ${JSON.stringify(s)}`);
      const page = s.list[pageIndex]!;
      calls.push(`list${cont ? `(${cont})` : ''}`);
      pageIndex++;
      if (pageIndex === s.list.length) {
        steps.shift();
        pageIndex = 0;
      }
      return page;
    },
    async watch({ resourceVersion, signal }, onEvent) {
      const s = steps.shift();
      if (!s || !('watch' in s)) {
        await new Promise<void>((r) => signal.addEventListener('abort', () => r()));
        return;
      }
      calls.push(`watch@${resourceVersion}`);
      if (s.expectRv) assert.equal(resourceVersion, s.expectRv);
      for (const e of s.watch) onEvent(e);
      if (s.end instanceof Error) throw s.end;
      if (s.end === 'hang') await new Promise<void>((r) => signal.addEventListener('abort', () => r()));
    },
  };
  return { src, calls };
}

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(cond(), 'condition not reached');
}

test('pages, events, bookmarks, a server-side close and a 410 Gone that re-lists', async () => {
  const { src, calls } = scripted([
    {
      list: [
        { items: [n('a', '1')], continue: 'c1', resourceVersion: '10' },
        { items: [n('b', '2', {})], resourceVersion: '10' },
      ],
    },
    {
      watch: [
        { type: 'ADDED', object: n('c', '11') },
        { type: 'BOOKMARK', object: { metadata: { resourceVersion: '15' } } },
      ],
      end: 'close',
      expectRv: '10',
    },
    {
      watch: [
        { type: 'DELETED', object: n('a', '16') },
        { type: 'ERROR', object: { kind: 'Status', code: 410, message: 'too old resource version' } },
      ],
      expectRv: '15',
    },
    { list: [{ items: [n('z', '30'), n('y', '30')], resourceVersion: '30' }] },
    { watch: [], end: 'hang', expectRv: '30' },
  ]);
  const inf = new Informer(src, new LabelIndex(nodeExtractor), { pageSize: 1 });
  const ac = new AbortController();
  const running = inf.run(ac.signal);
  await inf.synced();
  await until(() => inf.lists === 2 && inf.state === 'watching' && calls.includes('watch@30'));
  assert.deepEqual(calls, ['list', 'list(c1)', 'watch@10', 'watch@15', 'list', 'watch@30']);
  assert.equal(inf.index.count(K), 2);
  assert.equal(inf.index.size, 2);
  assert.equal(inf.fresh(), true);
  ac.abort();
  await running;
  assert.equal(inf.state, 'stopped');
});

test('a failing watch: trusted for staleMs, then not fresh with the reason; recovers after a re-list', async () => {
  let now = 1000;
  const { src } = scripted([
    { list: [{ items: [n('a', '1')], resourceVersion: '5' }] },
    { watch: [], end: new Error('connect ECONNREFUSED') },
    { listError: new Error('connect ECONNREFUSED') },
    { list: [{ items: [n('a', '1'), n('b', '2')], resourceVersion: '9' }] },
    { watch: [], end: 'hang' },
  ]);
  const logs: string[] = [];
  const inf = new Informer(src, new LabelIndex(nodeExtractor), {
    staleMs: 30_000,
    now: () => now,
    maxBackoffMs: 20,
    log: (l) => logs.push(l),
  });
  assert.equal(inf.fresh(), false);
  assert.match(inf.staleReason(), /has not succeeded yet/);
  const ac = new AbortController();
  const running = inf.run(ac.signal);
  await until(() => inf.state === 'failing');
  assert.equal(inf.fresh(), true, 'within staleMs the last known labels are used');
  now += 31_000;
  assert.equal(inf.fresh(), false);
  assert.match(inf.staleReason(), /the nodes watch has been failing for 31s \(connect ECONNREFUSED\)/);
  await until(() => inf.index.size === 2 && inf.state === 'watching');
  assert.equal(inf.fresh(), true);
  assert.ok(logs.some((l) => /watching again/.test(l)));
  assert.equal(logs.filter((l) => /ECONNREFUSED/.test(l)).length, 1, 'one log line per outage');
  ac.abort();
  await running;
});
