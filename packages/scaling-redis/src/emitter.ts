import { randomBytes } from 'node:crypto';
import type { Counter, Offset } from '@ws/core';
import { directMessageFrame, threadMessageFrame, toWsError } from '@ws/core';
import type { WsError } from '@ws/core';
import type { EmitterOptions, EmitterTarget } from './emitterOptions.js';
import { resolveEmitterOptions } from './emitterOptions.js';
import type { EmitterDisconnectOptions } from './internal/emitterChecks.js';
import {
  checkClose,
  checkData,
  checkThread,
  checkUser,
  encodeChecked,
  runValidate,
} from './internal/emitterChecks.js';
import type { EmitterConnection } from './internal/emitterConnection.js';
import { createEmitterConnection } from './internal/emitterConnection.js';
import { controlEnvelope, frameEnvelope } from './internal/envelope.js';
import type { Keys } from './internal/keys.js';
import { createKeys } from './internal/keys.js';
import { listScript } from './internal/scripts.js';
import { appendThread } from './internal/threadAppend.js';

export type { EmitterDisconnectOptions } from './internal/emitterChecks.js';

/**
 * What an emitter operation did. `published`: at least one instance received it (a user's
 * instance, a thread's subscriber, any instance for a broadcast or a disconnect). `offset`: a
 * thread message's offset, set once it is in the thread's history, delivered or not. `error`:
 * set when it failed (`cluster_error`: Redis unreachable or slower than `commandTimeoutMs`;
 * `closed`: after `close()`), and then nothing is known to be published.
 */
export interface EmitResult {
  readonly published: boolean;
  readonly offset?: Offset;
  readonly error?: WsError;
}

/** Publishes to the instances of a deployment from any process, without sockets or a manager. */
export interface Emitter {
  /** A direct message (`from: null`) to every connection of the user, on any instance. */
  sendToUser(userId: string, data: unknown): Promise<EmitResult>;
  /**
   * A thread message (`from: null`): appended to the thread's history and published in the same
   * atomic step as an instance's own, so it gets an offset and `resume` replays it.
   */
  sendToThread(threadId: string, data: unknown): Promise<EmitResult>;
  /** A direct message (`from: null`) to every connection of every instance. */
  broadcast(data: unknown): Promise<EmitResult>;
  /**
   * Asks every live instance to close the user's connections (default code 4103, revoked: the
   * client does not reconnect). `published`: at least one instance received the request.
   */
  disconnectUser(userId: string, options?: EmitterDisconnectOptions): Promise<EmitResult>;
  /** Closes the emitter's Redis connection; later operations answer `closed`. */
  close(): Promise<void>;
}

type Op = 'send-to-user' | 'send-to-thread' | 'broadcast' | 'disconnect-user';

/** The live instances of the registry (liveness deadline in Redis time). */
async function liveInstances(conn: EmitterConnection, keys: Keys): Promise<string[]> {
  const [now, , zset] = (await conn.run(listScript, [keys.instances, keys.alive], [])) as [
    string,
    string[],
    string[],
  ];
  const ids: string[] = [];
  for (let i = 0; i + 1 < zset.length; i += 2)
    if (Number(zset[i + 1]) >= Number(now)) ids.push(zset[i] as string);
  return ids;
}

/**
 * Creates an emitter: publishes to the users, threads and instances of the deployment under
 * `keyPrefix` through Redis, from a job worker or any other process. It registers no instance,
 * subscribes to nothing and starts no timer; it runs no outbound middleware (use `validate`).
 * Invalid arguments reject with a `WsError`; runtime failures resolve `published: false` with
 * the error, within `commandTimeoutMs`.
 */
export function createEmitter(options: EmitterOptions): Emitter {
  const o = resolveEmitterOptions(options);
  const keys = createKeys(o.keyPrefix);
  const conn = createEmitterConnection(o);
  // Never an instance id (those are what a manager names itself; receivers skip only their own).
  const origin = `emitter-${randomBytes(6).toString('hex')}`;
  let seq = 0;
  const ops: Counter | undefined = o.metrics?.counter('ws_emitter_operations_total', {
    help: 'Emitter operations, by operation and outcome (published, unheard: no instance received it, failed)',
    labelNames: ['op', 'outcome'],
  });

  const settle = async (op: Op, work: () => Promise<EmitResult>): Promise<EmitResult> => {
    let result: EmitResult;
    try {
      result = await conn.bounded(work);
    } catch (err) {
      result = { published: false, error: toWsError(err, 'cluster_error') };
    }
    const outcome =
      result.error !== undefined ? 'failed' : result.published ? 'published' : 'unheard';
    ops?.inc(1, { op, outcome });
    return result;
  };

  const direct = async (op: Op, target: EmitterTarget, data: unknown): Promise<EmitResult> => {
    const value = checkData(data);
    await runValidate(o, target, value);
    const json = encodeChecked(o, directMessageFrame(null, value));
    const channel = target.kind === 'user' ? keys.userChannel(target.userId) : keys.allChannel;
    const message = frameEnvelope(origin, json);
    return settle(op, async () => ({ published: (await conn.publish(channel, message)) > 0 }));
  };

  return {
    async sendToUser(user, data) {
      return direct('send-to-user', { kind: 'user', userId: checkUser(user) }, data);
    },
    async broadcast(data) {
      return direct('broadcast', { kind: 'all' }, data);
    },
    async sendToThread(thread, data) {
      const threadId = checkThread(thread);
      const value = checkData(data);
      await runValidate(o, { kind: 'thread', threadId }, value);
      const frameJson = encodeChecked(o, threadMessageFrame(threadId, null, value));
      return settle('send-to-thread', async () => {
        const r = await appendThread(conn, { keys, options: o, origin, threadId, frameJson });
        return { published: r.receivers > 0, offset: r.offset as Offset };
      });
    },
    async disconnectUser(user, close) {
      const userId = checkUser(user);
      const { code, reason } = checkClose(close);
      return settle('disconnect-user', async () => {
        const ids = await liveInstances(conn, keys);
        const heard = await Promise.all(
          ids.map((id) => {
            // Fire and forget: the instance's reply goes to a channel nobody subscribes to.
            const request = { id: `${origin}.${(++seq).toString(36)}`, op: 'disconnect-user' };
            const body = controlEnvelope(origin, {
              request: { ...request, args: { userId, code, reason } },
            });
            return conn.publish(keys.controlChannel(id as never), body);
          }),
        );
        return { published: heard.some((n) => n > 0) };
      });
    },
    close: () => conn.close(),
  };
}
