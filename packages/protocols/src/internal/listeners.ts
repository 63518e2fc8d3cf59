/** One listener of a socket event. */
export type Listener<A extends unknown[]> = (...args: A) => void;

/**
 * The listeners of one event, kept as a plain field of their owner: none, one function, or (two
 * and more) a copy-on-write array. An owner with one listener per event (core's case) costs no
 * object beyond the function itself.
 */
export type Listeners<A extends unknown[]> = Listener<A> | readonly Listener<A>[] | undefined;

/** The listener type of a {@link Listeners} field. */
type ListenerOf<L> = Extract<L, (...args: never[]) => void>;

function holds<A extends unknown[]>(list: Listeners<A>, listener: Listener<A>): boolean {
  return list === listener || (typeof list === 'object' && list.includes(listener));
}

function without<A extends unknown[]>(list: Listeners<A>, entry: Listener<A>): Listeners<A> {
  if (list === entry) return undefined;
  if (typeof list !== 'object') return list;
  const i = list.indexOf(entry);
  if (i < 0) return list;
  if (list.length === 2) return list[1 - i];
  return [...list.slice(0, i), ...list.slice(i + 1)];
}

/**
 * Adds `listener` to `owner[key]`; returns its own unsubscribe. Copy-on-write: an emit in progress
 * keeps the list it started with, so a listener added or removed meanwhile counts from the next
 * emit. The same function may be added twice and removed independently (a second add of a
 * function already present is wrapped, so each add has its own identity).
 */
export function addListener<O extends { [P in K]: Listeners<never> }, K extends keyof O>(
  owner: O,
  key: K,
  listener: ListenerOf<O[K]>,
): () => void {
  const field = owner as unknown as Record<K, Listeners<unknown[]>>;
  const entry = listener as unknown as Listener<unknown[]>;
  const current: Listeners<unknown[]> = field[key];
  const added: Listener<unknown[]> = holds(current, entry)
    ? (...args: unknown[]): void => entry(...args)
    : entry;
  field[key] =
    current === undefined
      ? added
      : typeof current === 'object'
        ? [...current, added]
        : [current, added];
  return unsubscriber(field, key, added);
}

/**
 * Where {@link addListenerFirst} keeps one event on its owner: `owner[key]` holds the listeners,
 * `owner[firstKey]` the first add's listener, and `removeFirst` (bound to the owner) unsubscribes
 * that add. One constant per event, so an add passes no new object.
 */
export interface FirstListenerSlot<O, K extends keyof O, F extends keyof O> {
  readonly key: K;
  readonly firstKey: F;
  /** Must call {@link removeFirstListener} with this slot. */
  readonly removeFirst: (this: O) => void;
}

/**
 * Like {@link addListener}, for owners that usually keep one listener per event for their whole
 * life (core's case): the first add of the event is unsubscribed by `slot.removeFirst` bound to
 * the owner (a bound function, no closure context), and `owner[slot.firstKey]` remembers that
 * add's listener (undefined before it, null once it is removed: the bound function works once,
 * for that add only). Later adds, or an add while listeners are present, take
 * {@link addListener}'s path.
 */
export function addListenerFirst<
  O extends { [P in K]: Listeners<never> } & { [P in F]: unknown },
  K extends keyof O,
  F extends keyof O,
>(owner: O, slot: FirstListenerSlot<O, K, F>, listener: ListenerOf<O[K]>): () => void {
  const key = slot.key;
  const firstKey = slot.firstKey;
  const lists = owner as unknown as Record<K, Listeners<unknown[]>>;
  const firsts = owner as unknown as Record<F, Listener<unknown[]> | null | undefined>;
  if (firsts[firstKey] !== undefined || lists[key] !== undefined) {
    return addListener(owner, key, listener);
  }
  const entry = listener as unknown as Listener<unknown[]>;
  firsts[firstKey] = entry;
  lists[key] = entry;
  return slot.removeFirst.bind(owner);
}

/** Removes the first add's listener of {@link addListenerFirst}, once. */
export function removeFirstListener<
  O extends { [P in K]: Listeners<never> } & { [P in F]: unknown },
  K extends keyof O,
  F extends keyof O,
>(owner: O, slot: Omit<FirstListenerSlot<O, K, F>, 'removeFirst'>): void {
  const lists = owner as unknown as Record<K, Listeners<unknown[]>>;
  const firsts = owner as unknown as Record<F, Listener<unknown[]> | null | undefined>;
  const entry = firsts[slot.firstKey];
  if (entry === undefined || entry === null) return;
  firsts[slot.firstKey] = null;
  lists[slot.key] = without(lists[slot.key], entry);
}

/** The unsubscribe of one add (a function of its own: its closure holds these three only). */
function unsubscriber<K extends PropertyKey, A extends unknown[]>(
  owner: Record<K, Listeners<A>>,
  key: K,
  entry: Listener<A>,
): () => void {
  let added: Listener<A> | undefined = entry;
  return () => {
    if (added === undefined) return;
    owner[key] = without(owner[key], added);
    added = undefined;
  };
}

/** Calls every listener of `list` with `args`; a throwing listener is reported to `onError`, not rethrown. */
export function emitListeners<A extends unknown[]>(
  list: Listeners<A>,
  onError: (err: unknown) => void,
  ...args: A
): void {
  if (list === undefined) return;
  if (typeof list === 'function') {
    try {
      list(...args);
    } catch (err) {
      onError(err);
    }
    return;
  }
  for (let i = 0; i < list.length; i++) {
    try {
      (list[i] as Listener<A>)(...args);
    } catch (err) {
      onError(err);
    }
  }
}

/**
 * A close listener added after the close: called on a microtask (as a real close event would
 * arrive after the call) unless unsubscribed before.
 */
export function lateCloseListener(
  closeInfo: readonly [number, string],
  listener: (code: number, reason: string) => void,
): () => void {
  const [code, reason] = closeInfo;
  let active = true;
  queueMicrotask(() => {
    if (active) listener(code, reason);
  });
  return () => {
    active = false;
  };
}
