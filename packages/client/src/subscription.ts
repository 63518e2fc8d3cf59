/** A per-thread subscription: a listener plus the membership it holds. */
export interface Subscription {
  readonly thread: string;
  /** Settles when the thread is joined (immediately when it already was). */
  readonly joined: Promise<void>;
  /** Removes the listener; leaves the thread when nothing else holds it. */
  unsubscribe(): Promise<void>;
}
