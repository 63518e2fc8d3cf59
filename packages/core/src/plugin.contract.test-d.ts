/**
 * Type tests (vitest typecheck, through tsc; nothing here runs): a plugin written inline for a
 * typed manager gets a `PluginContext<C>` (middleware frames and `ctx.manager` typed by the
 * contract), a generic `Plugin<H>` fits typed and untyped managers, and untyped managers' plugins
 * see what they saw before.
 */
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import type { Manager, Plugin, PluginContext } from './api.js';
import type { DeliveryTarget } from './cluster.js';
import type { Connection, InboundMiddleware, OutboundMiddleware } from './connection.js';
import { defineContract } from './contract.js';
// chat:* { text }, chat:*:typing boolean, ops:** { level, at? }, lobby string; direct { to }.
import type { contract } from './contract.test-d.js';
import type { ThreadOf } from './contractTypes.js';
import type { ClientFrame, ServerFrame } from './frames.js';
import { threadId } from './ids.js';
import { createManager } from './manager.js';
import type { ClientFrameOf, ServerFrameOf } from './contractFrames.js';

type C = typeof contract;

const threadsOnly = defineContract({ threads: { 'chat:*': z.string() } });

declare const manager: Manager<C>;
declare const untyped: Manager;

/** The data of the contract's thread messages, one member per glob. */
type ThreadData =
  { text: string } | boolean | { level: 'info' | 'warn'; at?: number | undefined } | string;

/** A manager of another contract. */
const createTyped = (): Manager<typeof threadsOnly> => createManager({ contract: threadsOnly });

/** A plugin for any manager, as quality(), heartbeat() and dashboard() are written. */
declare function generic(): Plugin<{ readonly stop: () => void }>;

describe('an inline plugin on a typed manager', () => {
  it('gets a PluginContext of the contract', () => {
    const handle = manager.use({
      name: 'inline',
      setup(ctx) {
        expectTypeOf(ctx).toEqualTypeOf<PluginContext<C>>();
        expectTypeOf(ctx.manager).toEqualTypeOf<Manager<C>>();
        return 42;
      },
    });
    expectTypeOf(handle).toEqualTypeOf<number>();
    // An arrow function `setup` is typed the same way.
    manager.use({
      name: 'arrow',
      setup: (ctx) => expectTypeOf(ctx.manager).toEqualTypeOf<Manager<C>>(),
    });
  });

  it('sees inbound frames typed by the contract', () => {
    manager.use({
      name: 'inbound',
      setup(ctx) {
        ctx.inbound((connection, frame, next) => {
          expectTypeOf(connection).toEqualTypeOf<Connection>();
          expectTypeOf(frame).toEqualTypeOf<ClientFrameOf<C>>();
          if (frame.type === 'publish') {
            expectTypeOf(frame.thread).toEqualTypeOf<ThreadOf<C>>();
            expectTypeOf(frame.data).toEqualTypeOf<ThreadData>();
            if (frame.thread === 'lobby') expectTypeOf(frame.data).toEqualTypeOf<string>();
            if (frame.thread === 'chat:lobby') expectTypeOf(frame.data.text).toBeString();
            if (frame.thread === 'lobby') return next({ ...frame, data: frame.data.trim() });
          }
          if (frame.type === 'direct') expectTypeOf(frame.data).toEqualTypeOf<{ to: string }>();
          return next();
        });
      },
    });
  });

  it('refuses inbound frames outside the contract', () => {
    manager.use({
      name: 'wrong-inbound',
      setup(ctx) {
        ctx.inbound((_connection, frame, next) => {
          if (frame.type === 'publish' && frame.thread === 'chat:lobby') {
            // @ts-expect-error: chat:* data is { text: string }, not a number
            const n: number = frame.data;
            void n;
          }
          if (frame.type === 'direct') {
            // @ts-expect-error: the direct schema has no `text`
            void frame.data.text;
          }
          // `next` takes any ClientFrame (see InboundMiddleware): not checked by the contract.
          expectTypeOf(next).parameter(0).toEqualTypeOf<ClientFrame | undefined>();
          return next();
        });
        // @ts-expect-error: a middleware typed for another contract does not fit
        ctx.inbound(((_c, _f, next) => next()) as InboundMiddleware<typeof threadsOnly>);
      },
    });
  });

  it('sees outbound message frames typed by the contract', () => {
    manager.use({
      name: 'outbound',
      setup(ctx) {
        ctx.outbound((target, frame, next) => {
          expectTypeOf(target).toEqualTypeOf<DeliveryTarget>();
          expectTypeOf(frame).toEqualTypeOf<ServerFrameOf<C>>();
          expectTypeOf(frame).toExtend<ServerFrame>();
          if (frame.type === 'message') {
            expectTypeOf(frame.data).toEqualTypeOf<ThreadData | { to: string }>();
            if (frame.thread === undefined)
              expectTypeOf(frame.data).toEqualTypeOf<{ to: string }>();
            if (frame.thread === 'lobby') expectTypeOf(frame.data).toEqualTypeOf<string>();
            // @ts-expect-error: a lobby message's data is a string
            if (frame.thread === 'lobby') void frame.data.toFixed();
          }
          expectTypeOf(next).parameter(0).toEqualTypeOf<ServerFrame | undefined>();
          if (frame.type === 'welcome') expectTypeOf(frame.connectionId).toBeString();
          return next();
        });
      },
    });
  });

  it('sends through ctx.manager as the typed manager does', () => {
    manager.use({
      name: 'sends',
      setup(ctx) {
        void ctx.manager.sendToThread(threadId('chat:1'), { text: 'hi' });
        // @ts-expect-error: chat:* carries { text: string }
        void ctx.manager.sendToThread(threadId('chat:1'), { text: 1 });
        // @ts-expect-error: no glob holds dm:1
        void ctx.manager.sendToThread(threadId('dm:1'), { text: 'hi' });
        ctx.manager.on('message', (_c, frame) => {
          expectTypeOf(frame).toEqualTypeOf<ClientFrameOf<C>>();
        });
      },
    });
  });

  it('without a direct schema sees no direct frames', () => {
    expectTypeOf<Extract<ServerFrameOf<typeof threadsOnly>, { type: 'message' }>>().toEqualTypeOf<
      Extract<ServerFrameOf<typeof threadsOnly>, { thread: `chat:${string}` }>
    >();
    expectTypeOf<Extract<ClientFrameOf<typeof threadsOnly>, { type: 'direct' }>>().toBeNever();
  });
});

describe('a generic plugin', () => {
  it('fits a typed manager and an untyped one', () => {
    expectTypeOf(manager.use(generic())).toEqualTypeOf<{ readonly stop: () => void }>();
    expectTypeOf(untyped.use(generic())).toEqualTypeOf<{ readonly stop: () => void }>();
    const plugin: Plugin<number> = {
      name: 'p',
      setup: (ctx) => {
        expectTypeOf(ctx).toEqualTypeOf<PluginContext>();
        expectTypeOf(ctx.manager).toEqualTypeOf<Manager>();
        return 1;
      },
    };
    expectTypeOf(manager.use(plugin)).toEqualTypeOf<number>();
    expectTypeOf(createTyped().use(plugin)).toEqualTypeOf<number>();
  });

  it('is not swapped for one typed by another contract', () => {
    const other: Plugin<void, typeof threadsOnly> = { name: 'other', setup: () => undefined };
    // @ts-expect-error: written for a chat:* string contract
    manager.use(other);
    expectTypeOf(createTyped().use(other)).toBeVoid();
  });
});

describe("an untyped manager's plugins", () => {
  it('see what they saw before', () => {
    untyped.use({
      name: 'untyped',
      setup(ctx) {
        expectTypeOf(ctx).toEqualTypeOf<PluginContext>();
        expectTypeOf(ctx.manager).toEqualTypeOf<Manager>();
        ctx.inbound((_c, frame, next) => {
          expectTypeOf(frame).toEqualTypeOf<ClientFrame>();
          if (frame.type === 'publish') expectTypeOf(frame.data).toBeUnknown();
          return next({ type: 'publish', thread: 'dm:1', data: 1 });
        });
        ctx.outbound((_t, frame, next) => {
          expectTypeOf(frame).toEqualTypeOf<ServerFrame>();
          return next(frame);
        });
      },
    });
    expectTypeOf<PluginContext['inbound']>().parameter(0).toEqualTypeOf<InboundMiddleware>();
    expectTypeOf<InboundMiddleware>().toEqualTypeOf<
      (
        connection: Connection,
        frame: ClientFrame,
        next: (frame?: ClientFrame) => void | Promise<void>,
      ) => void | Promise<void>
    >();
    expectTypeOf<OutboundMiddleware>().toEqualTypeOf<
      (
        target: DeliveryTarget,
        frame: ServerFrame,
        next: (frame?: ServerFrame) => void | Promise<void>,
      ) => void | Promise<void>
    >();
    expectTypeOf<
      ServerFrameOf<Manager extends Manager<infer X> ? X : never>
    >().toEqualTypeOf<ServerFrame>();
  });
});
