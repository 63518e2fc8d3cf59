import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { RawSubscriber } from './duplicate.js';
import { createSubscriberHolder } from './subscriberHolder.js';

function fakeSubscriber(): RawSubscriber & EventEmitter & { disconnected: boolean } {
  const e = new EventEmitter() as RawSubscriber & EventEmitter & { disconnected: boolean };
  e.disconnected = false;
  Object.assign(e, {
    status: 'ready',
    disconnect: () => (e.disconnected = true),
  });
  return e;
}

describe('createSubscriberHolder', () => {
  it('moves listeners to the replacement, detaches the old one and tells the close listeners', () => {
    const made: ReturnType<typeof fakeSubscriber>[] = [];
    const holder = createSubscriberHolder(() => {
      const s = fakeSubscriber();
      made.push(s);
      return s;
    });
    const heard: string[] = [];
    holder.on('smessage', (channel: string) => heard.push(`msg ${channel}`));
    holder.on('close', () => heard.push('close'));
    made[0]?.emit('smessage', 'a');
    holder.replace();
    expect(made).toHaveLength(2);
    expect(made[0]?.disconnected).toBe(true);
    expect(holder.current()).toBe(made[1]);
    expect(heard).toEqual(['msg a', 'close']);
    made[0]?.emit('smessage', 'stale');
    made[0]?.emit('close');
    expect(() => made[0]?.emit('error', new Error('late'))).not.toThrow();
    made[1]?.emit('smessage', 'b');
    expect(heard).toEqual(['msg a', 'close', 'msg b']);
  });
});
