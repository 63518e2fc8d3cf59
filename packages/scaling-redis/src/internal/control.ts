import type { InstanceId, TimerHandle } from '@ws/core';
import type { ControlReply, ControlRequest } from './envelope.js';
import { controlEnvelope } from './envelope.js';
import type { ControlEnvelope } from './messageHandler.js';
import type { Shared } from './shared.js';

/** The operations one instance asks another for (a bounded metric label). */
export type ControlOp = 'disconnect-user' | 'send-to-connection' | 'receive';

/**
 * What a request got: the other instance's result, or no answer in time (`gone`: nobody
 * subscribes to its control channel, so the instance is not running).
 */
export type ControlAnswer =
  | { readonly answered: true; readonly result: unknown }
  | { readonly answered: false; readonly gone?: boolean };

/** Serves one operation for another instance; its result travels back as the reply. */
export type ControlHandler = (args: Readonly<Record<string, unknown>>) => unknown;

/** One request waiting for its reply. */
interface Pending {
  readonly to: InstanceId;
  readonly op: ControlOp;
  readonly timer: TimerHandle;
  readonly resolve: (answer: ControlAnswer) => void;
}

/**
 * This instance's control channel: evictions from peers, and request/reply. A request goes to
 * the other instance's control channel with an id; its reply comes back on this instance's own,
 * matched by that id, within `commandTimeoutMs` (else it counts as unanswered).
 */
export interface Control {
  /** Handles one message of this instance's control channel. Never throws. */
  handle(env: ControlEnvelope): void;
  /** Asks another instance; never rejects (no answer, Redis down: `answered: false`). */
  request(
    to: InstanceId,
    op: ControlOp,
    args: Readonly<Record<string, unknown>>,
  ): Promise<ControlAnswer>;
  /** Registers the handler of an operation this instance serves. */
  serve(op: ControlOp, handler: ControlHandler): void;
  /** Requests waiting for a reply (for tests and leak checks). */
  pending(): number;
  /** Clears every timer; waiting requests answer `answered: false`. */
  stop(): void;
}

const NO_ANSWER: ControlAnswer = Object.freeze({ answered: false });
const GONE: ControlAnswer = Object.freeze({ answered: false, gone: true });

/** Creates the control part of one adapter. */
export function createControl(s: Shared): Control {
  const waiting = new Map<string, Pending>();
  const handlers = new Map<string, ControlHandler>();
  let seq = 0;

  const settle = (id: string, answer: ControlAnswer): void => {
    const p = waiting.get(id);
    if (p === undefined) return;
    waiting.delete(id);
    s.ctx.clock.clear(p.timer);
    p.resolve(answer);
  };

  const reply = (to: string, body: ControlReply): void => {
    s.link
      .publish(s.keys.controlChannel(to as InstanceId), controlEnvelope(s.self, { reply: body }))
      .catch((err: unknown) => {
        s.m.commandFailures.inc(1, { op: 'control-reply' });
        s.ctx.onError(err, { stage: 'redis-control' });
      });
  };

  const serveRequest = async (origin: string, request: ControlRequest): Promise<void> => {
    const { id, op, args } = request;
    if (s.stopped) return; // deregistered: the asking instance counts it unanswered
    const handler = handlers.get(op);
    if (handler === undefined) {
      s.m.envelopesIgnored.inc(1, { kind: 'request' });
      reply(origin, { id, error: 'unknown_op' });
      return;
    }
    try {
      reply(origin, { id, result: await handler(args) });
    } catch (err) {
      s.ctx.onError(err, { stage: 'redis-control' });
      reply(origin, { id, error: 'failed' });
    }
  };

  return {
    handle(env) {
      switch (env.kind) {
        case 'evict':
          s.ctx.evictLocal(env.connectionId, env.code);
          return;
        case 'request':
          void serveRequest(env.origin, env.request);
          return;
        case 'reply': {
          const p = waiting.get(env.reply.id);
          // A late reply (its request already timed out and was counted) or a stray one.
          if (p === undefined || p.to !== env.origin) return;
          settle(
            env.reply.id,
            env.reply.error === undefined
              ? { answered: true, result: env.reply.result }
              : NO_ANSWER,
          );
          return;
        }
      }
    },
    request(to, op, args) {
      if (s.stopped) return Promise.resolve(NO_ANSWER);
      const id = `${s.self}.${(++seq).toString(36)}`;
      s.m.controlRequests.inc(1, { op });
      return new Promise<ControlAnswer>((resolve) => {
        const timer = s.ctx.clock.setTimeout(() => {
          s.m.controlTimeouts.inc(1, { op });
          settle(id, NO_ANSWER);
        }, s.o.commandTimeoutMs);
        waiting.set(id, { to, op, timer, resolve });
        s.link
          .publish(
            s.keys.controlChannel(to),
            controlEnvelope(s.self, { request: { id, op, args } }),
          )
          .then(
            (receivers) => {
              // Nobody subscribed to that channel: the instance is gone, no answer will come.
              if (receivers === 0 && waiting.has(id)) {
                s.m.controlTimeouts.inc(1, { op });
                settle(id, GONE);
              }
            },
            () => {
              s.m.commandFailures.inc(1, { op: 'control-request' });
              settle(id, NO_ANSWER);
            },
          );
      });
    },
    serve(op, handler) {
      handlers.set(op, handler);
    },
    pending: () => waiting.size,
    stop() {
      for (const id of [...waiting.keys()]) settle(id, NO_ANSWER);
    },
  };
}
