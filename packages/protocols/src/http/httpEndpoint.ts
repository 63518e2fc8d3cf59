import type { Manager, SocketLike } from '@ws/core';
import type { KeyCounter } from '../internal/ipCounter.js';
import { createKeyCounter } from '../internal/ipCounter.js';
import type { HttpConfig } from './httpConfig.js';
import type { HttpMetrics } from './httpMetrics.js';
import { createHttpMetrics } from './httpMetrics.js';
import type { TickFlusher } from './tickFlusher.js';
import { createTickFlusher } from './tickFlusher.js';

/** The state of one HTTP transport; every route handler takes this object. */
export interface HttpEndpoint {
  readonly manager: Manager;
  readonly config: HttpConfig;
  /** Streams open or waiting for `authenticate`, per client IP. */
  readonly streams: KeyCounter;
  /** Streams waiting for `authenticate` (counted against `maxConnections` too). */
  readonly handshakes: KeyCounter;
  /** POSTs in flight per client IP. */
  readonly posts: KeyCounter;
  /** The sockets of the open streams, for `close()`. */
  readonly sockets: Set<SocketLike>;
  readonly metrics: HttpMetrics;
  /** Coalesces the streams' writes of one tick (one nextTick for the whole transport). */
  readonly flusher: TickFlusher;
  /** Set by `close()`: new streams answer 503. */
  closed: boolean;
}

/** The state of a new HTTP transport on `manager`. */
export function createHttpEndpoint(manager: Manager, config: HttpConfig): HttpEndpoint {
  return {
    manager,
    config,
    streams: createKeyCounter(),
    handshakes: createKeyCounter(),
    posts: createKeyCounter(),
    sockets: new Set(),
    metrics: createHttpMetrics(manager.metrics),
    flusher: createTickFlusher(),
    closed: false,
  };
}
