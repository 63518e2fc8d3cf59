/** Collects a client's events of one kind, in order, for a test to assert on. */
import type { Client } from '../src/client.js';
import type { ClientEvents } from '../src/events.js';

export function record<E extends keyof ClientEvents>(c: Client, event: E): ClientEvents[E][] {
  const out: ClientEvents[E][] = [];
  c.on(event, (p) => out.push(p));
  return out;
}
