import type { ServerResponse } from 'node:http';
import type { Clock, TimerHandle } from '@ws/core';
import { isWsError } from '@ws/core';
import type { Dashboard } from '../dashboard.js';

/** Server-sent event streams of dashboard data, pushed on one timer. */
export interface Streams {
  /** Registers a response as a stream of one dashboard; false when at `maxStreams`. */
  add(dashboardId: string | undefined, res: ServerResponse): boolean;
  /** Pushes fresh data to every stream now (also done on every config change). */
  push(): Promise<void>;
  readonly size: number;
  /** Ends every stream and stops the timer. */
  close(): void;
}

interface Stream {
  readonly dashboardId: string | undefined;
  readonly res: ServerResponse;
}

/** Past this many unsent bytes a stream's reader is too slow and it is ended. */
const maxPendingBytes = 1 << 20;

export interface StreamsOptions {
  readonly dashboard: Dashboard;
  readonly clock: Clock;
  readonly intervalMs: number;
  readonly maxStreams: number;
  readonly onError: (err: unknown, stage: string) => void;
  readonly onCountChange: (delta: number) => void;
}

/** Creates the stream set of one handler. */
export function createStreams(options: StreamsOptions): Streams {
  const streams = new Set<Stream>();
  let timer: TimerHandle | undefined;
  let inFlight: Promise<void> | undefined;
  let closed = false;

  const remove = (stream: Stream): void => {
    if (!streams.delete(stream)) return;
    options.onCountChange(-1);
    if (streams.size === 0 && timer !== undefined) {
      options.clock.clear(timer);
      timer = undefined;
    }
  };

  const write = (stream: Stream, event: string, data: string): void => {
    if (stream.res.writableEnded || stream.res.destroyed) return remove(stream);
    if (stream.res.writableLength > maxPendingBytes) {
      stream.res.end();
      return remove(stream);
    }
    stream.res.write(`event: ${event}\ndata: ${data}\n\n`);
  };

  const pushNow = async (): Promise<void> => {
    const byDashboard = new Map<string | undefined, Stream[]>();
    for (const s of streams) {
      const list = byDashboard.get(s.dashboardId);
      if (list === undefined) byDashboard.set(s.dashboardId, [s]);
      else list.push(s);
    }
    for (const [id, list] of byDashboard) {
      try {
        const data = JSON.stringify(await options.dashboard.getDashboardData(id));
        for (const s of list) write(s, 'data', data);
      } catch (err) {
        if (isWsError(err) && err.code === 'not_found') {
          for (const s of list) {
            write(s, 'gone', JSON.stringify({ dashboard: id ?? null }));
            s.res.end();
            remove(s);
          }
        } else options.onError(err, 'stream-push');
      }
    }
  };

  const push = (): Promise<void> => {
    if (inFlight !== undefined) return inFlight;
    inFlight = pushNow().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };

  const tick = (): void => {
    push().catch((err: unknown) => {
      options.onError(err, 'stream-push');
    });
  };

  return {
    add(dashboardId, res) {
      if (closed || streams.size >= options.maxStreams) return false;
      const stream: Stream = { dashboardId, res };
      streams.add(stream);
      options.onCountChange(1);
      res.on('close', () => {
        remove(stream);
      });
      res.on('error', () => {
        remove(stream);
      });
      if (timer === undefined) timer = options.clock.setInterval(tick, options.intervalMs);
      tick();
      return true;
    },
    push,
    get size() {
      return streams.size;
    },
    close() {
      closed = true;
      for (const s of [...streams]) {
        s.res.end();
        remove(s);
      }
      if (timer !== undefined) options.clock.clear(timer);
      timer = undefined;
    },
  };
}
