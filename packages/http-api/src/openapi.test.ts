import { Validator } from '@seriousme/openapi-schema-validator';
import { afterEach, describe, expect, it } from 'vitest';
import type { TestApi } from './test/apiServer.js';
import { startApi, testKeys } from './test/apiServer.js';

const open: TestApi[] = [];

afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
});

interface Operation {
  readonly operationId: string;
  readonly responses: Record<string, unknown>;
  readonly requestBody?: unknown;
}

describe('GET /openapi.json', () => {
  it('is an OpenAPI 3.1 document a real validator accepts, describing every route', async () => {
    const api = await startApi({ api: { path: '/api/v1' } });
    open.push(api);
    const r = await api.call('GET', '/api/v1/openapi.json', { key: testKeys.reader });
    expect(r.status).toBe(200);
    const doc = r.body as unknown as {
      openapi: string;
      servers: { url: string }[];
      paths: Record<string, Record<string, Operation>>;
    };
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers).toEqual([{ url: '/api/v1' }]);
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(routes.sort()).toEqual(
      [
        'POST /publish',
        'POST /send',
        'POST /broadcast',
        'POST /disconnect',
        'GET /users/{user}',
        'GET /threads/{thread}/history',
        'GET /threads/{thread}/presence',
        'GET /stats',
        'GET /openapi.json',
      ].sort(),
    );
    const publish = doc.paths['/publish']?.post;
    expect(Object.keys(publish?.responses ?? {}).sort()).toEqual(
      ['200', '400', '401', '403', '413', '415', '422', '429', '502', '503'].sort(),
    );
    expect(publish?.requestBody).toBeDefined();
    const ids = Object.values(doc.paths).flatMap((ops) =>
      Object.values(ops).map((o) => o.operationId),
    );
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('needs the read scope like the other reads', async () => {
    const api = await startApi({
      api: { keys: [{ name: 'pub', key: testKeys.admin, scopes: ['publish'] }] },
    });
    open.push(api);
    const r = await api.call('GET', '/api/openapi.json');
    expect({ status: r.status, code: r.body.error?.code }).toEqual({
      status: 403,
      code: 'forbidden',
    });
    const none = await api.call('GET', '/api/openapi.json', { key: null });
    expect(none.status).toBe(401);
  });
});
