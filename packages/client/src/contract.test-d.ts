/**
 * Type tests (vitest typecheck, through tsc; nothing here runs): a contract built with core's
 * `defineContract` types the client, and the client's structural copy of the contract types
 * stays compatible with `@ws/core`'s (like its frame types, see frames.test.ts).
 */
import type * as Core from '@ws/core';
import { defineContract, threadId } from '@ws/core';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import type { Client } from './client.js';
import { createClient } from './client.js';
import type * as Mine from './contract.js';
import type { Contract, DirectPayload, PayloadOf, ThreadOf } from './contract.js';
import type { ClientEvents, ClientMessage, MessageOf } from './events.js';

const contract = defineContract({
  threads: {
    'chat:*': z.object({ text: z.string() }),
    'chat:*:typing': z.boolean(),
    'ops:**': z.object({ level: z.enum(['info', 'warn']), at: z.number().default(0) }),
    lobby: z.string(),
  },
  direct: z.object({ kind: z.literal('invite'), thread: z.string() }),
});
type C = typeof contract;

const threadsOnly = defineContract({ threads: { 'chat:*': z.string() } });

declare const client: Client<C>;
declare const untyped: Client;
/** A thread id known only as a string. */
declare const someThread: string;
/** Data that fits every payload type, so a case with it checks the thread alone. */
declare const anyData: never;

/** Compiles only when A and B are assignable to each other. */
type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

describe('a contract from defineContract', () => {
  it("is assignable to the client's Contract and types createClient", () => {
    expectTypeOf(contract).toExtend<Contract>();
    expectTypeOf(threadsOnly).toExtend<Contract>();
    expectTypeOf(defineContract({ direct: z.number() })).toExtend<Contract>();
    expectTypeOf(createClient<C>({ url: 'ws://x' })).toEqualTypeOf<Client<C>>();
    expectTypeOf<ThreadOf<C>>().toEqualTypeOf<
      `chat:${string}` | `chat:${string}:typing` | `ops:${string}` | 'lobby'
    >();
    expectTypeOf<PayloadOf<C, 'chat:1:typing'>>().toEqualTypeOf<boolean>();
    expectTypeOf<DirectPayload<typeof threadsOnly>>().toBeNever();
  });
});

describe('a typed client', () => {
  it('publishes the right payloads', () => {
    void client.publish('chat:1', { text: 'hi' });
    void client.publish('chat:1:typing', true);
    void client.publish('ops:eu:db', { level: 'warn' });
    void client.publish('lobby', 'hello');
    void client.publish(threadId('chat:9'), { text: 'hi' });
    client.publishVolatile('chat:1:typing', false);
    void client.direct('u1', { kind: 'invite', thread: 'chat:1' });
    client.directVolatile('u1', { kind: 'invite', thread: 'chat:1' });
  });

  it('refuses a wrong payload for the pattern', () => {
    // @ts-expect-error: chat:* carries { text: string }
    void client.publish('chat:1', { text: 1 });
    // @ts-expect-error: chat:*:typing carries a boolean
    void client.publish('chat:1:typing', { text: 'hi' });
    // @ts-expect-error: lobby carries a string
    client.publishVolatile('lobby', 3);
    // @ts-expect-error: ops:** needs a level
    void client.publish('ops:a', {});
    // @ts-expect-error: the direct schema wants kind: 'invite'
    void client.direct('u1', { kind: 'poke', thread: 'chat:1' });
    // @ts-expect-error: as direct
    client.directVolatile('u1', 'hi');
  });

  it('refuses a thread outside every pattern', () => {
    // `never` data fits any payload: only the thread is checked here.
    // @ts-expect-error: no pattern matches dm:1
    void client.publish('dm:1', anyData);
    // @ts-expect-error: 'chat' is not 'chat:' plus anything
    client.publishVolatile('chat', anyData);
    // @ts-expect-error: a plain string could be any thread
    void client.publish(someThread, anyData);
    // @ts-expect-error: a ThreadId built from a plain string too
    client.publishVolatile(threadId(someThread), anyData);
    // The same threads with data: the payload (never outside every glob) fails too.
    // @ts-expect-error: no pattern matches dm:1
    void client.publish('dm:1', { text: 'hi' });
    // @ts-expect-error: 'chat' is not 'chat:' plus anything
    void client.publish('chat', { text: 'hi' });
    // @ts-expect-error: a plain string could be any thread
    void client.publish(someThread, { text: 'hi' });
    // @ts-expect-error: a ThreadId built from a plain string too
    client.publishVolatile(threadId(someThread), { text: 'hi' });
    // @ts-expect-error: no pattern matches dm:1
    void client.join('dm:1');
    // @ts-expect-error: no pattern matches dm:1
    client.subscribe('dm:1', () => undefined);
  });

  it('refuses every direct message without a direct schema', () => {
    const c = createClient<typeof threadsOnly>({ url: 'ws://x' });
    void c.publish('chat:1', 'hi');
    // @ts-expect-error: direct messages are outside this contract
    void c.direct('u1', 'hi');
  });

  it("gives a subscription's listener its pattern's type", () => {
    void client.join('chat:1');
    client.subscribe('chat:1', (m) => {
      expectTypeOf(m.data).toEqualTypeOf<{ text: string }>();
      expectTypeOf(m.thread).toEqualTypeOf<'chat:1' | undefined>();
    });
    client.subscribe('chat:1:typing', (m) => expectTypeOf(m.data).toEqualTypeOf<boolean>());
    client.subscribe(threadId('lobby'), (m) => expectTypeOf(m.data).toEqualTypeOf<string>());
    // What travels is what the sender passed (the schema's input): no default applied.
    client.subscribe('ops:eu', (m) =>
      expectTypeOf(m.data).toEqualTypeOf<{ level: 'info' | 'warn'; at?: number | undefined }>(),
    );
  });

  it('types the message event: one member per pattern, and direct ones without thread', () => {
    client.on('message', (m) => {
      expectTypeOf(m).toEqualTypeOf<MessageOf<C>>();
      expectTypeOf(m).toExtend<ClientMessage>();
      if (m.thread === undefined) {
        expectTypeOf(m.data).toEqualTypeOf<{ kind: 'invite'; thread: string }>();
      } else {
        expectTypeOf(m.thread).toEqualTypeOf<ThreadOf<C>>();
      }
    });
    expectTypeOf<ClientEvents<C>['message']['data']>().toEqualTypeOf<
      | { text: string }
      | boolean
      | { level: 'info' | 'warn'; at?: number | undefined }
      | string
      | { kind: 'invite'; thread: string }
    >();
    // Without a direct schema, every message has a thread.
    expectTypeOf<MessageOf<typeof threadsOnly>['thread']>().toEqualTypeOf<`chat:${string}`>();
    client.on('open', (e) => expectTypeOf(e.userId).toBeString());
  });
});

describe('an untyped client', () => {
  it('accepts any thread and any data, as before', () => {
    expectTypeOf(createClient({ url: 'ws://x' })).toEqualTypeOf<Client>();
    void untyped.publish(someThread, { anything: [1, 'two'] });
    void untyped.publish('dm:1', 3);
    untyped.publishVolatile('x', undefined);
    void untyped.direct('u1', null);
    untyped.directVolatile('u1', 'hi');
    void untyped.join(someThread);
    untyped.subscribe(someThread, (m) => {
      expectTypeOf(m.data).toBeUnknown();
      expectTypeOf(m).toEqualTypeOf<ClientMessage>();
    });
    const listener = (m: ClientMessage): void => void m;
    untyped.subscribe('room', listener);
    untyped.on('message', listener);
    expectTypeOf<ClientEvents['message']>().toEqualTypeOf<ClientMessage>();
    expectTypeOf<MessageOf<Contract>>().toEqualTypeOf<ClientMessage>();
  });
});

describe("the client's contract types match @ws/core's", () => {
  it("core's contracts, entries and schemas are the client's", () => {
    expectTypeOf<Core.Contract>().toExtend<Mine.Contract>();
    expectTypeOf<Core.ContractThread>().toExtend<Mine.ContractThread>();
    expectTypeOf<Core.StandardSchemaV1<1, 2>>().toExtend<Mine.ContractSchema<1, 2>>();
    expectTypeOf<
      Mutual<
        NonNullable<Mine.ContractSchema<1, 2>['~standard']['types']>,
        Core.StandardSchemaV1.Types<1, 2>
      >
    >().toEqualTypeOf<true>();
    expectTypeOf<Mutual<Mine.PayloadSide, Core.PayloadSide>>().toEqualTypeOf<true>();
  });

  it('the glob, thread and payload types agree', () => {
    type T = typeof threadsOnly;
    expectTypeOf<
      Mutual<Mine.PatternThread<'a:*:b:**'>, Core.PatternThread<'a:*:b:**'>>
    >().toEqualTypeOf<true>();
    expectTypeOf<
      Mutual<Mine.PatternThread<'**'>, Core.PatternThread<'**'>>
    >().toEqualTypeOf<true>();
    expectTypeOf<Mutual<Mine.ThreadOf<C>, Core.ThreadOf<C>>>().toEqualTypeOf<true>();
    expectTypeOf<
      Mutual<Mine.PayloadOf<C, 'chat:1'>, Core.PayloadOf<C, 'chat:1'>>
    >().toEqualTypeOf<true>();
    expectTypeOf<
      Mutual<Mine.PayloadOf<C, 'chat:1:x'>, Core.PayloadOf<C, 'chat:1:x'>>
    >().toEqualTypeOf<true>();
    expectTypeOf<
      Mutual<Mine.PayloadOf<C, 'ops:a', 'output'>, Core.PayloadOf<C, 'ops:a', 'output'>>
    >().toEqualTypeOf<true>();
    expectTypeOf<
      Mutual<Mine.PayloadOf<C, 'dm:1'>, Core.PayloadOf<C, 'dm:1'>>
    >().toEqualTypeOf<true>();
    expectTypeOf<Mutual<Mine.DirectPayload<C>, Core.DirectPayload<C>>>().toEqualTypeOf<true>();
    expectTypeOf<Mutual<Mine.DirectPayload<T>, Core.DirectPayload<T>>>().toEqualTypeOf<true>();
    // A sanity check of the checker itself: different types are not "the same".
    expectTypeOf<Mutual<{ a: string }, { a: number }>>().toEqualTypeOf<false>();
  });
});
