import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort } from './freePort.js';

describe('freePort', () => {
  it('answers a port on 127.0.0.1 that can be listened on, never 6379', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    expect(port).not.toBe(6379);
    const srv = createServer();
    await new Promise<void>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(port, '127.0.0.1', resolve);
    });
    await new Promise<void>((resolve) => srv.close(() => resolve()));
  });
});
