import type {
  DeliveryTarget,
  LocalScope,
  Offset,
  PublishOutcome,
  ServerFrame,
  ThreadId,
  UserId,
} from '@ws/core';
import { compareOffsets, resyncFrame } from '@ws/core';
import { envelope, openEnvelope } from './envelope.js';
import type { ControlMessage } from './limits.js';
import type { Shared } from './shared.js';

type Route = DeliveryTarget | { readonly kind: 'control' };

/** How long a join may take between subscribing its thread and holding a member, in ms. */
const UNCLAIMED_MS = 30_000;

/**
 * Channel routing: this instance subscribes to the channels of the users and threads it holds,
 * plus the broadcast channel and its own control channel; it skips its own publications. Per
 * thread it remembers the newest offset seen, so after the subscriber reconnects (publications
 * may have been lost meanwhile) a thread that moved on gets a `resync` instead of silent loss.
 */
export interface Routing {
  join(scope: LocalScope): Promise<void>;
  leave(scope: LocalScope): Promise<void>;
  /**
   * Records an offset this instance is about to deliver itself (its own publication); a thread
   * with a possible gap gets its `resync` first, so the client resumes from before the gap.
   */
  seen(threadId: ThreadId, offset: Offset): void;
  /**
   * Where a join of this thread starts: everything after it reaches the new member live. When
   * this instance already receives the thread, that is the newest offset it delivered (answered
   * without I/O, so nothing can slip in before the member is added); otherwise the thread is
   * subscribed first and then its newest offset read (`fetchLast`).
   */
  joinPoint(threadId: ThreadId, fetchLast: () => Promise<Offset>): Promise<Offset>;
  publishToUser(userId: UserId, frame: ServerFrame): Promise<PublishOutcome>;
  publishAll(frame: ServerFrame): Promise<PublishOutcome>;
  /** Whether this instance is subscribed to a channel (so a publish count includes it). */
  holds(channel: string): boolean;
  /** Retries what failed while Redis was away (gap checks). Never throws. */
  tick(): Promise<void>;
}

/** Creates the routing of one adapter and hooks it to the subscriber connection. */
export function createRouting(s: Shared): Routing {
  const routes = new Map<string, Route>();
  const lastSeen = new Map<ThreadId, Offset>();
  /** Threads to check after a subscriber reconnect, with the offset seen before the drop. */
  const gapChecks = new Map<ThreadId, Offset | undefined>();
  let wasReady = false;
  let checking = false;
  /** Channels whose SUBSCRIBE completed on the current subscriber connection. */
  const active = new Set<string>();
  /** Threads subscribed by a join in progress, not yet held by a member (time subscribed). */
  const presubscribed = new Map<ThreadId, number>();

  routes.set(s.keys.allChannel, { kind: 'all' });
  routes.set(s.keys.controlChannel(s.self), { kind: 'control' });

  const channelOf = (scope: LocalScope): string =>
    scope.kind === 'user' ? s.keys.userChannel(scope.userId) : s.keys.threadChannel(scope.threadId);

  function announceGap(threadId: ThreadId): void {
    if (!gapChecks.delete(threadId)) return;
    s.m.resyncs.inc();
    s.ctx.deliverLocal({ kind: 'thread', threadId }, resyncFrame(threadId));
  }

  function ownPublication(threadId: ThreadId, offset: Offset): void {
    announceGap(threadId);
    seen(threadId, offset);
  }

  function seen(threadId: ThreadId, offset: Offset): void {
    const prev = lastSeen.get(threadId);
    if (prev === undefined || compareOffsets(offset, prev) > 0) lastSeen.set(threadId, offset);
  }

  async function threadLast(threadId: ThreadId): Promise<Offset> {
    return ((await s.link.call('HGET', s.keys.threadMeta(threadId), 'last')) ?? '0-0') as Offset;
  }

  async function runGapChecks(): Promise<void> {
    if (checking || gapChecks.size === 0 || !s.link.cmdReady() || !s.link.subReady()) return;
    checking = true;
    try {
      for (const [threadId, before] of [...gapChecks]) {
        if (s.stopped) return;
        if (!routes.has(s.keys.threadChannel(threadId))) {
          gapChecks.delete(threadId);
          continue;
        }
        const last = await threadLast(threadId);
        // A live publication may have settled this thread meanwhile (see onMessage).
        if (!gapChecks.has(threadId)) continue;
        gapChecks.delete(threadId);
        if (before === undefined || compareOffsets(last, before) > 0) {
          s.m.resyncs.inc();
          s.ctx.deliverLocal({ kind: 'thread', threadId }, resyncFrame(threadId));
        }
        seen(threadId, last);
      }
    } catch (err) {
      s.m.commandFailures.inc(1, { op: 'gap-check' });
      s.ctx.logger.debug('gap check failed; will retry', { error: String(err) });
    } finally {
      checking = false;
    }
  }

  async function resubscribe(): Promise<void> {
    try {
      const channels = [...routes.keys()];
      await s.link.subscribe(channels);
      for (const c of channels) if (routes.has(c)) active.add(c);
    } catch (err) {
      s.m.commandFailures.inc(1, { op: 'subscribe' });
      s.ctx.logger.debug('resubscribe failed; waiting for the next reconnect', {
        error: String(err),
      });
      return;
    }
    await runGapChecks();
  }

  s.link.onSubscriber('close', () => {
    active.clear();
    if (!wasReady) return;
    // Whatever is published from now until the subscription is back may be missed.
    for (const route of routes.values()) {
      if (route.kind !== 'thread') continue;
      if (!gapChecks.has(route.threadId))
        gapChecks.set(route.threadId, lastSeen.get(route.threadId));
    }
  });
  s.link.onSubscriber('ready', () => {
    wasReady = true;
    void resubscribe();
  });

  s.link.onMessage((channel, message) => {
    const route = routes.get(channel);
    if (route === undefined) return;
    try {
      if (route.kind === 'control') {
        control(message);
        return;
      }
      const env = openEnvelope(message);
      if (env === undefined) return;
      if (env.origin === s.self) return;
      if (route.kind === 'thread') {
        // The first publication after a possible loss: announce the gap before it, so the
        // client resumes from what it had before (duplicates are dropped by offset client-side).
        announceGap(route.threadId);
        if (env.offset !== '') seen(route.threadId, env.offset as Offset);
      }
      s.m.received.inc(1, { kind: route.kind });
      s.ctx.deliverLocal(route, env.frame);
    } catch (err) {
      s.ctx.onError(err, { stage: 'redis-message' });
    }
  });

  function control(message: string): void {
    const b = message.indexOf('|', message.indexOf('|') + 1);
    const msg = JSON.parse(message.slice(b + 1)) as ControlMessage;
    switch (msg.type) {
      case 'evict':
        s.ctx.evictLocal(msg.connectionId, msg.code);
        return;
    }
  }

  async function publish(channel: string, frame: ServerFrame): Promise<PublishOutcome> {
    try {
      const receivers = await s.link.publish(channel, envelope(s.self, frame));
      return { published: receivers - (routes.has(channel) && s.link.subReady() ? 1 : 0) > 0 };
    } catch (err) {
      s.m.commandFailures.inc(1, { op: 'publish' });
      throw err;
    }
  }

  /** Drops subscriptions of joins that never got a member (the connection went away). */
  async function dropUnclaimed(): Promise<void> {
    if (presubscribed.size === 0) return;
    const now = s.ctx.clock.now();
    const held = new Set<ThreadId>();
    for (const c of s.ctx.localConnections()) for (const t of c.threads) held.add(t);
    for (const [threadId, at] of [...presubscribed]) {
      if (now - at < UNCLAIMED_MS) continue;
      presubscribed.delete(threadId);
      if (held.has(threadId)) continue;
      const channel = s.keys.threadChannel(threadId);
      routes.delete(channel);
      active.delete(channel);
      lastSeen.delete(threadId);
      gapChecks.delete(threadId);
      if (s.link.subReady()) await s.link.unsubscribe([channel]);
    }
  }

  return {
    async joinPoint(threadId, fetchLast) {
      const channel = s.keys.threadChannel(threadId);
      const known = lastSeen.get(threadId);
      if (active.has(channel) && !gapChecks.has(threadId) && known !== undefined) return known;
      if (!routes.has(channel) && s.link.subReady()) {
        routes.set(channel, { kind: 'thread', threadId });
        presubscribed.set(threadId, s.ctx.clock.now());
        await s.link.subscribe([channel]);
        if (routes.has(channel)) active.add(channel);
      }
      const last = await fetchLast();
      seen(threadId, last);
      // A publication delivered here while the offset was read is before the join, not lost.
      return lastSeen.get(threadId) ?? last;
    },
    async join(scope) {
      const channel = channelOf(scope);
      if (scope.kind === 'thread') presubscribed.delete(scope.threadId);
      if (routes.has(channel)) return;
      routes.set(channel, scope);
      if (!s.link.subReady()) {
        // Subscribed on reconnect; what is published until then is checked for as a gap.
        if (scope.kind === 'thread' && !gapChecks.has(scope.threadId)) {
          let base: Offset | undefined;
          try {
            base = await threadLast(scope.threadId);
          } catch {
            base = undefined;
          }
          gapChecks.set(scope.threadId, base);
        }
        return;
      }
      await s.link.subscribe([channel]);
      if (routes.has(channel)) active.add(channel);
      if (scope.kind === 'thread') {
        // The baseline for gap detection: everything up to here is not this subscription's.
        try {
          seen(scope.threadId, await threadLast(scope.threadId));
        } catch {
          gapChecks.set(scope.threadId, undefined);
        }
      }
    },
    async leave(scope) {
      const channel = channelOf(scope);
      if (!routes.delete(channel)) return;
      active.delete(channel);
      if (scope.kind === 'thread') {
        lastSeen.delete(scope.threadId);
        gapChecks.delete(scope.threadId);
      }
      if (s.link.subReady()) await s.link.unsubscribe([channel]);
    },
    seen: ownPublication,
    publishToUser: (userId, frame) => publish(s.keys.userChannel(userId), frame),
    publishAll: (frame) => publish(s.keys.allChannel, frame),
    holds: (channel) => routes.has(channel) && s.link.subReady(),
    async tick() {
      await runGapChecks();
      try {
        await dropUnclaimed();
      } catch (err) {
        s.ctx.logger.debug('unsubscribe of an unclaimed thread failed', { error: String(err) });
      }
    },
  };
}
