/** JSON Schema (2020-12, as OpenAPI 3.1 uses it) of the API's bodies and answers. */
export type JsonSchema = Readonly<Record<string, unknown>>;

const integer = { type: 'integer', minimum: 0 } as const;

const threadId = {
  type: 'string',
  pattern: '^[A-Za-z0-9:_\\-.@]{1,128}$',
  description: 'A thread id: 1-128 of A-Za-z0-9 : _ - . @',
} as const;

const userId = {
  type: 'string',
  minLength: 1,
  maxLength: 256,
  description: 'A user id',
} as const;

const offset = { type: 'string', description: 'A thread offset, as the API answered it' } as const;

const anyData = { description: 'Any JSON value (the message payload)' } as const;

function object(properties: Record<string, unknown>, required: readonly string[]): JsonSchema {
  return { type: 'object', additionalProperties: false, properties, required };
}

/** The request bodies, by schema name. */
function requestSchemas(): Record<string, JsonSchema> {
  return {
    PublishRequest: object({ thread: threadId, data: anyData }, ['thread', 'data']),
    SendRequest: object({ user: userId, data: anyData }, ['user', 'data']),
    BroadcastRequest: object({ data: anyData }, ['data']),
    DisconnectRequest: object(
      {
        user: userId,
        code: {
          description: 'The close code: 4000-4099, or 4103 (revoked, the default)',
          oneOf: [
            { type: 'integer', minimum: 4000, maximum: 4099 },
            { type: 'integer', const: 4103 },
          ],
        },
        reason: { type: 'string', description: 'At most 123 bytes' },
      },
      ['user'],
    ),
  };
}

/** The answers, by schema name. */
function answerSchemas(): Record<string, JsonSchema> {
  const error = object({ code: { type: 'string' }, message: { type: 'string' } }, [
    'code',
    'message',
  ]);
  return {
    Error: object({ error }, ['error']),
    SendResult: object(
      {
        ok: { type: 'boolean' },
        delivered: { ...integer, description: 'Connections of this instance written to' },
        published: { type: 'boolean', description: 'Handed to the other instances' },
        dropped: {
          type: 'object',
          additionalProperties: integer,
          description: 'Deliveries that did not happen, by cause',
        },
        offset: { ...offset, description: "The message's thread offset (publish only)" },
        error,
      },
      ['ok', 'delivered', 'published', 'dropped'],
    ),
    Disconnected: object({ ok: { const: true }, closed: integer }, ['ok', 'closed']),
    UserPresence: object(
      {
        userId,
        connections: {
          type: 'array',
          items: object({ connectionId: { type: 'string' }, instanceId: { type: 'string' } }, [
            'connectionId',
            'instanceId',
          ]),
        },
      },
      ['userId', 'connections'],
    ),
    HistoryPage: object(
      {
        messages: {
          type: 'array',
          items: object({ offset, from: { type: ['string', 'null'] }, data: anyData }, [
            'offset',
            'from',
            'data',
          ]),
        },
        next: { type: ['string', 'null'], description: 'The `after` of the next page' },
        recovered: { type: 'boolean', description: 'False when the page had to skip ahead' },
      },
      ['messages', 'next', 'recovered'],
    ),
    ThreadPresence: object(
      {
        count: { ...integer, description: 'Users in the thread (all pages)' },
        users: {
          type: 'array',
          items: object({ userId, connections: integer }, ['userId', 'connections']),
        },
        next: { type: ['string', 'null'], description: 'The `cursor` of the next page' },
      },
      ['count', 'users', 'next'],
    ),
    ClusterStats: {
      type: 'object',
      properties: {
        instances: { type: 'array', items: { type: 'object' } },
        connections: integer,
        users: integer,
        health: {
          type: 'object',
          properties: { status: { enum: ['ready', 'degraded', 'down'] } },
          required: ['status'],
        },
      },
      required: ['instances', 'connections', 'users', 'health'],
    },
  };
}

/** Every named schema of the document's `components.schemas`. */
export function componentSchemas(): Record<string, JsonSchema> {
  return { ...requestSchemas(), ...answerSchemas() };
}
