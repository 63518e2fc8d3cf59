import type { ThreadId, UserId } from '@ws/core';
import { createRedisServer, sleep, waitFor } from '@ws/testkit';
import type { RedisServer } from '@ws/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, connect, createNode, uniquePrefix } from '../test/harness.js';
import { encodeFrame } from './internal/envelope.js';
import { createKeys } from './internal/keys.js';

let server: RedisServer;
let pub: Redis;
beforeAll(async () => {
  server = await createRedisServer();
  pub = new Redis({ port: server.port, host: '127.0.0.1' });
});
afterAll(async () => {
  pub.disconnect();
  await server.stop();
});

describe('envelopes on the channels', () => {
  it('delivers 0.1 messages, drops unknown kinds and versions: none reaches a socket, each counted', async () => {
    const prefix = uniquePrefix('env');
    const node = createNode(server.port, prefix, { instanceId: 'env-0' });
    expect(await waitFor(async () => (await node.manager.health()).status === 'ready')).toBe(true);
    const keys = createKeys(prefix);
    const t = 'env-room' as ThreadId;
    const alice = await connect(node.manager, 'alice');
    await node.manager.joinThread(alice.id, t);
    const frame = (data: string): string =>
      encodeFrame({ type: 'message', thread: t, from: 'x', data });
    const userFrame = encodeFrame({ type: 'message', from: 'x', data: 'unknown-user' });
    // After the join point (a stream id: Redis ms), as a 0.1 instance's thread publish would be.
    const future = `${Date.now() + 60_000}-0`;
    const sends: [string, string][] = [
      [keys.threadChannel(t), `["frame",2,"peer","1-1",${frame('v2')}]`],
      [keys.threadChannel(t), `["typing",1,"peer",${frame('typing')}]`],
      // Presence diffs: a malformed one, and one on a user's channel (wrong channel).
      [keys.threadChannel(t), `["presence",1,"peer",${frame('presence')}]`],
      [keys.userChannel('alice' as UserId), `["presence",1,"peer","${t}",["x"],[]]`],
      [keys.userChannel('alice' as UserId), `["gossip",7,"peer",${userFrame}]`],
      [keys.allChannel, `["evict",1,"peer","${alice.id}",4100]`],
      [keys.controlChannel(node.manager.instanceId), `["frame",1,"peer","",${userFrame}]`],
      [keys.controlChannel(node.manager.instanceId), `["shutdown",1,"peer",{}]`],
      [keys.threadChannel(t), `peer|${future}|${frame('old-format')}`],
      [
        keys.userChannel('alice' as UserId),
        `peer||${encodeFrame({ type: 'message', from: 'x', data: 'old-user' })}`,
      ],
    ];
    for (const [channel, message] of sends) expect(await pub.publish(channel, message)).toBe(1);
    expect(await waitFor(() => alice.messages().length === 2)).toBe(true);
    await sleep(200);
    expect(alice.messages().map((m) => m.data)).toEqual(['old-format', 'old-user']);
    expect(alice.messages()[0]?.offset).toBe(future);
    expect(alice.client.closed).toBeUndefined();
    const ignored = node.manager.metrics.counter('ws_redis_envelopes_ignored_total', {
      help: '',
      labelNames: ['kind'],
    });
    expect(ignored.get({ kind: 'frame' })).toBe(2);
    expect(ignored.get({ kind: 'other' })).toBe(3);
    expect(ignored.get({ kind: 'evict' })).toBe(1);
    expect(ignored.get({ kind: 'presence' })).toBe(2);
    expect(node.errors).toEqual([]);
    await closeAll([node]);
  });
});
