import { describe, expect, it } from 'vitest';
import { CloseCode } from './closeCodes.js';
import { isWsError } from './errors.js';
import type { Connection } from './connection.js';
import { createMemorySocketPair } from './testing/index.js';
import { flush, testManager } from './internal/testSupport.js';
import { userId } from './ids.js';

describe('connectUser', () => {
  it('registers the connection and sends welcome first, with a 128-bit resume token', async () => {
    const m = testManager({ instanceId: 'inst-a' });
    const c = await m.connect('alice');
    const w = c.welcome();
    expect(w).toMatchObject({
      type: 'welcome',
      connectionId: c.id,
      userId: 'alice',
      instanceId: 'inst-a',
      restored: [],
    });
    expect(w.resumeToken).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(c.id.startsWith('inst-a-')).toBe(true);
    expect(m.getStats()).toMatchObject({ connections: 1, users: 1, threads: 0 });
    expect(await m.findUser(userId('alice'))).toEqual({
      userId: 'alice',
      connections: [{ connectionId: c.id, instanceId: 'inst-a' }],
    });
    await m.close();
  });

  it('emits connection and disconnect, and forgets a client-closed connection', async () => {
    const m = testManager();
    const seen: string[] = [];
    m.on('connection', (conn: Connection) => seen.push(`+${conn.userId}`));
    m.on('disconnect', (conn: Connection, info) =>
      seen.push(`-${conn.userId}:${info.code}:${info.by}`),
    );
    const c = await m.connect('alice');
    c.client.close(1000);
    await flush();
    expect(seen).toEqual(['+alice', '-alice:1000:client']);
    expect(m.getStats().connections).toBe(0);
    expect(await m.findUser(userId('alice'))).toBeNull();
    await m.close();
  });

  it('refuses the 4th connection of a user with 4101 by default (limit 3)', async () => {
    const m = testManager();
    for (let i = 0; i < 3; i++) await m.connect('alice');
    const pair = createMemorySocketPair();
    const err = await m.connectUser(userId('alice'), pair.server).catch((e: unknown) => e);
    expect(isWsError(err) && err.code).toBe('user_limit');
    expect(pair.client.closed?.code).toBe(CloseCode.userLimit);
    expect(m.getStats().connections).toBe(3);
    await m.close();
  });

  it('evicts the oldest connection with 4100 under evict-oldest', async () => {
    const m = testManager({ maxConnectionsPerUser: 2, onUserLimit: 'evict-oldest' });
    const evicted: string[] = [];
    m.on('evicted', (info) => evicted.push(info.connectionId));
    const first = await m.connect('alice');
    const second = await m.connect('alice');
    const third = await m.connect('alice');
    expect(first.client.closed?.code).toBe(CloseCode.evicted);
    expect(second.client.closed).toBeUndefined();
    expect(third.client.closed).toBeUndefined();
    expect(evicted).toEqual([first.id]);
    expect((await m.findUser(userId('alice')))?.connections.map((c) => c.connectionId)).toEqual([
      second.id,
      third.id,
    ]);
    await m.close();
  });

  it('releases the user slot on disconnect so stale counts never refuse a user', async () => {
    const m = testManager({ maxConnectionsPerUser: 1 });
    const a = await m.connect('alice');
    a.client.abort();
    await flush();
    const b = await m.connect('alice');
    expect(b.welcome().type).toBe('welcome');
    await m.close();
  });

  it('refuses past maxConnections with 1013 and server_full', async () => {
    const m = testManager({ maxConnections: 2 });
    await m.connect('a');
    await m.connect('b');
    const pair = createMemorySocketPair();
    const err = await m.connectUser(userId('c'), pair.server).catch((e: unknown) => e);
    expect(isWsError(err) && err.code).toBe('server_full');
    expect(pair.client.closed?.code).toBe(CloseCode.tryAgainLater);
    await m.close();
  });

  it('refuses already-expired credentials with 4102', async () => {
    const m = testManager();
    const pair = createMemorySocketPair();
    const err = await m
      .connectUser(userId('a'), pair.server, { expiresAt: Date.now() - 1 })
      .catch((e: unknown) => e);
    expect(isWsError(err)).toBe(true);
    expect(pair.client.closed?.code).toBe(CloseCode.sessionExpired);
    await m.close();
  });

  it('refuses a bad user id with 1008 and bad_request', async () => {
    const m = testManager();
    const pair = createMemorySocketPair();
    const err = await m.connectUser('' as never, pair.server).catch((e: unknown) => e);
    expect(isWsError(err) && err.code).toBe('bad_request');
    expect(pair.client.closed?.code).toBe(CloseCode.policyViolation);
    await m.close();
  });

  it('refuses new connections while draining (1012) and after close (1001)', async () => {
    const m = testManager();
    await m.close();
    const pair = createMemorySocketPair();
    const err = await m.connectUser(userId('a'), pair.server).catch((e: unknown) => e);
    expect(isWsError(err) && err.code).toBe('unavailable');
    expect(pair.client.closed?.code).toBe(CloseCode.goingAway);
  });

  it('does not register a socket that closed during connect, and releases its slot', async () => {
    const m = testManager({ maxConnectionsPerUser: 1 });
    const pair = createMemorySocketPair();
    const pending = m.connectUser(userId('a'), pair.server);
    pair.client.abort();
    const err = await pending.catch((e: unknown) => e);
    expect(isWsError(err) && err.code).toBe('closed');
    expect(m.getStats().connections).toBe(0);
    const again = await m.connect('a');
    expect(again.welcome().type).toBe('welcome');
    await m.close();
  });

  it('processes frames sent before registration finished, after welcome', async () => {
    const m = testManager();
    const pair = createMemorySocketPair();
    const pending = m.connectUser(userId('a'), pair.server);
    pair.client.sendFrame({ type: 'join', thread: 'early', id: 'j' });
    await pending;
    await flush();
    expect(pair.client.frames().map((f) => f.type)).toEqual(['welcome', 'ack']);
    await m.close();
  });

  it('validates options at creation', () => {
    expect(() => testManager({ maxConnectionsPerUser: 0 })).toThrow(/maxConnectionsPerUser/);
    expect(() => testManager({ onUserLimit: 'nope' as never })).toThrow(/onUserLimit/);
    expect(() => testManager({ instanceId: 'bad id!' })).toThrow(/instanceId/);
    expect(() => testManager({ inboundRate: { perSecond: -1, burst: 1 } })).toThrow(/inboundRate/);
  });
});
