/**
 * src/registry/transport/socks.ts: the SOCKS5 messages byte by byte (RFC 1928, RFC 1929), and the
 * handshake against scripted proxies that answer well, refuse, lie or never stop (fault injection; the
 * real SOCKS5 proxy, microsocks, is in test/e2e/proxy.test.ts).
 */
import assert from 'node:assert/strict';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { after, test } from 'node:test';
import {
  connectReplyLength,
  encodeConnect,
  encodeUserPass,
  SocksError,
  type SocksTarget,
  socksConnect,
} from '../../../src/registry/transport/socks.ts';

test('CONNECT requests: IPv4, IPv6 and names as RFC 1928 §4 lays them out', () => {
  assert.deepEqual([...encodeConnect('10.1.2.3', 5000)], [5, 1, 0, 1, 10, 1, 2, 3, 0x13, 0x88]);
  assert.deepEqual([...encodeConnect('::1', 443)], [5, 1, 0, 4, ...Array(15).fill(0), 1, 1, 0xbb]);
  assert.deepEqual(
    [...encodeConnect('reg.example', 80)],
    [5, 1, 0, 3, 11, ...Buffer.from('reg.example'), 0, 80],
  );
  assert.throws(() => encodeConnect('a'.repeat(256), 80), SocksError);
});

test('username/password (RFC 1929 §2) and reply lengths', () => {
  assert.deepEqual([...encodeUserPass('u', 'pw')], [1, 1, 0x75, 2, 0x70, 0x77]);
  assert.throws(() => encodeUserPass('u'.repeat(256), 'p'), SocksError);
  assert.equal(connectReplyLength(Uint8Array.from([5, 0, 0, 1])), undefined);
  assert.equal(connectReplyLength(Uint8Array.from([5, 0, 0, 1, 0])), 10);
  assert.equal(connectReplyLength(Uint8Array.from([5, 0, 0, 4, 0])), 22);
  assert.equal(connectReplyLength(Uint8Array.from([5, 0, 0, 3, 9])), 16);
  assert.throws(() => connectReplyLength(Uint8Array.from([4, 0, 0, 1, 0])), SocksError);
  assert.throws(() => connectReplyLength(Uint8Array.from([5, 0, 0, 9, 0])), SocksError);
});

const servers: Server[] = [];
after(() => {
  for (const s of servers) s.close();
});

/** A proxy that runs `script` on each connection; returns its port. */
async function proxy(
  script: (s: Socket, read: (n: number) => Promise<Buffer>) => Promise<void>,
): Promise<number> {
  const server = createServer((s) => {
    let buf = Buffer.alloc(0);
    let waiting: (() => void) | undefined;
    s.on('data', (c) => {
      buf = Buffer.concat([buf, c]);
      waiting?.();
    });
    s.on('error', () => {});
    const read = async (n: number) => {
      while (buf.length < n) await new Promise<void>((r) => (waiting = r));
      const out = buf.subarray(0, n);
      buf = buf.subarray(n);
      return out;
    };
    script(s, read).catch(() => s.destroy());
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return (server.address() as { port: number }).port;
}

const target: SocksTarget = { host: 'registry.example', port: 5000 };
const handshake = (port: number, t = target, signal = AbortSignal.timeout(5000)) => {
  const socket = connect({ host: '127.0.0.1', port });
  return { socket, done: socksConnect(socket, t, signal) };
};
const OK_REPLY = [5, 0, 0, 1, 127, 0, 0, 1, 0x13, 0x88];

test('no authentication: then the tunnel carries bytes both ways', async () => {
  const port = await proxy(async (s, read) => {
    assert.deepEqual([...(await read(3))], [5, 1, 0]);
    s.write(Uint8Array.from([5, 0]));
    const req = await read(4 + 1 + 16 + 2);
    assert.deepEqual([...req.subarray(0, 5)], [5, 1, 0, 3, 16]);
    assert.equal(req.subarray(5, 21).toString(), 'registry.example');
    assert.deepEqual([...req.subarray(21)], [0x13, 0x88]);
    s.write(Uint8Array.from(OK_REPLY));
    const ping = await read(4);
    s.write(`pong:${ping}`);
  });
  const { socket, done } = handshake(port);
  await done;
  const got: Buffer[] = [];
  socket.on('data', (c) => got.push(c));
  socket.write('ping');
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(Buffer.concat(got).toString(), 'pong:ping');
  socket.destroy();
});

test('username/password: offered with no-auth, sent when chosen; a rejection is E_PROXY_AUTH', async () => {
  for (const accept of [true, false]) {
    const port = await proxy(async (s, read) => {
      assert.deepEqual([...(await read(4))], [5, 2, 0, 2]);
      s.write(Uint8Array.from([5, 2]));
      assert.deepEqual(
        [...(await read(2 + 4 + 1 + 6))],
        [1, 4, ...Buffer.from('user'), 6, ...Buffer.from('secret')],
      );
      s.write(Uint8Array.from([1, accept ? 0 : 1]));
      if (!accept) return;
      await read(4 + 1 + 16 + 2);
      s.write(Uint8Array.from(OK_REPLY));
    });
    const { socket, done } = handshake(port, { ...target, username: 'user', password: 'secret' });
    if (accept) await done;
    else
      await assert.rejects(
        done,
        (e: SocksError) => e.code === 'E_PROXY_AUTH' && /rejected the username/.test(e.message),
      );
    socket.destroy();
  }
});

test('refusals and lies: each a SocksError with its code, the socket closed', async () => {
  const cases: [
    string,
    (s: Socket, read: (n: number) => Promise<Buffer>) => Promise<void>,
    string,
    RegExp,
  ][] = [
    [
      'no acceptable method',
      async (s, read) => {
        await read(3);
        s.write(Uint8Array.from([5, 0xff]));
      },
      'E_PROXY_AUTH',
      /requires authentication/,
    ],
    [
      'connection refused by the target',
      async (s, read) => {
        await read(3);
        s.write(Uint8Array.from([5, 0]));
        await read(23);
        s.write(Uint8Array.from([5, 5, 0, 1, 0, 0, 0, 0, 0, 0]));
      },
      'E_PROXY_REFUSED',
      /connection refused/,
    ],
    [
      'an HTTP proxy answering',
      async (s, read) => {
        await read(3);
        s.write('HTTP/1.1 400 Bad Request\r\n\r\n');
      },
      'E_PROXY_RESPONSE',
      /not a SOCKS5 proxy/,
    ],
    [
      'a method never offered',
      async (s, read) => {
        await read(3);
        s.write(Uint8Array.from([5, 2]));
      },
      'E_PROXY_RESPONSE',
      /not offered/,
    ],
    [
      'endless bytes',
      async (s, read) => {
        await read(3);
        s.write(Buffer.alloc(64 * 1024, 5));
      },
      'E_PROXY_RESPONSE',
      /more than a SOCKS5 answer/,
    ],
    [
      'data before the tunnel is used',
      async (s, read) => {
        await read(3);
        s.write(Uint8Array.from([5, 0]));
        await read(23);
        s.write(Buffer.concat([Buffer.from(OK_REPLY), Buffer.from('HTTP/1.1 200')]));
      },
      'E_PROXY_RESPONSE',
      /data before the tunnel/,
    ],
    [
      'closed mid-handshake',
      async (s, read) => {
        await read(3);
        s.end();
      },
      'ECONNRESET',
      /closed the connection/,
    ],
  ];
  for (const [what, script, code, message] of cases) {
    const port = await proxy(script);
    const { socket, done } = handshake(port);
    await assert.rejects(done, (e: SocksError) => {
      assert.equal(e.code, code, `${what}: ${e.message}`);
      assert.match(e.message, message, what);
      return true;
    });
    assert.ok(socket.destroyed, `${what}: socket destroyed`);
  }
});

test("a silent proxy: the signal ends the handshake with the signal's reason", async () => {
  const port = await proxy(async (_s, read) => {
    await read(3); // and never answer
  });
  const reason = new Error('deadline');
  const ac = new AbortController();
  const { socket, done } = handshake(port, target, ac.signal);
  setTimeout(() => ac.abort(reason), 50);
  await assert.rejects(done, (e) => e === reason);
  assert.ok(socket.destroyed);
});
