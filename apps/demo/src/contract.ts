/**
 * The demo's one definition of what messages carry: the server checks its sends against it
 * (`validateSends`), the quality gates check the users' `publish` and `direct` frames against it,
 * the HTTP API checks what it is given with it, and the page's client is typed by it
 * (`import type`, so the page's bundle holds none of it).
 */
import { defineContract } from '@ws/core';
import { z } from 'zod';

/** A chat message: a text of 1-2000 characters. */
const chatMessage = z.object({ text: z.string().min(1).max(2000) });

/**
 * What `@ws/quality` posts to its operators' thread (`ops:quality`): `{ kind: 'quality:alert',
 * ...alert }` and `{ kind: 'quality:update', at, ...metrics }`.
 */
const qualityMessage = z.looseObject({ kind: z.enum(['quality:alert', 'quality:update']) });

/**
 * One glob per kind of thread (globs never overlap):
 * - `*`: a public room (`lobby`, `news`): one segment, no `:`.
 * - `dm:*:*`: a private thread of two users (`dm:<a>:<b>`, see `access.ts`).
 * - `ops:**`: the admins' threads: chat messages and `@ws/quality`'s alerts and updates.
 *
 * Direct messages are chat messages too.
 */
export const contract = defineContract({
  threads: {
    '*': chatMessage,
    'dm:*:*': chatMessage,
    'ops:**': z.union([chatMessage, qualityMessage]),
  },
  direct: chatMessage,
});

/** The contract's type, for `createClient<ChatContract>()` on the page. */
export type ChatContract = typeof contract;

/**
 * What is wrong with `data` as a chat message, or `undefined` when it is one: the HTTP API's
 * `validate` of publish, send and broadcast, so what the server sends has the shape of the users'
 * messages. Those checks are given the data, not the thread, so this is the contract's check of a
 * direct message (a chat message, which every kind of thread takes too); the manager then checks
 * a publish against its thread's glob (`validateSends`: a thread outside every glob is refused).
 */
export function chatMessageProblem(data: unknown): string | undefined {
  const check = contract.check(undefined, data);
  // zod checks synchronously: a promise here would mean an async schema crept in.
  if (check instanceof Promise) throw new Error('the demo contract must check synchronously');
  if (check.ok) return undefined;
  const problems = check.issues.map((issue) => `${issue.path}: ${issue.message}`);
  return `data must be {"text": 1-2000 characters}; ${problems.join('; ')}`;
}
