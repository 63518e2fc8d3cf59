/**
 * Fuzz property over a real `attach` + `createManager` on 127.0.0.1 with real `ws` clients: an
 * attacker (user A) sends arbitrary JSON, bytes (text and binary), MessagePack, client frames
 * with hostile fields, or raw framing violations. The server never crashes, the attacker only
 * ever gets documented frames, error codes and close codes, nothing escapes as an unhandled
 * rejection or uncaught exception, and a bystander (user B) joined to its own thread keeps
 * working and receives nothing it was not sent. One server for every run.
 */
import type { WsError } from '@ws/core';
import { threadId } from '@ws/core';
import { waitFor } from '@ws/testkit';
import fc from 'fast-check';
import process from 'node:process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRawAttacker, runWsAttacker } from '../test/fuzzAttacker.js';
import type { AttackerResult } from '../test/fuzzAttacker.js';
import { attackerFrameProblem, isAllowedCloseCode, isProbe } from '../test/fuzzChecks.js';
import type { FuzzScenario } from '../test/fuzzInputs.js';
import { ATTACKER, BYSTANDER, BYSTANDER_THREAD } from '../test/fuzzActors.js';
import { fuzzScenario } from '../test/fuzzInputs.js';
import type { TestClient, TestServer } from '../test/harness.js';
import {
  connectClient,
  expectAlive,
  expectPrototypeClean,
  prototypeSnapshot,
  startServer,
} from '../test/harness.js';

/** 1,000 runs (about 6 s here); `FUZZ_RUNS` may ask for more, never fewer than 500. */
const RUNS = Math.max(500, Number(process.env.FUZZ_RUNS ?? 1000) || 1000);

describe('fuzz: arbitrary frames through a real attach + manager', () => {
  let srv: TestServer;
  let bystander: TestClient;
  let proto: string[];
  const rejections: unknown[] = [];
  const exceptions: unknown[] = [];
  const backgroundErrors: { code: string; stage: string }[] = [];
  const onRejection = (reason: unknown): void => void rejections.push(reason);
  const onException = (err: unknown): void => void exceptions.push(err);

  beforeAll(async () => {
    process.on('unhandledRejection', onRejection);
    process.on('uncaughtException', onException);
    proto = prototypeSnapshot();
    srv = await startServer({
      authorizeThread: (user, thread) => thread.startsWith(`${user}:`),
      authorizeDirect: (from, to) => from === to,
      // Attackers of consecutive runs may overlap by a moment while the server unregisters one.
      maxConnectionsPerUser: 10,
      onError: (err: WsError, info) =>
        void backgroundErrors.push({ code: err.code, stage: info.stage }),
    });
    bystander = connectClient(srv.url(`token=good-${BYSTANDER}`));
    await bystander.next('welcome');
    bystander.send({ type: 'join', thread: BYSTANDER_THREAD, id: 1 });
    await bystander.next('ack');
  });

  afterAll(async () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
    bystander.ws.close();
    await bystander.closed;
    await srv.close();
  });

  const attack = (s: FuzzScenario): Promise<AttackerResult> =>
    s.via === 'raw'
      ? runRawAttacker(srv.port, `/ws?token=good-${ATTACKER}`, s.violation)
      : runWsAttacker(srv.url(`token=good-${ATTACKER}`), s.via, s.frames);

  it(
    `${RUNS} runs: documented answers only, no crash, the bystander unharmed`,
    async () => {
      // The bystander's frames so far: welcome and the ack of its join. Count from here.
      const start = bystander.raw.length;
      let probes = 0;
      const closeCodes = new Map<number, number>();
      const answers = new Map<string, number>();
      await fc.assert(
        fc.asyncProperty(fuzzScenario, async (s) => {
          const r = await attack(s);
          closeCodes.set(r.closeCode, (closeCodes.get(r.closeCode) ?? 0) + 1);
          for (const f of r.frames) {
            const { type, code } = f as { type?: unknown; code?: unknown };
            const key = type === 'error' ? `error:${String(code)}` : String(type);
            answers.set(key, (answers.get(key) ?? 0) + 1);
          }
          expect(r.undecodable).toBe(0);
          expect(r.frames.map(attackerFrameProblem).filter((p) => p !== undefined)).toEqual([]);
          expect(isAllowedCloseCode(r.closeCode), `close code ${r.closeCode}`).toBe(true);
          if (s.via === 'raw') {
            const expected = {
              unmasked: 1002,
              rsv: 1002,
              opcode: 1002,
              oversize: 1009,
              utf8: 1007,
            };
            expect(r.closeCode).toBe(expected[s.violation.kind]);
          }
          // The bystander still works and got nothing but the probes.
          const n = ++probes;
          await srv.manager.sendToThread(threadId(BYSTANDER_THREAD), { probe: n });
          await waitFor(() => bystander.raw.length >= start + n, {
            timeoutMs: 10_000,
            intervalMs: 2,
            message: () => `probe ${n} did not reach the bystander`,
          });
          // Only the frames that arrived since the last run; earlier ones were checked then.
          const fresh = bystander.raw
            .slice(start + n - 1)
            .map((t) => JSON.parse(String(t)) as unknown);
          expect(fresh).toHaveLength(1);
          expect(isProbe(fresh[0], n), JSON.stringify(fresh[0])).toBe(true);
          expect(rejections).toEqual([]);
          expect(exceptions).toEqual([]);
        }),
        { numRuns: RUNS, endOnFailure: true },
      );
      expect(probes).toBeGreaterThanOrEqual(RUNS);
      // Nothing reached the bystander after the last probe either.
      await expectAlive(srv);
      expect(bystander.raw).toHaveLength(start + probes);
      expect(bystander.ws.readyState).toBe(bystander.ws.OPEN);
      // Every attacker is gone from the registry; only the bystander remains.
      await waitFor(() => srv.manager.getStats().connections === 1, { timeoutMs: 10_000 });
      expectPrototypeClean(proto);
      expect(backgroundErrors).toEqual([]);
      expect(rejections).toEqual([]);
      expect(exceptions).toEqual([]);
      // The property reached the server's refusals, not only the transport's closes.
      for (const code of ['bad_request', 'unknown_type', 'forbidden', 'rate_limited']) {
        expect(answers.get(`error:${code}`) ?? 0, code).toBeGreaterThan(0);
      }
      expect(answers.get('ack') ?? 0).toBeGreaterThan(0);
      expect(answers.get('message') ?? 0).toBeGreaterThan(0);
      expect(closeCodes.get(1008) ?? 0).toBeGreaterThan(0);
      console.info('fuzz: attacker close codes', Object.fromEntries(closeCodes));
      console.info('fuzz: attacker frames', Object.fromEntries(answers));
    },
    Math.max(180_000, RUNS * 30),
  );
});
