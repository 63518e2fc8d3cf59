import type {
  ConnectionId,
  ConnectOptions,
  Manager,
  ManagerOptions,
  ServerFrame,
} from '../index.js';
import { createManager, silentLogger, userId as asUserId } from '../index.js';
import type { MemoryClient, MemorySocketOptions } from '../testing/memorySocket.js';
import { createMemorySocketPair } from '../testing/memorySocket.js';

/** Lets queued microtasks and one macrotask turn run (cluster relays, close events, async dispatch). */
export async function flush(turns = 3): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** A connected test client. */
export interface TestConn {
  readonly id: ConnectionId;
  readonly client: MemoryClient;
  /** Frames received after `welcome`. */
  after(): ServerFrame[];
  welcome(): Extract<ServerFrame, { type: 'welcome' }>;
}

/** A manager with test defaults (silent logger, allow-all authorization unless given). */
export function testManager(options: ManagerOptions = {}): Manager & {
  connect(user: string, connect?: ConnectOptions, socket?: MemorySocketOptions): Promise<TestConn>;
} {
  const manager = createManager({
    logger: silentLogger(),
    authorizeThread: () => true,
    authorizeDirect: () => true,
    ...options,
  });
  return Object.assign(manager, {
    async connect(
      user: string,
      connect: ConnectOptions = {},
      socket: MemorySocketOptions = {},
    ): Promise<TestConn> {
      const pair = createMemorySocketPair(socket);
      const id = await manager.connectUser(asUserId(user), pair.server, connect);
      const client = pair.client;
      return {
        id,
        client,
        after: () => client.frames().slice(1),
        welcome: () => client.frames()[0] as Extract<ServerFrame, { type: 'welcome' }>,
      };
    },
  });
}
