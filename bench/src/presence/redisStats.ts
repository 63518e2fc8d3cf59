/**
 * What redis-server reports of itself, read from the runner over its own connection: `INFO
 * commandstats memory cpu` (calls per command, including the commands scripts run, `used_memory`,
 * and its CPU time), and the difference of two readings. The `INFO` calls themselves are left out.
 */
import { Redis } from 'ioredis';

export interface RedisReading {
  /** Calls per command name (lower case), `info` left out. */
  readonly calls: Readonly<Record<string, number>>;
  readonly usedMemory: number;
  /** used_cpu_user + used_cpu_sys, in us. */
  readonly cpuUs: number;
}

export interface RedisStats {
  read(): Promise<RedisReading>;
  /** FLUSHALL and CONFIG RESETSTAT: every run starts from an empty Redis. */
  reset(): Promise<void>;
  close(): void;
}

/** Parses the text of `INFO commandstats memory cpu`. */
export function parseInfo(text: string): RedisReading {
  const calls: Record<string, number> = {};
  let usedMemory = Number.NaN;
  let cpuS = 0;
  for (const line of text.split('\r\n')) {
    const stat = /^cmdstat_([^:]+):calls=(\d+)/.exec(line);
    if (stat) {
      if (stat[1] !== 'info') calls[stat[1]!] = Number(stat[2]);
      continue;
    }
    const [key, value] = line.split(':');
    if (key === 'used_memory') usedMemory = Number(value);
    else if (key === 'used_cpu_user' || key === 'used_cpu_sys') cpuS += Number(value);
  }
  return { calls, usedMemory, cpuUs: cpuS * 1e6 };
}

/** `after` minus `before`, per command (commands that did not move are left out). */
export function callsBetween(before: RedisReading, after: RedisReading): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [cmd, n] of Object.entries(after.calls)) {
    const d = n - (before.calls[cmd] ?? 0);
    if (d > 0) out[cmd] = d;
  }
  return out;
}

export function redisStats(port: number): RedisStats {
  const redis = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 2 });
  return {
    async read() {
      const text = (await redis.call('INFO', 'commandstats', 'memory', 'cpu')) as string;
      return parseInfo(text);
    },
    async reset() {
      await redis.flushall();
      await redis.config('RESETSTAT');
    },
    close() {
      redis.disconnect();
    },
  };
}
