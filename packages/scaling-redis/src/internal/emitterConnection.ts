import type { Clock } from '@ws/core';
import { WsError, systemClock, toWsError } from '@ws/core';
import type { ResolvedEmitterOptions } from '../emitterOptions.js';
import type { RawClient } from './duplicate.js';
import { closeClient, duplicateClient, isCluster, runScript } from './duplicate.js';
import { corkPerTurn } from './corkPerTurn.js';
import type { Script } from './scripts.js';
import type { ScriptRunner } from './threadAppend.js';

type Arg = string | number;

/** The emitter's one command connection, every operation bounded by `commandTimeoutMs`. */
export interface EmitterConnection extends ScriptRunner {
  /**
   * Runs `work` once the connection is ready, within `commandTimeoutMs` from now (the wait for
   * the connection included). Rejects with `WsError('cluster_error')` past the bound or when a
   * command fails, `WsError('closed')` after `close()`. A late answer is dropped, never thrown.
   */
  bounded<T>(work: () => Promise<T>): Promise<T>;
  call(command: string, ...args: Arg[]): Promise<unknown>;
  /** Publishes on a channel (sharded on Redis Cluster); answers the subscriber count. */
  publish(channel: string, message: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * Duplicates the application's client into the emitter's command connection. No offline queue:
 * a command while Redis is away never waits in ioredis' queue (where it could hang, or run long
 * after its caller was told it failed); instead an operation waits for the connection to be ready
 * only up to its own deadline. No timer runs between operations.
 */
export function createEmitterConnection(o: ResolvedEmitterOptions): EmitterConnection {
  const clock: Clock = systemClock();
  const client: RawClient = corkPerTurn(duplicateClient(o));
  const publishCommand = isCluster(o.redis) ? 'SPUBLISH' : 'PUBLISH';
  // Operations waiting for the connection; each removes itself when it starts or times out.
  const waiting = new Set<() => void>();
  let closed = false;
  client.on('ready', () => {
    for (const start of [...waiting]) start();
  });
  // ioredis emits 'error' on every failed reconnect; the operations report their own failures.
  client.on('error', () => {});

  const call = (command: string, ...args: Arg[]): Promise<unknown> => client.call(command, ...args);

  function bounded<T>(work: () => Promise<T>): Promise<T> {
    if (closed) return Promise.reject(new WsError('closed', 'the emitter is closed'));
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const start = (): void => {
        waiting.delete(start);
        work().then(
          (value) => {
            if (settled) return;
            settled = true;
            clock.clear(timer);
            resolve(value);
          },
          (err: unknown) => {
            if (settled) return;
            settled = true;
            clock.clear(timer);
            reject(toWsError(err, 'cluster_error'));
          },
        );
      };
      const timer = clock.setTimeout(() => {
        waiting.delete(start);
        if (settled) return;
        settled = true;
        reject(
          new WsError('cluster_error', `no answer from Redis within ${o.commandTimeoutMs} ms`),
        );
      }, o.commandTimeoutMs);
      if (client.status === 'ready') start();
      else waiting.add(start);
    });
  }

  return {
    publishCommand,
    run: (script: Script, keys, args) => runScript(client, script, { keys, args }),
    bounded,
    call,
    async publish(channel, message) {
      return Number(await call(publishCommand, channel, message));
    },
    async close() {
      if (closed) return;
      closed = true;
      waiting.clear();
      await closeClient(client, { clock, ms: o.commandTimeoutMs });
    },
  };
}
