/**
 * The baseline's adapter: a cluster adapter with its presence members left out, so core keeps no
 * presence (`hasPresence` is false) and a join does everything else it does with presence.
 */
import type { ClusterAdapter } from '@ws/core';

const presenceMembers = new Set(['presenceJoin', 'presenceLeave', 'presence', 'presenceCount']);

export function withoutPresence(adapter: ClusterAdapter): ClusterAdapter {
  const kept = Object.entries(adapter).filter(([key]) => !presenceMembers.has(key));
  return Object.fromEntries(kept) as unknown as ClusterAdapter;
}
