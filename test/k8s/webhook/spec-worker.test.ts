/** Spec evaluation in worker threads: same answer as in-process, budgets enforced, event loop free. */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Worker } from 'node:worker_threads';
import {
  evaluateInProcess,
  SpecBudgetError,
  SpecWorkers,
  WORKER_NICE_INCREMENT,
} from '../../../src/k8s/webhook/spec-worker.ts';
import { slowSpec } from '../../e2e/harness/fixtures.ts';
import { REPO_ROOT } from '../../e2e/harness/tools.ts';

const D = `sha256:${'ab'.repeat(32)}`;
const example = readFileSync(join(REPO_ROOT, 'examples', 'spec.yaml'), 'utf8');

const started: Worker[] = [];
const pool = new SpecWorkers({ budgetMs: 1000, heapMb: 64, workers: 1, onWorker: (w) => started.push(w) });
after(() => pool.close());

test('a worker evaluates a spec as the main thread does', async () => {
  assert.deepEqual(
    await pool.evaluate(example, 'example', D),
    await evaluateInProcess(example, 'example', D),
  );
  await assert.rejects(pool.evaluate('version: v1alpha1\ncompatibilities: 7\n', 'bad.yaml', D), /bad\.yaml/);
  assert.equal(pool.replaced, 0, 'an invalid spec does not cost the worker');
});

test("spec bytes are decoded in the worker as Go's YAML reader decodes them", async () => {
  const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(example, 'utf16le')]);
  // A view into a larger buffer: only the view's bytes are the spec.
  const padded = Buffer.concat([Buffer.from('garbage'), Buffer.from(example), Buffer.from('garbage')]);
  const view = new Uint8Array(padded.buffer, padded.byteOffset + 7, Buffer.byteLength(example));
  const expected = await evaluateInProcess(example, 'example', D);
  assert.deepEqual(await pool.evaluate(new Uint8Array(utf16), 'utf16', D), expected);
  assert.deepEqual(await pool.evaluate(view, 'view', D), expected);
  assert.equal(view[0], Buffer.from(example)[0], "the caller's bytes are left as they were");
  const latin1 = Buffer.concat([Buffer.from(example), Buffer.from([0x23, 0x20, 0xe9, 0x20, 0x0a])]);
  await assert.rejects(
    pool.evaluate(new Uint8Array(latin1), `r/x@${D}`, D),
    new RegExp(`^Error: r/x@${D}: yaml: invalid trailing UTF-8 octet \\(at byte ${latin1.length - 2}\\)$`),
  );
  assert.equal(pool.replaced, 0);
});

test('spec workers run at a lower priority than the main thread (Linux: per-thread nice)', {
  skip: !existsSync('/proc/thread-self') && 'no /proc/thread-self',
}, async () => {
  await pool.evaluate(example, 'example', D); // the worker is up
  const nice = (task: string) => {
    const stat = readFileSync(`/proc/self/task/${task}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  };
  const tasks = readdirSync('/proc/self/task');
  const main = nice(String(process.pid));
  const want = Math.min(19, main + WORKER_NICE_INCREMENT);
  assert.ok(
    tasks.some((t) => nice(t) === want),
    `no thread at nice ${want} (main thread ${main}): ${tasks.map(nice)}`,
  );
});

test('a spec over the time or heap budget: the worker is replaced, the event loop keeps ticking', async () => {
  const text = slowSpec(20_000);
  assert.ok(text.length < 4 * 1024 * 1024, 'within the spec size cap');
  let last = performance.now();
  let worstGap = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    worstGap = Math.max(worstGap, now - last);
    last = now;
  }, 5);
  try {
    await assert.rejects(pool.evaluate(text, 'hostile.yaml', D), (e: unknown) => {
      assert.ok(e instanceof SpecBudgetError, String(e));
      assert.match(e.message, /longer than the 1000 ms allowed|more than the 64 MiB heap allowed/);
      return true;
    });
  } finally {
    clearInterval(tick);
  }
  // In the main thread this spec stalls the loop for seconds. The bound is loose because the tests
  // share a loaded machine; the 50 ms target for /healthz is measured in bench/webhook-hostile.bench.mjs.
  assert.ok(worstGap < 250, `the event loop stalled for ${worstGap.toFixed(0)} ms`);
  assert.equal(pool.replaced, 1);
  // A fresh worker answers the next spec.
  assert.equal((await pool.evaluate(example, 'example', D)).length > 0, true);
});

test('a worker that fails after its budget ran out (late ERR_WORKER_OUT_OF_MEMORY) cannot end the process', async () => {
  // The time budget and the heap limit race: the budget's timer discards the worker, and the worker
  // may still report running out of heap while it is being terminated. Injected here, as it happens.
  const fast = new SpecWorkers({ budgetMs: 1, heapMb: 64, workers: 1, onWorker: (w) => started.push(w) });
  try {
    const before = started.length;
    await assert.rejects(fast.evaluate(slowSpec(20_000), 'hostile.yaml', D), SpecBudgetError);
    const discarded = started[before];
    assert.ok(discarded, 'a worker was started');
    const late = Object.assign(
      new Error('Worker terminated due to reaching memory limit: JS heap out of memory'),
      {
        code: 'ERR_WORKER_OUT_OF_MEMORY',
      },
    );
    assert.doesNotThrow(() => discarded.emit('error', late));
    assert.equal(fast.replaced, 1, 'the late failure is not counted twice');
  } finally {
    await fast.close();
  }
});
