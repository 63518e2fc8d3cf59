import type { JsonSchema } from './openapiSchemas.js';
import { componentSchemas } from './openapiSchemas.js';
import type { Route } from './route.js';

/** The failures every route may answer, whatever it does. */
const commonFailures = Object.freeze([401, 403, 429, 503]);

/** What each failure status means (the README's table). */
function failureText(status: number): string {
  const text: Readonly<Record<number, string>> = {
    400: 'bad_request: malformed JSON, or a missing, ill-typed or unknown field (named)',
    401: 'unauthorized: no key, or a wrong one',
    403: "forbidden: the key lacks the route's scope",
    404: 'not_found: no such user online',
    413: "too_large: the body is over the manager's maxMessageBytes",
    415: 'unsupported_media_type: the body is not application/json',
    422: 'invalid_message: the payload was refused by a check, or cannot be serialized',
    429: 'rate_limited: over the per-key rate (see Retry-After)',
    502: 'cluster_error: the cluster could not be reached',
    503: 'unavailable: the server is draining or closed (see Retry-After)',
  };
  return text[status] ?? 'failure';
}

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

function json(schema: JsonSchema): JsonSchema {
  return { 'application/json': { schema } };
}

/** A route's path parameters and query parameters. */
function parameters(route: Route): JsonSchema[] {
  const names = [...route.template.matchAll(/\{([a-z]+)\}/g)].map((m) => m[1] ?? '');
  const inPath = names.map((name) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  const limit = {
    name: 'limit',
    in: 'query',
    schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
  };
  if (route.template === '/threads/{thread}/history') {
    const after = {
      name: 'after',
      in: 'query',
      schema: { type: 'string' },
      description: 'Answer the messages after this offset (default: from the oldest kept)',
    };
    return [...inPath, after, limit];
  }
  if (route.template === '/threads/{thread}/presence') {
    const cursor = {
      name: 'cursor',
      in: 'query',
      schema: { type: 'string' },
      description: 'Continue after a page: its `next` (default: from the first user)',
    };
    return [...inPath, cursor, limit];
  }
  return inPath;
}

/** A route's operation object. */
function operation(route: Route): JsonSchema {
  const failures = [...new Set([...route.doc.failures, ...commonFailures])].sort((a, b) => a - b);
  const responses: Record<string, unknown> = {
    200: { description: 'OK', content: json(ref(route.doc.answer)) },
  };
  for (const status of failures) {
    responses[status] = { description: failureText(status), content: json(ref('Error')) };
  }
  const id = route.template
    .replace(/[{}]/g, '')
    .replace(/[/.]+(.)/g, (_, c: string) => c.toUpperCase());
  return {
    operationId: `${route.method.toLowerCase()}${id.charAt(0).toUpperCase()}${id.slice(1)}`,
    summary: route.doc.summary,
    description: `Needs the \`${route.scope}\` scope.`,
    ...(parameters(route).length > 0 ? { parameters: parameters(route) } : {}),
    ...(route.doc.request === undefined
      ? {}
      : { requestBody: { required: true, content: json(ref(route.doc.request)) } }),
    responses,
  };
}

/** The OpenAPI 3.1 document of `routes`, served under `base`. */
export function openApiDocument(base: string, routes: readonly Route[]): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    paths[route.template] = {
      ...paths[route.template],
      [route.method.toLowerCase()]: operation(route),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: '@ws/http-api',
      version: '1',
      description:
        'Publish, send, broadcast, revoke and read over HTTP. Every error is `{"error": {"code", "message"}}`.',
    },
    servers: [{ url: base }],
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        ...componentSchemas(),
        OpenApi: { type: 'object', description: 'An OpenAPI 3.1 document' },
      },
    },
  };
}
