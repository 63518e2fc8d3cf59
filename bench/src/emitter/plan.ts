/**
 * What the emitter benchmark sends, shared by the runner (which checks deliveries) and the
 * publisher process (which sends): who a sequence number is for, and the payload it carries.
 */

/** Whom a phase publishes to: single users (one delivery each) or threads / rooms. */
export type Target = 'users' | 'threads';

/**
 * `burst`: `batch` sends in one event-loop turn, then wait for Redis to answer them (ours: the
 * sends' results; Socket.IO's emitter answers nothing, so a PING on its connection), then the
 * next batch. `paced`: one send per timer turn, every `intervalMs`.
 */
export type Mode = 'burst' | 'paced';

/** One measured (or warm-up) phase, as the runner asks the publisher to send it. */
export interface Phase {
  readonly name: string;
  readonly target: Target;
  readonly mode: Mode;
  /** First sequence number of the phase; the phase sends `from` .. `from + count - 1`. */
  readonly from: number;
  readonly count: number;
  /** burst: sends per event-loop turn. */
  readonly batch: number;
  /** paced: ms between two sends. */
  readonly intervalMs: number;
}

/** How the clients are laid out: `users` clients `u0` .. , in `threads` threads of equal size. */
export interface Layout {
  readonly users: number;
  readonly threads: number;
}

/** The user a `users` message is for (consecutive numbers alternate between the instances). */
export function userOf(layout: Layout, seq: number): number {
  return seq % layout.users;
}

/** The thread a `threads` message is for. */
export function threadOf(layout: Layout, seq: number): number {
  return seq % layout.threads;
}

/**
 * The thread client `i` joins: contiguous blocks, so each thread has members on both instances
 * (clients alternate between them).
 */
export function memberOf(layout: Layout, i: number): number {
  return Math.floor((i * layout.threads) / layout.users);
}

export function threadName(t: number): string {
  return `t${t}`;
}

export function userName(u: number): string {
  return `u${u}`;
}

const PAD = 'x'.repeat(200);

/** Wall clock in ms with sub-ms resolution, comparable between processes of one machine. */
export function wallMs(): number {
  return performance.timeOrigin + performance.now();
}

/** The ~100-byte payload of message `seq` (`t`: when it was sent, {@link wallMs}). */
export function payloadOf(seq: number): { s: number; t: number; p: string } {
  const t = Math.round(wallMs() * 1000) / 1000;
  const base = `{"s":${seq},"t":${t},"p":""}`.length;
  return { s: seq, t, p: PAD.slice(0, Math.max(0, 100 - base)) };
}
