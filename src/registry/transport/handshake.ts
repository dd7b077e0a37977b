/**
 * The start of a connection to a proxy, before the socket becomes a tunnel: our request, the proxy's
 * answer (an HTTP CONNECT, wire.ts; a SOCKS5 negotiation, socks.ts). One place for what both need: the
 * answer's size cap, the signal, the socket's error and close, and no stray bytes after the answer
 * (neither HTTP nor TLS lets the registry speak first, so such bytes are not the registry's).
 */
import type { Socket } from 'node:net';

/**
 * One step over the bytes received and not yet used: how many it used (0: wait for more), and whether
 * the handshake is complete. It may write the next message to the socket; it throws to fail.
 */
export type HandshakeStep = (pending: Uint8Array) => { used: number; complete: boolean };

export interface HandshakeErrors {
  /** The proxy sent more than `maxBytes` before the handshake completed. */
  tooLarge(): Error;
  /** The proxy closed the connection before the handshake completed. */
  closed(): Error;
  /** Bytes arrived after the proxy's final answer. */
  early(): Error;
  /** A socket error, as it should be reported. */
  socket?(e: Error): unknown;
}

/**
 * Runs `step` over what `socket` receives until it completes; `first` is written to start. Resolves
 * with the socket left as a tunnel; on failure (a step's error, one of `errors`, the signal's reason)
 * the socket is destroyed.
 */
export function runHandshake(
  socket: Socket,
  first: Uint8Array | string,
  step: HandshakeStep,
  opts: { signal: AbortSignal; maxBytes: number; errors: HandshakeErrors },
): Promise<void> {
  const { signal, errors } = opts;
  return new Promise<void>((resolve, reject) => {
    if (signal.aborted) {
      socket.destroy();
      reject(signal.reason);
      return;
    }
    let pending = new Uint8Array(0);
    let received = 0;
    const finish = (err?: unknown) => {
      signal.removeEventListener('abort', onAbort);
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
      if (err === undefined) {
        // The tunnel's user listens from its next step on; until then an error is not an uncaught
        // 'error' event (the user finds the socket destroyed).
        socket.on('error', () => {});
        resolve();
      } else {
        socket.destroy();
        reject(err);
      }
    };
    const onAbort = () => finish(signal.reason);
    const onError = (e: Error) => finish(errors.socket ? errors.socket(e) : e);
    const onClose = () => finish(errors.closed());
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > opts.maxBytes) {
        finish(errors.tooLarge());
        return;
      }
      const next = new Uint8Array(pending.length + chunk.length);
      next.set(pending);
      next.set(chunk, pending.length);
      pending = next;
      try {
        for (;;) {
          const { used, complete } = step(pending);
          pending = pending.subarray(used);
          if (complete) {
            if (pending.length > 0) throw errors.early();
            finish();
            return;
          }
          if (used === 0) return;
        }
      } catch (e) {
        finish(e);
      }
    };
    signal.addEventListener('abort', onAbort, { once: true });
    socket.on('data', onData);
    socket.on('error', onError);
    socket.on('close', onClose);
    socket.write(first);
  });
}
