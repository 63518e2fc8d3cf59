/**
 * The scenarios. Each runs against servers that are already up and returns flat figures; the
 * runner spawns fresh servers for every run and interleaves the servers (A B C A B C).
 */
import type { ServerHandle, ServerKind } from './child.js';
import type { BenchClient, ClientCounters, MessageSink } from './clients.js';
import { closeAll, connectClients, eachLimited, payload } from './clients.js';
import { latencyBuffer } from './stats.js';

export type Figures = Record<string, number>;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Gate {
  readonly promise: Promise<boolean>;
  open(): void;
}

/** A promise that resolves true when opened, false when `timeoutMs` passes first. */
function gate(timeoutMs: number): Gate {
  let open!: () => void;
  const promise = new Promise<boolean>((resolve) => {
    const t = setTimeout(() => resolve(false), timeoutMs);
    open = () => {
      clearTimeout(t);
      resolve(true);
    };
  });
  return { promise, open };
}

async function cpuStart(servers: readonly ServerHandle[]): Promise<void> {
  await Promise.all(servers.map((s) => s.cpuStart()));
}

async function cpuStop(servers: readonly ServerHandle[]): Promise<number> {
  const all = await Promise.all(servers.map((s) => s.cpuStop()));
  return all.reduce((sum, c) => sum + c.cpuUs, 0);
}

function noop(): void {}

export interface FanoutSpec {
  readonly clients: number;
  /** Paced phase: messages per second and count (latency without backlog). */
  readonly pacedRate: number;
  readonly pacedMessages: number;
  /** Burst phase: messages, and how many may be in flight (not yet delivered to everyone). */
  readonly burstMessages: number;
  readonly window: number;
}

/**
 * Fan-out: every client joins one thread; client 0 publishes, the server(s) deliver to all
 * (client 0 included). With two servers the clients alternate between them and the publisher is
 * on the first, so half the deliveries cross Redis.
 */
export async function fanout(
  kind: ServerKind,
  servers: readonly ServerHandle[],
  spec: FanoutSpec,
): Promise<Figures> {
  const n = spec.clients;
  const sink: MessageSink = { current: noop };
  const counters: ClientCounters = { errors: 0, unexpectedCloses: 0 };
  const clients = await connectClients({
    kind,
    ports: servers.map((s) => s.port),
    count: n,
    userPrefix: 'u',
    sink,
    counters,
  });
  try {
    await eachLimited(clients, 100, (c) => c.join('room'));
    if (servers.length > 1) await sleep(300);
    const pub = clients[0]!;
    const total = spec.pacedMessages + spec.burstMessages;
    const counts = new Uint32Array(total);
    let delivered = 0;
    let duplicates = 0;
    let lat = latencyBuffer(200_000);
    let onComplete: (seq: number) => void = noop;
    sink.current = (_i, seq, sentAt) => {
      if (seq < 0 || seq >= total) return;
      const c = ++counts[seq]!;
      if (c > n) {
        duplicates += 1;
        return;
      }
      delivered += 1;
      lat.add((performance.now() - sentAt) * 1000);
      if (c === n) onComplete(seq);
    };
    const perDeliveryTimeout = (deliveries: number): number => 10_000 + deliveries / 10;

    // Paced phase.
    const pacedLat = lat;
    let completed = 0;
    let g = gate(
      perDeliveryTimeout(n * spec.pacedMessages) + (spec.pacedMessages * 1000) / spec.pacedRate,
    );
    onComplete = () => {
      completed += 1;
      if (completed === spec.pacedMessages) g.open();
    };
    await cpuStart(servers);
    const interval = 1000 / spec.pacedRate;
    const start = performance.now();
    for (let k = 0; k < spec.pacedMessages; k++) {
      pub.publish('room', payload(k));
      const wait = start + (k + 1) * interval - performance.now();
      if (wait > 0) await sleep(wait);
    }
    await g.promise;
    const pacedCpu = await cpuStop(servers);
    const pacedDelivered = delivered;

    // Burst phase: keep `window` messages in flight, refill by halves.
    lat = latencyBuffer(200_000);
    const burstLat = lat;
    const base = spec.pacedMessages;
    const m = spec.burstMessages;
    let sent = 0;
    let inflight = 0;
    completed = 0;
    let lastDone = 0;
    const half = Math.max(1, spec.window >> 1);
    const refill = (): void => {
      while (inflight < spec.window && sent < m) {
        pub.publish('room', payload(base + sent));
        sent += 1;
        inflight += 1;
      }
    };
    g = gate(perDeliveryTimeout(n * m));
    onComplete = () => {
      inflight -= 1;
      completed += 1;
      lastDone = performance.now();
      if (completed === m) g.open();
      else if (inflight <= spec.window - half) refill();
    };
    await cpuStart(servers);
    const t0 = performance.now();
    refill();
    await g.promise;
    const burstCpu = await cpuStop(servers);
    const burstDelivered = delivered - pacedDelivered;
    const elapsed = (lastDone > t0 ? lastDone : performance.now()) - t0;
    await sleep(100); // late duplicates
    return {
      clients: n,
      paced_p50_ms: pacedLat.p(50) / 1000,
      paced_p99_ms: pacedLat.p(99) / 1000,
      paced_cpu_us_per_msg: pacedCpu / Math.max(1, pacedDelivered),
      burst_msgs_per_s: burstDelivered / (elapsed / 1000),
      burst_cpu_us_per_msg: burstCpu / Math.max(1, burstDelivered),
      burst_p50_ms: burstLat.p(50) / 1000,
      burst_p99_ms: burstLat.p(99) / 1000,
      lost: n * total - delivered,
      duplicates,
      errors: counters.errors + counters.unexpectedCloses,
    };
  } finally {
    closeAll(clients);
  }
}

export interface TargetedSpec {
  readonly users: number;
  readonly messages: number;
  readonly window: number;
}

/** Targeted sends: client 0 sends direct messages to random single users (never itself). */
export async function targeted(
  kind: ServerKind,
  server: ServerHandle,
  spec: TargetedSpec,
): Promise<Figures> {
  const n = spec.users;
  const sink: MessageSink = { current: noop };
  const counters: ClientCounters = { errors: 0, unexpectedCloses: 0 };
  const clients: BenchClient[] = await connectClients({
    kind,
    ports: [server.port],
    count: n,
    userPrefix: 'u',
    sink,
    counters,
  });
  try {
    const pub = clients[0]!;
    const m = spec.messages;
    const target = new Int32Array(m);
    const got = new Uint8Array(m);
    let rnd = 0x9e3779b9;
    for (let k = 0; k < m; k++) {
      rnd ^= rnd << 13;
      rnd ^= rnd >>> 17;
      rnd ^= rnd << 5;
      target[k] = 1 + ((rnd >>> 0) % (n - 1));
    }
    const lat = latencyBuffer(200_000);
    let delivered = 0;
    let misdelivered = 0;
    let duplicates = 0;
    let sent = 0;
    let inflight = 0;
    let lastDone = 0;
    const half = Math.max(1, spec.window >> 1);
    const g = gate(10_000 + m / 10);
    const refill = (): void => {
      while (inflight < spec.window && sent < m) {
        pub.direct(`u${target[sent]!}`, payload(sent));
        sent += 1;
        inflight += 1;
      }
    };
    sink.current = (i, seq, sentAt) => {
      if (seq < 0 || seq >= m) return;
      if (target[seq] !== i) {
        misdelivered += 1;
        return;
      }
      if (got[seq] === 1) {
        duplicates += 1;
        return;
      }
      got[seq] = 1;
      delivered += 1;
      inflight -= 1;
      lat.add((performance.now() - sentAt) * 1000);
      lastDone = performance.now();
      if (delivered === m) g.open();
      else if (inflight <= spec.window - half) refill();
    };
    await server.cpuStart();
    const t0 = performance.now();
    refill();
    await g.promise;
    const usage = await server.cpuStop();
    const cpu = usage.cpuUs;
    const elapsed = (lastDone > t0 ? lastDone : performance.now()) - t0;
    await sleep(100);
    return {
      users: n,
      msgs_per_s: delivered / (elapsed / 1000),
      cpu_us_per_msg: cpu / Math.max(1, delivered),
      user_us_per_msg: usage.userUs / Math.max(1, delivered),
      sys_us_per_msg: usage.systemUs / Math.max(1, delivered),
      p50_ms: lat.p(50) / 1000,
      p99_ms: lat.p(99) / 1000,
      lost: m - delivered,
      duplicates,
      misdelivered,
      errors: counters.errors + counters.unexpectedCloses,
    };
  } finally {
    closeAll(clients);
  }
}

export interface IdleSpec {
  readonly connections: number;
  /** Heartbeat measurement window in ms (0: skip the heartbeat part). */
  readonly heartbeatWindowMs: number;
  readonly heartbeatIntervalMs: number;
}

/**
 * Idle connections. Connects `connections` clients: server CPU per accepted connection. Then
 * (servers with a heartbeat command: ours and raw ws) starts the heartbeat at
 * `heartbeatIntervalMs` over the connections that are all up, lets it settle, and measures the
 * server's CPU over `heartbeatWindowMs`. Last, RSS and JS heap after GC per connection, with the
 * heartbeat on (Socket.IO: its own default heartbeat). Connecting first keeps the load
 * generator's connect burst from delaying pongs past the deadline.
 */
export async function idle(
  kind: ServerKind,
  server: ServerHandle,
  spec: IdleSpec,
): Promise<Figures> {
  const n = spec.connections;
  const sink: MessageSink = { current: noop };
  const counters: ClientCounters = { errors: 0, unexpectedCloses: 0 };
  const baseRss = await server.gcRss();
  await server.cpuStart();
  const t0 = performance.now();
  const clients = await connectClients({
    kind,
    ports: [server.port],
    count: n,
    userPrefix: 'u',
    sink,
    counters,
    concurrency: 200,
    timeoutMs: 60_000,
  });
  try {
    const connectMs = performance.now() - t0;
    const acceptCpu = (await server.cpuStop()).cpuUs;
    const figures: Figures = {
      connections: n,
      connect_s: connectMs / 1000,
      cpu_us_per_accept: acceptCpu / n,
    };
    if (spec.heartbeatWindowMs > 0 && kind !== 'sio') {
      await server.request('heartbeat', { intervalMs: spec.heartbeatIntervalMs });
      await sleep(Math.max(1500, spec.heartbeatIntervalMs * 2));
      await server.cpuStart();
      await sleep(spec.heartbeatWindowMs);
      const cpu = (await server.cpuStop()).cpuUs;
      const pings = n * (spec.heartbeatWindowMs / spec.heartbeatIntervalMs);
      figures.hb_cpu_ms_per_s = cpu / 1000 / (spec.heartbeatWindowMs / 1000);
      figures.hb_cpu_us_per_ping = cpu / pings;
      figures.hb_cpu_pct = (cpu / 1000 / spec.heartbeatWindowMs) * 100;
    } else {
      await sleep(500);
    }
    const after = await server.gcRss();
    figures.rss_kib_per_conn = (after.rss - baseRss.rss) / n / 1024;
    figures.heap_kib_per_conn = (after.heapUsed - baseRss.heapUsed) / n / 1024;
    figures.rss_mib_total = after.rss / 1024 / 1024;
    figures.dropped = clients.filter((c) => !c.isOpen()).length;
    figures.errors = counters.errors + counters.unexpectedCloses;
    return figures;
  } finally {
    closeAll(clients);
  }
}
