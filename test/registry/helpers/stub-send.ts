/** A wire function answering from a callback, for tests of what the client does with an answer. */
import { ResponseHeaders, type Send, type WireRequest } from '../../../src/registry/transport/wire.ts';

export interface StubAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export function stubSend(answer: (url: URL, req: WireRequest) => StubAnswer | Promise<StubAnswer>): Send {
  return async (req) => {
    const a = await answer(req.url, req);
    const bytes = new TextEncoder().encode(a.body ?? '');
    return {
      status: a.status,
      headers: new ResponseHeaders(a.headers ?? {}),
      body: (async function* () {
        if (bytes.byteLength) yield bytes;
      })(),
      discard() {},
    };
  };
}
