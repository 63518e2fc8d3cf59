import { describe, expect, it } from 'vitest';
import { CloseCode } from './closeCodes.js';
import { isWsError } from './errors.js';
import { userId } from './ids.js';
import { localCluster } from './localCluster.js';
import { flush, testManager } from './internal/testSupport.js';
import { createMemoryCluster } from './testing/index.js';

/** Three managers on one in-memory cluster. */
function threeManagers() {
  const hub = createMemoryCluster();
  return ['a', 'b', 'c'].map((id) =>
    testManager({
      instanceId: id,
      cluster: hub.adapter(),
      maxConnectionsPerUser: 10,
    }),
  );
}

async function rejection(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return isWsError(err) ? err.code : `not a WsError: ${String(err)}`;
  }
  return 'resolved';
}

describe("disconnectUser with scope 'cluster'", () => {
  it('closes every connection of the user on three instances with 4103, counts them, leaves others', async () => {
    const [a, b, c] = threeManagers() as [
      ReturnType<typeof testManager>,
      ReturnType<typeof testManager>,
      ReturnType<typeof testManager>,
    ];
    const mallory = [
      await a.connect('mallory'),
      await b.connect('mallory'),
      await b.connect('mallory'),
      await c.connect('mallory'),
    ];
    const others = [await a.connect('bob'), await b.connect('carol'), await c.connect('bob')];
    expect(await b.disconnectUser(userId('mallory'), { scope: 'cluster' })).toBe(4);
    await flush();
    for (const m of mallory) expect(m.client.closed).toEqual({ code: 4103, reason: 'revoked' });
    for (const o of others) expect(o.client.closed).toBeUndefined();
    for (const m of [a, b, c]) {
      expect((await m.findUser(userId('mallory')))?.connections ?? []).toEqual([]);
      expect(m.metrics.read('ws_connections_closed_total')).toBeDefined();
    }
    expect(a.getStats().connections + b.getStats().connections + c.getStats().connections).toBe(3);
    expect(
      b.metrics
        .counter('ws_cluster_operations_total', { help: '', labelNames: ['op', 'outcome'] })
        .get({ op: 'disconnect-user', outcome: 'ok' }),
    ).toBe(1);
    // A second revoke finds nothing left.
    expect(await a.disconnectUser(userId('mallory'), { scope: 'cluster' })).toBe(0);
    await Promise.all([a.close(), b.close(), c.close()]);
  });

  it('takes an application code 4000-4099 and a reason', async () => {
    const [a, b, c] = threeManagers() as [
      ReturnType<typeof testManager>,
      ReturnType<typeof testManager>,
      ReturnType<typeof testManager>,
    ];
    const on = [await a.connect('u'), await c.connect('u')];
    expect(
      await b.disconnectUser(userId('u'), { scope: 'cluster', code: 4042, reason: 'moved' }),
    ).toBe(2);
    await flush();
    for (const x of on) expect(x.client.closed).toEqual({ code: 4042, reason: 'moved' });
    await Promise.all([a.close(), b.close(), c.close()]);
  });

  it('refuses other codes, a connectionId and a bad scope with invalid_options, closing nothing', async () => {
    const [a, b, c] = threeManagers() as [
      ReturnType<typeof testManager>,
      ReturnType<typeof testManager>,
      ReturnType<typeof testManager>,
    ];
    const x = await a.connect('u');
    const u = userId('u');
    for (const code of [1000, 1008, 3999, 4100, 4102, 4104, 4100.5, 4200, Number.NaN])
      expect(await rejection(b.disconnectUser(u, { scope: 'cluster', code })), `code ${code}`).toBe(
        'invalid_options',
      );
    expect(await rejection(b.disconnectUser(u, { scope: 'cluster', connectionId: x.id }))).toBe(
      'invalid_options',
    );
    expect(
      await rejection(b.disconnectUser(u, { scope: 'cluster', reason: 'x'.repeat(124) })),
    ).toBe('invalid_options');
    expect(await rejection(b.disconnectUser(u, { scope: 'everywhere' as 'cluster' }))).toBe(
      'invalid_options',
    );
    await flush();
    expect(x.client.closed).toBeUndefined();
    // The default scope is still this instance only, with today's default code.
    expect(await b.disconnectUser(u)).toBe(0);
    expect(await a.disconnectUser(u)).toBe(1);
    await flush();
    expect(x.client.closed?.code).toBe(CloseCode.normal);
    await Promise.all([a.close(), b.close(), c.close()]);
  });

  it('with an adapter that lacks disconnectUser: unavailable, nothing closed', async () => {
    const { disconnectUser: _absent, ...older } = localCluster();
    const m = testManager({ cluster: older });
    const x = await m.connect('u');
    expect(await rejection(m.disconnectUser(userId('u'), { scope: 'cluster' }))).toBe(
      'unavailable',
    );
    await flush();
    expect(x.client.closed).toBeUndefined();
    await m.close();
  });

  it('a single manager (localCluster) revokes its own connections', async () => {
    const m = testManager();
    const xs = [await m.connect('u'), await m.connect('u')];
    expect(await m.disconnectUser(userId('u'), { scope: 'cluster' })).toBe(2);
    await flush();
    for (const x of xs) expect(x.client.closed?.code).toBe(CloseCode.revoked);
    await m.close();
  });
});
