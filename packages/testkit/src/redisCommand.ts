import { connect } from 'node:net';

/** Options of {@link redisCommand}. */
export interface RedisCommandOptions {
  /** Give up (answer `undefined`) after this long. @default 500 */
  readonly timeoutMs?: number;
}

/**
 * Sends one command to the Redis on 127.0.0.1:`port` over a fresh connection and answers the
 * first line of the reply (`+PONG`, `+OK`, `-ERR ...`), or `undefined` when nothing answered in
 * time (refused, closed, silent). Enough for PING and FLUSHALL without a client library.
 */
export function redisCommand(
  port: number,
  args: readonly string[],
  options: RedisCommandOptions = {},
): Promise<string | undefined> {
  const request = `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    const done = (line: string | undefined): void => {
      socket.destroy();
      resolve(line);
    };
    socket.setTimeout(options.timeoutMs ?? 500, () => done(undefined));
    socket.once('error', () => done(undefined));
    socket.once('close', () => done(undefined));
    socket.once('connect', () => socket.write(request));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString('utf8');
      const end = reply.indexOf('\r\n');
      if (end >= 0) done(reply.slice(0, end));
    });
  });
}

/** Whether the Redis on `port` answers PING with PONG within half a second. */
export async function redisPing(port: number): Promise<boolean> {
  return (await redisCommand(port, ['PING'])) === '+PONG';
}
