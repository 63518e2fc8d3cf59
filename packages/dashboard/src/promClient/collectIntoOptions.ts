import type { Manager } from '@ws/core';

/** What `collectInto` reads of a manager: its metrics registry (`manager.metrics`). */
export type MetricsHolder = Pick<Manager, 'metrics'>;

/** Options of `collectInto`. */
export interface CollectIntoOptions {
  /**
   * Which of the manager's metrics to expose, by name. Applied again by `refresh()`.
   * @default every metric of the manager (`() => true`)
   */
  readonly include?: (name: string) => boolean;
}

/** Defaults of {@link CollectIntoOptions}. */
export const collectIntoDefaults: Readonly<Required<CollectIntoOptions>> = Object.freeze({
  include: (): boolean => true,
});

/**
 * What `collectInto` returns: the names it registered, `refresh()` for metrics the manager gained
 * since, and `remove()` to take them all out again.
 */
export interface PromClientCollection {
  /** The names this collection registered in the registry, in registration order (a copy). */
  readonly metrics: readonly string[];
  /**
   * Registers the manager's metrics registered since `collectInto` or the last `refresh()` (a
   * plugin `use`d later), under the same rules, and returns their names (`[]` when none). A
   * clash throws `WsError('invalid_options')` naming it and registers none of them; after
   * `remove()` it throws `WsError('closed')`.
   */
  refresh(): string[];
  /**
   * Unregisters every metric this collection registered, leaving the registry as it was (a name
   * that now holds another metric, registered by someone else since, stays). Idempotent.
   */
  remove(): void;
}
