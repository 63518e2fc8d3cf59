import type { RawClient } from './duplicate.js';

type Arg = string | number;

/** The part of a socket this trick touches (ioredis' `Redis#stream`, a `net.Socket`). */
interface Corkable {
  cork(): void;
  uncork(): void;
}

function streamOf(client: RawClient): Corkable | undefined {
  const stream = (client as { stream?: Partial<Corkable> }).stream;
  return typeof stream?.cork === 'function' && typeof stream.uncork === 'function'
    ? (stream as Corkable)
    : undefined;
}

/**
 * A command connection whose commands of one event-loop turn leave in one socket write.
 *
 * ioredis writes every command to its socket at once: a burst of 500 `PUBLISH`es is 500 `write`
 * syscalls. Here the first command of a turn corks the socket and a `process.nextTick` uncorks
 * it, after the turn's synchronous code and promise jobs have queued theirs, so Node hands them
 * to the kernel in one `writev`. Unlike ioredis' `enableAutoPipelining` (which builds a pipeline
 * object per batch and cost a paced sender, one command per turn, 40 % more CPU per command in
 * the emitter benchmark), a lone command pays one tick. Replies, order and errors are ioredis'
 * own: only the moment the bytes are written moves, within the same turn. Measured with
 * `pnpm --filter bench bench:emitter` (see bench/README.md, "Emitter"). An ioredis `Cluster` has
 * one socket per node and no `stream`: its commands go out as before.
 */
export function corkPerTurn(client: RawClient): RawClient {
  let corked: Corkable | undefined;
  const uncork = (): void => {
    const stream = corked;
    corked = undefined;
    stream?.uncork();
  };
  return {
    get status() {
      return client.status;
    },
    call(command: string, ...args: Arg[]): Promise<unknown> {
      if (corked === undefined) {
        const stream = streamOf(client);
        if (stream !== undefined) {
          stream.cork();
          corked = stream;
          process.nextTick(uncork);
        }
      }
      return client.call(command, ...args);
    },
    on: (event, listener) => client.on(event, listener),
    once: (event, listener) => client.once(event, listener),
    off: (event, listener) => client.off(event, listener),
    disconnect: (reconnect) => client.disconnect(reconnect),
    quit: () => client.quit(),
  };
}
