import type { ClusterAdapter, Logger } from '@ws/core';
import { createMemoryCluster } from '@ws/core/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TestApi } from './test/apiServer.js';
import { startApi, testKeys } from './test/apiServer.js';

const open: TestApi[] = [];

afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
});

/** Where the failing cluster says it is: an address the API must never show. */
const secretAddress = 'redis://10.1.2.3:6379';

/** A cluster adapter whose every send and read fails, naming its (secret) address. */
function failingCluster(): ClusterAdapter {
  const inner = createMemoryCluster().adapter();
  const fail = (): never => {
    throw new Error(`connect ECONNREFUSED ${secretAddress}`);
  };
  const reject = (): Promise<never> => Promise.reject(new Error(`timeout at ${secretAddress}`));
  return {
    ...inner,
    publishToThread: fail,
    publishToUser: fail,
    publishAll: fail,
    history: reject,
    findUser: reject,
    instances: reject,
    disconnectUser: reject,
  };
}

/** A logger that keeps every line with its fields. */
function capturingLogger(lines: string[]): Logger {
  const keep =
    (level: string) =>
    (message: string, fields?: unknown): void => {
      lines.push(`${level} ${message} ${JSON.stringify(fields, errorFields)}`);
    };
  return { debug: keep('debug'), info: keep('info'), warn: keep('warn'), error: keep('error') };
}

/** Serializes errors with their message, stack and cause (JSON drops them otherwise). */
function errorFields(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    return { message: value.message, stack: value.stack, cause: value.cause };
  }
  return value;
}

describe('cluster failures', () => {
  it('answer 502 cluster_error with a fixed message; the detail goes to onError only', async () => {
    const errors: { message: string; stage: string }[] = [];
    const api = await startApi({
      manager: {
        cluster: failingCluster(),
        onError: (err, info) =>
          errors.push({ message: `${err.message} ${String(err.cause)}`, stage: info.stage }),
      },
    });
    open.push(api);
    const calls: [string, string, string | undefined][] = [
      ['POST', '/api/publish', '{"thread":"t","data":1}'],
      ['POST', '/api/send', '{"user":"u","data":1}'],
      ['POST', '/api/broadcast', '{"data":1}'],
      ['GET', '/api/threads/t/history', undefined],
    ];
    for (const [method, path, body] of calls) {
      const r = await api.call(method, path, body === undefined ? {} : { body });
      expect({ path, status: r.status, error: r.body.error }).toEqual({
        path,
        status: 502,
        error: { code: 'cluster_error', message: 'the cluster could not be reached' },
      });
      expect(JSON.stringify(r.body)).not.toContain('10.1.2.3');
    }
    // Core answers a lookup and the stats from this instance alone when the cluster fails, and reports it.
    const u = await api.call('GET', '/api/users/u');
    expect({ status: u.status, code: u.body.error?.code }).toEqual({
      status: 404,
      code: 'not_found',
    });
    expect(errors.some((e) => e.stage === 'cluster-find-user')).toBe(true);
    expect((await api.call('GET', '/api/stats')).status).toBe(200);
    // A revoke the cluster cannot pass on counts this instance's closes; core reports the rest.
    const d = await api.call('POST', '/api/disconnect', { body: '{"user":"u"}' });
    expect({ status: d.status, body: d.body }).toEqual({
      status: 200,
      body: { ok: true, closed: 0 },
    });
    expect(errors.some((e) => e.stage === 'cluster-disconnect')).toBe(true);
    const apiErrors = errors.filter((e) => e.stage === 'http-api:request');
    expect(apiErrors).toHaveLength(calls.length);
    expect(apiErrors.every((e) => e.message.includes('10.1.2.3'))).toBe(true);
  });
});

describe('secrets', () => {
  it('never shows a key in a log line, an answer or a metric', async () => {
    const lines: string[] = [];
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
      vi.spyOn(console, m).mockImplementation((...args: unknown[]) => {
        lines.push(`console.${m} ${JSON.stringify(args, errorFields)}`);
      }),
    );
    const wrongKey = 'guessed-key-abcdef0123456789';
    const api = await startApi({
      manager: { cluster: failingCluster(), logger: capturingLogger(lines) },
      api: {
        validate: {
          broadcast: () => {
            throw new Error('the check broke');
          },
        },
      },
    });
    open.push(api);
    const bodies: string[] = [];
    const calls: [string, string, { key?: string | null; body?: string }][] = [
      ['POST', '/api/publish', { body: '{"thread":"t","data":1}' }],
      ['POST', '/api/broadcast', { body: '{"data":1}' }],
      ['POST', '/api/publish', { key: testKeys.reader, body: '{"thread":"t","data":1}' }],
      ['POST', '/api/publish', { key: wrongKey, body: '{"thread":"t","data":1}' }],
      ['GET', '/api/stats', { key: wrongKey }],
      ['GET', '/api/threads/t/history', { key: testKeys.reader }],
      ['GET', '/api/nowhere', {}],
      ['POST', '/api/publish', { body: '{"thread":' }],
    ];
    const statuses: number[] = [];
    for (const [method, path, opts] of calls) {
      const r = await api.call(method, path, opts);
      statuses.push(r.status);
      bodies.push(JSON.stringify(r.body), JSON.stringify(r.headers));
    }
    expect(statuses).toEqual([502, 500, 403, 401, 401, 502, 404, 400]);
    const metrics = JSON.stringify(api.manager.metrics.snapshot());
    expect(metrics).toContain('ws_api_requests_total');
    expect(metrics).toContain('"key":"admin"');
    // The failures were logged (so the check has lines to look at), and no line holds a key.
    expect(lines.some((l) => l.includes('the check broke'))).toBe(true);
    expect(lines.some((l) => l.includes('10.1.2.3'))).toBe(true);
    for (const secret of [testKeys.admin, testKeys.reader, wrongKey]) {
      for (const text of [...lines, ...bodies, metrics]) expect(text).not.toContain(secret);
    }
    for (const spy of spies) spy.mockRestore();
  });
});
