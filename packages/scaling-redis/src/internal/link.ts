import type { Clock } from '@ws/core';
import type { ResolvedOptions } from '../options.js';
import type { RawClient, RawSubscriber } from './duplicate.js';
import { closeClient, duplicateClient, isCluster, runScript } from './duplicate.js';
import type { Script } from './scripts.js';
import { createSubscriberHolder } from './subscriberHolder.js';

type Arg = string | number;

/** The adapter's two connections, duplicated from the application's client. */
export interface Link {
  /** True on Redis Cluster: sharded pub/sub (`SPUBLISH`, `SSUBSCRIBE`). */
  readonly sharded: boolean;
  readonly publishCommand: 'PUBLISH' | 'SPUBLISH';
  cmdReady(): boolean;
  subReady(): boolean;
  call(command: string, ...args: Arg[]): Promise<unknown>;
  /** Runs a script by SHA, loading it with EVAL when the server lost its script cache. */
  run(script: Script, keys: readonly string[], args: readonly Arg[]): Promise<unknown>;
  publish(channel: string, message: string): Promise<number>;
  subscribe(channels: readonly string[]): Promise<void>;
  unsubscribe(channels: readonly string[]): Promise<void>;
  pingSubscriber(): Promise<void>;
  /** Drops the command connection and reconnects (a half-open socket). */
  resetCommand(): void;
  onCommand(event: 'ready' | 'close' | 'error', listener: (err?: Error) => void): void;
  onSubscriber(event: 'ready' | 'close' | 'error', listener: (err?: Error) => void): void;
  onMessage(listener: (channel: string, message: string) => void): void;
  close(): Promise<void>;
}

/** Duplicates the application's client into a command and a subscriber connection. */
export function createLink(o: ResolvedOptions, clock: Clock): Link {
  const cmd: RawClient = duplicateClient(o);
  const subs = createSubscriberHolder((): RawSubscriber => duplicateClient(o, true));
  const sharded = isCluster(o.redis);
  // Consecutive SSUBSCRIBEs refused for a slot without a shard subscriber (subscriberHolder.ts).
  let orphanedSlot = 0;
  const ssubscribe = async (channels: readonly string[]): Promise<void> => {
    const sub = subs.current();
    try {
      // Sharded channels of different slots go to different shards: one call per channel.
      await Promise.all(channels.map((c) => sub.ssubscribe(c)));
      orphanedSlot = 0;
    } catch (err) {
      const orphan = err instanceof Error && err.message.startsWith('No sharded subscriber');
      orphanedSlot = orphan ? orphanedSlot + 1 : 0;
      // Twice in a row (a reset in progress can refuse once): a fresh subscriber connection.
      if (orphanedSlot >= 2 && sub === subs.current()) {
        orphanedSlot = 0;
        subs.replace();
      }
      throw err;
    }
  };

  const call = (command: string, ...args: Arg[]): Promise<unknown> => cmd.call(command, ...args);

  return {
    sharded,
    publishCommand: sharded ? 'SPUBLISH' : 'PUBLISH',
    cmdReady: () => cmd.status === 'ready',
    subReady: () => subs.current().status === 'ready',
    call,
    run: (script, keys, args) => runScript(cmd, script, { keys, args }),
    async publish(channel, message) {
      return Number(await call(sharded ? 'SPUBLISH' : 'PUBLISH', channel, message));
    },
    async subscribe(channels) {
      if (channels.length === 0) return;
      if (sharded) await ssubscribe(channels);
      else await subs.current().subscribe(...channels);
    },
    async unsubscribe(channels) {
      if (channels.length === 0) return;
      const sub = subs.current();
      if (sharded) await Promise.all(channels.map((c) => sub.sunsubscribe(c)));
      else await sub.unsubscribe(...channels);
    },
    async pingSubscriber() {
      const sub = subs.current();
      if (sharded) {
        // Sharded subscribers live on per-shard connections; probe the cluster's status instead.
        if (sub.status !== 'ready') throw new Error('subscriber not ready');
        return;
      }
      await sub.call('PING');
    },
    resetCommand() {
      if (!sharded) cmd.disconnect(true);
    },
    onCommand(event, listener) {
      cmd.on(event, listener);
    },
    onSubscriber(event, listener) {
      subs.on(event, listener);
      if (!sharded) return;
      // Sharded subscribers are per-shard connections that ioredis replaces by itself: one
      // ending ('-node') may lose publications; 'subscribersReady' follows the replacement.
      if (event === 'close') subs.on('-node', () => listener());
      if (event === 'ready') subs.on('subscribersReady', () => listener());
    },
    onMessage(listener) {
      subs.on(sharded ? 'smessage' : 'message', listener);
    },
    async close() {
      for (const c of [subs.current(), cmd])
        await closeClient(c, { clock, ms: o.commandTimeoutMs });
    },
  };
}
