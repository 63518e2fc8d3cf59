/**
 * The lost-message ledger. A connection is owed a thread message when its `join` was
 * acknowledged before the publish was sent and it is still open then (the publisher's own
 * connection included: it receives its own message). The load keeps every owed connection open
 * until it has received what it is owed (bounded wait), so an owed message that never arrived is
 * lost; one owed to a connection the server closed meanwhile is counted apart as excluded.
 */
import type { SoakClient } from './client.js';

/** The run's delivery figures. */
export interface Ledger {
  published: number;
  owed: number;
  delivered: number;
  lost: number;
  /** Owed to a connection the server closed before it arrived. */
  excluded: number;
  /** Messages received that no connection was owed (joined while the publish was in flight). */
  unowed: number;
}

/** An empty ledger. */
export function createLedger(): Ledger {
  return { published: 0, owed: 0, delivered: 0, lost: 0, excluded: 0, unowed: 0 };
}

/** Records a publish of `seq` to `members`: every open one is owed it. */
export function owe(ledger: Ledger, members: readonly SoakClient[], seq: number): void {
  ledger.published += 1;
  for (const m of members) {
    if (m.isOpen()) m.expected.add(seq);
  }
}

/** True when `client` received everything it is owed so far. */
export function settled(client: SoakClient): boolean {
  if (client.got.size < client.expected.size) return false;
  for (const s of client.expected) if (!client.got.has(s)) return false;
  return true;
}

/** Settles a client's account into the ledger (once, when it is done). */
export function tally(ledger: Ledger, client: SoakClient): void {
  for (const s of client.expected) {
    ledger.owed += 1;
    if (client.got.has(s)) ledger.delivered += 1;
    else if (client.dropped()) ledger.excluded += 1;
    else ledger.lost += 1;
  }
  for (const s of client.got) if (!client.expected.has(s)) ledger.unowed += 1;
}

/** Waits (polling, bounded by `timeoutMs`) until every client is settled or dropped. */
export async function waitSettled(
  clients: readonly SoakClient[],
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (clients.every((c) => c.dropped() || settled(c))) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}
