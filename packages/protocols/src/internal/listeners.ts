/** A small listener set: `add` returns its own unsubscribe; `emit` isolates listener throws. */
export interface ListenerSet<A extends unknown[]> {
  add(listener: (...args: A) => void): () => void;
  emit(...args: A): void;
  readonly size: number;
  clear(): void;
}

/**
 * Creates a {@link ListenerSet}; a throwing listener is reported to `onError`, not rethrown.
 *
 * The listeners live in a copy-on-write array: `emit` (once per inbound frame) iterates the
 * current array without copying it, and a listener added or removed during an emit takes effect
 * from the next one. The object has data properties only (`size` is kept current), because a
 * getter on an object literal puts it in V8's slow dictionary mode (about 0.8 KiB per set).
 */
export function createListenerSet<A extends unknown[]>(
  onError: (err: unknown) => void,
): ListenerSet<A> {
  let listeners: readonly ((...args: A) => void)[] = [];
  const set = {
    size: 0,
    add(listener: (...args: A) => void): () => void {
      // Wrap so the same function may be added twice and removed independently.
      const entry = (...args: A): void => listener(...args);
      listeners = [...listeners, entry];
      set.size = listeners.length;
      return () => {
        const i = listeners.indexOf(entry);
        if (i < 0) return;
        listeners = [...listeners.slice(0, i), ...listeners.slice(i + 1)];
        set.size = listeners.length;
      };
    },
    emit(...args: A): void {
      const current = listeners;
      for (let i = 0; i < current.length; i++) {
        try {
          (current[i] as (...args: A) => void)(...args);
        } catch (err) {
          onError(err);
        }
      }
    },
    clear(): void {
      listeners = [];
      set.size = 0;
    },
  };
  return set;
}

/**
 * Adds a close listener; when the socket already closed (`closeInfo` set), the listener is
 * called on a microtask instead, as a real close event would arrive after the call.
 */
export function addCloseListener(
  closes: ListenerSet<[number, string]>,
  closeInfo: readonly [number, string] | undefined,
  listener: (code: number, reason: string) => void,
): () => void {
  if (closeInfo === undefined) return closes.add(listener);
  const [code, reason] = closeInfo;
  let active = true;
  queueMicrotask(() => {
    if (active) listener(code, reason);
  });
  return () => {
    active = false;
  };
}
