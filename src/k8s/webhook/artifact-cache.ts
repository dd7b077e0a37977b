/**
 * The webhook's artifact cache. Two levels, so a warm admission makes no registry request at all:
 *
 * - image reference → subject digest, for `ttlMs` (a tag may move; a reference by digest never does);
 * - subject digest → the image's compatibility (affinity, labels, artifact digest), for `ttlMs`;
 * - negative entries (the image has no compatibility artifact), for `negativeTtlMs`, keyed by reference
 *   (the registry reports "no artifact" without telling which digest it resolved).
 *
 * - failures of the artifact itself (`ArtifactFailure`: the spec does not parse or evaluate, or its
 *   evaluation ran out of time or memory), by subject digest, for `negativeTtlMs`: a hostile spec costs
 *   its evaluation once per `negativeTtlMs`, not once per pod.
 *
 * Registry errors (unreachable, 5xx, auth) are not cached: they are usually transient and the next
 * admission tries again. Concurrent lookups of one reference share one registry round trip.
 */
export interface CacheOptions {
  ttlMs: number;
  negativeTtlMs: number;
  now?: () => number;
  /** Upper bound on entries per level; the oldest entries are dropped first. */
  maxEntries?: number;
}

export type Lookup<V> = { subject: string; value: V } | null;

/** The image's artifact was read but is unusable: cached like an answer, for the negative TTL. */
export class ArtifactFailure extends Error {
  /** The image's (subject's) digest. */
  readonly subject: string;
  constructor(message: string, subject: string) {
    super(message);
    this.subject = subject;
  }
}

interface Entry<T> {
  value: T;
  expires: number;
}

export class ArtifactCache<V> {
  readonly #refs = new Map<string, Entry<string | null>>();
  readonly #subjects = new Map<string, Entry<V | ArtifactFailure>>();
  readonly #inflight = new Map<string, Promise<Lookup<V>>>();
  readonly #opts: Required<CacheOptions>;
  hits = 0;
  misses = 0;

  constructor(opts: CacheOptions) {
    this.#opts = { now: Date.now, maxEntries: 10_000, ...opts };
  }

  #put<T>(map: Map<string, Entry<T>>, key: string, value: T, ttl: number): void {
    map.delete(key);
    map.set(key, { value, expires: this.#opts.now() + ttl });
    if (map.size > this.#opts.maxEntries) map.delete(map.keys().next().value as string);
  }

  #get<T>(map: Map<string, Entry<T>>, key: string): Entry<T> | undefined {
    const e = map.get(key);
    if (e && e.expires <= this.#opts.now()) {
      map.delete(key);
      return undefined;
    }
    return e;
  }

  /**
   * Cached answer for `ref`, if fresh: a lookup, `null` (known to have no artifact), the cached
   * ArtifactFailure, or undefined.
   */
  peek(ref: string): Lookup<V> | ArtifactFailure | undefined {
    const r = this.#get(this.#refs, ref);
    if (!r) return undefined;
    if (r.value === null) return null;
    const s = this.#get(this.#subjects, r.value);
    if (!s) return undefined;
    return s.value instanceof ArtifactFailure ? s.value : { subject: r.value, value: s.value };
  }

  /**
   * The cached answer, or `load(ref)` (deduplicated). An ArtifactFailure is cached (and thrown again on
   * every hit) for the negative TTL; other errors propagate and are not cached.
   */
  async get(ref: string, load: (ref: string) => Promise<Lookup<V>>): Promise<Lookup<V>> {
    const cached = this.peek(ref);
    if (cached !== undefined) {
      this.hits++;
      if (cached instanceof ArtifactFailure) throw cached;
      return cached;
    }
    this.misses++;
    let p = this.#inflight.get(ref);
    if (!p) {
      p = load(ref).then(
        (result) => {
          if (result === null) this.#put(this.#refs, ref, null, this.#opts.negativeTtlMs);
          else {
            this.#put(this.#subjects, result.subject, result.value, this.#opts.ttlMs);
            this.#put(this.#refs, ref, result.subject, this.#opts.ttlMs);
          }
          return result;
        },
        (e: unknown) => {
          if (e instanceof ArtifactFailure) {
            this.#put(this.#subjects, e.subject, e, this.#opts.negativeTtlMs);
            this.#put(this.#refs, ref, e.subject, this.#opts.negativeTtlMs);
          }
          throw e;
        },
      );
      const done = p.finally(() => this.#inflight.delete(ref));
      done.catch(() => {});
      this.#inflight.set(ref, p);
    }
    return p;
  }
}
