import type { InstanceId } from '@ws/core';
import { createManualClock } from '@ws/core/testing';
import { describe, expect, it } from 'vitest';
import { fakeContext } from '../../test/fakeContext.js';
import type { Control } from './control.js';
import { createControl } from './control.js';
import { openEnvelope } from './envelope.js';
import { createKeys } from './keys.js';
import type { ControlEnvelope } from './messageHandler.js';
import type { Shared } from './shared.js';
import { registerMetrics } from './shared.js';

const keys = createKeys('t:');
const A = 'a' as InstanceId;
const B = 'b' as InstanceId;

/** Two instances' control parts over an in-memory bus; `silent` instances receive, never answer. */
function bus(options: { silent?: boolean; failPublish?: boolean } = {}) {
  const clock = createManualClock();
  const controls = new Map<string, Control>();
  const sent: string[] = [];
  const make = (id: InstanceId): { control: Control; s: Shared } => {
    const ctx = { ...fakeContext(id), clock };
    const s = {
      o: { commandTimeoutMs: 500 },
      keys,
      self: id,
      ctx,
      m: registerMetrics(ctx),
      stopped: false,
      link: {
        publish(channel: string, message: string): Promise<number> {
          if (options.failPublish === true) return Promise.reject(new Error('down'));
          sent.push(message);
          const to = controls.get(channel);
          if (to === undefined) return Promise.resolve(0);
          if (!(options.silent === true && channel === keys.controlChannel(B)))
            queueMicrotask(() => to.handle(openEnvelope(message, true) as ControlEnvelope));
          return Promise.resolve(1);
        },
      },
    } as unknown as Shared;
    const control = createControl(s);
    controls.set(keys.controlChannel(id), control);
    return { control, s };
  };
  return { clock, a: make(A), b: make(B), sent, controls };
}

const flush = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

describe('request/reply on the control channel', () => {
  it('answers with the other instance result, matched by id; nothing left behind', async () => {
    const { clock, a, b } = bus();
    b.control.serve('disconnect-user', (args) => ({ closed: (args['n'] as number) + 1 }));
    const answers = await Promise.all([
      a.control.request(B, 'disconnect-user', { n: 1 }),
      a.control.request(B, 'disconnect-user', { n: 41 }),
    ]);
    expect(answers).toEqual([
      { answered: true, result: { closed: 2 } },
      { answered: true, result: { closed: 42 } },
    ]);
    expect(a.control.pending()).toBe(0);
    expect(clock.pending()).toBe(0);
    expect(a.s.m.controlRequests.get({ op: 'disconnect-user' })).toBe(2);
    expect(a.s.m.controlTimeouts.get({ op: 'disconnect-user' })).toBe(0);
  });

  it('a silent instance: no answer after commandTimeoutMs, counted; its late reply is dropped', async () => {
    const { clock, a, sent } = bus({ silent: true });
    const answer = a.control.request(B, 'send-to-connection', { connectionId: 'b-1' });
    await flush();
    expect(a.control.pending()).toBe(1);
    clock.advance(499);
    await flush();
    expect(a.control.pending()).toBe(1);
    clock.advance(1);
    expect(await answer).toEqual({ answered: false });
    expect(a.s.m.controlTimeouts.get({ op: 'send-to-connection' })).toBe(1);
    expect(a.control.pending()).toBe(0);
    expect(clock.pending()).toBe(0);
    const id = (JSON.parse(sent[0] as string) as [string, number, string, { id: string }])[3].id;
    a.control.handle({ kind: 'reply', origin: B, reply: { id, result: true } });
    expect(a.control.pending()).toBe(0);
  });

  it('answers at once when no instance is subscribed (gone), or the publish fails', async () => {
    const none = bus();
    expect(await none.a.control.request('gone' as InstanceId, 'disconnect-user', {})).toEqual({
      answered: false,
      gone: true,
    });
    expect(none.a.s.m.controlTimeouts.get({ op: 'disconnect-user' })).toBe(1);
    expect(none.clock.pending()).toBe(0);
    const down = bus({ failPublish: true });
    expect(await down.a.control.request(B, 'disconnect-user', {})).toEqual({ answered: false });
    expect(down.a.s.m.commandFailures.get({ op: 'control-request' })).toBe(1);
    expect(down.a.control.pending()).toBe(0);
    expect(down.clock.pending()).toBe(0);
  });

  it('an unknown operation or a failing handler answers no result, at once', async () => {
    const { a, b } = bus();
    expect(await a.control.request(B, 'disconnect-user', {})).toEqual({ answered: false });
    expect(b.s.m.envelopesIgnored.get({ kind: 'request' })).toBe(1);
    b.control.serve('disconnect-user', () => {
      throw new Error('boom');
    });
    expect(await a.control.request(B, 'disconnect-user', {})).toEqual({ answered: false });
    expect((b.s.ctx as ReturnType<typeof fakeContext>).errors.map((e) => e.stage)).toEqual([
      'redis-control',
    ]);
    expect(a.s.m.controlTimeouts.get({ op: 'disconnect-user' })).toBe(0);
  });

  it('ignores a reply from another instance than the one asked', async () => {
    const { clock, a, sent } = bus({ silent: true });
    const answer = a.control.request(B, 'disconnect-user', {});
    await flush();
    const id = (JSON.parse(sent[0] as string) as [string, number, string, { id: string }])[3].id;
    a.control.handle({ kind: 'reply', origin: 'mallory', reply: { id, result: 99 } });
    expect(a.control.pending()).toBe(1);
    clock.advance(500);
    expect(await answer).toEqual({ answered: false });
  });

  it('stop answers the waiting requests and clears their timers', async () => {
    const { clock, a } = bus({ silent: true });
    const answers = [
      a.control.request(B, 'disconnect-user', {}),
      a.control.request(B, 'send-to-connection', {}),
    ];
    await flush();
    expect(clock.pending()).toBe(2);
    a.control.stop();
    expect(await Promise.all(answers)).toEqual([{ answered: false }, { answered: false }]);
    expect(a.control.pending()).toBe(0);
    expect(clock.pending()).toBe(0);
  });
});
