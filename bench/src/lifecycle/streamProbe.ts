/**
 * The checks of the lifecycle benchmark, read from the runner over its own Redis connection
 * outside every measurement: the stream's length (`XLEN <keyPrefix>lifecycle`) and the length of
 * the instance's list of announced connections (`HLEN <keyPrefix>{i:<instance>}:lconns`).
 */
import { Redis } from 'ioredis';
import { lifecycleStreamDefaults } from '@ws/scaling-redis';
import { keyPrefix } from './plan.js';

export interface StreamCounts {
  readonly events: number;
  readonly announced: number;
}

export interface StreamProbe {
  /** The counts once they equal `expected` (read every 10 ms, 500 times at most), or the last read. */
  settle(instance: string, expected: StreamCounts): Promise<StreamCounts>;
  close(): void;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function streamProbe(port: number): StreamProbe {
  const redis = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 2 });
  const stream = `${keyPrefix}${lifecycleStreamDefaults.stream}`;
  return {
    async settle(instance, expected) {
      let last: StreamCounts = { events: Number.NaN, announced: Number.NaN };
      for (let attempt = 0; attempt < 500; attempt++) {
        const [events, announced] = await Promise.all([
          redis.xlen(stream),
          redis.hlen(`${keyPrefix}{i:${instance}}:lconns`),
        ]);
        last = { events, announced };
        if (events === expected.events && announced === expected.announced) break;
        await sleep(10);
      }
      return last;
    },
    close() {
      redis.disconnect();
    },
  };
}
