/**
 * Noticing a dead network: a browser cannot see protocol pings, and a network that dies silently
 * (a Wi-Fi handover, a laptop lid, a NAT that forgets the flow) leaves the socket open until TCP
 * gives up, minutes later. With figures `{ intervalMs, timeoutMs }` (the `welcome`'s `heartbeat`,
 * else the `heartbeat` option), the client sends `{"type":"ping"}` after `intervalMs` without
 * inbound traffic and gives the socket up when nothing arrived for `intervalMs + timeoutMs`.
 * One timer per connection; per message, only `seenAt` is written (in `connection.ts`).
 */
import type { WelcomeFrame } from '../frames.js';
import type { HeartbeatFigures } from '../options.js';
import type { ConnectionState } from './connectionState.js';
import { sendVolatile } from './link.js';

const isMs = (v: unknown): v is number =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 && v < 2 ** 31;

/** The figures for this connection: the server's, else the option's; undefined when off. */
function figuresOf(c: ConnectionState, welcome: WelcomeFrame): HeartbeatFigures | undefined {
  const option = c.o.options.heartbeat;
  if (option === false) return undefined;
  const h = welcome.heartbeat;
  return h !== undefined && isMs(h.intervalMs) && h.intervalMs > 0 && isMs(h.timeoutMs)
    ? h
    : option;
}

/**
 * Starts watching the current socket after its `welcome`; `dead` runs once when the deadline
 * passes with no inbound traffic. The timer is cleared by the socket's close (`liveTimer`).
 */
export function watchLiveness(
  c: ConnectionState,
  welcome: WelcomeFrame,
  dead: (reason: string) => void,
): void {
  const f = figuresOf(c, welcome);
  if (f === undefined) return;
  const { intervalMs, timeoutMs } = f;
  const { link, options } = c.o;
  const ws = link.socket;
  const check = (): void => {
    c.liveTimer = undefined;
    if (link.socket !== ws) return;
    const idle = Date.now() - c.seenAt;
    if (idle >= intervalMs + timeoutMs) {
      dead(`no traffic for ${idle} ms (heartbeat ${intervalMs} + ${timeoutMs} ms)`);
      return;
    }
    let next = intervalMs - idle;
    if (next <= 0) {
      sendVolatile(link, { type: 'ping' });
      next = intervalMs + timeoutMs - idle;
    }
    c.liveTimer = options.timers.setTimeout(check, next);
  };
  c.seenAt = Date.now();
  c.liveTimer = options.timers.setTimeout(check, intervalMs);
}
