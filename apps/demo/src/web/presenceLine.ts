import type { ClientPresence } from '@ws/client';

/** How many names the line shows before `(+N)`. */
const SHOWN = 5;

/**
 * A thread's presence as one line: `online: alice, bob (+3)` (names sorted, each user once
 * however many tabs), or `1500 online` when the server sends counts only (a big thread).
 */
export function presenceLine(presence: ClientPresence): string {
  const { users, count, countsOnly } = presence;
  if (countsOnly || users.length === 0) return `${count} online`;
  const names = [...users].sort();
  const more = names.length - SHOWN;
  return `online: ${names.slice(0, SHOWN).join(', ')}${more > 0 ? ` (+${more})` : ''}`;
}
