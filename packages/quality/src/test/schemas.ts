import * as v from 'valibot';
import { z } from 'zod';
import type { StandardSchemaV1 } from '@ws/core';

/** The same schemas written with one library; tests run once per library. */
export interface SchemaSet {
  readonly library: string;
  /** `{ text: string, tags?: string[] }` */
  readonly chat: StandardSchemaV1;
  /** A whole `publish` frame whose data is `chat`. */
  readonly publishFrame: StandardSchemaV1;
  /** A whole `direct` frame whose data is `{ body: string }`. */
  readonly directFrame: StandardSchemaV1;
  /** `{ level: 'info' | 'warn' }` */
  readonly ops: StandardSchemaV1;
  /** `{ n: number }` with an async check that n > 0. */
  readonly asyncPositive: StandardSchemaV1;
}

const zodChat = z.object({
  text: z.string({ error: 'text must be a string' }),
  tags: z.array(z.string({ error: 'tag must be a string' })).optional(),
});
const valibotChat = v.object({
  text: v.string('text must be a string'),
  tags: v.optional(v.array(v.string('tag must be a string'))),
});

export const schemaSets: readonly SchemaSet[] = [
  {
    library: 'zod',
    chat: zodChat,
    publishFrame: z.object({ type: z.literal('publish'), thread: z.string(), data: zodChat }),
    directFrame: z.object({
      type: z.literal('direct'),
      to: z.string(),
      data: z.object({ body: z.string({ error: 'body must be a string' }) }),
    }),
    ops: z.object({ level: z.enum(['info', 'warn'], { error: 'level must be info or warn' }) }),
    asyncPositive: z.object({ n: z.number({ error: 'n must be a number' }) }).refine(
      async (x) => {
        await new Promise((r) => setImmediate(r));
        return x.n > 0;
      },
      { message: 'n must be positive' },
    ),
  },
  {
    library: 'valibot',
    chat: valibotChat,
    publishFrame: v.object({ type: v.literal('publish'), thread: v.string(), data: valibotChat }),
    directFrame: v.object({
      type: v.literal('direct'),
      to: v.string(),
      data: v.object({ body: v.string('body must be a string') }),
    }),
    ops: v.object({ level: v.picklist(['info', 'warn'], 'level must be info or warn') }),
    asyncPositive: v.pipeAsync(
      v.object({ n: v.number('n must be a number') }),
      v.checkAsync(async (x) => {
        await new Promise((r) => setImmediate(r));
        return x.n > 0;
      }, 'n must be positive'),
    ),
  },
];
