/**
 * The runner's HTTP load: paced `POST`s over one keep-alive `http.Agent` to 127.0.0.1, each body
 * `{"thread", "data"}` with `data` stamped at the request's start ({@link stamped}). Per phase:
 * the round trip of every request (start to the answer's end), the answers with another status
 * than the expected one, and the requests that failed.
 */
import { Agent, request } from 'node:http';
import { latencyBuffer } from '../stats.js';
import { monoUs, stamped } from './clock.js';
import { pace } from './pace.js';
import type { PaceResult } from './pace.js';
import { apiKey, benchThread } from './plan.js';

export interface LoadPhase {
  readonly path: string;
  /** The status every answer should have (200 for publish, 204 for the bare route). */
  readonly status: number;
  /** Sequence number of the first request. */
  readonly from: number;
  readonly count: number;
  readonly perSecond: number;
  readonly deadlineMs: number;
}

export interface LoadResult extends PaceResult {
  readonly answered: number;
  /** Answers with another status than {@link LoadPhase.status}. */
  readonly unexpected: number;
  /** Requests that got no answer (socket error, or none by the end of the phase's wait). */
  readonly failed: number;
  readonly rttP50Us: number;
  readonly rttP99Us: number;
  /** The first unexpected answer (status and body) or error, for the log. */
  readonly firstProblem?: string;
}

export interface HttpLoad {
  run(phase: LoadPhase): Promise<LoadResult>;
  close(): void;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A load generator against `127.0.0.1:port`; waits at most `drainMs` for answers after a phase. */
export function createHttpLoad(port: number, drainMs = 5000): HttpLoad {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  return {
    async run(phase) {
      const rtt = latencyBuffer(Math.max(1, phase.count));
      let inFlight = 0;
      let answered = 0;
      let unexpected = 0;
      let failed = 0;
      let firstProblem: string | undefined;
      const send = (k: number): void => {
        const data = stamped(phase.from + k);
        const body = JSON.stringify({ thread: benchThread, data });
        // The round trip starts where the message's delivery latency starts: at its stamp.
        const startUs = data.t;
        inFlight += 1;
        const req = request(
          {
            agent,
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: phase.path,
            headers: {
              authorization: `Bearer ${apiKey}`,
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(body),
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              rtt.add(monoUs() - startUs);
              inFlight -= 1;
              answered += 1;
              if (res.statusCode === phase.status) return;
              unexpected += 1;
              firstProblem ??= `${res.statusCode}: ${Buffer.concat(chunks).toString().slice(0, 200)}`;
            });
          },
        );
        req.on('error', (err) => {
          inFlight -= 1;
          failed += 1;
          firstProblem ??= err.message;
        });
        req.end(body);
      };
      const paced = await pace(phase, send);
      const until = performance.now() + drainMs;
      while (inFlight > 0 && performance.now() < until) await sleep(2);
      return {
        ...paced,
        answered,
        unexpected,
        failed: failed + inFlight,
        rttP50Us: rtt.p(50),
        rttP99Us: rtt.p(99),
        ...(firstProblem === undefined ? {} : { firstProblem }),
      };
    },
    close: () => agent.destroy(),
  };
}
