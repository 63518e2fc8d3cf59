import { z } from 'zod';

const requestId = z.union([z.string().max(64), z.number().int()]).optional();
const thread = z.string().min(1).max(128);
const userName = z.string().regex(/^[a-z0-9_-]{1,32}$/, 'a user name: 1-32 of a-z, 0-9, _ and -');

/** The data of every chat message: a text of 1-2000 characters. */
export const chatData = z.object({ text: z.string().min(1).max(2000) });

/**
 * What is wrong with `data` as a chat message, or `undefined` when it is one: the check of the
 * HTTP API's publish, send and broadcast (`@ws/http-api`'s `validate`), so messages from the server
 * have the same shape as the users'.
 */
export function chatDataProblem(data: unknown): string | undefined {
  const result = chatData.safeParse(data);
  if (result.success) return undefined;
  const problems = result.error.issues.map(
    (issue) => `${['data', ...issue.path.map(String)].join('.')}: ${issue.message}`,
  );
  return `data must be {"text": 1-2000 characters}; ${problems.join('; ')}`;
}

/** One schema per client frame type (inbound), for `schemaGate({ frames })`. */
export const frameSchemas = {
  join: z.object({
    type: z.literal('join'),
    thread,
    id: requestId,
    presence: z.boolean().optional(),
  }),
  leave: z.object({ type: z.literal('leave'), thread, id: requestId }),
  publish: z.object({ type: z.literal('publish'), thread, data: chatData, id: requestId }),
  direct: z.object({ type: z.literal('direct'), to: userName, data: chatData, id: requestId }),
  presence: z.object({
    type: z.literal('presence'),
    thread,
    id: requestId,
    cursor: z.string().min(1).max(512).optional(),
    limit: z.number().int().min(1).max(1000).optional(),
  }),
  resume: z.object({
    type: z.literal('resume'),
    thread,
    offset: z.string().min(1).max(64),
    id: requestId,
  }),
} as const;
