/**
 * src/registry/transport/h1.ts against scripted servers (fault injection: raw node:net servers that write
 * the bytes each test chooses): body framing, interim responses, what is refused and with which code, the
 * bytes of a request, keep-alive, stale connections, early stops, aborts, backpressure, and a process that
 * ends by itself while its idle connections are pooled.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { type AddressInfo, createServer, connect as netConnect, type Socket } from 'node:net';
import { type TestContext, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Connect, type H1Request, Http1Pool } from '../../../src/registry/transport/h1.ts';

/** One connection the scripted server accepted. */
interface Conn {
  socket: Socket;
  /** Every byte it received, as latin1 text. */
  received: string;
  /** The requests (head and body) it received so far. */
  requests: string[];
  /** Settles when the connection closes. */
  closed: Promise<void>;
}

/**
 * A raw TCP server that runs `script` for every request a connection receives (a request: its head, then
 * as many bytes as its content-length says). The script writes what it likes, or nothing.
 */
async function serve(
  t: TestContext,
  script: (s: Socket, conn: Conn, request: string) => unknown,
): Promise<{ port: number; conns: Conn[] }> {
  const conns: Conn[] = [];
  const server = createServer((socket) => {
    const conn: Conn = {
      socket,
      received: '',
      requests: [],
      closed: new Promise((r) => socket.once('close', () => r())),
    };
    conns.push(conn);
    socket.setNoDelay(true);
    socket.on('error', () => {});
    let buffered = '';
    socket.on('data', (chunk: Buffer) => {
      const text = chunk.toString('latin1');
      conn.received += text;
      buffered += text;
      for (;;) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        const length = Number(/\r\ncontent-length: *([0-9]+)/i.exec(buffered.slice(0, end))?.[1] ?? 0);
        if (buffered.length < end + 4 + length) return;
        const request = buffered.slice(0, end + 4 + length);
        buffered = buffered.slice(request.length);
        conn.requests.push(request);
        if (socket.destroyed) return;
        Promise.resolve(script(socket, conn, request)).catch(() => socket.destroy());
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  t.after(() => {
    for (const c of conns) c.socket.destroy();
    server.close();
  });
  return { port: (server.address() as AddressInfo).port, conns };
}

/** Waits, at most 2 s, for `conn` to close. */
async function closes(conn: Conn | undefined): Promise<void> {
  assert.ok(conn, 'no connection');
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    conn.closed.then(() => 'closed'),
    new Promise((r) => {
      timer = setTimeout(r, 2000, 'still open after 2 s');
    }),
  ]);
  clearTimeout(timer);
  assert.equal(outcome, 'closed');
}

/** A response with a Content-Length body. */
const ok = (body: string) => `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`;

/** Writes `text` one byte at a time, a millisecond apart. */
async function trickle(s: Socket, text: string): Promise<void> {
  for (const byte of Buffer.from(text, 'latin1')) {
    if (s.destroyed) return;
    s.write(Uint8Array.of(byte));
    await sleep(1);
  }
}

const connect =
  (port: number): Connect =>
  (signal) =>
    new Promise<Socket>((resolve, reject) => {
      signal.throwIfAborted();
      const s = netConnect({ host: '127.0.0.1', port });
      s.once('connect', () => {
        s.off('error', reject);
        resolve(s);
      });
      s.once('error', reject);
    });

/** A pool for one test (closed after it); `send` defaults to `GET /` with a Host field and a 5 s timeout. */
function client(t: TestContext, port: number) {
  const pool = new Http1Pool();
  t.after(() => pool.close());
  let connects = 0;
  const counted: Connect = (signal) => {
    connects++;
    return connect(port)(signal);
  };
  const send = (req: Partial<H1Request> = {}, key = 'origin') =>
    pool.send(key, counted, {
      method: 'GET',
      target: '/',
      headers: { host: `127.0.0.1:${port}` },
      signal: AbortSignal.timeout(5000),
      ...req,
    });
  return { send, connects: () => connects };
}

/** The whole body as latin1 text. */
async function collect(body: AsyncIterable<Uint8Array>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of body) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts).toString('latin1');
}

// 1. Bodies

test('a Content-Length body: exactly that many bytes, and the connection is used again', async (t) => {
  const { port, conns } = await serve(t, (s) => s.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello'));
  const { send } = client(t, port);
  const res = await send();
  assert.equal(res.status, 200);
  assert.deepEqual(res.fields, ['Content-Length', '5']);
  assert.equal(await collect(res.body), 'hello');
  assert.equal(await collect((await send()).body), 'hello');
  assert.equal(conns.length, 1);
});

test('a chunked body: chunk extensions ignored, trailers read and dropped, the connection used again', async (t) => {
  const { port, conns } = await serve(t, (s) =>
    s.write(
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n' +
        '5;foo=bar\r\nhello\r\n7; a=1;b="x y"\r\n, world\r\nA\r\n0123456789\r\n' +
        '0\r\nX-Checksum: abc\r\nX-Other: 1\r\n\r\n',
    ),
  );
  const { send } = client(t, port);
  const res = await send();
  assert.equal(res.status, 200);
  assert.deepEqual(res.fields, ['Transfer-Encoding', 'chunked']);
  assert.equal(await collect(res.body), 'hello, world0123456789');
  assert.equal(await collect((await send()).body), 'hello, world0123456789');
  assert.equal(conns.length, 1);
});

test('no Content-Length, not chunked: the body runs to the end of the connection, never used again', async (t) => {
  const { port, conns } = await serve(t, (s) => {
    s.write('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil ');
    setTimeout(() => s.end('the end'), 20);
  });
  const { send } = client(t, port);
  const res = await send();
  assert.equal(res.status, 200);
  assert.equal(await collect(res.body), 'until the end');
  await closes(conns[0]);
  assert.equal(await collect((await send()).body), 'until the end');
  assert.equal(conns.length, 2);
});

test('HEAD: a Content-Length field announces no body', async (t) => {
  const { port, conns } = await serve(t, (s) => s.write('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n'));
  const { send } = client(t, port);
  for (let i = 0; i < 2; i++) {
    const res = await send({ method: 'HEAD' });
    assert.equal(res.status, 200);
    assert.deepEqual(res.fields, ['Content-Length', '1000']);
    assert.equal(await collect(res.body), '');
  }
  assert.equal(conns.length, 1);
});

test('204 and 304 have no body, whatever their fields say', async (t) => {
  const responses = [
    'HTTP/1.1 204 No Content\r\nX-A: 1\r\n\r\n',
    'HTTP/1.1 304 Not Modified\r\nContent-Length: 42\r\nETag: "v1"\r\n\r\n',
    'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
  ];
  const { port, conns } = await serve(t, (s, conn) => s.write(responses[conn.requests.length - 1] ?? ''));
  const { send } = client(t, port);
  const noContent = await send();
  assert.equal(noContent.status, 204);
  assert.equal(await collect(noContent.body), '');
  const notModified = await send();
  assert.equal(notModified.status, 304);
  assert.deepEqual(notModified.fields, ['Content-Length', '42', 'ETag', '"v1"']);
  assert.equal(await collect(notModified.body), '');
  const last = await send();
  assert.equal(last.status, 200);
  assert.equal(await collect(last.body), 'ok');
  assert.equal(conns.length, 1);
});

test('a response written one byte at a time parses as written at once (length and chunked)', async (t) => {
  const responses = [
    'HTTP/1.1 200 OK\r\nContent-Length: 11\r\nX-A: b\r\n\r\nhello world',
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;foo=bar\r\nhello\r\n6\r\n world\r\n0\r\nX-T: 1\r\n\r\n',
  ];
  const { port, conns } = await serve(t, (s, conn) => trickle(s, responses[conn.requests.length - 1] ?? ''));
  const { send } = client(t, port);
  const length = await send();
  assert.equal(length.status, 200);
  assert.deepEqual(length.fields, ['Content-Length', '11', 'X-A', 'b']);
  const pieces: string[] = [];
  for await (const chunk of length.body) pieces.push(Buffer.from(chunk).toString('latin1'));
  assert.equal(pieces.join(''), 'hello world');
  assert.ok(pieces.length > 1, 'the body came in pieces');
  const chunked = await send();
  assert.equal(chunked.status, 200);
  assert.deepEqual(chunked.fields, ['Transfer-Encoding', 'chunked']);
  assert.equal(await collect(chunked.body), 'hello world');
  // Both ended where they should: the second came on the first's connection.
  assert.equal(conns.length, 1);
});

// 2. Interim responses

test('100 Continue and 103 Early Hints before the answer are skipped', async (t) => {
  const { port } = await serve(t, async (s) => {
    s.write('HTTP/1.1 100 Continue\r\n\r\n');
    await sleep(10);
    s.write(
      'HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n' +
        'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
    );
  });
  const { send } = client(t, port);
  const res = await send();
  assert.equal(res.status, 200);
  assert.deepEqual(res.fields, ['Content-Length', '2']);
  assert.equal(await collect(res.body), 'ok');
});

test('five interim responses are skipped, a sixth is HPE_INVALID_STATUS', async (t) => {
  const interim = 'HTTP/1.1 100 Continue\r\n\r\n';
  const { port } = await serve(t, (s, conn) =>
    s.write(interim.repeat(conn.requests.length === 1 ? 5 : 6) + ok('fine')),
  );
  const { send } = client(t, port);
  const five = await send();
  assert.equal(five.status, 200);
  assert.equal(await collect(five.body), 'fine');
  await assert.rejects(send(), { code: 'HPE_INVALID_STATUS' });
});

test('a 101 response is HPE_INVALID_STATUS', async (t) => {
  const { port, conns } = await serve(t, (s) =>
    s.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'),
  );
  const { send } = client(t, port);
  await assert.rejects(send(), { code: 'HPE_INVALID_STATUS' });
  await closes(conns[0]);
});

// 3. Refusals

const refusedHeads: [string, string, string][] = [
  ['a status line that is not HTTP/1.x', 'ICY 200 OK\r\nContent-Length: 0\r\n\r\n', 'HPE_INVALID_CONSTANT'],
  [
    'two differing Content-Length values',
    'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!',
    'HPE_UNEXPECTED_CONTENT_LENGTH',
  ],
  [
    'Transfer-Encoding: gzip',
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nxxxx',
    'HPE_INVALID_TRANSFER_ENCODING',
  ],
  [
    'an obs-fold header line',
    'HTTP/1.1 200 OK\r\nX-Long: one\r\n two\r\nContent-Length: 0\r\n\r\n',
    'HPE_INVALID_HEADER_TOKEN',
  ],
];

for (const [name, response, code] of refusedHeads) {
  test(`refused: ${name} (${code}), the connection closed`, async (t) => {
    const { port, conns } = await serve(t, (s) => s.write(response));
    const { send } = client(t, port);
    await assert.rejects(send(), { code });
    await closes(conns[0]);
  });
}

test('endless header lines: HPE_HEADER_OVERFLOW in bounded time', async (t) => {
  const { port } = await serve(t, (s) => {
    s.write('HTTP/1.1 200 OK\r\n');
    const line = `X-Filler: ${'a'.repeat(1000)}\r\n`;
    const timer = setInterval(() => s.write(line), 1);
    s.on('close', () => clearInterval(timer));
  });
  const { send } = client(t, port);
  const started = Date.now();
  await assert.rejects(send(), { code: 'HPE_HEADER_OVERFLOW' });
  assert.ok(Date.now() - started < 3000, `${Date.now() - started} ms`);
});

test('two equal Content-Length values are accepted', async (t) => {
  const { port } = await serve(t, (s) =>
    s.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello'),
  );
  const { send } = client(t, port);
  const res = await send();
  assert.equal(res.status, 200);
  assert.equal(await collect(res.body), 'hello');
});

test('Transfer-Encoding: chunked with a Content-Length: the body is read as chunked', async (t) => {
  const { port, conns } = await serve(t, (s) =>
    s.write(
      'HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n',
    ),
  );
  const { send } = client(t, port);
  assert.equal(await collect((await send()).body), 'hello');
  assert.equal(await collect((await send()).body), 'hello');
  assert.equal(conns.length, 1);
});

const refusedBodies: [string, string, string][] = [
  ['a chunk size that is not hex', 'zz\r\nhello\r\n0\r\n\r\n', 'HPE_INVALID_CHUNK_SIZE'],
  ['chunk data not followed by CRLF', '5\r\nhelloXX0\r\n\r\n', 'HPE_STRICT'],
  [
    'a 10 KB chunk-size line',
    `5;${'x'.repeat(10 * 1024)}\r\nhello\r\n0\r\n\r\n`,
    'HPE_CHUNK_EXTENSIONS_OVERFLOW',
  ],
];

for (const [name, chunks, code] of refusedBodies) {
  test(`refused in the body: ${name} (${code}), the connection closed`, async (t) => {
    const { port, conns } = await serve(t, (s) =>
      s.write(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${chunks}`),
    );
    const { send } = client(t, port);
    const res = await send();
    assert.equal(res.status, 200);
    await assert.rejects(collect(res.body), { code });
    await closes(conns[0]);
  });
}

test('trailers past 64 KB: HPE_HEADER_OVERFLOW, as the header section', async (t) => {
  // 128 trailer lines of 1 KB, then the blank line that ends them.
  const trailers = `X-Filler: ${'a'.repeat(1000)}\r\n`.repeat(128);
  const { port } = await serve(t, (s) =>
    s.write(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n${trailers}\r\n`),
  );
  const { send } = client(t, port);
  const res = await send();
  await assert.rejects(collect(res.body), { code: 'HPE_HEADER_OVERFLOW' });
});

// 4. Header lines

test('lines ending in LF alone: the status line and the fields', async (t) => {
  const { port, conns } = await serve(t, (s) => s.write('HTTP/1.1 200 OK\nContent-Length: 2\nX-A: b\n\nok'));
  const { send } = client(t, port);
  const res = await send();
  assert.equal(res.status, 200);
  assert.deepEqual(res.fields, ['Content-Length', '2', 'X-A', 'b']);
  assert.equal(await collect(res.body), 'ok');
  assert.equal(await collect((await send()).body), 'ok');
  assert.equal(conns.length, 1);
});

test('field values trimmed, repeated fields kept in order', async (t) => {
  const { port } = await serve(t, (s) =>
    s.write(
      'HTTP/1.1 404 Not Found\r\nLink:   <a>; rel="next"  \r\nX-Tab:\tinner\tvalue\t\r\n' +
        'Link: <b>\r\nX-Empty:\r\nContent-Length: 0\r\n\r\n',
    ),
  );
  const { send } = client(t, port);
  const res = await send();
  assert.equal(res.status, 404);
  assert.deepEqual(res.fields, [
    'Link',
    '<a>; rel="next"',
    'X-Tab',
    'inner\tvalue',
    'Link',
    '<b>',
    'X-Empty',
    '',
    'Content-Length',
    '0',
  ]);
});

// 5. Request writing

test('a GET as written: request line, the fields in order, a blank line', async (t) => {
  const { port, conns } = await serve(t, (s) => s.write(ok('')));
  const { send } = client(t, port);
  await send({
    target: '/v2/library/alpine/manifests/3.20',
    headers: { host: 'registry.example', accept: 'application/json' },
  });
  assert.equal(
    conns[0]?.received,
    'GET /v2/library/alpine/manifests/3.20 HTTP/1.1\r\nhost: registry.example\r\naccept: application/json\r\n\r\n',
  );
});

test('a PUT as written: the head, then the body', async (t) => {
  const { port, conns } = await serve(t, (s) => s.write('HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n'));
  const { send } = client(t, port);
  const res = await send({
    method: 'PUT',
    target: '/upload?digest=sha256:abc',
    headers: { host: 'registry.example', 'content-type': 'application/octet-stream', 'content-length': '11' },
    body: Buffer.from('hello world'),
  });
  assert.equal(res.status, 201);
  assert.equal(
    conns[0]?.received,
    'PUT /upload?digest=sha256:abc HTTP/1.1\r\nhost: registry.example\r\n' +
      'content-type: application/octet-stream\r\ncontent-length: 11\r\n\r\nhello world',
  );
});

const badRequests: [string, Partial<H1Request>, string][] = [
  [
    'a header value with CRLF',
    { headers: { host: 'registry.example', 'x-evil': 'a\r\nInjected: yes' } },
    'ERR_INVALID_CHAR',
  ],
  ['a method with a space', { method: 'GE T' }, 'ERR_INVALID_HTTP_TOKEN'],
  ['a target with a space', { target: '/a b' }, 'ERR_UNESCAPED_CHARACTERS'],
];

for (const [name, req, code] of badRequests) {
  test(`refused before connecting: ${name} (${code})`, async (t) => {
    const { port, conns } = await serve(t, (s) => s.write(ok('')));
    const { send, connects } = client(t, port);
    await assert.rejects(send(req), { code });
    await sleep(50);
    assert.equal(connects(), 0);
    assert.equal(conns.length, 0);
  });
}

// 6. Connection reuse

test('two GETs in turn, each body read: one connection', async (t) => {
  const { port, conns } = await serve(t, (s, conn) => s.write(ok(`answer ${conn.requests.length}`)));
  const { send } = client(t, port);
  assert.equal(await collect((await send({ target: '/a' })).body), 'answer 1');
  assert.equal(await collect((await send({ target: '/b' })).body), 'answer 2');
  assert.equal(conns.length, 1);
  assert.equal(conns[0]?.requests.length, 2);
});

test('Connection: close in a response: the next request opens a new connection', async (t) => {
  const { port, conns } = await serve(t, (s) =>
    s.write('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok'),
  );
  const { send } = client(t, port);
  assert.equal(await collect((await send()).body), 'ok');
  await closes(conns[0]);
  assert.equal(await collect((await send()).body), 'ok');
  assert.equal(conns.length, 2);
});

test('HTTP/1.0: a new connection unless the response says keep-alive', async (t) => {
  const plain = await serve(t, (s) => s.write('HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok'));
  const a = client(t, plain.port);
  assert.equal(await collect((await a.send()).body), 'ok');
  assert.equal(await collect((await a.send()).body), 'ok');
  assert.equal(plain.conns.length, 2);

  const kept = await serve(t, (s) =>
    s.write('HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nok'),
  );
  const b = client(t, kept.port);
  assert.equal(await collect((await b.send()).body), 'ok');
  assert.equal(await collect((await b.send()).body), 'ok');
  assert.equal(kept.conns.length, 1);
});

test('a response followed by bytes nobody asked for: the connection is not used again', async (t) => {
  // With the response, and later while the connection is idle.
  for (const later of [false, true]) {
    const { port, conns } = await serve(t, (s) => {
      if (later) {
        s.write(ok('ok'));
        setTimeout(() => s.write('HTTP/1.1 200 OK\r\n'), 20);
      } else s.write(`${ok('ok')}HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n`);
    });
    const { send } = client(t, port);
    assert.equal(await collect((await send()).body), 'ok');
    await closes(conns[0]);
    assert.equal(await collect((await send()).body), 'ok');
    assert.equal(conns.length, 2, later ? 'later' : 'with the response');
  }
});

test('different keys never share a connection', async (t) => {
  const { port, conns } = await serve(t, (s) => s.write(ok('ok')));
  const { send } = client(t, port);
  assert.equal(await collect((await send({}, 'a')).body), 'ok');
  assert.equal(await collect((await send({}, 'b')).body), 'ok');
  assert.equal(conns.length, 2);
  assert.equal(await collect((await send({}, 'a')).body), 'ok');
  assert.equal(await collect((await send({}, 'b')).body), 'ok');
  assert.equal(conns.length, 2);
  assert.deepEqual(
    conns.map((c) => c.requests.length),
    [2, 2],
  );
});

// 7. Stale connections

test('an idle connection the server closed: the next GET goes on a new one', async (t) => {
  const { port, conns } = await serve(t, (s) => s.write(ok('ok')));
  const { send } = client(t, port);
  assert.equal(await collect((await send()).body), 'ok');
  conns[0]?.socket.destroy();
  await sleep(50);
  const res = await send();
  assert.equal(res.status, 200);
  assert.equal(await collect(res.body), 'ok');
  assert.equal(conns.length, 2);
  assert.equal(conns[0]?.requests.length, 1);
});

test('a reused connection closed on receiving a GET, unanswered: the GET is sent again on a new one', async (t) => {
  const { port, conns } = await serve(t, (s, conn) => {
    if (conn === conns[0] && conn.requests.length === 2) s.destroy();
    else s.write(ok(`answer ${conns.indexOf(conn)}`));
  });
  const { send } = client(t, port);
  assert.equal(await collect((await send()).body), 'answer 0');
  const res = await send();
  assert.equal(res.status, 200);
  assert.equal(await collect(res.body), 'answer 1');
  assert.equal(conns.length, 2);
  assert.deepEqual(
    conns.map((c) => c.requests.length),
    [2, 1],
  );
});

test('a reused connection closed on receiving a POST, unanswered: ECONNRESET, never sent again', async (t) => {
  const { port, conns } = await serve(t, (s, _conn, request) => {
    if (request.startsWith('POST ')) s.destroy();
    else s.write(ok('ok'));
  });
  const { send } = client(t, port);
  assert.equal(await collect((await send()).body), 'ok');
  await assert.rejects(
    send({
      method: 'POST',
      target: '/upload',
      headers: { host: 'registry.example', 'content-length': '4' },
      body: Buffer.from('data'),
    }),
    { code: 'ECONNRESET' },
  );
  await sleep(50);
  assert.equal(conns.length, 1);
  const posts = conns.flatMap((c) => c.requests).filter((r) => r.startsWith('POST '));
  assert.deepEqual(posts, [
    'POST /upload HTTP/1.1\r\nhost: registry.example\r\ncontent-length: 4\r\n\r\ndata',
  ]);
});

// 8. Early stop

test('leaving the body early closes the connection; the next request opens another', async (t) => {
  const { port, conns } = await serve(t, (s, conn) => {
    if (conn === conns[0]) s.write(`HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n${'x'.repeat(10_000)}`);
    else s.write(ok('ok'));
  });
  const { send } = client(t, port);
  const res = await send();
  let first = '';
  for await (const chunk of res.body) {
    first = Buffer.from(chunk).toString('latin1');
    break;
  }
  assert.ok(first.length > 0 && /^x+$/.test(first));
  await closes(conns[0]);
  assert.equal(await collect((await send()).body), 'ok');
  assert.equal(conns.length, 2);
});

test('discard() of a 100-byte unread body: read to its end unseen, the connection used again', async (t) => {
  const { port, conns } = await serve(t, (s, conn) => {
    if (conn.requests.length > 1) {
      s.write(ok('second'));
      return;
    }
    s.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n');
    setTimeout(() => s.write('y'.repeat(100)), 20);
  });
  const { send } = client(t, port);
  const res = await send();
  res.discard();
  await sleep(150);
  assert.equal(await collect((await send()).body), 'second');
  assert.equal(conns.length, 1);
});

test('discard() of a 1 MiB unread body: the connection closed, the next request on another', async (t) => {
  const { port, conns } = await serve(t, (s, conn) => {
    if (conn === conns[0])
      s.write(`HTTP/1.1 200 OK\r\nContent-Length: 1048576\r\n\r\n${'z'.repeat(1024 * 1024)}`);
    else s.write(ok('ok'));
  });
  const { send } = client(t, port);
  const res = await send();
  res.discard();
  await closes(conns[0]);
  assert.equal(await collect((await send()).body), 'ok');
  assert.equal(conns.length, 2);
});

// 9. Abort

test("aborted before the response: rejects with the signal's reason, the connection closed", async (t) => {
  const ac = new AbortController();
  const reason = new Error('enough');
  // The server, rather than answer, aborts the request (so the request was surely sent).
  const { port, conns } = await serve(t, () => ac.abort(reason));
  const { send } = client(t, port);
  await assert.rejects(send({ signal: ac.signal }), (e) => e === reason);
  await closes(conns[0]);
});

test("aborted while the body streams: the iteration throws the signal's reason", async (t) => {
  const { port, conns } = await serve(t, (s) =>
    s.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial'),
  );
  const { send } = client(t, port);
  const ac = new AbortController();
  const reason = new Error('stop');
  const res = await send({ signal: ac.signal });
  const read = (async () => {
    for await (const _ of res.body) ac.abort(reason);
  })();
  await assert.rejects(read, (e) => e === reason);
  await closes(conns[0]);
});

test('an already-aborted signal: rejects without connecting', async (t) => {
  const { port, conns } = await serve(t, (s) => s.write(ok('ok')));
  const { send, connects } = client(t, port);
  const reason = new Error('too late');
  await assert.rejects(send({ signal: AbortSignal.abort(reason) }), (e) => e === reason);
  await sleep(50);
  assert.equal(connects(), 0);
  assert.equal(conns.length, 0);
});

// 10. Backpressure

test('backpressure: a reader that waits stops the socket; then the whole 64 MiB arrive', async (t) => {
  const total = 64 * 1024 * 1024;
  const { port, conns } = await serve(t, async (s) => {
    s.write('HTTP/1.1 200 OK\r\nContent-Length: 67108864\r\n\r\n');
    const block = Buffer.alloc(64 * 1024, 0x61);
    for (let sent = 0; sent < total && !s.destroyed; sent += block.length) {
      if (!s.write(block)) await once(s, 'drain');
    }
  });
  const { send } = client(t, port);
  const res = await send({ signal: AbortSignal.timeout(30_000) });
  const body = res.body[Symbol.asyncIterator]();
  const first = await body.next();
  assert.equal(first.done, false);
  let received = first.value?.byteLength ?? 0;
  await sleep(500);
  const server = conns[0]?.socket as Socket;
  const sent = server.bytesWritten + server.writableLength;
  assert.ok(sent < 16 * 1024 * 1024, `the server could send ${sent} bytes to a reader that waited`);
  for (let next = await body.next(); !next.done; next = await body.next()) received += next.value.byteLength;
  assert.equal(received, 67108864);
});

// 11. Process exit

test('a process with idle pooled connections ends by itself', async (t) => {
  const { port, conns } = await serve(t, (s, _conn, request) =>
    s.write(request.startsWith('GET /a ') ? ok('a') : 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n'),
  );
  const h1 = new URL('../../../src/registry/transport/h1.js', import.meta.url).href;
  const script = `
    import { connect } from 'node:net';
    const { Http1Pool } = await import(${JSON.stringify(h1)});
    const pool = new Http1Pool();
    const open = () => new Promise((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port: ${port} });
      s.once('connect', () => resolve(s));
      s.once('error', reject);
    });
    const statuses = [];
    for (const target of ['/a', '/b']) {
      const res = await pool.send('origin', open, {
        method: 'GET', target, headers: { host: '127.0.0.1:${port}' }, signal: AbortSignal.timeout(5000),
      });
      for await (const chunk of res.body) void chunk;
      statuses.push(res.status);
    }
    process.stdout.write(JSON.stringify(statuses));
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c;
  });
  child.stderr.on('data', (c: Buffer) => {
    err += c;
  });
  const started = Date.now();
  const hang = setTimeout(() => child.kill(), 10_000);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(hang);
  assert.equal(code, 0, `the client process did not end by itself (${Date.now() - started} ms): ${err}`);
  assert.deepEqual(JSON.parse(out), [200, 404]);
  assert.equal(conns.length, 1);
});
