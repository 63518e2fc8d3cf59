import { createManager, silentLogger } from '@ws/core';
import { optionRefusal as refusal, untouchable } from '@ws/testkit';
import { describe, expect, it } from 'vitest';
import { customGate } from './customGate.js';
import * as entry from './index.js';
import { pass } from './gate.js';
import { memoryRateLimitStore } from './memoryRateLimitStore.js';
import { quality } from './quality.js';
import { rateLimitGate } from './rateLimitGate.js';
import type { RedisScriptClient } from './redisRateLimitStore.js';
import { redisRateLimitStore } from './redisRateLimitStore.js';
import { schemaGate } from './schemaGate.js';
import { schemaSets } from './test/schemas.js';

const schemas = schemaSets[0];
if (schemas === undefined) throw new Error('no schema set');

/** Every function `@ws/quality` exports: the ones that take options are tested below. */
const takesOptions = [
  'quality',
  'schemaGate',
  'rateLimitGate',
  'customGate',
  'memoryRateLimitStore',
  'redisRateLimitStore',
];
const takesNoOptions = ['close', 'compileThreadPattern', 'pass', 'reject'];

describe('quality factories refuse unknown option keys', () => {
  it('every exported function is listed here (a new factory must get a case below)', () => {
    const exported = Object.keys(entry).filter(
      (name) => typeof (entry as Record<string, unknown>)[name] === 'function',
    );
    expect(exported.sort()).toEqual([...takesOptions, ...takesNoOptions].sort());
  });

  it('quality names the key and the nearest known one, before any manager', () => {
    const msg = refusal(() => quality({ outbund: [] } as never));
    expect(msg).toContain('`outbund` in quality options');
    expect(msg).toContain('did you mean `outbound`?');
  });

  it('quality checks the nested alert options and names their path', () => {
    const msg = refusal(() => quality({ alerts: { evaluateEveryMS: 500 } } as never));
    expect(msg).toContain('`evaluateEveryMS` in quality options.alerts;');
    expect(msg).toContain('did you mean `evaluateEveryMs`?');
    const deep = refusal(() => quality({ alerts: { rejectRate: { treshold: 0.1 } } } as never));
    expect(deep).toContain('in quality options.alerts.rejectRate;');
    expect(deep).toContain('did you mean `threshold`?');
    expect(refusal(() => quality({ alerts: { userRejects: { maxUser: 5 } } } as never))).toContain(
      'did you mean `maxUsers`?',
    );
  });

  it('schemaGate refuses a misspelt option, frame type or threads entry key', () => {
    expect(refusal(() => schemaGate({ frame: {} } as never))).toContain('did you mean `frames`?');
    const type = refusal(() => schemaGate({ frames: { pubish: schemas.publishFrame } } as never));
    expect(type).toContain('`pubish` in schemaGate options.frames;');
    expect(type).toContain('did you mean `publish`?');
    const entry = refusal(() =>
      schemaGate({ threads: [{ pattern: 'chat:*', schemas: schemas.chat }] } as never),
    );
    expect(entry).toContain('in schemaGate options.threads[0];');
    expect(entry).toContain('did you mean `schema`?');
  });

  it('rateLimitGate refuses a misspelt option or rule key', () => {
    expect(refusal(() => rateLimitGate({ perUsr: false } as never))).toContain(
      'did you mean `perUser`?',
    );
    const rule = refusal(() => rateLimitGate({ perUser: { perSecond: 1, bursts: 2 } } as never));
    expect(rule).toContain('`bursts` in rateLimitGate options.perUser;');
    expect(rule).toContain('did you mean `burst`?');
  });

  it('customGate and memoryRateLimitStore name the nearest key', () => {
    expect(refusal(() => customGate(() => pass(), { direction: ['inbound'] } as never))).toContain(
      'did you mean `directions`?',
    );
    expect(refusal(() => memoryRateLimitStore({ maxkey: 10 } as never))).toContain(
      'did you mean `maxKeys`?',
    );
  });

  it('redisRateLimitStore refuses before it touches the client', () => {
    const msg = refusal(() =>
      redisRateLimitStore({
        client: untouchable<RedisScriptClient>('client'),
        prefx: 'x:',
      } as never),
    );
    expect(msg).toContain('`prefx` in redisRateLimitStore options;');
    expect(msg).toContain('did you mean `prefix`?');
  });

  it('the valid options, `false` for turned-off parts included, still work', async () => {
    const store = memoryRateLimitStore({ maxKeys: 10 });
    const gates = [
      schemaGate({
        name: 'schema',
        frames: { publish: schemas.publishFrame },
        threads: [{ pattern: 'chat:*', schema: schemas.chat }],
        unmatchedThreads: 'pass',
        maxIssues: 2,
      }),
      rateLimitGate({ perConnection: false, perUser: { perSecond: 5, burst: 5 }, store }),
      customGate(() => undefined, { name: 'c', directions: ['inbound'] }),
    ];
    const fakeClient: RedisScriptClient = {
      eval: () => Promise.resolve([1, '1', 0]),
      evalsha: () => Promise.resolve([1, '1', 0]),
    };
    expect(refusal(() => redisRateLimitStore({ client: fakeClient, prefix: 'p:' }))).toBe(
      'accepted',
    );
    const manager = createManager({ logger: silentLogger() });
    const plugin = quality({
      inbound: gates,
      alerts: { evaluateEveryMs: 500, rejectRate: false, userRejects: { perMinute: 5 } },
      closeCode: 4000,
    });
    expect(refusal(() => manager.use(plugin))).toBe('accepted');
    expect(refusal(() => quality({ alerts: false }))).toBe('accepted');
    expect(refusal(() => quality())).toBe('accepted');
    await manager.close();
  });
});
