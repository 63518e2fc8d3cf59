import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createManager } from '@ws/core';
import { dashboardHandler } from '@ws/dashboard';
import { describe, expect, it } from 'vitest';
import { createRoutes } from './http.js';
import { createTokenService } from './token.js';

describe('/readyz', () => {
  it('answers 503 while the instance drains, 200 before', async () => {
    const manager = createManager();
    const dashboard = dashboardHandler(manager, { auth: { token: 'readyz-test-admin-token' } });
    const state = { draining: false };
    const server = createServer(
      createRoutes({
        manager,
        dashboard,
        tokens: createTokenService({ secret: 's' }),
        script: '',
        isDraining: () => state.draining,
        onError: () => undefined,
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/readyz`;
    try {
      expect((await fetch(url)).status).toBe(200);
      state.draining = true;
      const res = await fetch(url);
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ status: 'not ready', state: 'draining' });
      // /healthz stays live while draining.
      expect((await fetch(url.replace('readyz', 'healthz'))).status).toBe(200);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      dashboard.close();
      await manager.close();
    }
  });
});
