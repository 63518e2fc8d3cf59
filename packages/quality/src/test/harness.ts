import type {
  ClusterAdapter,
  Connection,
  ConnectionId,
  Manager,
  ManagerOptions,
  ServerFrame,
  WsError,
} from '@ws/core';
import { createManager, silentLogger, threadId, userId } from '@ws/core';
// Test support (src/test/): the lint boundary counts it as a test, so '@ws/core/testing' is allowed.
import type { ManualClock, MemoryClient } from '@ws/core/testing';
import { createManualClock, createMemorySocketPair } from '@ws/core/testing';
import type { QualityHandle, QualityOptions } from '../quality.js';
import { quality } from '../quality.js';

/** Lets pending promises, microtasks and immediate callbacks run (bounded). */
export async function flush(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** One test client: its socket end and its connection id. */
export interface TestClient {
  readonly id: ConnectionId;
  readonly client: MemoryClient;
  /** The connection as plugins see it. */
  readonly view: Connection;
  /** Frames received after `welcome`. */
  frames(): ServerFrame[];
  /** Sends a frame, then flushes. */
  send(frame: unknown): Promise<void>;
}

/** A real manager with the quality plugin, a manual clock and recorded errors. */
export interface Harness {
  readonly manager: Manager;
  readonly q: QualityHandle;
  readonly clock: ManualClock;
  readonly errors: { readonly error: WsError; readonly stage: string }[];
  connect(user: string, threads?: readonly string[]): Promise<TestClient>;
  close(): Promise<void>;
}

/** Builds a manager (authorizers allow everything) with `quality(options)` installed. */
export async function harness(
  options: QualityOptions,
  managerOptions: ManagerOptions & { cluster?: ClusterAdapter } = {},
): Promise<Harness> {
  const clock = (managerOptions.clock as ManualClock | undefined) ?? createManualClock();
  const errors: { error: WsError; stage: string }[] = [];
  const manager = createManager({
    logger: silentLogger(),
    authorizeThread: () => true,
    authorizeDirect: () => true,
    onError: (error, info) => errors.push({ error, stage: info.stage }),
    ...managerOptions,
    clock,
  });
  const views = new Map<ConnectionId, Connection>();
  manager.on('connection', (c) => views.set(c.id, c));
  const q = manager.use(quality(options));
  await flush(1);
  return {
    manager,
    q,
    clock,
    errors,
    async connect(user, threads = []) {
      const pair = createMemorySocketPair();
      const id = await manager.connectUser(userId(user), pair.server);
      for (const t of threads) await manager.joinThread(id, threadId(t));
      const view = views.get(id);
      if (view === undefined) throw new Error(`no connection event for ${id}`);
      const c: TestClient = {
        id,
        view,
        client: pair.client,
        frames: () => pair.client.frames().filter((f) => f.type !== 'welcome'),
        async send(frame) {
          pair.client.sendFrame(frame);
          await flush();
        },
      };
      return c;
    },
    close: () => manager.close(),
  };
}
