/**
 * The CLI's one deadline: runs a piece of work under an AbortSignal that fires after `ms`. The work gets
 * the signal and passes it to the library (the registry client cancels its request and retry waits with
 * it), so a timed-out command stops working, reports the timeout and exits; nothing is left retrying in
 * the background.
 */
import { RegistryError } from '../errors.ts';
import { raceAbort } from '../registry/transport/abort.ts';

/** `1500` → `1.5s`, `60000` → `60s`: how the deadline is named in the message. */
function seconds(ms: number): string {
  return `${ms / 1000}s`;
}

/**
 * Resolves with `work`'s result, or rejects with a registry timeout error (`E_REGISTRY_TIMEOUT`, exit 4)
 * naming `what` once `ms` has passed; the signal handed to `work` is aborted with that same error.
 * `parent` (another deadline, or an interrupt) aborts the work as well. The timer is cleared on every path.
 */
export async function withDeadline<T>(
  ms: number,
  what: string,
  work: (signal: AbortSignal) => Promise<T>,
  parent?: AbortSignal,
): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort(
      new RegistryError(`${what}: timed out after ${seconds(ms)} (--timeout)`, {}, 'E_REGISTRY_TIMEOUT'),
    );
  }, ms);
  const onParentAbort = () => controller.abort(parent!.reason);
  if (parent?.aborted) onParentAbort();
  else parent?.addEventListener('abort', onParentAbort, { once: true });
  try {
    // The race ends the wait at the deadline even if some step of `work` does not listen to the signal.
    return await raceAbort(
      Promise.resolve().then(() => work(controller.signal)),
      controller.signal,
    );
  } finally {
    clearTimeout(timer);
    parent?.removeEventListener('abort', onParentAbort);
  }
}
