/**
 * A list + watch loop (what client-go's Reflector does, `k8s.io/client-go/tools/cache/reflector.go`
 * `ListAndWatch`) that feeds a LabelIndex instead of an object store:
 *
 * 1. list in pages (`limit`/`continue`), replace the index, remember the list's `resourceVersion`;
 * 2. watch from that version with `allowWatchBookmarks=true`; ADDED/MODIFIED/DELETED update the index,
 *    BOOKMARK only moves the version; when the server ends the watch (its timeout), watch again from the
 *    last version seen;
 * 3. `410 Gone` (HTTP status or an ERROR event: the version is older than etcd keeps) → list again;
 *    any other failure → wait (1 s doubling to 30 s) and list again.
 *
 * Freshness: the index is trusted while the watch is open, and for `staleMs` after it broke (a reconnect
 * is normal); past that, or before the first list, `fresh()` is false and the webhook stops adding
 * required terms (admission.ts). The reason is kept for the pod annotation and the log.
 */
import type { LabelIndex } from './label-index.ts';

export interface ListPage {
  items: unknown[];
  continue?: string;
  resourceVersion: string;
}

export interface WatchEvent {
  type: string;
  object: unknown;
}

/** One resource's list and watch (kube-client.ts implements it over HTTPS). */
export interface WatchSource {
  /** What is watched, for messages (`nodes`, `nodefeaturerules.nfd.k8s-sigs.io`). */
  readonly resource: string;
  list(opts: { limit: number; continue?: string; signal: AbortSignal }): Promise<ListPage>;
  /** Resolves when the server closes the stream; rejects on errors (`status` 410 for Gone). */
  watch(
    opts: { resourceVersion: string; timeoutSeconds: number; signal: AbortSignal },
    onEvent: (e: WatchEvent) => void,
  ): Promise<void>;
}

export class GoneError extends Error {}

export interface InformerOptions {
  pageSize?: number;
  /** How long the index stays trusted after the watch broke. */
  staleMs?: number;
  /** Server-side watch timeout (the server ends the stream after it; we watch again). */
  watchTimeoutSeconds?: number;
  maxBackoffMs?: number;
  now?: () => number;
  log?: (line: string) => void;
}

export type InformerState = 'starting' | 'watching' | 'failing' | 'stopped';

function statusOf(e: unknown): number | undefined {
  const s = (e as { status?: unknown })?.status;
  return typeof s === 'number' ? s : undefined;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

export class Informer {
  readonly index: LabelIndex;
  readonly #source: WatchSource;
  readonly #opts: Required<Omit<InformerOptions, 'log'>> & { log: (line: string) => void };
  state: InformerState = 'starting';
  /** Why the index is not fresh (the last error), for annotations and logs. */
  lastError: string | undefined;
  #brokenAt: number | undefined;
  #synced = false;
  #resourceVersion = '';
  #firstSync: Promise<void>;
  #resolveFirst!: () => void;
  /** Lists done (the first one and every re-list). */
  lists = 0;

  constructor(source: WatchSource, index: LabelIndex, opts: InformerOptions = {}) {
    this.#source = source;
    this.index = index;
    this.#opts = {
      pageSize: 250,
      staleMs: 30_000,
      watchTimeoutSeconds: 300,
      maxBackoffMs: 30_000,
      now: Date.now,
      log: () => {},
      ...opts,
    };
    this.#firstSync = new Promise((r) => {
      this.#resolveFirst = r;
    });
  }

  get resource(): string {
    return this.#source.resource;
  }

  /** True while the index can be trusted (see the file comment). */
  fresh(): boolean {
    if (!this.#synced) return false;
    if (this.#brokenAt === undefined) return true;
    return this.#opts.now() - this.#brokenAt < this.#opts.staleMs;
  }

  /** Why `fresh()` is false, in words. */
  staleReason(): string {
    if (!this.#synced) {
      return `the ${this.resource} list has not succeeded yet${this.lastError ? ` (${this.lastError})` : ''}`;
    }
    const since = this.#brokenAt === undefined ? 0 : Math.round((this.#opts.now() - this.#brokenAt) / 1000);
    return `the ${this.resource} watch has been failing for ${since}s${this.lastError ? ` (${this.lastError})` : ''}`;
  }

  /** Resolves after the first successful list (or when `signal` aborts). */
  synced(): Promise<void> {
    return this.#firstSync;
  }

  #broken(e: unknown): void {
    this.lastError = e instanceof Error ? e.message : String(e);
    this.#brokenAt ??= this.#opts.now();
    if (this.state !== 'failing') this.#opts.log(`${this.resource}: ${this.lastError}`);
    this.state = 'failing';
  }

  async #list(signal: AbortSignal): Promise<void> {
    // Each page is reduced to label keys as it arrives (whole objects never outlive their page); the
    // staged index replaces the live one only once the list is complete.
    const staged = this.index.emptyCopy();
    let cont: string | undefined;
    let rv = '';
    do {
      const page = await this.#source.list({
        limit: this.#opts.pageSize,
        ...(cont ? { continue: cont } : {}),
        signal,
      });
      for (const o of page.items) staged.upsert(o);
      cont = page.continue || undefined;
      rv = page.resourceVersion;
    } while (cont);
    // Paged lists are served from one snapshot: the last page's version is the list's.
    this.index.adopt(staged);
    this.#resourceVersion = rv;
    this.lists++;
  }

  /** Runs until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    signal.addEventListener('abort', () => this.#resolveFirst(), { once: true });
    let backoff = Math.min(1000, this.#opts.maxBackoffMs);
    let needList = true;
    while (!signal.aborted) {
      try {
        if (needList) {
          await this.#list(signal);
          needList = false;
          if (!this.#synced) {
            this.#synced = true;
            this.#resolveFirst();
          }
        }
        this.state = 'watching';
        const recovered = this.#brokenAt !== undefined;
        this.#brokenAt = undefined;
        if (recovered) this.#opts.log(`${this.resource}: watching again`);
        this.lastError = undefined;
        await this.#source.watch(
          {
            resourceVersion: this.#resourceVersion,
            timeoutSeconds: this.#opts.watchTimeoutSeconds,
            signal,
          },
          (e) => this.#event(e),
        );
        backoff = Math.min(1000, this.#opts.maxBackoffMs);
      } catch (e) {
        if (signal.aborted) break;
        if (e instanceof GoneError || statusOf(e) === 410) {
          needList = true;
          continue;
        }
        this.#broken(e);
        needList = true;
        await sleep(backoff, signal);
        backoff = Math.min(backoff * 2, this.#opts.maxBackoffMs);
      }
    }
    this.state = 'stopped';
  }

  #event(e: WatchEvent): void {
    const rv = (e.object as { metadata?: { resourceVersion?: unknown } })?.metadata?.resourceVersion;
    switch (e.type) {
      case 'ADDED':
      case 'MODIFIED':
        this.index.upsert(e.object);
        break;
      case 'DELETED':
        this.index.remove(e.object);
        break;
      case 'BOOKMARK':
        break;
      case 'ERROR': {
        const code = (e.object as { code?: unknown })?.code;
        const message = (e.object as { message?: unknown })?.message;
        if (code === 410) throw new GoneError(String(message ?? 'resource version too old'));
        throw new Error(`watch error ${String(code ?? '')}: ${String(message ?? '')}`.trim());
      }
      default:
        return;
    }
    if (typeof rv === 'string' && rv !== '') this.#resourceVersion = rv;
  }
}
