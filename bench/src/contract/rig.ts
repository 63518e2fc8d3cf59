/**
 * The contract benchmark's managers, in this process: `createManager({ contract })` with or
 * without `validateSends` and a thread of members on `createMemorySocketPair` sockets (sends), or
 * a manager with `quality({ contract })`, `quality({ inbound: [schemaGate(...)] })` or no plugin,
 * one publishing client and one member of the thread (frames). One operation and how to check
 * that every operation so far was answered.
 */
import type { Manager } from '@ws/core';
import { createManager, defineContract, silentLogger, threadId, userId } from '@ws/core';
import type { MemoryClient } from '@ws/core/testing';
import { createMemorySocketPair } from '@ws/core/testing';
import { quality, schemaGate } from '@ws/quality';
import { z } from 'zod';
import type { Variant } from './plan.js';
import { benchThread, maxText } from './plan.js';

/** A manager under test and its operation. */
export interface Rig {
  /** Operation `i`: a send (awaited) or a frame written by the publishing client. */
  readonly op: (i: number) => Promise<void> | undefined;
  /** Whether `count` operations since `mark()` were all answered (sends: at once). */
  readonly answered: (count: number) => boolean;
  /** Starts counting answers and failures from here. */
  readonly mark: () => void;
  /** Failures since `mark()`: refused sends, error frames, missing deliveries. */
  readonly failures: (count: number) => number;
  readonly close: () => Promise<void>;
}

/** The chat schema, and the contract of the brief (`chat:*` and direct messages). */
function chatContract(): {
  readonly schema: z.ZodType<{ text: string }>;
  readonly contract: ReturnType<typeof build>;
} {
  const schema = z.object({ text: z.string().max(maxText) });
  return { schema, contract: build(schema) };
}

function build(schema: z.ZodType<{ text: string }>) {
  return defineContract({ threads: { 'chat:*': schema }, direct: schema });
}

function baseManager(options: { readonly validateSends?: boolean }): Manager {
  const { contract } = chatContract();
  return createManager({
    contract,
    ...(options.validateSends === true ? { validateSends: true } : {}),
    inboundRate: { perSecond: 1_000_000_000, burst: 1_000_000_000 },
    authorizeThread: () => true,
    authorizeDirect: () => true,
    logger: silentLogger(),
    onError: (err, info) =>
      process.stderr.write(`contract bench onError ${info.stage}: ${err.message}\n`),
  });
}

async function member(manager: Manager, name: string): Promise<MemoryClient> {
  const pair = createMemorySocketPair();
  const id = await manager.connectUser(userId(name), pair.server);
  await manager.joinThread(id, threadId(benchThread));
  return pair.client;
}

/** Server sends to a thread of `members` connections. */
async function sendRig(variant: Variant, members: number): Promise<Rig> {
  const manager = baseManager({ validateSends: variant.id === 'send-validate' });
  const clients: MemoryClient[] = [];
  for (let i = 0; i < members; i++) clients.push(await member(manager, `m${i}`));
  const thread = threadId(benchThread);
  const data = { text: 'hi' };
  const received = (): number => clients.reduce((s, c) => s + c.received.length, 0);
  let base = 0;
  let refused = 0;
  return {
    op: async () => {
      const r = await manager.sendToThread(thread, data);
      if (!r.ok || r.delivered !== members) refused += 1;
    },
    answered: () => true,
    mark: () => {
      base = received();
      refused = 0;
    },
    failures: (count) => refused + Math.abs(count * members - (received() - base)),
    close: () => manager.close(),
  };
}

function frameManager(variant: Variant): Manager {
  const manager = baseManager({});
  const { schema, contract } = chatContract();
  if (variant.id === 'frame-contract') manager.use(quality({ contract, alerts: false }));
  if (variant.id === 'frame-schemaGate')
    manager.use(
      quality({
        inbound: [schemaGate({ threads: [{ pattern: 'chat:*', schema }] })],
        alerts: false,
      }),
    );
  return manager;
}

/**
 * A member's `publish` frames (acknowledged: each has an `id`) to a thread with one other member;
 * each frame is answered with an ack and the publisher's own copy of the message.
 */
async function frameRig(variant: Variant): Promise<Rig> {
  const manager = frameManager(variant);
  const receiver = await member(manager, 'receiver');
  // A member too (core refuses a publish to a thread not joined): it gets its own message.
  const publisher = await member(manager, 'publisher');
  const head = `{"type":"publish","thread":"${benchThread}","data":{"text":"hi"},"id":`;
  let sentFrom = 0;
  let receivedFrom = 0;
  return {
    op: (i) => {
      publisher.send(`${head}${i}}`);
      return undefined;
    },
    answered: (count) => publisher.received.length - sentFrom >= 2 * count,
    mark: () => {
      sentFrom = publisher.received.length;
      receivedFrom = receiver.received.length;
    },
    failures: (count) => {
      const answers = publisher.received.slice(sentFrom).map((p) => String(p));
      const acks = answers.filter((p) => p.startsWith('{"type":"ack"')).length;
      const delivered = receiver.received.length - receivedFrom;
      return count - acks + Math.abs(count - delivered);
    },
    close: () => manager.close(),
  };
}

export function createRig(variant: Variant, members: number): Promise<Rig> {
  return variant.kind === 'send' ? sendRig(variant, members) : frameRig(variant);
}
