/**
 * The retry policy as data, after oras-go's retry.Policy (OCI distribution-spec v1.1 "Error Codes"): up to 5 attempts in total on
 * 408, 429, transient 5xx and connection errors/timeouts; exponential backoff from 250 ms (×2, ±10 %
 * jitter) clamped to 200 ms–3 s; a 429/503 `Retry-After` (seconds or HTTP date) is honoured up to a cap.
 */

export interface RetryPolicy {
  /** Total attempts, the first included. 1 disables retries. */
  maxAttempts: number;
  baseMs: number;
  factor: number;
  /** Relative jitter: the wait is multiplied by a random factor in [1-jitter, 1+jitter]. */
  jitter: number;
  minMs: number;
  maxMs: number;
  /** A server's Retry-After above this is clamped to it (a registry asking for minutes is not waited on). */
  maxRetryAfterMs: number;
  /** Statuses that are retried. */
  retryStatuses: ReadonlySet<number>;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseMs: 250,
  factor: 2,
  jitter: 0.1,
  minMs: 200,
  maxMs: 3000,
  maxRetryAfterMs: 10_000,
  // 501 Not Implemented and 505 are permanent answers; every other 5xx is treated as transient.
  retryStatuses: new Set([408, 429, 500, 502, 503, 504, 507, 508, 509, 510, 511, 520, 521, 522, 523, 524]),
};

export const NO_RETRY: RetryPolicy = { ...DEFAULT_RETRY_POLICY, maxAttempts: 1 };

/** Error codes of Node network failures that are worth another attempt. */
const RETRYABLE_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
]);

/** The code of a network error, looking through wrappers that keep the reason in `cause`. */
export function networkErrorCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let i = 0; i < 4 && e; i++) {
    if (typeof e === 'object' && e !== null) {
      const o = e as { code?: unknown; name?: unknown; cause?: unknown };
      if (o.name === 'TimeoutError') return 'ETIMEDOUT';
      if (typeof o.code === 'string') return o.code;
      e = o.cause;
    } else break;
  }
  return undefined;
}

export function isRetryableError(err: unknown): boolean {
  const code = networkErrorCode(err);
  return code !== undefined && RETRYABLE_ERROR_CODES.has(code);
}

/**
 * Milliseconds to wait before attempt `attempt + 1` (attempt counts from 0 for the first try), or
 * undefined when no more attempts are allowed or the outcome is not retryable.
 */
export function retryDelay(
  policy: RetryPolicy,
  attempt: number,
  outcome: { status: number; retryAfter?: string | null; now?: number } | { error: unknown },
  random: () => number = Math.random,
): number | undefined {
  if (attempt + 1 >= policy.maxAttempts) return undefined;
  if ('error' in outcome) {
    return isRetryableError(outcome.error) ? backoff(policy, attempt, random) : undefined;
  }
  if (!policy.retryStatuses.has(outcome.status)) return undefined;
  if ((outcome.status === 429 || outcome.status === 503) && outcome.retryAfter) {
    const ms = parseRetryAfter(outcome.retryAfter, outcome.now ?? Date.now());
    if (ms !== undefined) return Math.min(Math.max(ms, 0), policy.maxRetryAfterMs);
  }
  return backoff(policy, attempt, random);
}

export function backoff(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const raw = policy.baseMs * policy.factor ** attempt;
  const jittered = raw * (1 - policy.jitter + 2 * policy.jitter * random());
  return Math.round(Math.min(policy.maxMs, Math.max(policy.minMs, jittered)));
}

/** `Retry-After`: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string, now: number): number | undefined {
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const t = Date.parse(v);
  if (Number.isNaN(t)) return undefined;
  return Math.max(0, t - now);
}
