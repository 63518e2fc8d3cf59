/**
 * Issue 22's rule, walked over the whole public surface: every exported function that takes an
 * options object refuses a misspelt key with `invalid_options`, naming the key and the nearest
 * known one. The functions are found by type (`lib/optionFactories.ts`), so a factory added later
 * fails here until it has a row in `calls` (or, with a reason, in `notFactories`).
 */
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { FactoryId } from './lib/optionFactories.js';
import { optionFactories } from './lib/optionFactories.js';
import { publicEntries } from './lib/surface.js';

type Module = Record<string, (...args: never[]) => unknown>;
type Modules = (key: string) => Promise<Module>;

/** One misspelt call: `call(modules, bogus)` passes `bogus` where the misspelt options go. */
interface Call {
  readonly call: (m: Modules, bogus: Record<string, unknown>) => Promise<unknown>;
  /** The misspelt options (the key, or the nested path, that must be named). */
  readonly bogus: Record<string, unknown>;
  readonly key: string;
  readonly nearest: string;
}

const fn = (mod: Module, name: string): ((...args: unknown[]) => unknown) =>
  mod[name] as unknown as (...args: unknown[]) => unknown;

async function manager(m: Modules): Promise<unknown> {
  return fn(await m('@ws/core'), 'createManager')();
}

/** A value nobody may touch: the options must be refused before it is used. */
const untouchable: unknown = new Proxy(
  {},
  {
    get(_t, key) {
      throw new Error(`touched .${String(key)} before the options were checked`);
    },
  },
);

const REGISTRY_METHODS = ['registerMetric', 'getSingleMetric', 'removeSingleMetric', 'metrics'];

/** The prom-client Registry methods collectInto looks for, none of them expected to run. */
function promRegistry(): Record<string, () => never> {
  const never = (): never => {
    throw new Error('the registry was used before the options were checked');
  };
  return Object.fromEntries(REGISTRY_METHODS.map((name) => [name, never]));
}

const simple =
  (entry: string, name: string, ...before: unknown[]) =>
  async (m: Modules, bogus: Record<string, unknown>): Promise<unknown> =>
    fn(await m(entry), name)(...before, bogus);

const calls: Record<FactoryId, Call> = {
  '@ws/core#createManager': {
    call: simple('@ws/core', 'createManager'),
    bogus: { maxConection: 3 },
    key: 'maxConection',
    nearest: 'maxConnections',
  },
  '@ws/core#createJsonCodec': {
    call: simple('@ws/core', 'createJsonCodec'),
    bogus: { maxDeph: 4 },
    key: 'maxDeph',
    nearest: 'maxDepth',
  },
  '@ws/core#defineContract': {
    call: simple('@ws/core', 'defineContract'),
    bogus: { thread: {} },
    key: 'thread',
    nearest: 'threads',
  },
  '@ws/core#localCluster': {
    call: simple('@ws/core', 'localCluster'),
    bogus: { historySise: 4 },
    key: 'historySise',
    nearest: 'historySize',
  },
  '@ws/core/testing#createMemoryCluster': {
    call: simple('@ws/core/testing', 'createMemoryCluster'),
    bogus: { historyTtl: 4 },
    key: 'historyTtl',
    nearest: 'historyTtlMs',
  },
  '@ws/core/testing#createMemorySocketPair': {
    call: simple('@ws/core/testing', 'createMemorySocketPair'),
    bogus: { autoPing: false },
    key: 'autoPing',
    nearest: 'autoPong',
  },
  '@ws/protocols#createCodec': {
    call: simple('@ws/protocols', 'createCodec', 'wsm.v1.json'),
    bogus: { maxDeph: 4 },
    key: 'maxDeph',
    nearest: 'maxDepth',
  },
  '@ws/protocols#createJsonCodec': {
    call: simple('@ws/protocols', 'createJsonCodec'),
    bogus: { nam: 'x' },
    key: 'nam',
    nearest: 'name',
  },
  '@ws/protocols#createLegacyCodec': {
    call: simple('@ws/protocols', 'createLegacyCodec'),
    bogus: { clientVerson: '1' },
    key: 'clientVerson',
    nearest: 'clientVersion',
  },
  '@ws/protocols#createMsgpackCodec': {
    call: simple('@ws/protocols', 'createMsgpackCodec'),
    bogus: { maxdepth: 4 },
    key: 'maxdepth',
    nearest: 'maxDepth',
  },
  '@ws/protocols#wrapWhatwgSocket': {
    call: simple('@ws/protocols', 'wrapWhatwgSocket', untouchable),
    bogus: { textonly: true },
    key: 'textonly',
    nearest: 'textOnly',
  },
  '@ws/protocols/ws#attach': {
    call: async (m, bogus) => {
      const server = createServer();
      const options = { server, authenticate: () => null, ...bogus };
      return fn(await m('@ws/protocols/ws'), 'attach')(await manager(m), options);
    },
    bogus: { allowedOrigin: ['https://a.example'] },
    key: 'allowedOrigin',
    nearest: 'allowedOrigins',
  },
  '@ws/protocols/http#httpTransport': {
    call: async (m, bogus) => {
      const options = { authenticate: () => null, ...bogus };
      return fn(await m('@ws/protocols/http'), 'httpTransport')(await manager(m), options);
    },
    bogus: { maxFramesPerPOST: 10 },
    key: 'maxFramesPerPOST',
    nearest: 'maxFramesPerPost',
  },
  '@ws/protocols/ws#createWsAdapter': {
    call: simple('@ws/protocols/ws', 'createWsAdapter'),
    bogus: { coalesceWrite: false },
    key: 'coalesceWrite',
    nearest: 'coalesceWrites',
  },
  '@ws/heartbeat#heartbeat': {
    call: simple('@ws/heartbeat', 'heartbeat'),
    bogus: { intervalMS: 1000 },
    key: 'intervalMS',
    nearest: 'intervalMs',
  },
  '@ws/heartbeat#resolveHeartbeatOptions': {
    call: simple('@ws/heartbeat', 'resolveHeartbeatOptions'),
    bogus: { timeout: 1000 },
    key: 'timeout',
    nearest: 'timeoutMs',
  },
  '@ws/quality#quality': {
    call: simple('@ws/quality', 'quality'),
    bogus: { alerts: { rejectRate: { windowMS: 1000 } } },
    key: 'windowMS',
    nearest: 'windowMs',
  },
  '@ws/quality#schemaGate': {
    call: simple('@ws/quality', 'schemaGate'),
    bogus: { thread: [] },
    key: 'thread',
    nearest: 'threads',
  },
  '@ws/quality#rateLimitGate': {
    call: simple('@ws/quality', 'rateLimitGate'),
    bogus: { perUsr: false },
    key: 'perUsr',
    nearest: 'perUser',
  },
  '@ws/quality#customGate': {
    call: simple('@ws/quality', 'customGate', () => undefined),
    bogus: { direction: ['inbound'] },
    key: 'direction',
    nearest: 'directions',
  },
  '@ws/quality#memoryRateLimitStore': {
    call: simple('@ws/quality', 'memoryRateLimitStore'),
    bogus: { maxKey: 10 },
    key: 'maxKey',
    nearest: 'maxKeys',
  },
  '@ws/quality#redisRateLimitStore': {
    call: simple('@ws/quality', 'redisRateLimitStore'),
    bogus: { client: untouchable, prefx: 'x' },
    key: 'prefx',
    nearest: 'prefix',
  },
  '@ws/dashboard#dashboard': {
    call: simple('@ws/dashboard', 'dashboard'),
    bogus: { historySise: 10 },
    key: 'historySise',
    nearest: 'historySize',
  },
  '@ws/dashboard#createDashboard': {
    call: async (m, bogus) =>
      fn(await m('@ws/dashboard'), 'createDashboard')(await manager(m), bogus),
    bogus: { sampleIntervalMS: 1000 },
    key: 'sampleIntervalMS',
    nearest: 'sampleIntervalMs',
  },
  '@ws/dashboard#dashboardHandler': {
    call: async (m, bogus) =>
      fn(await m('@ws/dashboard'), 'dashboardHandler')(await manager(m), bogus),
    bogus: { auth: { tokn: 'a-long-enough-token-for-this' } },
    key: 'tokn',
    nearest: 'token',
  },
  '@ws/http-api#apiHandler': {
    call: async (m, bogus) =>
      fn(await m('@ws/http-api'), 'apiHandler')(await manager(m), {
        keys: [{ name: 'backend', key: 'a-long-enough-key-for-this' }],
        ...bogus,
      }),
    bogus: { requestsPerSecnd: 10 },
    key: 'requestsPerSecnd',
    nearest: 'requestsPerSecond',
  },
  '@ws/dashboard/prom-client#collectInto': {
    call: async (m, bogus) =>
      fn(await m('@ws/dashboard/prom-client'), 'collectInto')(
        promRegistry(),
        await manager(m),
        bogus,
      ),
    bogus: { includ: () => true },
    key: 'includ',
    nearest: 'include',
  },
  '@ws/scaling-redis#redisCluster': {
    call: simple('@ws/scaling-redis', 'redisCluster'),
    bogus: { redis: untouchable, keyPrefx: 'x' },
    key: 'keyPrefx',
    nearest: 'keyPrefix',
  },
  '@ws/scaling-redis#lifecycleStream': {
    call: simple('@ws/scaling-redis', 'lifecycleStream'),
    bogus: { bufferSzie: 10 },
    key: 'bufferSzie',
    nearest: 'bufferSize',
  },
  '@ws/scaling-redis#createEmitter': {
    call: simple('@ws/scaling-redis', 'createEmitter'),
    bogus: { redis: untouchable, keyPrefix: 'x', commandTimeout: 100 },
    key: 'commandTimeout',
    nearest: 'commandTimeoutMs',
  },
  '@ws/client#createClient': {
    call: simple('@ws/client', 'createClient'),
    bogus: { url: 'ws://127.0.0.1:1/ws', backoff: { maxMS: 10 } },
    key: 'maxMS',
    nearest: 'maxMs',
  },
};

/** Functions whose options parameter is not a factory's: each with the reason. */
const notFactories: Record<FactoryId, string> = {
  '@ws/client#backoffDelay':
    'a pure computation over BackoffOptions that createClient has already checked',
  '@ws/client#backoffCeiling':
    'a pure computation over BackoffOptions that createClient has already checked',
};

const entries = publicEntries();
const modules: Modules = async (key) => {
  const entry = entries.find((e) => e.key === key);
  if (entry === undefined) throw new Error(`no published entry ${key}`);
  return (await import(pathToFileURL(entry.file).href)) as Module;
};

async function refusal(row: Call): Promise<{ code?: unknown; message?: unknown } | 'accepted'> {
  try {
    await row.call(modules, row.bogus);
  } catch (err) {
    return err as { code?: unknown; message?: unknown };
  }
  return 'accepted';
}

describe('every public factory refuses unknown option keys', () => {
  it('the table covers exactly the exported functions that take options', () => {
    const found = optionFactories(entries);
    expect(found.length).toBeGreaterThanOrEqual(25);
    const listed = [...Object.keys(calls), ...Object.keys(notFactories)].sort();
    expect(listed).toEqual(found);
  });

  it.each(Object.entries(calls))('%s', async (_id, row) => {
    const err = await refusal(row);
    expect(err).not.toBe('accepted');
    expect(err).toMatchObject({ code: 'invalid_options' });
    const message = String((err as { message?: unknown }).message);
    expect(message).toContain(`\`${row.key}\``);
    expect(message).toContain(`did you mean \`${row.nearest}\`?`);
  });
});
