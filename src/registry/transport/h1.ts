/**
 * HTTP/1.1 over connections we hold (RFC 9112): the request written, the response parsed, connections
 * kept alive per origin. Ours rather than node:http's because loading and first use of node:http (client,
 * agent, outgoing and incoming messages, the llhttp binding) cost ~10 ms of every registry command's
 * start (bench/results/startup.json), and a registry client needs a small part of HTTP/1.1:
 * - a response body delimited by Content-Length, by the chunked coding (RFC 9112 §7.1) or by the end of
 *   the connection; none for HEAD, 1xx, 204 and 304 (RFC 9112 §6.3);
 * - interim 1xx responses skipped, at most 5 (Go's net/http transport.go, `max1xxResponses`);
 * - what Go's net/http client refuses, refused (transfer.go `fixLength`, `fixTransferEncoding`):
 *   differing repeated Content-Length values, a transfer coding other than chunked; Content-Length is
 *   ignored when the body is chunked; header lines may end in LF alone, chunk data must end in CRLF;
 * - bounded: the header section (and the trailers) at MAX_HEADER_BYTES, a chunk-size line at
 *   MAX_CHUNK_LINE_BYTES, the body buffered at most HIGH_WATER_BYTES ahead of its reader (the socket is
 *   paused until the reader catches up);
 * - a request whose reused connection closes before any byte of the response arrives is sent again on
 *   another connection when it can be replayed (GET, HEAD, OPTIONS, TRACE without a body), as Go's
 *   transport does (transport.go `shouldRetryRequest`, request.go `isReplayable`): a server may close an
 *   idle connection at any moment.
 * Errors carry the codes node:http used for the same failures (ECONNRESET "socket hang up" before the
 * response, ECONNRESET "aborted" during its body, HPE_* for a response that does not parse,
 * ERR_INVALID_CHAR for a header value that would split the request), so callers' messages and retry
 * decisions (retry.ts, http-client.ts) do not depend on which client sent the request.
 */
import type { Socket } from 'node:net';

export interface H1Request {
  method: string;
  /** The request target: origin-form (`/v2/...`), or absolute-form for a proxy (RFC 9112 §3.2.2). */
  target: string;
  /** Header fields, the Host field included. */
  headers: Record<string, string>;
  body?: Uint8Array | undefined;
  signal: AbortSignal;
}

export interface H1Response {
  status: number;
  /** Header fields as received: name, value, name, value, ... */
  fields: string[];
  /** The body, chunk by chunk; ending the iteration early closes the connection. */
  body: AsyncIterable<Uint8Array>;
  /** Ends the exchange without reading (the rest of) the body. */
  discard(): void;
}

/** Opens a connection, ready for HTTP (TLS already negotiated where there is TLS). */
export type Connect = (signal: AbortSignal) => Promise<Socket>;

const MAX_HEADER_BYTES = 64 * 1024;
const MAX_CHUNK_LINE_BYTES = 4 * 1024;
const MAX_INTERIM_RESPONSES = 5;
const HIGH_WATER_BYTES = 1024 * 1024;
/** discard() reads a body of up to this size to its end so that the connection can be used again. */
const DRAIN_MAX_BYTES = 64 * 1024;

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Field values and targets: no control characters (a CR or LF would end the field or the request line).
const BAD_VALUE = /[\u0000-\u0008\u000a-\u001f\u007f]|[^\u0000-\u00ff]/;
const BAD_TARGET = /[\u0000-\u0020\u007f-\uffff]/;

function codedError(message: string, code: string, ctor: ErrorConstructor = Error): Error {
  return Object.assign(new ctor(message), { code });
}

const hangUp = () => codedError('socket hang up', 'ECONNRESET');
const cutShort = () => codedError('aborted', 'ECONNRESET');
const malformed = (code: string, what: string) => codedError(`malformed HTTP response: ${what}`, code);

/**
 * The connection failed before any byte of the response arrived: on a reused connection (the server
 * may have closed it while idle) a replayable request is sent again on another.
 */
class NoResponse extends Error {
  readonly reason: unknown;

  constructor(reason: unknown) {
    super('no response');
    this.reason = reason;
  }
}

interface IdleConnection {
  socket: Socket;
  /** Its listeners while idle: the server closing it, or speaking unasked. */
  drop: () => void;
}

/** Keep-alive connections by origin key. */
export class Http1Pool {
  private readonly idle = new Map<string, IdleConnection[]>();

  /** Sends `req` on an idle connection of `key`, or on a new one from `connect`. */
  async send(key: string, connect: Connect, req: H1Request): Promise<H1Response> {
    const head = requestHead(req);
    for (;;) {
      req.signal.throwIfAborted();
      const reused = this.take(key);
      const socket = reused ?? (await connect(req.signal));
      try {
        return await exchange(socket, req, head, () => this.release(key, socket));
      } catch (e) {
        if (e instanceof NoResponse) {
          if (reused && replayable(req) && !req.signal.aborted) continue;
          throw e.reason;
        }
        throw e;
      }
    }
  }

  /** Closes every idle connection. */
  close(): void {
    for (const list of this.idle.values()) for (const c of list) c.socket.destroy();
    this.idle.clear();
  }

  private take(key: string): Socket | undefined {
    const list = this.idle.get(key);
    for (let c = list?.pop(); c !== undefined; c = list?.pop()) {
      const { socket, drop } = c;
      socket.off('data', drop).off('end', drop).off('close', drop).off('error', drop);
      if (socket.destroyed || !socket.writable) {
        socket.destroy();
        continue;
      }
      socket.ref();
      return socket;
    }
    return undefined;
  }

  private release(key: string, socket: Socket): void {
    if (socket.destroyed) return;
    const idle = this.idle.get(key) ?? [];
    this.idle.set(key, idle);
    const entry: IdleConnection = {
      socket,
      drop: () => {
        socket.destroy();
        const at = idle.indexOf(entry);
        if (at >= 0) idle.splice(at, 1);
      },
    };
    socket.on('data', entry.drop).on('end', entry.drop).on('close', entry.drop).on('error', entry.drop);
    // Idle connections never keep the process alive.
    socket.unref();
    idle.push(entry);
  }
}

/** Go's request.go `isReplayable`: the methods a client may send again without asking. */
function replayable(req: H1Request): boolean {
  return (
    !req.body?.byteLength &&
    (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS' || req.method === 'TRACE')
  );
}

/** The request line and header section; refuses what would not be one request (node:http's checks). */
function requestHead(req: H1Request): string {
  if (!TOKEN.test(req.method)) {
    throw codedError(
      `invalid HTTP method ${JSON.stringify(req.method)}`,
      'ERR_INVALID_HTTP_TOKEN',
      TypeError,
    );
  }
  if (BAD_TARGET.test(req.target)) {
    throw codedError('request path contains unescaped characters', 'ERR_UNESCAPED_CHARACTERS', TypeError);
  }
  let head = `${req.method} ${req.target} HTTP/1.1\r\n`;
  for (const [name, value] of Object.entries(req.headers)) {
    if (!TOKEN.test(name)) {
      throw codedError(`invalid header name ${JSON.stringify(name)}`, 'ERR_INVALID_HTTP_TOKEN', TypeError);
    }
    // The value is never quoted: it may be a credential.
    if (BAD_VALUE.test(value)) {
      throw codedError(`invalid character in the value of header ${name}`, 'ERR_INVALID_CHAR', TypeError);
    }
    head += `${name}: ${value}\r\n`;
  }
  return `${head}\r\n`;
}

type BodyMode = { kind: 'none' } | { kind: 'length'; left: number } | { kind: 'chunked' } | { kind: 'close' };

interface Head {
  status: number;
  fields: string[];
  mode: BodyMode;
  keepAlive: boolean;
}

/** Parses the status line and header fields of one response (`text`: its header section, no blank line). */
function parseHead(text: string, method: string): Head {
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  const status = /^HTTP\/1\.([01]) ([0-9]{3})(?: .*)?$/.exec(lines[0] as string);
  if (!status) throw malformed('HPE_INVALID_CONSTANT', 'not an HTTP/1.x status line');
  const fields: string[] = [];
  let connection = '';
  const lengths: string[] = [];
  let coding: string | undefined;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon) : '';
    // No obsolete line folding (RFC 9112 §5.2 lets a client reject it), no space before the colon.
    if (!TOKEN.test(name)) throw malformed('HPE_INVALID_HEADER_TOKEN', 'bad header line');
    const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
    if (BAD_VALUE.test(value)) throw malformed('HPE_INVALID_HEADER_TOKEN', `bad value of header ${name}`);
    fields.push(name, value);
    const lower = name.toLowerCase();
    if (lower === 'content-length') lengths.push(value);
    else if (lower === 'transfer-encoding') coding = coding === undefined ? value : `${coding}, ${value}`;
    else if (lower === 'connection') connection += `,${value.toLowerCase()}`;
  }
  const code = Number(status[2]);
  const http10 = status[1] === '0';
  const tokens = connection.split(',').map((t) => t.trim());
  let keepAlive = http10 ? tokens.includes('keep-alive') : !tokens.includes('close');
  let mode: BodyMode;
  if (method === 'HEAD' || code < 200 || code === 204 || code === 304) {
    mode = { kind: 'none' };
  } else if (coding !== undefined) {
    if (coding.trim().toLowerCase() !== 'chunked') {
      throw malformed(
        'HPE_INVALID_TRANSFER_ENCODING',
        `unsupported transfer coding ${JSON.stringify(coding)}`,
      );
    }
    mode = { kind: 'chunked' };
  } else if (lengths.length > 0) {
    const first = (lengths[0] as string).split(',')[0]?.trim() ?? '';
    for (const v of lengths) {
      if (v.split(',').some((part) => part.trim() !== first)) {
        throw malformed('HPE_UNEXPECTED_CONTENT_LENGTH', 'differing Content-Length values');
      }
    }
    const n = /^[0-9]{1,15}$/.test(first) ? Number(first) : Number.NaN;
    if (!Number.isSafeInteger(n)) throw malformed('HPE_INVALID_CONTENT_LENGTH', 'bad Content-Length');
    mode = { kind: 'length', left: n };
  } else {
    mode = { kind: 'close' };
    keepAlive = false;
  }
  return { status: code, fields, mode, keepAlive };
}

/**
 * One request and its response on `socket`. Resolves at the response's header section; the body then
 * streams. `release` hands the connection back once the response is complete and it can carry another.
 */
function exchange(socket: Socket, req: H1Request, head: string, release: () => void): Promise<H1Response> {
  const { signal } = req;
  return new Promise<H1Response>((resolve, reject) => {
    let pending: Buffer = Buffer.alloc(0);
    let received = false;
    let response: Head | undefined;
    let interim = 0;
    let chunkLeft = -1; // chunked: bytes of the current chunk still to come; -1: a size line is next
    let inTrailers = false;
    let trailerBytes = 0; // the trailer section so far, bounded as a header section
    let complete = false;
    let failure: unknown;
    let draining = false;
    // The body's reader: what arrived and has not been read, and the reader waiting for more.
    const queue: Buffer[] = [];
    let queued = 0;
    let wake: (() => void) | undefined;

    const detach = () => {
      signal.removeEventListener('abort', onAbort);
      socket.off('data', onData).off('end', onEnd).off('close', onEnd).off('error', onError);
    };
    const fail = (err: unknown) => {
      if (complete || failure !== undefined) return;
      failure = err;
      detach();
      socket.destroy();
      if (response === undefined) reject(received ? err : new NoResponse(err));
      wake?.();
    };
    const finish = (reusable: boolean) => {
      complete = true;
      detach();
      socket.resume();
      if (reusable) release();
      else socket.destroy();
      wake?.();
    };
    // Before the response too: send() never sends a request again once its signal has fired.
    const onAbort = () => fail(signal.reason);
    const onError = (e: Error) => fail(e);
    const onEnd = () => {
      if (complete) return;
      if (response?.mode.kind === 'close') return finish(false);
      fail(response === undefined ? hangUp() : cutShort());
    };
    const deliver = (bytes: Buffer) => {
      if (bytes.length === 0 || draining) return;
      queue.push(bytes);
      queued += bytes.length;
      if (queued > HIGH_WATER_BYTES) socket.pause();
      wake?.();
    };

    /** Consumes the body bytes at the start of `data`; returns what follows the response. */
    const body = (data: Buffer): Buffer | undefined => {
      const mode = (response as Head).mode;
      if (mode.kind === 'close') {
        deliver(data);
        return undefined;
      }
      if (mode.kind === 'length') {
        const take = Math.min(mode.left, data.length);
        mode.left -= take;
        deliver(data.subarray(0, take));
        return mode.left === 0 ? data.subarray(take) : undefined;
      }
      if (mode.kind === 'none') return data;
      // chunked
      let at = 0;
      for (;;) {
        if (chunkLeft > 0) {
          const take = Math.min(chunkLeft, data.length - at);
          deliver(data.subarray(at, at + take));
          chunkLeft -= take;
          at += take;
          if (chunkLeft > 0) return undefined;
          chunkLeft = -2; // the CRLF after the data
        }
        const rest = data.subarray(at);
        if (chunkLeft === -2) {
          if (rest.length < 2) {
            pending = Buffer.from(rest);
            return undefined;
          }
          if (rest[0] !== 0x0d || rest[1] !== 0x0a)
            throw malformed('HPE_STRICT', 'chunk data not followed by CRLF');
          at += 2;
          chunkLeft = -1;
          continue;
        }
        const nl = rest.indexOf(0x0a);
        const seen = nl < 0 ? rest.length : nl;
        if (inTrailers ? trailerBytes + seen > MAX_HEADER_BYTES : seen > MAX_CHUNK_LINE_BYTES) {
          throw inTrailers
            ? malformed('HPE_HEADER_OVERFLOW', 'trailer section too large')
            : malformed('HPE_CHUNK_EXTENSIONS_OVERFLOW', 'chunk line too long');
        }
        if (nl < 0) {
          pending = Buffer.from(rest);
          return undefined;
        }
        const line = rest.subarray(0, nl).toString('latin1').replace(/\r$/, '');
        at += nl + 1;
        if (inTrailers) {
          trailerBytes += nl + 1;
          if (line === '') return data.subarray(at); // trailers are read and ignored
          continue;
        }
        const size = /^([0-9a-fA-F]{1,12})[ \t]*(?:;.*)?$/.exec(line);
        if (!size) throw malformed('HPE_INVALID_CHUNK_SIZE', 'bad chunk size');
        chunkLeft = Number.parseInt(size[1] as string, 16);
        if (chunkLeft === 0) inTrailers = true;
      }
    };

    const onData = (chunk: Buffer) => {
      received = true;
      let data: Buffer | undefined = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      pending = Buffer.alloc(0);
      try {
        while (data !== undefined && !complete) {
          if (response === undefined) {
            const end = headerEnd(data);
            if (end === undefined) {
              if (data.length > MAX_HEADER_BYTES)
                throw malformed('HPE_HEADER_OVERFLOW', 'header section too large');
              pending = Buffer.from(data);
              return;
            }
            if (end.text > MAX_HEADER_BYTES)
              throw malformed('HPE_HEADER_OVERFLOW', 'header section too large');
            const text = data.subarray(0, end.text).toString('latin1');
            data = data.subarray(end.next);
            const parsed = parseHead(text, req.method);
            if (parsed.status < 200) {
              if (parsed.status === 101 || ++interim > MAX_INTERIM_RESPONSES) {
                throw malformed('HPE_INVALID_STATUS', `unexpected ${parsed.status} response`);
              }
              continue;
            }
            response = parsed;
            resolve(responseOf(parsed));
            if (parsed.mode.kind === 'none' || (parsed.mode.kind === 'length' && parsed.mode.left === 0)) {
              finish(parsed.keepAlive && data.length === 0);
              return;
            }
          }
          const after = body(data);
          data = undefined;
          if (after !== undefined) {
            // An answer followed by bytes nobody asked for: the connection is not used again.
            finish((response as Head).keepAlive && after.length === 0);
          }
        }
      } catch (e) {
        fail(e);
      }
    };

    const responseOf = (h: Head): H1Response => ({
      status: h.status,
      fields: h.fields,
      body: (async function* () {
        try {
          for (;;) {
            const next = queue.shift();
            if (next !== undefined) {
              queued -= next.length;
              if (queued <= HIGH_WATER_BYTES / 2 && !complete && failure === undefined) socket.resume();
              yield next;
              continue;
            }
            if (failure !== undefined) throw failure;
            if (complete) return;
            await new Promise<void>((r) => {
              wake = r;
            });
            wake = undefined;
          }
        } finally {
          // A reader that stops early leaves a connection in the middle of a response: closed.
          if (!complete && failure === undefined) fail(signal.aborted ? signal.reason : cutShort());
        }
      })(),
      discard() {
        if (complete || failure !== undefined) return;
        const mode = h.mode;
        queue.length = 0;
        queued = 0;
        if (mode.kind === 'length' && mode.left <= DRAIN_MAX_BYTES) {
          // Read to the end, unseen, so the connection can be used again; it no longer keeps the
          // process alive, and the request's signal no longer ends it.
          draining = true;
          signal.removeEventListener('abort', onAbort);
          socket.unref();
          socket.resume();
        } else fail(cutShort());
      },
    });

    if (signal.aborted) {
      socket.destroy();
      reject(signal.reason);
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    socket.on('data', onData).on('end', onEnd).on('close', onEnd).on('error', onError);
    socket.setNoDelay(true);
    const bytes = Buffer.from(head, 'latin1');
    socket.write(req.body?.byteLength ? Buffer.concat([bytes, req.body]) : bytes);
  });
}

/**
 * Where the header section ends: `text`, the length of the status line and fields (without the line break
 * before the blank line), and `next`, the first byte after the blank line; undefined while incomplete.
 */
function headerEnd(data: Buffer): { text: number; next: number } | undefined {
  for (let i = data.indexOf(0x0a); i >= 0 && i + 1 < data.length; i = data.indexOf(0x0a, i + 1)) {
    const text = i > 0 && data[i - 1] === 0x0d ? i - 1 : i;
    if (data[i + 1] === 0x0a) return { text, next: i + 2 };
    if (data[i + 1] === 0x0d && i + 2 < data.length && data[i + 2] === 0x0a) return { text, next: i + 3 };
  }
  return undefined;
}
