import type { ThreadId } from './ids.js';
import type { OptionKeys } from './optionKeys.js';

/** Options of the in-memory cluster state (history and sessions). */
export interface MemoryHubOptions {
  /**
   * Messages kept per thread for `resume`.
   * @default 256
   */
  readonly historySize?: number;
  /**
   * How long a kept message stays recoverable, in ms.
   * @default 600000 (10 minutes)
   */
  readonly historyTtlMs?: number;
  /**
   * Threads whose history is kept; the least recently published are forgotten past this.
   * @default 10000
   */
  readonly maxHistoryThreads?: number;
  /**
   * Which threads keep history.
   * @default () => true
   */
  readonly keepHistory?: (threadId: ThreadId) => boolean;
  /**
   * Sessions kept at most; the oldest are forgotten past this.
   * @default 100000
   */
  readonly maxSessions?: number;
}

/** Defaults of {@link MemoryHubOptions}. */
export const memoryHubDefaults = {
  historySize: 256,
  historyTtlMs: 600_000,
  maxHistoryThreads: 10_000,
  maxSessions: 100_000,
} as const;

/** Every key of {@link MemoryHubOptions}. */
export const memoryHubOptionKeys = {
  historySize: true,
  historyTtlMs: true,
  maxHistoryThreads: true,
  keepHistory: true,
  maxSessions: true,
} as const satisfies OptionKeys<MemoryHubOptions>;

/** Options of one instance's adapter on a hub. */
export interface MemoryAdapterOptions {
  /**
   * URL advertised in `instances()` (used in `reconnect` hints by peers).
   * @default undefined
   */
  readonly publicUrl?: string;
}

/** Every key of {@link MemoryAdapterOptions}. */
export const memoryAdapterOptionKeys = {
  publicUrl: true,
} as const satisfies OptionKeys<MemoryAdapterOptions>;
