import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { findBinary, REDIS_INSTALL_HINT } from './findBinary.js';
import { freePort } from './freePort.js';
import { redisCommand, redisPing } from './redisCommand.js';
import type { RedisServer } from './redisServer.js';
import { createRedisServer } from './redisServer.js';

const servers: RedisServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop();
});

async function started(options?: Parameters<typeof createRedisServer>[0]): Promise<RedisServer> {
  const server = await createRedisServer(options);
  servers.push(server);
  return server;
}

const dbsize = (port: number): Promise<string | undefined> => redisCommand(port, ['DBSIZE']);

describe('createRedisServer', () => {
  it('starts on a free port, answers PING, and stop() kills it and removes its directory', async () => {
    const server = await started();
    expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
    expect(server.running).toBe(true);
    expect(await redisPing(server.port)).toBe(true);
    expect(existsSync(server.dir)).toBe(true);
    await server.stop();
    expect(server.running).toBe(false);
    expect(await redisPing(server.port)).toBe(false);
    expect(existsSync(server.dir)).toBe(false);
  });

  it('kill() is a kill -9; restart() comes back on the same port; without AOF the data is gone', async () => {
    const server = await started();
    expect(await redisCommand(server.port, ['SET', 'k', 'v'])).toBe('+OK');
    await server.kill();
    expect(server.running).toBe(false);
    expect(await redisPing(server.port)).toBe(false);
    await server.kill(); // nothing to kill: no error
    await server.start();
    expect(await redisPing(server.port)).toBe(true);
    expect(await dbsize(server.port)).toBe(':0');
    await server.restart();
    expect(server.running).toBe(true);
  });

  it('with AOF, what was acknowledged survives kill -9 and restart', async () => {
    const server = await started({ appendonly: true });
    expect(await redisCommand(server.port, ['SET', 'kept', '1'])).toBe('+OK');
    await server.restart();
    expect(await dbsize(server.port)).toBe(':1');
  });

  it('flush() empties every database', async () => {
    const server = await started();
    await redisCommand(server.port, ['SET', 'a', '1']);
    expect(await dbsize(server.port)).toBe(':1');
    await server.flush();
    expect(await dbsize(server.port)).toBe(':0');
  });

  it('can be created stopped on a given port and started later', async () => {
    const port = await freePort();
    const server = await started({ port, start: false });
    expect(server.port).toBe(port);
    expect(server.running).toBe(false);
    expect(await redisPing(port)).toBe(false);
    await server.start();
    expect(await redisPing(port)).toBe(true);
  });

  it('fails, with the process output, when redis-server cannot start', async () => {
    await expect(createRedisServer({ args: ['--no-such-option', 'x'] })).rejects.toThrow(
      /redis-server on \d+ exited at start/,
    );
  });

  it('a missing binary fails with the install command, never a skip', () => {
    expect(REDIS_INSTALL_HINT).toContain('apt-get install -y redis-server');
    expect(() => findBinary('no-such-redis-server-binary', REDIS_INSTALL_HINT)).toThrow(
      /no-such-redis-server-binary not found .*apt-get install -y redis-server/,
    );
  });
});
