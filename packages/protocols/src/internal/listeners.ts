/** A small listener set: `add` returns its own unsubscribe; `emit` isolates listener throws. */
export interface ListenerSet<A extends unknown[]> {
  add(listener: (...args: A) => void): () => void;
  emit(...args: A): void;
  readonly size: number;
  clear(): void;
}

/** Creates a {@link ListenerSet}; a throwing listener is reported to `onError`, not rethrown. */
export function createListenerSet<A extends unknown[]>(onError: (err: unknown) => void): ListenerSet<A> {
  const listeners = new Set<(...args: A) => void>();
  return {
    add(listener) {
      // Wrap so the same function may be added twice and removed independently.
      const entry = (...args: A): void => listener(...args);
      listeners.add(entry);
      return () => {
        listeners.delete(entry);
      };
    },
    emit(...args) {
      for (const l of [...listeners]) {
        try {
          l(...args);
        } catch (err) {
          onError(err);
        }
      }
    },
    get size() {
      return listeners.size;
    },
    clear() {
      listeners.clear();
    },
  };
}
