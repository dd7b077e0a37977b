/**
 * Parses and evaluates the specs the webhook reads from registries, off the event loop.
 *
 * A spec comes from whoever can push to a registry the cluster pulls from, so it is hostile input: one
 * that takes seconds or gigabytes to parse must not stall `/healthz` and every other review, nor push
 * the process past its memory limit. Each spec is evaluated in a worker thread (`node:worker_threads`)
 * created with `resourceLimits` (V8 heap) and given a time budget; a worker that runs out of either is
 * terminated (which frees its whole heap) and a fresh one takes its place. The caller turns the failure
 * into an ArtifactFailure, cached for the negative TTL (server.ts, artifact-cache.ts).
 *
 * The worker runs this same module: a module loaded by a worker whose `workerData` carries
 * `WORKER_MARK` answers evaluation requests instead of exporting anything useful. That holds for the
 * compiled modules and for the bundled CLI (where this code sits in one of its chunks); a build where
 * `import.meta.url` is not a file Node can load in a worker (the single executable) falls back to
 * evaluating in the main thread, and says so once in the log.
 */
import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { loadSpec } from '../../core/load/load-spec.ts';
import { specTextOf } from '../../core/load/spec-text.ts';
import { nameSets } from '../set-names.ts';
import type { CompatSet } from './admission.ts';

/**
 * The sets of one spec, from its bytes as stored (decoded in the worker, as Go's YAML reader decodes
 * them: spec-text.ts) or its text; rejects when the spec does not decode, parse or evaluate.
 */
export type EvaluateSpec = (
  spec: Uint8Array | string,
  source: string,
  digest: string,
) => Promise<CompatSet[]>;

/** Evaluation in the calling thread (what the worker runs; also the fallback). */
export const evaluateInProcess: EvaluateSpec = async (input, source, digest) => {
  const text = typeof input === 'string' ? input : specTextOf(input, source);
  const { spec } = loadSpec(text, { file: source });
  return nameSets(spec, digest).map((s) => ({ label: s.label, weight: s.affinityWeight }));
};

const WORKER_MARK = 'imgcompat-spec-worker';

interface Request {
  spec: Uint8Array | string;
  source: string;
  digest: string;
}
type Reply = { ok: true; sets: CompatSet[] } | { ok: false; message: string };

/** How much nicer a spec worker's thread is than the thread that started it (at most nice 19). */
export const WORKER_NICE_INCREMENT = 10;

/**
 * Lowers this thread's scheduling priority, so a spec worker evaluating a hostile spec gives way to the
 * main thread (/healthz, other reviews) whenever both want a CPU: in the webhook's pod they compete for
 * the same CPU limit. On Linux the nice value is per thread and setpriority(2) with a thread id sets
 * that thread's only (man 2 setpriority, NOTES); the id is in /proc/thread-self (`<pid>/task/<tid>`,
 * proc(5)). Elsewhere, or when it cannot be read, nothing changes.
 */
export function lowerThreadPriority(): boolean {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0 || tid === process.pid) return false;
    setPriority(tid, Math.min(19, getPriority(tid) + WORKER_NICE_INCREMENT));
    return true;
  } catch {
    return false;
  }
}

if (!isMainThread && parentPort && (workerData as { mark?: string } | null)?.mark === WORKER_MARK) {
  const port = parentPort;
  lowerThreadPriority();
  port.on('message', (req: Request) => {
    evaluateInProcess(req.spec, req.source, req.digest).then(
      (sets) => port.postMessage({ ok: true, sets } satisfies Reply),
      (e: unknown) =>
        port.postMessage({ ok: false, message: e instanceof Error ? e.message : String(e) } satisfies Reply),
    );
  });
}

export interface SpecWorkerOptions {
  /** Time one evaluation may take (keep it under the webhook's deadline). */
  budgetMs: number;
  /** V8 old-generation heap of each worker, in MiB. */
  heapMb: number;
  /** Workers evaluating at once. */
  workers: number;
  log?: (line: string) => void;
  /** Called with every worker started (observability and fault-injection tests). */
  onWorker?: (worker: Worker) => void;
}

/** The failure was already reported (or the worker was being discarded): nothing left to do. */
function ignoreLateError(): void {}

/** Thrown (as the evaluation's failure) when a spec exceeds its time or memory budget. */
export class SpecBudgetError extends Error {}

interface Task extends Request {
  resolve: (sets: CompatSet[]) => void;
  reject: (e: Error) => void;
}

/** A small pool of spec workers with a queue; `evaluate` is an EvaluateSpec. */
export class SpecWorkers {
  readonly #opts: SpecWorkerOptions;
  readonly #idle: Worker[] = [];
  readonly #queue: Task[] = [];
  #live = 0;
  #closed = false;
  #fallback = false;
  /** Workers terminated for exceeding a budget (tests, logs). */
  replaced = 0;

  constructor(opts: SpecWorkerOptions) {
    this.#opts = opts;
  }

  readonly evaluate: EvaluateSpec = (spec, source, digest) => {
    if (this.#closed) return Promise.reject(new Error('the webhook is shutting down'));
    if (this.#fallback) return evaluateInProcess(spec, source, digest);
    return new Promise<CompatSet[]>((resolve, reject) => {
      this.#queue.push({ spec, source, digest, resolve, reject });
      this.#pump();
    });
  };

  /** Starts the pool's workers ahead of the first evaluation (idle until then). */
  warm(): void {
    while (!this.#closed && !this.#fallback && this.#live < this.#opts.workers) {
      const w = this.#spawn();
      if (w) this.#idle.push(w);
    }
  }

  #spawn(): Worker | undefined {
    try {
      const w = new Worker(new URL(import.meta.url), {
        workerData: { mark: WORKER_MARK },
        resourceLimits: {
          maxOldGenerationSizeMb: this.#opts.heapMb,
          maxYoungGenerationSizeMb: Math.max(4, Math.ceil(this.#opts.heapMb / 8)),
        },
        stdout: false,
        stderr: false,
      });
      w.unref();
      // A worker whose budget ran out is terminated with its task's listeners removed; it can still
      // emit 'error' (ERR_WORKER_OUT_OF_MEMORY when it reached its heap limit while being terminated).
      // An 'error' event without a listener is thrown by EventEmitter and would end the process, so
      // every worker keeps this one for its whole life (node:events, "Error events").
      w.on('error', ignoreLateError);
      this.#live++;
      this.#opts.onWorker?.(w);
      return w;
    } catch (e) {
      this.#fallback = true;
      this.#opts.log?.(
        `cannot start a spec worker (${e instanceof Error ? e.message : String(e)}): specs are evaluated in the main thread`,
      );
      return undefined;
    }
  }

  #pump(): void {
    while (this.#queue.length > 0 && (this.#idle.length > 0 || this.#live < this.#opts.workers)) {
      const w = this.#idle.pop() ?? this.#spawn();
      if (!w) {
        for (const t of this.#queue.splice(0)) {
          evaluateInProcess(t.spec, t.source, t.digest).then(t.resolve, t.reject);
        }
        return;
      }
      this.#run(w, this.#queue.shift() as Task);
    }
  }

  #run(w: Worker, task: Task): void {
    let settled = false;
    const finish = (outcome: { sets: CompatSet[] } | { error: Error }, keep: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      w.off('message', onMessage);
      w.off('error', onError);
      w.off('exit', onExit);
      if (keep && !this.#closed) this.#idle.push(w);
      else {
        this.#live--;
        void w.terminate();
      }
      if ('sets' in outcome) task.resolve(outcome.sets);
      else task.reject(outcome.error);
      this.#pump();
    };
    const onMessage = (m: Reply) => finish(m.ok ? { sets: m.sets } : { error: new Error(m.message) }, true);
    const onError = (e: Error & { code?: string }) => {
      this.replaced++;
      finish(
        {
          error:
            e.code === 'ERR_WORKER_OUT_OF_MEMORY'
              ? new SpecBudgetError(
                  `evaluating the spec needs more than the ${this.#opts.heapMb} MiB heap allowed`,
                )
              : new Error(`the spec worker failed: ${e.message}`),
        },
        false,
      );
    };
    const onExit = (code: number) => {
      this.replaced++;
      finish({ error: new Error(`the spec worker exited (code ${code})`) }, false);
    };
    const timer = setTimeout(() => {
      this.replaced++;
      finish(
        {
          error: new SpecBudgetError(
            `evaluating the spec takes longer than the ${this.#opts.budgetMs} ms allowed`,
          ),
        },
        false,
      );
    }, this.#opts.budgetMs);
    w.on('message', onMessage);
    w.once('error', onError);
    w.once('exit', onExit);
    // Bytes go over as a transferred copy of just the spec: structured clone of a view would copy its
    // whole underlying buffer, and the caller keeps its own bytes.
    if (typeof task.spec === 'string') {
      w.postMessage({ spec: task.spec, source: task.source, digest: task.digest } satisfies Request);
    } else {
      const copy = task.spec.slice();
      w.postMessage({ spec: copy, source: task.source, digest: task.digest } satisfies Request, [
        copy.buffer,
      ]);
    }
  }

  /** Terminates every worker; queued evaluations are rejected. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const t of this.#queue.splice(0)) t.reject(new Error('the webhook is shutting down'));
    const idle = this.#idle.splice(0);
    this.#live -= idle.length;
    await Promise.all(idle.map((w) => w.terminate()));
  }
}
