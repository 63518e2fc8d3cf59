/** A tiny typed event emitter: listeners that throw are reported to `onListenerError`, never rethrown. */
export interface Emitter<E> {
  on<K extends keyof E>(event: K, listener: (payload: E[K]) => void): () => void;
  off<K extends keyof E>(event: K, listener: (payload: E[K]) => void): void;
  emit<K extends keyof E>(event: K, payload: E[K]): void;
  clear(): void;
}

export function createEmitter<E>(
  onListenerError: (err: unknown, event: keyof E) => void,
): Emitter<E> {
  const listeners = new Map<keyof E, Set<(payload: never) => void>>();
  const emitter: Emitter<E> = {
    on(event, listener) {
      let set = listeners.get(event);
      if (set === undefined) {
        set = new Set();
        listeners.set(event, set);
      }
      set.add(listener);
      return () => emitter.off(event, listener);
    },
    off(event, listener) {
      listeners.get(event)?.delete(listener);
    },
    emit(event, payload) {
      const set = listeners.get(event);
      if (set === undefined) return;
      for (const listener of [...set]) {
        try {
          (listener as (p: E[typeof event]) => void)(payload);
        } catch (err) {
          onListenerError(err, event);
        }
      }
    },
    clear() {
      listeners.clear();
    },
  };
  return emitter;
}
