/**
 * The emitter benchmark's publisher: a process with no sockets that publishes through Redis to
 * the instances, as a job worker would. BENCH_EMITTER_KIND `ours`: `createEmitter` from
 * `@ws/scaling-redis` (thread messages appended to history with an offset, as an instance's);
 * `sio`: `@socket.io/redis-emitter` (`emitter.to(room).emit(...)`, fire and forget); `raw`: a bare
 * ioredis `PUBLISH` to the raw ws servers' relay channel. Same control
 * channel as the servers (`cpu-start` / `cpu-stop` measure this process), plus `send` (one
 * phase, answered once every send of it went out and Redis answered).
 */
import { Redis } from 'ioredis';
import { envNumber, serveControl } from '../servers/control.js';
import type { Command } from '../servers/control.js';
import type { Layout, Phase } from './plan.js';
import { payloadOf, threadName, threadOf, userName, userOf } from './plan.js';

/** One send, and how to wait until Redis has answered every send before it. */
interface Sender {
  send(phase: Phase, seq: number): void;
  /** Resolves once every send so far was answered; the counts of failed / unheard sends. */
  flush(): Promise<{ failed: number; unheard: number; firstError?: string }>;
  close(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function oursSender(redis: Redis, keyPrefix: string, layout: Layout): Promise<Sender> {
  const { createEmitter } = await import('@ws/scaling-redis');
  const emitter = createEmitter({ redis, keyPrefix, commandTimeoutMs: 5000 });
  let pending: Promise<{ published: boolean; error?: { message: string } }>[] = [];
  return {
    send(phase, seq) {
      const data = payloadOf(seq);
      pending.push(
        phase.target === 'users'
          ? emitter.sendToUser(userName(userOf(layout, seq)), data)
          : emitter.sendToThread(threadName(threadOf(layout, seq)), data),
      );
    },
    async flush() {
      const results = await Promise.all(pending);
      pending = [];
      let failed = 0;
      let unheard = 0;
      let firstError: string | undefined;
      for (const r of results) {
        if (r.error) {
          failed += 1;
          firstError ??= r.error.message;
        } else if (!r.published) unheard += 1;
      }
      return { failed, unheard, ...(firstError === undefined ? {} : { firstError }) };
    },
    close: () => emitter.close(),
  };
}

async function sioSender(redis: Redis, keyPrefix: string, layout: Layout): Promise<Sender> {
  const { Emitter } = await import('@socket.io/redis-emitter');
  const emitter = new Emitter(redis, { key: keyPrefix });
  return {
    send(phase, seq) {
      const data = payloadOf(seq);
      const room =
        phase.target === 'users'
          ? `user:${userName(userOf(layout, seq))}`
          : threadName(threadOf(layout, seq));
      emitter.to(room).emit('message', { from: null, data });
    },
    async flush() {
      // Its publishes answer nothing; Redis answers in order, so this PING comes back after them.
      await redis.ping();
      return { failed: 0, unheard: 0 };
    },
    close: async () => {},
  };
}

/**
 * The bare baseline: one fire-and-forget `PUBLISH` per send on the raw ws servers' one relay
 * channel (no history, no offset, no checks), the frame built with one `JSON.stringify`.
 */
function rawSender(redis: Redis, keyPrefix: string, layout: Layout): Sender {
  const channel = `${keyPrefix}:relay`;
  return {
    send(phase, seq) {
      const data = payloadOf(seq);
      if (phase.target === 'users') {
        const frame = JSON.stringify({ type: 'message', from: null, data });
        void redis.publish(channel, `emitter\n@${userName(userOf(layout, seq))}\n${frame}`);
      } else {
        const thread = threadName(threadOf(layout, seq));
        const frame = JSON.stringify({ type: 'message', thread, from: null, data });
        void redis.publish(channel, `emitter\n${thread}\n${frame}`);
      }
    },
    async flush() {
      // Redis answers in order: this PING comes back after every publish before it.
      await redis.ping();
      return { failed: 0, unheard: 0 };
    },
    close: async () => {},
  };
}

async function runPhase(sender: Sender, phase: Phase): Promise<Record<string, unknown>> {
  let failed = 0;
  let unheard = 0;
  let firstError: string | undefined;
  const flush = async (): Promise<void> => {
    const r = await sender.flush();
    failed += r.failed;
    unheard += r.unheard;
    firstError ??= r.firstError;
  };
  const end = phase.from + phase.count;
  if (phase.mode === 'burst') {
    for (let seq = phase.from; seq < end;) {
      const stop = Math.min(end, seq + phase.batch);
      for (; seq < stop; seq++) sender.send(phase, seq);
      await flush();
    }
  } else {
    const start = performance.now();
    for (let k = 0; k < phase.count; k++) {
      sender.send(phase, phase.from + k);
      const wait = start + (k + 1) * phase.intervalMs - performance.now();
      // Always yield one timer turn, so no two sends share an event-loop turn.
      await sleep(Math.max(0, wait));
    }
    await flush();
  }
  return {
    sent: phase.count,
    failed,
    unheard,
    ...(firstError === undefined ? {} : { firstError }),
  };
}

async function main(): Promise<void> {
  const kind = process.env.BENCH_EMITTER_KIND;
  const redisPort = envNumber('BENCH_REDIS_PORT', 0);
  const keyPrefix = process.env.BENCH_KEY_PREFIX ?? 'bench';
  const layout: Layout = {
    users: envNumber('BENCH_USERS', 1000),
    threads: envNumber('BENCH_THREADS', 10),
  };
  if (redisPort <= 0) throw new Error('BENCH_REDIS_PORT is not set');
  const redis = new Redis({ host: '127.0.0.1', port: redisPort });
  await redis.ping();
  const sender =
    kind === 'ours'
      ? await oursSender(redis, keyPrefix, layout)
      : kind === 'sio'
        ? await sioSender(redis, keyPrefix, layout)
        : kind === 'raw'
          ? rawSender(redis, keyPrefix, layout)
          : undefined;
  if (!sender) throw new Error(`BENCH_EMITTER_KIND must be ours, raw or sio, not ${String(kind)}`);
  let busy = false;
  serveControl(
    0,
    async () => {
      await sender.close();
      redis.disconnect();
    },
    {
      send: async (command: Command) => {
        if (busy) throw new Error('a phase is already being sent');
        busy = true;
        try {
          return await runPhase(sender, command.phase as Phase);
        } finally {
          busy = false;
        }
      },
    },
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`emitter publisher failed: ${String(err)}\n`);
  process.exit(1);
});
