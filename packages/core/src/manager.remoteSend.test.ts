import { describe, expect, it } from 'vitest';
import { connectionId, userId } from './ids.js';
import { localCluster } from './localCluster.js';
import { flush, testManager } from './internal/testSupport.js';
import { createMemoryCluster } from './testing/index.js';

type TestManager = ReturnType<typeof testManager>;

function managers(n: number): TestManager[] {
  const hub = createMemoryCluster();
  return Array.from({ length: n }, (_, i) =>
    testManager({ instanceId: `inst-${i}`, cluster: hub.adapter() }),
  );
}

describe('sendToConnection to a connection of another instance', () => {
  it('arrives exactly once, with the usual SendResult', async () => {
    const [a, b, c] = managers(3) as [TestManager, TestManager, TestManager];
    const onB = await b.connect('alice');
    const other = await c.connect('alice');
    const r = await a.sendToConnection(onB.id, { hi: 1 }, { from: userId('server') });
    expect(r).toEqual({
      ok: true,
      delivered: 0,
      published: true,
      failedRemote: false,
      dropped: {},
    });
    await flush();
    expect(onB.after()).toEqual([{ type: 'message', from: 'server', data: { hi: 1 } }]);
    expect(other.after()).toEqual([]);
    expect(
      a.metrics
        .counter('ws_cluster_operations_total', { help: '', labelNames: ['op', 'outcome'] })
        .get({ op: 'send-to-connection', outcome: 'ok' }),
    ).toBe(1);
    await Promise.all([a.close(), b.close(), c.close()]);
  });

  it('to a closed connection, or an instance that is gone: not delivered (failedRemote)', async () => {
    const [a, b] = managers(2) as [TestManager, TestManager];
    const onB = await b.connect('alice');
    onB.client.close();
    await flush();
    const r = await a.sendToConnection(onB.id, 'late');
    expect(r).toMatchObject({
      ok: false,
      delivered: 0,
      published: false,
      failedRemote: true,
      dropped: { not_found: 1 },
    });
    expect(r.error?.code).toBe('not_found');
    const gone = await a.sendToConnection(connectionId('inst-9-1'), 'x');
    expect(gone).toMatchObject({ ok: false, published: false, failedRemote: true });
    expect(gone.error?.code).toBe('not_found');
    // A connection id of this instance that is not here stays a local not_found, as before.
    const here = await a.sendToConnection(connectionId('inst-0-zz'), 'x');
    expect(here).toEqual({
      ok: true,
      delivered: 0,
      published: false,
      failedRemote: false,
      dropped: { not_found: 1 },
    });
    await Promise.all([a.close(), b.close()]);
  });

  it('with an adapter that lacks sendToConnection: local only, as before', async () => {
    const { sendToConnection: _absent, ...older } = localCluster();
    const m = testManager({ instanceId: 'solo', cluster: older });
    expect(await m.sendToConnection(connectionId('elsewhere-1'), 'x')).toEqual({
      ok: true,
      delivered: 0,
      published: false,
      failedRemote: false,
      dropped: { not_found: 1 },
    });
    await m.close();
  });
});
