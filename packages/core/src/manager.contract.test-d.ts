/**
 * Type tests (vitest typecheck, through tsc; nothing here runs): `createManager({ contract })`
 * types the manager's sends and `message` event by the contract, a manager without one takes
 * anything as before, and a typed manager is still a `Manager`.
 */
import { type } from 'arktype';
import * as v from 'valibot';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import type { Manager, Plugin } from './api.js';
import type { Connection } from './connection.js';
import { defineContract } from './contract.js';
// chat:* { text }, chat:*:typing boolean, ops:** { level, at? }, lobby string; direct { to }.
import { contract } from './contract.test-d.js';
import type { Contract, ThreadOf } from './contractTypes.js';
import type { ClientFrameOf } from './contractFrames.js';
import type { ManagerListener } from './events.js';
import type { ClientFrame, PublishFrame } from './frames.js';
import type { ConnectionId, ThreadId, UserId } from './ids.js';
import { threadId } from './ids.js';
import { createManager } from './manager.js';
import type { ManagerOptions } from './options.js';
import type { SendResult } from './sendResult.js';

type C = typeof contract;

const threadsOnly = defineContract({ threads: { 'chat:*': z.string() } });

declare const manager: Manager<C>;
declare const untyped: Manager;
declare const user: UserId;
declare const conn: ConnectionId;
/** A thread id known only as a string. */
declare const someThread: string;
/** Data that fits every payload type. */
declare const anyData: never;

describe('createManager', () => {
  it('types the manager by its contract', () => {
    expectTypeOf(createManager({ contract })).toEqualTypeOf<Manager<C>>();
    expectTypeOf(createManager({ contract, validateSends: true })).toEqualTypeOf<Manager<C>>();
    expectTypeOf(createManager({ contract: threadsOnly })).toEqualTypeOf<
      Manager<typeof threadsOnly>
    >();
  });

  it('without a contract (or with one known only as Contract) answers a plain Manager', () => {
    expectTypeOf(createManager()).toEqualTypeOf<Manager>();
    expectTypeOf(createManager({ maxConnections: 10 })).toEqualTypeOf<Manager>();
    const options: ManagerOptions = {};
    expectTypeOf(createManager(options)).toEqualTypeOf<Manager>();
    const wide: Contract = contract;
    expectTypeOf(createManager({ contract: wide })).toEqualTypeOf<Manager>();
  });
});

describe('a typed manager', () => {
  it('sends the right payloads', () => {
    void manager.sendToThread(threadId('chat:1'), { text: 'hi' });
    void manager.sendToThread(threadId('chat:1:typing'), true, { except: conn });
    void manager.sendToThread(threadId('ops:eu:db'), { level: 'warn' });
    void manager.sendToThread(threadId('lobby'), 'hello', { from: user });
    void manager.sendToUser(user, { to: 'u2' });
    void manager.sendToConnection(conn, { to: 'u2' }, { from: null });
    expectTypeOf(manager.broadcast({ to: 'all' })).toEqualTypeOf<Promise<SendResult>>();
  });

  it('refuses a wrong payload for the pattern', () => {
    // @ts-expect-error: chat:* carries { text: string }
    void manager.sendToThread(threadId('chat:1'), { text: 1 });
    // @ts-expect-error: chat:*:typing carries a boolean
    void manager.sendToThread(threadId('chat:1:typing'), { text: 'hi' });
    // @ts-expect-error: lobby carries a string
    void manager.sendToThread(threadId('lobby'), 3);
    // @ts-expect-error: ops:** needs a level
    void manager.sendToThread(threadId('ops:a'), {});
    // @ts-expect-error: the direct schema wants a string `to`
    void manager.sendToUser(user, { to: 1 });
    // @ts-expect-error: as direct
    void manager.sendToConnection(conn, 'hi');
    // @ts-expect-error: a broadcast is a direct message
    void manager.broadcast({ text: 'hi' });
  });

  it('refuses a thread outside every pattern', () => {
    // `never` data fits any payload: only the thread is checked here.
    // @ts-expect-error: no pattern matches dm:1
    void manager.sendToThread(threadId('dm:1'), anyData);
    // @ts-expect-error: a ThreadId built from a plain string could be any thread
    void manager.sendToThread(threadId(someThread), anyData);
    // @ts-expect-error: no pattern matches dm:1
    void manager.sendToThread(threadId('dm:1'), { text: 'hi' });
    // @ts-expect-error: 'chat' is not 'chat:' plus anything
    void manager.sendToThread(threadId('chat'), { text: 'hi' });
    // @ts-expect-error: a ThreadId built from a plain string could be any thread
    void manager.sendToThread(threadId(someThread), { text: 'hi' });
    // @ts-expect-error: a thread id is a ThreadId, typed or not
    void manager.sendToThread('chat:1', { text: 'hi' });
  });

  it('refuses every direct message without a direct schema', () => {
    const m = createManager({ contract: threadsOnly });
    void m.sendToThread(threadId('chat:1'), 'hi');
    // @ts-expect-error: direct messages are outside this contract
    void m.sendToUser(user, 'hi');
    // @ts-expect-error: as sendToUser
    void m.broadcast('hi');
  });

  it("types the message event's frames by the contract", () => {
    manager.on('message', (connection, frame) => {
      expectTypeOf(connection).toEqualTypeOf<Connection>();
      expectTypeOf(frame).toEqualTypeOf<ClientFrameOf<C>>();
      expectTypeOf(frame).toExtend<ClientFrame>();
      if (frame.type === 'publish') {
        expectTypeOf(frame.thread).toEqualTypeOf<ThreadOf<C>>();
        expectTypeOf(frame.data).toEqualTypeOf<
          { text: string } | boolean | { level: 'info' | 'warn'; at?: number | undefined } | string
        >();
        if (frame.thread === 'lobby') expectTypeOf(frame.data).toEqualTypeOf<string>();
        if (frame.thread === 'chat:lobby') expectTypeOf(frame.data.text).toBeString();
      }
      if (frame.type === 'direct') {
        expectTypeOf(frame.data).toEqualTypeOf<{ to: string }>();
        expectTypeOf(frame.to).toBeString();
      }
      if (frame.type === 'join') expectTypeOf(frame.thread).toBeString();
    });
    // A listener written for any frame still fits.
    const anyFrame = (c: Connection, f: ClientFrame): void => void [c, f];
    manager.once('message', anyFrame);
    manager.off('message', anyFrame);
    // Without a direct schema, no direct frame passes the contract.
    expectTypeOf<Extract<ClientFrameOf<typeof threadsOnly>, { type: 'direct' }>>().toBeNever();
    manager.on('join', (_c, t) => expectTypeOf(t).toEqualTypeOf<ThreadId>());
  });

  it('infers zod, valibot and arktype schemas', () => {
    const m = createManager({
      contract: defineContract({
        threads: {
          'zod:*': z.object({ n: z.number() }),
          'valibot:*': v.object({ n: v.number(), tags: v.array(v.string()) }),
          'arktype:*': type({ n: 'number', flag: 'boolean' }),
        },
        direct: v.string(),
      }),
    });
    void m.sendToThread(threadId('zod:1'), { n: 1 });
    void m.sendToThread(threadId('valibot:1'), { n: 1, tags: ['a'] });
    void m.sendToThread(threadId('arktype:1'), { n: 1, flag: true });
    void m.sendToUser(user, 'hi');
    // @ts-expect-error: zod's n is a number
    void m.sendToThread(threadId('zod:1'), { n: '1' });
    // @ts-expect-error: valibot's tags are strings
    void m.sendToThread(threadId('valibot:1'), { n: 1, tags: [1] });
    // @ts-expect-error: arktype's flag is a boolean
    void m.sendToThread(threadId('arktype:1'), { n: 1, flag: 'yes' });
    // @ts-expect-error: valibot's direct schema is a string
    void m.broadcast(1);
  });
});

describe('an untyped manager', () => {
  it('accepts any thread id and any data, as before', () => {
    void untyped.sendToThread(threadId(someThread), { anything: [1, 'two'] });
    void untyped.sendToThread(threadId('dm:1'), undefined);
    void untyped.sendToThread('x' as never, 1);
    void untyped.sendToUser(user, null);
    void untyped.sendToConnection(conn, 3);
    void untyped.broadcast(Symbol('s'));
    expectTypeOf<Parameters<Manager['sendToUser']>>().toEqualTypeOf<
      [userId: UserId, data: unknown, options?: Parameters<Manager['sendToUser']>[2]]
    >();
    expectTypeOf<Parameters<Manager['broadcast']>[0]>().toBeUnknown();
    expectTypeOf<Parameters<Manager['sendToConnection']>[1]>().toBeUnknown();
    expectTypeOf<Parameters<Manager['sendToThread']>[0]>().toEqualTypeOf<ThreadId>();
    expectTypeOf<Parameters<Manager['sendToThread']>[1]>().toBeUnknown();
    untyped.on('message', (_c, frame) => expectTypeOf(frame).toEqualTypeOf<ClientFrame>());
    expectTypeOf<ManagerListener<'message'>>().toEqualTypeOf<
      (connection: Connection, frame: ClientFrame) => void
    >();
    expectTypeOf<ClientFrameOf<Contract>>().toEqualTypeOf<ClientFrame>();
    // @ts-expect-error: still a ThreadId, not any string
    void untyped.sendToThread(someThread, 1);
  });
});

describe('a typed manager is a Manager', () => {
  it('is assignable to Manager and passes where one is expected', () => {
    expectTypeOf(manager).toExtend<Manager>();
    expectTypeOf(createManager({ contract: threadsOnly })).toExtend<Manager>();
    const plain: Manager = manager;
    // Member by member too, not only by the variance TypeScript measures for Manager<C>.
    const members: { readonly [K in keyof Manager]: Manager[K] } = manager;
    expectTypeOf(createManager({ contract: threadsOnly })).toExtend<{
      readonly [K in keyof Manager]: Manager[K];
    }>();
    const takesManager = (m: Manager): Manager => m;
    takesManager(createManager({ contract }));
    const plugin: Plugin<number> = {
      name: 'p',
      setup: (ctx) => {
        expectTypeOf(ctx.manager).toEqualTypeOf<Manager>();
        return 1;
      },
    };
    expectTypeOf(manager.use(plugin)).toEqualTypeOf<number>();
    void [plain, members];
  });

  it('is not a Manager of another contract', () => {
    // @ts-expect-error: a chat:* string contract does not take chat:* { text } objects
    const other: Manager<typeof threadsOnly> = manager;
    void other;
    expectTypeOf<PublishFrame>().toExtend<ClientFrame>();
  });
});
