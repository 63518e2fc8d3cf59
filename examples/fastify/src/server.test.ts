import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectMountedStack, startExample, waitFor } from '@ws/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer } from './server.js';
import type { ExampleServer } from './server.js';

const adminToken = 'admin-token-of-this-test';
const apiKey = 'api-key-of-this-test';
const users = new Map([
  ['alice-token', 'alice'],
  ['bob-token', 'bob'],
]);
const running: ExampleServer[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

describe('the stack on Fastify 5', () => {
  it('serves Express routes, the dashboard, /metrics and the WebSocket endpoint together', async () => {
    const server = await startServer({ port: 0, adminToken, apiKey, users });
    running.push(server);
    await expectMountedStack({
      baseUrl: server.url,
      wsUrl: `${server.url.replace('http', 'ws')}/ws`,
      adminToken,
      apiKey,
      userTokens: ['alice-token', 'bob-token'],
      ownRoute: { path: '/hello', contains: 'from fastify' },
    });
    // The clients closed: the manager forgets them (nothing stays behind in the framework).
    await waitFor(() => server.manager.getStats().connections === 0, {
      message: 'no connection left',
    });
  });

  it('starts as its README says, answers, and exits 0 on SIGTERM', async () => {
    const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
    const example = await startExample(dir);
    try {
      const res = await fetch(`${example.url}/hello`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ hello: 'from fastify' });
    } finally {
      expect(await example.stop()).toBe(0);
    }
  });
});
