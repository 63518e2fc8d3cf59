import type { Logger } from '@ws/core';
import { systemClock } from '@ws/core';
import { createMemorySocketPair } from '@ws/core/testing';
import { waitFor } from '@ws/testkit';
import type { Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestServer } from '../test/harness.js';
import {
  connectClient,
  connectWelcomed,
  expectAlive,
  expectPrototypeClean,
  prototypeSnapshot,
  rawRequest,
  startServer,
  testAuthenticate,
  upgradeHeaders,
} from '../test/harness.js';

describe('attach: accepted handshakes', () => {
  let srv: TestServer;
  let proto: string[];
  beforeEach(async () => {
    proto = prototypeSnapshot();
    srv = await startServer();
  });
  afterEach(async () => {
    expectPrototypeClean(proto);
    await srv.close();
  });

  it('authenticates with ?token= and sends welcome with the user from authenticate', async () => {
    const { client, welcome } = await connectWelcomed(srv.url('token=good-alice'));
    expect(welcome.userId).toBe('alice');
    expect(client.ws.protocol).toBe('');
    expect(srv.manager.getStats().connections).toBe(1);
    client.ws.close();
    await client.closed;
  });

  it('the 101 response and the welcome of the same loop turn leave in one write; the socket is uncorked after', async () => {
    const writes: string[][] = [];
    const sockets: Socket[] = [];
    srv.server.on('upgrade', (_req: unknown, socket: Socket) => {
      sockets.push(socket);
      const s = socket as unknown as {
        _write(chunk: Buffer, encoding: string, cb: () => void): void;
        _writev(chunks: { chunk: Buffer | string }[], cb: () => void): void;
      };
      const write = s._write.bind(s);
      const writev = s._writev.bind(s);
      s._write = (chunk, encoding, cb) => {
        writes.push([String(chunk)]);
        write(chunk, encoding, cb);
      };
      s._writev = (chunks, cb) => {
        writes.push(chunks.map((c) => String(c.chunk)));
        writev(chunks, cb);
      };
    });
    const { client, welcome } = await connectWelcomed(srv.url('token=good-alice'));
    expect(welcome.userId).toBe('alice');
    expect(writes[0]).toHaveLength(2);
    expect(writes[0]?.[0]).toMatch(/^HTTP\/1\.1 101 /);
    expect(writes[0]?.[1]).toContain('"type":"welcome"');
    await new Promise((r) => setImmediate(r));
    expect(sockets[0]?.writableCorked).toBe(0);
    client.ws.close();
  });

  it('authenticates with Authorization: Bearer (and prefers it over ?token=)', async () => {
    const client = connectClient(srv.url('token=good-mallory'), undefined, {
      headers: { Authorization: 'Bearer good-bob' },
    });
    const welcome = await client.next('welcome');
    expect(welcome.userId).toBe('bob');
    client.ws.close();
    await client.closed;
  });

  it('negotiates wsm.v1.json when offered, first supported in the client order', async () => {
    const { client } = await connectWelcomed(srv.url(), [
      'x-unknown',
      'wsm.v1.json',
      'wsm.v1.msgpack',
    ]);
    expect(client.ws.protocol).toBe('wsm.v1.json');
    client.ws.close();
    await client.closed;
  });

  it('passes ?resume= to core: the session is restored by the same user', async () => {
    const first = await connectWelcomed(srv.url('token=good-alice'));
    first.client.ws.close();
    await first.client.closed;
    await waitFor(() => srv.manager.getStats().connections === 0);
    const second = connectClient(
      srv.url(`token=good-alice&resume=${encodeURIComponent(first.welcome.resumeToken)}`),
    );
    const welcome = await second.next('welcome');
    expect(welcome.userId).toBe('alice');
    expect(welcome.resumeToken).not.toBe(first.welcome.resumeToken);
    second.ws.close();
    await second.closed;
  });

  it('hands authenticate context and expiresAt to core', async () => {
    await srv.close();
    const seen: unknown[] = [];
    srv = await startServer(
      {},
      {
        authenticate: () => ({
          userId: 'carol',
          context: { role: 'admin' },
          expiresAt: Date.now() + 60_000,
        }),
      },
    );
    srv.manager.on('connection', (conn) => seen.push({ ...conn.context }));
    const { client } = await connectWelcomed(srv.url(''));
    expect(seen).toEqual([
      { role: 'admin', remoteAddress: '127.0.0.1', subprotocol: 'wsm.v1.json' },
    ]);
    client.ws.close();
    await client.closed;
  });

  it('an already expired expiresAt is closed by core with 4102', async () => {
    await srv.close();
    srv = await startServer(
      {},
      {
        authenticate: (_req, token) =>
          token === 'expired'
            ? { userId: 'dave', expiresAt: Date.now() - 1 }
            : token?.startsWith('good-') === true
              ? { userId: token.slice(5) }
              : null,
      },
    );
    const client = connectClient(srv.url('token=expired'));
    expect((await client.closed).code).toBe(4102);
    await expectAlive(srv);
  });
});

describe('attach: refusals are HTTP statuses, and the server lives on', () => {
  let srv: TestServer;
  let proto: string[];
  beforeEach(async () => {
    proto = prototypeSnapshot();
    srv = await startServer();
  });
  afterEach(async () => {
    await expectAlive(srv);
    expectPrototypeClean(proto);
    await srv.close();
  });

  it('401 without credentials', async () => {
    const res = await rawRequest(srv.port, '/ws', upgradeHeaders());
    expect(res.status).toBe(401);
    expect(res.headers.connection).toBe('close');
  });

  it('401 with a bad token, from the header or the query', async () => {
    expect((await rawRequest(srv.port, '/ws?token=bad', upgradeHeaders())).status).toBe(401);
    expect(
      (await rawRequest(srv.port, '/ws', upgradeHeaders({ Authorization: 'Bearer nope' }))).status,
    ).toBe(401);
    expect(
      (await rawRequest(srv.port, '/ws', upgradeHeaders({ Authorization: 'Basic good-alice' })))
        .status,
    ).toBe(401);
  });

  it('401 when authenticate throws or returns a user id core would refuse', async () => {
    await srv.close();
    const errors: string[] = [];
    srv = await startServer(
      {},
      {
        authenticate: (_req, token) => {
          if (token === 'throw') throw new Error('auth backend down');
          if (token === 'empty') return { userId: '' };
          return token?.startsWith('good-') === true ? { userId: token.slice(5) } : null;
        },
        onError: (err, info) => errors.push(`${info.stage}:${err.message}`),
      },
    );
    expect((await rawRequest(srv.port, '/ws?token=throw', upgradeHeaders())).status).toBe(401);
    expect((await rawRequest(srv.port, '/ws?token=empty', upgradeHeaders())).status).toBe(401);
    expect(errors).toEqual([
      'authenticate:authenticate resolved without a valid userId (1-256 characters)',
    ]);
  });

  it('503 when authenticate does not answer in time', async () => {
    await srv.close();
    srv = await startServer(
      {},
      {
        authenticateTimeoutMs: 50,
        authenticate: (_req, token) =>
          token === 'slow'
            ? new Promise(() => {})
            : token?.startsWith('good-') === true
              ? { userId: token.slice(5) }
              : null,
      },
    );
    const res = await rawRequest(srv.port, '/ws?token=slow', upgradeHeaders());
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(srv.handle.stats().handshakes).toBe(0);
  });

  it('a synchronous authenticate answer starts no timeout timer; an asynchronous one starts and clears one', async () => {
    await srv.close();
    const timers = { set: 0, cleared: 0 };
    const clock = systemClock();
    srv = await startServer(
      {},
      {
        clock: {
          now: () => clock.now(),
          setInterval: (fn, ms) => clock.setInterval(fn, ms),
          setTimeout(fn, ms) {
            timers.set++;
            return clock.setTimeout(fn, ms);
          },
          clear(handle) {
            timers.cleared++;
            clock.clear(handle);
          },
        },
        authenticate: (req, token) =>
          token === 'async-bob' ? Promise.resolve({ userId: 'bob' }) : testAuthenticate(req, token),
      },
    );
    const alice = await connectWelcomed(srv.url('token=good-alice'));
    expect(alice.welcome.userId).toBe('alice');
    expect(timers).toEqual({ set: 0, cleared: 0 });
    expect((await rawRequest(srv.port, '/ws?token=nobody', upgradeHeaders())).status).toBe(401);
    expect(timers).toEqual({ set: 0, cleared: 0 });
    const bob = await connectWelcomed(srv.url('token=async-bob'));
    expect(bob.welcome.userId).toBe('bob');
    expect(timers).toEqual({ set: 1, cleared: 1 });
    alice.client.ws.close();
    bob.client.ws.close();
  });

  it('403 for an origin not on the exact-match allowlist (suffix tricks and null refused)', async () => {
    await srv.close();
    srv = await startServer({}, { allowedOrigins: ['https://app.example.com'] });
    const h = (origin: string): Record<string, string> => upgradeHeaders({ Origin: origin });
    expect(
      (await rawRequest(srv.port, '/ws?token=good-a', h('https://app.example.com.evil.com')))
        .status,
    ).toBe(403);
    expect((await rawRequest(srv.port, '/ws?token=good-a', h('null'))).status).toBe(403);
    expect(
      (await rawRequest(srv.port, '/ws?token=good-a', h('https://evil.app.example.com'))).status,
    ).toBe(403);
    expect(
      (await rawRequest(srv.port, '/ws?token=good-a', h('http://app.example.com'))).status,
    ).toBe(403);
    expect(
      (await rawRequest(srv.port, '/ws?token=good-a', h('https://app.example.com'))).status,
    ).toBe(101);
    // Origin is checked before authentication: a bad origin with bad credentials is still 403.
    expect((await rawRequest(srv.port, '/ws?token=bad', h('https://evil.com'))).status).toBe(403);
  });

  it('403 by default for a cross-origin browser request; same-origin passes', async () => {
    const host = `127.0.0.1:${srv.port}`;
    const h = (origin: string): Record<string, string> =>
      upgradeHeaders({ Host: host, Origin: origin });
    expect((await rawRequest(srv.port, '/ws?token=good-a', h('https://evil.com'))).status).toBe(
      403,
    );
    expect((await rawRequest(srv.port, '/ws?token=good-a', h(`http://${host}`))).status).toBe(101);
  });

  it('403 without an Origin when allowMissingOrigin is false', async () => {
    await srv.close();
    srv = await startServer({}, { allowedOrigins: '*', allowMissingOrigin: false });
    expect((await rawRequest(srv.port, '/ws?token=good-a', upgradeHeaders())).status).toBe(403);
    expect(
      (
        await rawRequest(
          srv.port,
          '/ws?token=good-a',
          upgradeHeaders({ Origin: 'https://x.example' }),
        )
      ).status,
    ).toBe(101);
    await srv.close();
    srv = await startServer();
  });

  it('400 when only unknown subprotocols are offered (never a 101 without a protocol)', async () => {
    const res = await rawRequest(
      srv.port,
      '/ws?token=good-a',
      upgradeHeaders({ 'Sec-WebSocket-Protocol': 'chat, superchat' }),
    );
    expect(res.status).toBe(400);
    expect(res.body).toContain('no supported subprotocol');
  });

  it('400 for a malformed subprotocol header', async () => {
    const res = await rawRequest(
      srv.port,
      '/ws?token=good-a',
      upgradeHeaders({ 'Sec-WebSocket-Protocol': 'wsm.v1.json,,' }),
    );
    expect(res.status).toBe(400);
  });

  it('400 for a malformed handshake (bad key, version, method)', async () => {
    expect(
      (
        await rawRequest(
          srv.port,
          '/ws?token=good-a',
          upgradeHeaders({ 'Sec-WebSocket-Key': 'short' }),
        )
      ).status,
    ).toBe(400);
    expect(
      (
        await rawRequest(
          srv.port,
          '/ws?token=good-a',
          upgradeHeaders({ 'Sec-WebSocket-Version': '12' }),
        )
      ).status,
    ).toBe(400);
    expect((await rawRequest(srv.port, '/ws?token=good-a', upgradeHeaders(), 'POST')).status).toBe(
      400,
    );
  });

  it('an offered subprotocol is echoed in the 101; none offered gets the default and no header', async () => {
    const offered = await rawRequest(
      srv.port,
      '/ws?token=good-a',
      upgradeHeaders({ 'Sec-WebSocket-Protocol': 'foo, wsm.v1.msgpack' }),
    );
    expect(offered.status).toBe(101);
    expect(offered.headers['sec-websocket-protocol']).toBe('wsm.v1.msgpack');
    const none = await rawRequest(srv.port, '/ws?token=good-a', upgradeHeaders());
    expect(none.status).toBe(101);
    expect(none.headers['sec-websocket-protocol']).toBeUndefined();
  });

  it('503 with Retry-After when the manager is full', async () => {
    await srv.close();
    srv = await startServer({ maxConnections: 1 }, { retryAfterSeconds: 7 });
    const { client } = await connectWelcomed(srv.url('token=good-first'));
    const res = await rawRequest(srv.port, '/ws?token=good-second', upgradeHeaders());
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('7');
    client.ws.close();
    await client.closed;
    await waitFor(() => srv.manager.getStats().connections === 0);
  });

  it('503 with Retry-After when the manager is draining or closed', async () => {
    await srv.close();
    srv = await startServer({ drain: { ratePerSecond: 1, spreadMs: 0, timeoutMs: 60_000 } });
    const { client } = await connectWelcomed(srv.url('token=good-first'));
    const closing = srv.manager.close({ drain: true });
    expect(srv.manager.state).toBe('draining');
    const res = await rawRequest(srv.port, '/ws?token=good-second', upgradeHeaders());
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect((await client.closed).code).toBe(1012);
    await closing;
    expect(srv.manager.state).toBe('closed');
    expect((await rawRequest(srv.port, '/ws?token=good-third', upgradeHeaders())).status).toBe(503);
    await srv.close();
    srv = await startServer();
  });

  it('429 past maxConnectionsPerIp (open connections count), off by default', async () => {
    await srv.close();
    srv = await startServer({}, { maxConnectionsPerIp: 2 });
    const a = await connectWelcomed(srv.url('token=good-a'));
    const b = await connectWelcomed(srv.url('token=good-b'));
    const res = await rawRequest(srv.port, '/ws?token=good-c', upgradeHeaders());
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('5');
    a.client.ws.close();
    await a.client.closed;
    await waitFor(() => srv.handle.stats().connections === 1);
    const c = await connectWelcomed(srv.url('token=good-c'));
    expect(c.welcome.userId).toBe('c');
    b.client.ws.close();
    c.client.ws.close();
    await Promise.all([b.client.closed, c.client.closed]);
    await waitFor(() => srv.handle.stats().connections === 0);
  });

  it('429 past maxHandshakesPerIp (handshakes waiting for authenticate)', async () => {
    await srv.close();
    const release: (() => void)[] = [];
    srv = await startServer(
      {},
      {
        maxHandshakesPerIp: 1,
        authenticate: (_req, token) => {
          if (token === 'held')
            return new Promise((resolve) => release.push(() => resolve({ userId: 'held' })));
          return token?.startsWith('good-') === true ? { userId: token.slice(5) } : null;
        },
      },
    );
    const held = connectClient(srv.url('token=held'));
    await waitFor(() => srv.handle.stats().handshakes === 1);
    const res = await rawRequest(srv.port, '/ws?token=good-x', upgradeHeaders());
    expect(res.status).toBe(429);
    release.forEach((r) => r());
    expect((await held.next('welcome')).userId).toBe('held');
    held.ws.close();
    await held.closed;
  });

  it('503 for a handshake still waiting for authenticate when the endpoint closes', async () => {
    await srv.close();
    const release: (() => void)[] = [];
    srv = await startServer(
      {},
      {
        authenticate: (_req, token) =>
          token === 'held'
            ? new Promise((resolve) => release.push(() => resolve({ userId: 'held' })))
            : token?.startsWith('good-') === true
              ? { userId: token.slice(5) }
              : null,
      },
    );
    const pending = rawRequest(srv.port, '/ws?token=held', upgradeHeaders());
    await waitFor(() => srv.handle.stats().handshakes === 1);
    await srv.handle.close();
    release.forEach((r) => r());
    expect((await pending).status).toBe(503);
    await srv.close();
    srv = await startServer();
  });

  it('the per-IP limits are off by default', async () => {
    const clients = await Promise.all(
      [1, 2, 3, 4, 5].map((i) => connectWelcomed(srv.url(`token=good-u${i}`))),
    );
    expect(srv.manager.getStats().connections).toBe(5);
    for (const { client } of clients) client.ws.close();
    await Promise.all(clients.map(({ client }) => client.closed));
  });

  it('never logs the token or resume secrets of a request', async () => {
    await srv.close();
    const lines: string[] = [];
    const capture: Logger = {
      debug: (m, f) => lines.push(`${m} ${JSON.stringify(f)}`),
      info: (m, f) => lines.push(`${m} ${JSON.stringify(f)}`),
      warn: (m, f) => lines.push(`${m} ${JSON.stringify(f)}`),
      error: (m, f) => lines.push(`${m} ${JSON.stringify(f)}`),
    };
    srv = await startServer({}, { logger: capture, allowedOrigins: ['https://ok.example'] });
    await rawRequest(srv.port, '/ws?token=s3cret-token&resume=s3cret-resume', upgradeHeaders());
    await rawRequest(
      srv.port,
      '/ws?token=s3cret-token&resume=s3cret-resume',
      upgradeHeaders({ Origin: 'https://evil.example' }),
    );
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.join('\n')).toContain('token=[redacted]');
    expect(lines.join('\n')).not.toContain('s3cret');
  });
});

describe('attach: options', () => {
  it('refuses bad options with invalid_options', async () => {
    const srv = await startServer();
    const base = { server: srv.server, authenticate: () => null };
    const { attach } = await import('./attach.js');
    expect(() => attach(srv.manager, { ...base, path: 'ws' })).toThrow(
      expect.objectContaining({ code: 'invalid_options' }),
    );
    expect(() =>
      attach(srv.manager, {
        ...base,
        subprotocols: ['wsm.v1.json'],
        defaultSubprotocol: 'legacy.json',
      }),
    ).toThrow(expect.objectContaining({ code: 'invalid_options' }));
    await srv.close();
  });

  it('refuses a misspelt option key, naming it and the nearest known one', async () => {
    const srv = await startServer();
    const { attach } = await import('./attach.js');
    const typo = { server: srv.server, authenticate: () => null, allowedOrigin: ['https://a'] };
    expect(() => attach(srv.manager, typo as never)).toThrow(
      expect.objectContaining({
        code: 'invalid_options',
        message: expect.stringMatching(/allowedOrigin`.*did you mean `allowedOrigins`\?/),
      }),
    );
    // Nothing was attached: an upgrade on the default path is not answered by attach.
    expect(srv.server.listenerCount('upgrade')).toBe(1);
    await srv.close();
  });

  it('close() detaches: later upgrades on the path are no longer answered by attach', async () => {
    const srv = await startServer();
    await srv.handle.close();
    // No 'upgrade' listener left: the request reaches the plain HTTP handler (200, no upgrade).
    const res = await rawRequest(srv.port, '/ws?token=good-a', upgradeHeaders());
    expect(res.status).toBe(200);
    expect(srv.server.listenerCount('upgrade')).toBe(0);
    await srv.close();
  });

  it('works with core when given a memory socket too (no attach involved): sanity of the harness', () => {
    const pair = createMemorySocketPair();
    expect(pair.server.readyState).toBe(1);
  });
});
