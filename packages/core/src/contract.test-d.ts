import { type } from 'arktype';
import * as v from 'valibot';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { defineContract } from './contract.js';
import type {
  Contract,
  DirectPayload,
  PatternThread,
  PayloadOf,
  ThreadOf,
} from './contractTypes.js';
import type { ThreadId } from './ids.js';
import { threadId } from './ids.js';
import type { StandardSchemaV1 } from './standardSchema.js';

/** The contract of these type tests; manager.contract.test-d.ts types a manager with it. */
export const contract = defineContract({
  threads: {
    'chat:*': z.object({ text: z.string() }),
    'chat:*:typing': z.boolean(),
    'ops:**': z.object({ level: z.enum(['info', 'warn']), at: z.number().default(0) }),
    lobby: z.string(),
  },
  direct: z.object({ to: z.string() }),
});
type C = typeof contract;

/** A thread id known only as a string. */
declare const someThread: string;

/** A typed send as the later pieces will offer it: the payload follows the thread. */
declare function send<T extends ThreadOf<C>>(thread: T, data: PayloadOf<C, T>): void;

describe('glob types', () => {
  it('turn each star into ${string}', () => {
    expectTypeOf<PatternThread<'chat:*'>>().toEqualTypeOf<`chat:${string}`>();
    expectTypeOf<PatternThread<'chat:**'>>().toEqualTypeOf<`chat:${string}`>();
    expectTypeOf<PatternThread<'a:*:b'>>().toEqualTypeOf<`a:${string}:b`>();
    expectTypeOf<PatternThread<'**'>>().toEqualTypeOf<string>();
    expectTypeOf<PatternThread<'lobby'>>().toEqualTypeOf<'lobby'>();
  });

  it('ThreadOf is the union of a contract glob types', () => {
    expectTypeOf<ThreadOf<C>>().toEqualTypeOf<
      `chat:${string}` | `chat:${string}:typing` | `ops:${string}` | 'lobby'
    >();
  });
});

describe('threadId', () => {
  it('keeps the literal', () => {
    expectTypeOf(threadId('chat:1')).toEqualTypeOf<'chat:1' & ThreadId>();
    expectTypeOf(threadId('chat:1')).toExtend<ThreadId>();
    expectTypeOf(threadId(someThread)).toEqualTypeOf<ThreadId>();
  });
});

describe('payload types', () => {
  it('follow the glob a thread falls under', () => {
    expectTypeOf<PayloadOf<C, 'chat:1'>>().toEqualTypeOf<{ text: string }>();
    expectTypeOf<PayloadOf<C, 'lobby'>>().toEqualTypeOf<string>();
    // `${string}` holds `:`, so chat:1:typing fits both chat globs' types: the narrower wins.
    expectTypeOf<PayloadOf<C, 'chat:1:typing'>>().toEqualTypeOf<boolean>();
    expectTypeOf<PayloadOf<C, `chat:${string}`>>().toEqualTypeOf<{ text: string }>();
    expectTypeOf<PayloadOf<C, typeof branded>>().toEqualTypeOf<{ text: string }>();
  });

  it('are the input type by default, the output type on request', () => {
    expectTypeOf<PayloadOf<C, 'ops:a:b'>>().toEqualTypeOf<{
      level: 'info' | 'warn';
      at?: number | undefined;
    }>();
    expectTypeOf<PayloadOf<C, 'ops:a:b', 'output'>>().toEqualTypeOf<{
      level: 'info' | 'warn';
      at: number;
    }>();
  });

  it('are never outside every glob', () => {
    expectTypeOf<PayloadOf<C, 'dm:1'>>().toBeNever();
    expectTypeOf<PayloadOf<C, string>>().toBeNever();
  });

  it('type the direct messages', () => {
    expectTypeOf<DirectPayload<C>>().toEqualTypeOf<{ to: string }>();
    const threadsOnly = defineContract({ threads: { 'chat:*': z.string() } });
    expectTypeOf(threadsOnly.direct).toBeUndefined();
    expectTypeOf<DirectPayload<typeof threadsOnly>>().toBeNever();
    const directOnly = defineContract({ direct: z.number() });
    expectTypeOf(directOnly.threads).toEqualTypeOf<readonly never[]>();
    expectTypeOf<ThreadOf<typeof directOnly>>().toBeNever();
    expectTypeOf<DirectPayload<typeof directOnly>>().toEqualTypeOf<number>();
  });
});

const branded = threadId('chat:9');

describe('a typed send', () => {
  it('accepts the right payload', () => {
    send('chat:1', { text: 'hi' });
    send(branded, { text: 'hi' });
    send('chat:1:typing', true);
    send('lobby', 'hello');
  });

  it('refuses a wrong payload for the glob', () => {
    // @ts-expect-error: chat:* carries { text: string }
    send('chat:1', { text: 1 });
    // @ts-expect-error: chat:*:typing carries a boolean
    send('chat:1:typing', { text: 'hi' });
    // @ts-expect-error: lobby carries a string
    send(threadId('lobby'), 3);
  });

  it('refuses a thread outside every glob', () => {
    // @ts-expect-error: no glob matches dm:1
    send('dm:1', { text: 'hi' });
    // @ts-expect-error: a plain ThreadId could be any thread
    send(threadId(someThread), { text: 'hi' });
    // @ts-expect-error: 'chat' is not 'chat:' plus anything
    send('chat', { text: 'hi' });
  });
});

describe('schema libraries', () => {
  it('zod, valibot and arktype schemas infer their payloads', () => {
    const c = defineContract({
      threads: {
        'zod:*': z.object({ n: z.number(), tags: z.array(z.string()) }),
        'valibot:*': v.object({ n: v.number(), tags: v.array(v.string()) }),
        'arktype:*': type({ n: 'number', tags: 'string[]' }),
      },
      direct: v.pipe(
        v.string(),
        v.transform((s) => s.length),
      ),
    });
    expectTypeOf(c).toExtend<Contract>();
    type Shape = { n: number; tags: string[] };
    expectTypeOf<PayloadOf<typeof c, 'zod:1'>>().toEqualTypeOf<Shape>();
    expectTypeOf<PayloadOf<typeof c, 'valibot:1'>>().toEqualTypeOf<Shape>();
    expectTypeOf<PayloadOf<typeof c, 'arktype:1'>>().toEqualTypeOf<Shape>();
    expectTypeOf<DirectPayload<typeof c>>().toEqualTypeOf<string>();
    expectTypeOf<DirectPayload<typeof c, 'output'>>().toEqualTypeOf<number>();
  });

  it('each is a Standard Schema and any contract is a Contract', () => {
    expectTypeOf(z.string()).toExtend<StandardSchemaV1<string>>();
    expectTypeOf(v.string()).toExtend<StandardSchemaV1<string>>();
    expectTypeOf(type('string')).toExtend<StandardSchemaV1<string>>();
    expectTypeOf(contract).toExtend<Contract>();
  });

  it('refuses what is not a schema', () => {
    // @ts-expect-error: not a Standard Schema
    defineContract({ threads: { 'chat:*': { parse: () => 1 } } });
    // @ts-expect-error: unknown key
    defineContract({ thread: {} });
  });
});
